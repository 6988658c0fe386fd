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
from sqlalchemy.dialects.postgresql import ARRAY

from mercato_int.errors import InvalidInput
from mercato_int.scope import TenantScope
from mercato_int.services.features import MANAGE
from mercato_int.services.policy import Guard, requires
from mercato_int.services.retention import partitions, pgwalk, reclaim, walks
from mercato_int.services.retention.settings import SPECS, TenantSettingsService
from mercato_int.store.engine import Store, optimize
from mercato_int.store.schema import LOGS, SETTINGS

# the first key of the (int, int) advisory locks of prune; the second is the tenant's hash
PRUNE_LOCK_CLASS = 0x6D695072  # "miPr"
ERROR = walks.ERROR
POLICY_KEYS = ("log.retention_days", "log.error_retention_days")


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
        with contextlib.ExitStack() as stack:
            policies: dict[TenantScope, tuple[int, int]] = {}
            if older_than is None:
                try:
                    policies = self._policies(scopes)
                except sa.exc.SQLAlchemyError as exc:
                    why = _why(exc)
                    report.tenants += [
                        TenantPrune(sc, now, now, None, None, error=why) for sc in scopes
                    ]
                    scopes = []
            hold = stack.enter_context(tenant_locks(self.store)) if not dry_run else None
            for scope in scopes:
                if older_than is not None:
                    days = error_days = None
                    cutoff = error_cutoff = now - older_than
                else:
                    days, error_days = policies[scope]
                    cutoff = now - timedelta(days=days)
                    error_cutoff = now - timedelta(days=error_days)
                report.tenants.append(TenantPrune(scope, cutoff, error_cutoff, days, error_days))
            items = list(report.tenants[len(report.tenants) - len(scopes) :])
            done = 0
            for unit in self._units(items, dry_run):
                if on_tenant is not None:
                    on_tenant(done, len(items))
                done += len(unit)
                self._run(unit, hold, on_progress)
            if on_tenant is not None:
                on_tenant(len(items), len(items))
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

    # --- policies, counting and deleting ----------------------------------------------------
    def _policies(self, scopes: list[TenantScope]) -> dict[TenantScope, tuple[int, int]]:
        """(retention days, error retention days) of every scope, read at once (the caller
        has integrations.manage in each; settings.list is the one-scope read)."""
        found = {scope: {key: SPECS[key].default for key in POLICY_KEYS} for scope in scopes}
        stmt = sa.select(
            SETTINGS.c.organization_id, SETTINGS.c.tenant_id, SETTINGS.c.key, SETTINGS.c.value
        ).where(SETTINGS.c.key.in_(POLICY_KEYS))
        with self.store.engine.connect() as conn:
            for organization_id, tenant_id, key, value in conn.execute(stmt):
                values = found.get(TenantScope(organization_id, tenant_id))
                if values is not None:
                    with contextlib.suppress(InvalidInput):  # not valid: the default applies
                        values[key] = SPECS[key].parse(value)
        return {scope: (v[POLICY_KEYS[0]], v[POLICY_KEYS[1]]) for scope, v in found.items()}

    @staticmethod
    def _expired(scope: TenantScope, cutoff: datetime, errors: bool) -> list[Any]:
        """The scope's entries before `cutoff`, of the error level or of the others."""
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

    def _units(self, items: list[TenantPrune], dry_run: bool) -> list[list[TenantPrune]]:
        """The tenants deleted together: on Postgres every tenant of one organization with
        the same cutoffs (pgwalk.py); one at a time on SQLite and when counting."""
        if dry_run or self.store.dialect != "postgresql":
            return [[item] for item in items]
        groups: dict[tuple[str, datetime, datetime], list[TenantPrune]] = {}
        for item in items:
            key = (item.scope.organization_id, item.cutoff, item.error_cutoff)
            groups.setdefault(key, []).append(item)
        return list(groups.values())

    def _run(
        self, unit: list[TenantPrune], hold: Any, on_progress: Callable[[int], None] | None
    ) -> None:
        """Count (no `hold`: a dry run) or delete the expired entries of `unit` (walks.py on
        SQLite, pgwalk.py on Postgres), the tenants another prune holds skipped. A failure
        is recorded on each tenant of the unit it stopped."""
        try:
            if hold is None:
                item = unit[0]
                item.by_level = self._count(item.scope, item.cutoff, item.error_cutoff)
                return
            with hold([item.scope for item in unit]) as (held, conn):
                for item in unit:
                    item.skipped = item.scope not in held
                mine = [item for item in unit if not item.skipped]
                if not mine:
                    return
                if self.store.dialect == "sqlite":
                    walks.sqlite_walk(self.store, mine[0], on_progress, self.sleep)
                else:
                    cap = walks.MAX_BATCH * walks.PG_BATCH_FACTOR
                    pgwalk.group_walk(self.store, mine, cap, on_progress, conn)
        except sa.exc.SQLAlchemyError as exc:
            for item in unit:
                if not item.skipped:
                    item.error = _why(exc)

    def reclaim(self) -> dict[str, Any]:
        """After a prune: the SQLite file's WAL checkpointed and free pages given back
        (reclaim.py); nothing on Postgres."""
        return reclaim.reclaim(self.store, self.sleep)


@contextmanager
def tenant_locks(store: Store) -> Iterator[Callable[[list[TenantScope]], Any]]:
    """`hold(scopes)`: a context manager that holds the prune locks of those of `scopes` no
    other prune (on any host) holds while its block runs, and yields (the set of them, the
    connection holding them, which the walk may use between its own transactions).
    Postgres session-level advisory locks, taken and let go in one statement, on one
    connection of their own kept for the whole prune (a lock ends with the session if the
    process dies); other stores have one writer at a time anyway: every scope, no
    connection."""
    if store.dialect != "postgresql":
        yield lambda scopes: contextlib.nullcontext((set(scopes), None))
        return
    with store.engine.connect() as conn:

        def each(fn: str, keys: list[str]) -> list[Any]:
            k = (
                sa.func.unnest(sa.literal(keys, ARRAY(sa.Text())))
                .table_valued("k")
                .render_derived()
            )
            call = getattr(sa.func, fn)(PRUNE_LOCK_CLASS, sa.func.hashtext(k.c.k))
            got = conn.execute(sa.select(k.c.k, call).select_from(k)).all()
            conn.commit()
            return [key for key, ok in got if ok]

        @contextmanager
        def hold(scopes: list[TenantScope]) -> Iterator[tuple[set[TenantScope], Any]]:
            keys = {f"{s.organization_id}\x1f{s.tenant_id}": s for s in scopes}
            got = each("pg_try_advisory_lock", list(keys))
            try:
                yield {keys[key] for key in got}, conn
            finally:
                if got:
                    each("pg_advisory_unlock", got)

        yield hold


@contextmanager
def tenant_lock(store: Store, scope: TenantScope) -> Iterator[bool]:
    """One tenant's prune lock (tenant_locks) on a connection of its own."""
    with tenant_locks(store) as hold, hold([scope]) as (held, _conn):
        yield scope in held


def _why(exc: BaseException) -> str:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()
    return reason[0] if reason else type(exc).__name__
