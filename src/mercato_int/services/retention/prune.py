"""Log retention (spec §3.8) and the `prune` behind cron: each tenant by its own policy (30
days, 90 for errors, unless its settings say otherwise), deleted in short bounded batches so
writers, followers and readers are never held up for long, then the SQLite file is kept in
check (WAL checkpoint, space reclaimed when much was freed)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from mercato_int.scope import TenantScope
from mercato_int.services.features import MANAGE, VIEW
from mercato_int.services.policy import Guard, requires
from mercato_int.services.retention import partitions
from mercato_int.services.retention.settings import TenantSettingsService
from mercato_int.store.engine import SQLITE_BUSY_TIMEOUT_MS, Store
from mercato_int.store.schema import LOGS

ERROR = "error"
TARGET_BATCH_SECONDS = 0.04  # each delete (or vacuum step) holds the write lock this long
PAUSE_SECONDS = 0.03  # and then lets waiting writers in
RECLAIM_BUDGET_SECONDS = 300  # what is left after this is given back by the next prune
MIN_BATCH, MAX_BATCH = 100, 5000
VACUUM_FREE_RATIO = 0.25  # a store with no incremental vacuum is vacuumed past this much free


@dataclass
class TenantPrune:
    scope: TenantScope
    cutoff: datetime
    error_cutoff: datetime
    retention_days: int | None
    error_retention_days: int | None
    by_level: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    @property
    def total(self) -> int:
        return sum(self.by_level.values())


@dataclass
class PruneReport:
    dry_run: bool
    tenants: list[TenantPrune]
    reclaim: dict[str, Any] = field(default_factory=dict)
    reclaim_error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    partitions: list[str] = field(default_factory=list)  # months dropped whole (Postgres)

    @property
    def total(self) -> int:
        return sum(t.total for t in self.tenants)

    @property
    def failed(self) -> bool:
        return self.reclaim_error is not None or any(t.error for t in self.tenants)

    def by_level(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.tenants:
            for level, n in t.by_level.items():
                out[level] = out.get(level, 0) + n
        return dict(sorted(out.items()))


class RetentionService:
    def __init__(
        self,
        *,
        guard: Guard,
        store: Store,
        settings: TenantSettingsService,
        clock: Callable[[], datetime],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.guard = guard
        self.store = store
        self.settings = settings
        self.clock = clock
        self.sleep = sleep

    @requires(VIEW)
    def policy(self, *, scope: TenantScope) -> tuple[int, int]:
        """(retention days, error retention days) of the scope."""
        values = {v.key: v.value for v in self.settings.list(scope=scope)}
        return values["log.retention_days"], values["log.error_retention_days"]

    def all_scopes(self) -> list[TenantScope]:
        """Every tenant with log entries."""
        stmt = sa.select(LOGS.c.organization_id, LOGS.c.tenant_id).distinct()
        with self.store.engine.connect() as conn:
            return [TenantScope(o, t) for o, t in sorted(conn.execute(stmt).all())]

    @requires(MANAGE)
    def prune(
        self,
        *,
        scopes: list[TenantScope] | None,
        dry_run: bool = False,
        older_than: timedelta | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> PruneReport:
        """Delete (or with `dry_run`, count) the expired entries of each scope (None: every
        tenant with entries; the caller needs integrations.manage in every tenant's policy).

        `older_than` replaces every policy with one age for all levels (a one-off cleanup).
        Failures are recorded per tenant and the others still run; `report.failed` says so."""
        now, dropped = self.clock(), None
        if scopes is None:
            scopes = self.all_scopes()
            if not dry_run:  # whole months past every tenant's retention, first
                dropped = partitions.drop_expired(self, now=now, older_than=older_than)
        report = PruneReport(dry_run=dry_run, tenants=[])
        started = time.monotonic()
        for scope in scopes:
            if older_than is not None:
                days = error_days = None
                cutoff = error_cutoff = now - older_than
            else:
                try:
                    days, error_days = self.policy(scope=scope)
                except sa.exc.SQLAlchemyError as exc:
                    report.tenants.append(TenantPrune(scope, now, now, None, None, error=_why(exc)))
                    continue
                cutoff, error_cutoff = now - timedelta(days=days), now - timedelta(days=error_days)
            item = TenantPrune(scope, cutoff, error_cutoff, days, error_days)
            report.tenants.append(item)
            try:
                if dry_run:
                    item.by_level = self._count(scope, cutoff, error_cutoff)
                else:
                    self._delete(item, on_progress)
            except sa.exc.SQLAlchemyError as exc:
                item.error = _why(exc)
        partitions.credit(report, dropped, lambda s: TenantPrune(s, now, now, None, None))
        report.seconds["delete" if not dry_run else "count"] = round(time.monotonic() - started, 3)
        if not dry_run and report.total:
            started = time.monotonic()
            try:
                report.reclaim = self.reclaim()
            except (sa.exc.SQLAlchemyError, sqlite3.Error) as exc:
                report.reclaim_error = _why(exc)
            report.seconds["reclaim"] = round(time.monotonic() - started, 3)
        return report

    # --- counting and deleting -------------------------------------------------------------
    @staticmethod
    def _expired(scope: TenantScope, cutoff: datetime, errors: bool) -> list[Any]:
        return [
            LOGS.c.tenant_id == scope.tenant_id,
            LOGS.c.organization_id == scope.organization_id,
            LOGS.c.created_at < cutoff,
            LOGS.c.level == ERROR if errors else LOGS.c.level != ERROR,
        ]

    def _count(self, scope: TenantScope, cutoff: datetime, error_cutoff: datetime) -> dict:
        counts: dict[str, int] = {}
        with self.store.engine.connect() as conn:
            for errors, when in ((False, cutoff), (True, error_cutoff)):
                stmt = (
                    sa.select(LOGS.c.level, sa.func.count())
                    .where(*self._expired(scope, when, errors))
                    .group_by(LOGS.c.level)
                )
                for level, n in conn.execute(stmt):
                    counts[level] = counts.get(level, 0) + n
        return counts

    def _delete(self, item: TenantPrune, on_progress: Callable[[int], None] | None) -> None:
        """Batches of one DELETE statement each (its own short transaction), sized to take
        about TARGET_BATCH_SECONDS, oldest first, with a pause between them."""
        postgres = self.store.dialect == "postgresql"
        sqlite = self.store.dialect == "sqlite"
        for errors, when in ((False, item.cutoff), (True, item.error_cutoff)):
            batch = min(MAX_BATCH, max(MIN_BATCH, 1000))
            while True:
                ids = (
                    sa.select(LOGS.c.id)
                    .where(*self._expired(item.scope, when, errors))
                    .order_by(LOGS.c.created_at, LOGS.c.id)
                    .limit(batch)
                )
                if postgres:  # two prunes at once skip each other's rows instead of waiting
                    ids = ids.with_for_update(skip_locked=True)
                stmt = (
                    sa.delete(LOGS)
                    .where(LOGS.c.id.in_(ids.scalar_subquery()))
                    .returning(LOGS.c.level)
                )
                started = time.monotonic()
                with self.store.engine.begin() as conn:
                    levels = conn.execute(stmt).scalars().all()
                took = time.monotonic() - started
                if sqlite:
                    self._checkpoint()
                for level in levels:
                    item.by_level[level] = item.by_level.get(level, 0) + 1
                if on_progress and levels:
                    on_progress(len(levels))
                if len(levels) < batch:
                    break
                scale = TARGET_BATCH_SECONDS / max(took, 1e-3)
                batch = int(min(MAX_BATCH, max(MIN_BATCH, batch * min(2.0, max(0.5, scale)))))
                self.sleep(PAUSE_SECONDS)

    # --- keeping the SQLite file in check ---------------------------------------------------
    def _checkpoint(self) -> None:
        """Copy the WAL back into the file now, outside any transaction. Without it, the
        commit that crosses the auto-checkpoint threshold does that work, and that commit is
        as likely to be a writer's as ours."""
        with self.store.engine.connect() as conn:
            _passive_checkpoint(conn.connection.driver_connection)

    def _incremental_vacuum(self, raw: Any, free: int) -> None:
        """Give free pages back in steps sized to hold the write lock about
        TARGET_BATCH_SECONDS each, within RECLAIM_BUDGET_SECONDS."""
        step, deadline = 64, time.monotonic() + RECLAIM_BUDGET_SECONDS
        while free > 0 and time.monotonic() < deadline:
            started = time.monotonic()
            # executescript steps the pragma to the end; execute() frees one page
            raw.executescript(f"PRAGMA incremental_vacuum({step});")
            took = time.monotonic() - started
            _passive_checkpoint(raw)
            scale = min(2.0, max(0.25, TARGET_BATCH_SECONDS / max(took, 1e-3)))
            step = int(min(4000, max(8, step * scale)))
            free = raw.execute("PRAGMA freelist_count").fetchone()[0]
            self.sleep(PAUSE_SECONDS)

    def reclaim(self) -> dict[str, Any]:
        """After a prune: checkpoint the WAL and give freed pages back to the file system.

        Incremental vacuum in short steps when the store has it (new stores do); otherwise a
        one-off VACUUM that also switches the store to incremental, only once a quarter of the
        file is free. Postgres: nothing to do (autovacuum reuses the space)."""
        if self.store.dialect != "sqlite":
            return {}
        out: dict[str, Any] = {"vacuum": None}
        with self.store.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None  # a checked-out connection has its DB-API connection
            mode = raw.execute("PRAGMA auto_vacuum").fetchone()[0]
            pages = raw.execute("PRAGMA page_count").fetchone()[0]
            free = raw.execute("PRAGMA freelist_count").fetchone()[0]
            out.update(pagesBefore=pages, freePages=free)
            if mode == 2 and free:
                self._incremental_vacuum(raw, free)
                out["vacuum"] = "incremental"
            elif mode != 2 and pages and free / pages >= VACUUM_FREE_RATIO:
                raw.commit()
                raw.execute("PRAGMA auto_vacuum=INCREMENTAL")
                raw.execute("VACUUM")
                out["vacuum"] = "full"
            out["pagesAfter"] = raw.execute("PRAGMA page_count").fetchone()[0]
            busy, wal_pages, done = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if not busy and wal_pages == done:
                # TRUNCATE shrinks the WAL file; with a short busy timeout so a reader or a
                # writer in the way makes it give up instead of holding anyone up.
                raw.execute("PRAGMA busy_timeout=50")
                try:
                    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                finally:
                    raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            out["checkpoint"] = True
        return out


def _passive_checkpoint(raw: Any) -> None:
    raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()


def _why(exc: BaseException) -> str:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()
    return reason[0] if reason else type(exc).__name__
