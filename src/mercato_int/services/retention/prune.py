"""Log retention (spec §3.8) and the `prune` behind cron: each tenant by its own policy (30
days, 90 for errors, unless its settings say otherwise), deleted in short bounded batches so
writers, followers and readers are never held up for long, then the SQLite file is kept in
check (WAL checkpoint, space reclaimed when much was freed)."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from mercato_int.scope import TenantScope
from mercato_int.services.features import MANAGE, VIEW
from mercato_int.services.logs.model import LEVELS
from mercato_int.services.policy import Guard, requires
from mercato_int.services.retention import partitions
from mercato_int.services.retention.settings import TenantSettingsService
from mercato_int.store.engine import SQLITE_BUSY_TIMEOUT_MS, Store, optimize
from mercato_int.store.schema import LOGS

ERROR = "error"
# the first key of the (int, int) advisory locks of prune; the second is the tenant's hash
PRUNE_LOCK_CLASS = 0x6D695072  # "miPr"
TARGET_BATCH_SECONDS = 0.08  # each delete (or vacuum step) holds the write lock this long
PAUSE_SECONDS = 0.03  # and then lets waiting writers in
# Postgres: a delete blocks no writer (MVCC; only the deleted rows are locked), so batches run
# longer, back to back, up to this many times MAX_BATCH rows
PG_TARGET_BATCH_SECONDS, PG_BATCH_FACTOR = 0.5, 40
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
    skipped: bool = False  # another prune holds the tenant (Postgres advisory lock)

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
        on_tenant: Callable[[int, int], None] | None = None,  # (tenants done, tenants)
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
        for scope in _ticking(scopes, on_tenant):
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
                    continue
                with tenant_lock(self.store, scope) as held:
                    if held:
                        self._delete(item, on_progress)
                    else:
                        item.skipped = True
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
        if not dry_run:
            # SQLite's planner statistics, whatever wrote the entries since (a daily prune
            # keeps a store that is only ever written by the API analyzed too); bounded
            with contextlib.suppress(sa.exc.SQLAlchemyError):
                optimize(self.store)
        return report

    # --- counting and deleting -------------------------------------------------------------
    @staticmethod
    def _expired(scope: TenantScope, cutoff: datetime, errors: bool | None) -> list[Any]:
        """The scope's entries before `cutoff`: of the error level, of the others, or
        (errors None) of every level."""
        where = [
            LOGS.c.tenant_id == scope.tenant_id,
            LOGS.c.organization_id == scope.organization_id,
            LOGS.c.created_at < cutoff,
        ]
        if errors is not None:
            where.append(LOGS.c.level == ERROR if errors else LOGS.c.level != ERROR)
        return where

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
        about TARGET_BATCH_SECONDS, with a pause between them: level by level, oldest first,
        each batch continuing after the last (created_at, id) the one before deleted (a
        keyset walk of ix_logs_scope_level_created: no batch re-reads what an earlier one
        deleted or kept). Every run starts from the oldest entry, so an entry written
        back-dated after a run is deleted by the next. Postgres: `_pg_delete`."""
        if self.store.dialect != "sqlite":
            return self._pg_delete(item, on_progress)
        for level in LEVELS:
            when = item.error_cutoff if level == ERROR else item.cutoff
            after: tuple[datetime, Any] | None = None
            batch = min(MAX_BATCH, max(MIN_BATCH, 1000))
            while True:
                started = time.monotonic()
                with self.store.engine.begin() as conn:
                    keys = conn.execute(self._batch(item.scope, level, when, after, batch))
                    found = [(k.created_at, k.id) for k in keys]
                took = time.monotonic() - started
                self._checkpoint()
                if found:
                    item.by_level[level] = item.by_level.get(level, 0) + len(found)
                    if on_progress:
                        on_progress(len(found))
                if len(found) < batch:
                    break
                after = max(found)
                batch = _resized(batch, took, TARGET_BATCH_SECONDS, MAX_BATCH)
                self.sleep(PAUSE_SECONDS)

    def _pg_delete(self, item: TenantPrune, on_progress: Callable[[int], None] | None) -> None:
        """Postgres: one keyset walk of the tenant's ix_logs_scope_created up to the later
        cutoff, every level at once (an entry goes when it is older than its level's cutoff),
        back to back (a delete blocks no writer): the key of the `batch`th entry after the
        last range's end (an index-only read), then one DELETE of the expired entries up to
        it, counted by level. Two prunes never share a tenant (tenant_lock)."""
        c, most = LOGS.c, MAX_BATCH * PG_BATCH_FACTOR
        expired = sa.or_(
            sa.and_(c.level == ERROR, c.created_at < item.error_cutoff),
            sa.and_(c.level != ERROR, c.created_at < item.cutoff),
        )
        span = self._expired(item.scope, max(item.cutoff, item.error_cutoff), None)
        after: tuple[Any, Any] | None = None
        batch = min(most, max(MIN_BATCH, 1000 * PG_BATCH_FACTOR))
        while True:
            where = list(span)
            if after is not None:
                where.append(sa.tuple_(c.created_at, c.id) > sa.tuple_(*self._typed(after)))
            started = time.monotonic()
            with self.store.engine.begin() as conn:
                edge = sa.select(c.created_at, c.id).where(*where).order_by(c.created_at, c.id)
                end = conn.execute(edge.offset(batch - 1).limit(1)).first()
                if end is not None:  # else: the rest of the span
                    where.append(sa.tuple_(c.created_at, c.id) <= sa.tuple_(*self._typed(end)))
                gone = sa.delete(LOGS).where(*where, expired).returning(c.level).cte("gone")
                by_level = sa.select(gone.c.level, sa.func.count()).group_by(gone.c.level)
                counts: dict[str, int] = {lvl: n for lvl, n in conn.execute(by_level)}
            for level, n in counts.items():
                item.by_level[level] = item.by_level.get(level, 0) + n
            if counts and on_progress:
                on_progress(sum(counts.values()))
            if end is None:
                break
            after = (end[0], end[1])
            batch = _resized(batch, time.monotonic() - started, PG_TARGET_BATCH_SECONDS, most)

    def _batch(
        self,
        scope: TenantScope,
        level: str,
        cutoff: datetime,
        after: tuple[datetime, Any] | None,
        size: int,
    ) -> Any:
        """DELETE the next `size` expired entries of one level after `after`, RETURNING
        their (created_at, id)."""
        c = LOGS.c
        where = [*self._expired(scope, cutoff, None), c.level == level]
        if after is not None:
            where.append(sa.tuple_(c.created_at, c.id) > sa.tuple_(*self._typed(after)))
        keys = sa.select(c.seq).where(*where).order_by(c.created_at, c.id).limit(size)
        return (
            sa.delete(LOGS).where(c.seq.in_(keys.scalar_subquery())).returning(c.created_at, c.id)
        )

    @staticmethod
    def _typed(key: tuple[Any, ...]) -> tuple[Any, Any]:
        return sa.literal(key[0], LOGS.c.created_at.type), sa.literal(key[1], LOGS.c.id.type)

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


@contextmanager
def tenant_lock(store: Store, scope: TenantScope) -> Iterator[bool]:
    """Hold the tenant's prune lock while the block runs: True if this process has it, False
    if another prune (on any host) holds it. A Postgres session-level advisory lock, on a
    connection of its own (the lock ends with the session if the process dies); other
    stores have one writer at a time anyway: always True."""
    if store.dialect != "postgresql":
        yield True
        return
    key = sa.func.hashtext(f"{scope.organization_id}\x1f{scope.tenant_id}")
    with store.engine.connect() as conn:
        held = conn.execute(sa.select(sa.func.pg_try_advisory_lock(PRUNE_LOCK_CLASS, key)))
        got = bool(held.scalar_one())
        conn.commit()
        try:
            yield got
        finally:
            if got:
                conn.execute(sa.select(sa.func.pg_advisory_unlock(PRUNE_LOCK_CLASS, key)))
                conn.commit()


def _resized(batch: int, took: float, target: float, most: int) -> int:
    """The next batch's size: scaled toward `target` seconds (at most doubled or halved)."""
    scale = min(2.0, max(0.5, target / max(took, 1e-3)))
    return int(min(most, max(MIN_BATCH, batch * scale)))


def _passive_checkpoint(raw: Any) -> None:
    raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()


def _why(exc: BaseException) -> str:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()
    return reason[0] if reason else type(exc).__name__


def _ticking(scopes: list[TenantScope], tick: Callable[[int, int], None] | None) -> Any:
    """`scopes`, calling `tick(done, total)` before each one and after the last."""
    for done, scope in enumerate(scopes):
        if tick is not None:
            tick(done, len(scopes))
        yield scope
    if tick is not None:
        tick(len(scopes), len(scopes))
