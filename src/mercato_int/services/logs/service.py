"""Operation logs (spec §3): entries written one at a time, through a scoped logger or a
batched writer, with secret keys stripped and secret values masked before they are stored;
read back with filters and pages, or followed as they arrive."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mercato_int.errors import MercatoIntError
from mercato_int.registry import Registry
from mercato_int.scope import TenantScope
from mercato_int.services.features import MANAGE, VIEW
from mercato_int.services.logs import query as log_query
from mercato_int.services.logs.model import LEVELS, LogEntry, LogFilter, LogPage
from mercato_int.services.logs.redaction import Redactor
from mercato_int.services.logs.writer import LogWriter
from mercato_int.services.policy import Guard, requires
from mercato_int.store.engine import Store
from mercato_int.store.schema import LOGS

__all__ = ["LEVELS", "LogEntry", "LogFilter", "LogPage", "LogService", "ScopedLogger"]

SecretValues = Callable[[str, TenantScope], Iterable[str]]


if TYPE_CHECKING:
    from mercato_int.services.events import EventsService
    from mercato_int.services.logs.audit import AuditReport
    from mercato_int.services.logs.ingest import BatchResult
    from mercato_int.services.logs.scrub import ScrubReport


class LogService:
    def __init__(
        self,
        *,
        guard: Guard,
        store: Store,
        registry: Registry | Callable[[], Registry],
        clock: Callable[[], datetime],
        secret_values: SecretValues | None = None,
        events: Callable[[], EventsService] | None = None,
        fleet_secret_values: Callable[[list[TenantScope]], SecretValues] | None = None,
    ) -> None:
        self.guard = guard
        self.store = store
        # a getter: reading logs never needs the registry (discovery imports every provider)
        self._registry = registry
        self.clock = clock
        # (integration id, scope) -> the current secret values of its resolved credentials
        self.secret_values: SecretValues = secret_values or (lambda _i, _s: ())
        self._events = events  # only `scrub` records events
        # the secret values of many tenants, each credentials row read in one query and
        # decrypted once (`audit --all-tenants`); `secret_values` per call without it
        self.fleet_secret_values = fleet_secret_values or (lambda _scopes: self.secret_values)

    @property
    def registry(self) -> Registry:
        if callable(self._registry):
            self._registry = self._registry()
        return self._registry

    # --- writing ------------------------------------------------------------------------
    @requires(MANAGE)
    def redactor(self, integration_id: str, scope: TenantScope) -> Redactor:
        """What to strip and mask for one integration in one tenant (resolves credentials)."""
        return self._redactor(integration_id, scope)

    def _writer_redactor(self, integration_id: str, scope: TenantScope) -> Redactor:
        """The writer resolves one per (integration, scope) it is given, in the writing
        thread: the caller needs integrations.manage there (unless a checked call writes)."""
        self.guard.require(MANAGE, scope, integration_id)
        return self._redactor(integration_id, scope)

    def _redactor(self, integration_id: str, scope: TenantScope) -> Redactor:
        keys = self.registry.secret_keys(integration_id)  # NotFound for an unknown id
        return Redactor.build(keys, self.secret_values(integration_id, scope))

    def writer(
        self,
        *,
        batch_size: int = 1000,
        flush_interval: float | None = 1.0,
        on_reject: Callable[[Any, MercatoIntError], None] | None = None,
        secret_values: SecretValues | None = None,
    ) -> LogWriter:
        """A batched writer (a context manager) for high-volume producers; see LogWriter for
        what happens to an entry the store refuses. `secret_values`: the current secret values
        of (integration, scope) when the caller has them already (a health run decrypted them
        to run its checks), instead of resolving the credentials again."""
        redactor = self._writer_redactor
        if secret_values is not None:
            known = secret_values

            def redactor(integration_id: str, scope: TenantScope) -> Redactor:
                self.guard.require(MANAGE, scope, integration_id)
                keys = self.registry.secret_keys(integration_id)
                return Redactor.build(keys, known(integration_id, scope))

        return LogWriter(
            self.store.engine,
            redactor=redactor,
            clock=self.clock,
            batch_size=batch_size,
            flush_interval=flush_interval,
            on_reject=on_reject,
        )

    @requires(MANAGE)
    def log(
        self,
        *,
        integration_id: str,
        level: str,
        operation: str,
        message: str,
        scope: TenantScope,
        details: dict[str, Any] | None = None,
        correlation_id: str | None = None,
        entity_type: str | None = None,
        entity_id: str | None = None,
        duration_ms: int | None = None,
        created_at: datetime | None = None,
    ) -> None:
        """Write one entry now (redacted with the credentials as they are at this moment)."""
        with self.writer(batch_size=1, flush_interval=None) as w:
            w.write(
                integration_id=integration_id,
                level=level,
                operation=operation,
                message=message,
                scope=scope,
                details=details,
                correlation_id=correlation_id,
                entity_type=entity_type,
                entity_id=entity_id,
                duration_ms=duration_ms,
                created_at=created_at,
            )

    @requires(MANAGE)
    def write_batch(
        self,
        integration_id: str,
        entries: list[Any],
        *,
        scope: TenantScope,
        now: datetime | None = None,
    ) -> BatchResult:
        """Write up to 1,000 entries of one integration (parsed JSON objects, camelCase as
        `logs --jsonl` prints them) in one transaction, each checked and redacted as `log`
        does; each bad one is refused alone with its index and why (see ingest.write_entries).
        One checked call: writing needs integrations.manage, not the credentials' feature
        (their secrets are read to mask them, never handed out)."""
        from mercato_int.services.logs.ingest import write_entries

        return write_entries(self, integration_id, entries, scope, now=now or self.clock())

    @requires(MANAGE)
    def scoped(
        self, integration_id: str, correlation_id: str | None, scope: TenantScope
    ) -> ScopedLogger:
        """A logger bound to one integration, correlation id and scope."""
        return ScopedLogger(self, integration_id, correlation_id, scope)

    # --- reading ------------------------------------------------------------------------
    @requires(VIEW)
    def query(
        self,
        *,
        scope: TenantScope,
        filters: LogFilter | None = None,
        limit: int = 50,
        offset: int = 0,
        cursor: str | None = None,
        with_total: bool = True,
        exact_total: bool = True,
    ) -> LogPage:
        """Entries of one tenant, newest first, with the total and the next page's cursor
        (without `exact_total`: exact up to query.TOTAL_CAP, `page.total_exact` says)."""
        with self.store.engine.connect() as conn:
            return log_query.query(
                conn,
                scope,
                filters or LogFilter(),
                limit=limit,
                offset=offset,
                cursor=cursor,
                with_total=with_total,
                exact_total=exact_total,
            )

    @requires(VIEW)
    def follow(
        self,
        *,
        scope: TenantScope,
        filters: LogFilter | None = None,
        backlog: int = 10,
        poll_seconds: float | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> Iterator[LogEntry]:
        """The last `backlog` entries (newest by createdAt, printed oldest first), then every
        entry other processes write from now on, in insertion order, whatever createdAt it
        carries (`logs ingest` of old entries), until `should_stop()`. `poll_seconds`: the
        longest wait between reads (default: 0.5 s on SQLite; on Postgres a writer's
        notification wakes it, with a read every 10 s in case one is lost)."""
        from mercato_int.services.follow import follow

        f = filters or LogFilter()

        def last_entries(conn: sa.Connection) -> list[LogEntry]:
            if backlog <= 0:
                return []
            page = log_query.query(conn, scope, f, limit=backlog, with_total=False)
            return page.items[::-1]

        yield from follow(
            self.store,
            LOGS,
            # no FTS lookup: each poll reads a short range of seq, where testing the text is
            # cheap (the FTS would list every match in the store, at every poll)
            log_query.conditions(scope, f),
            convert=LogEntry.from_row,
            backlog=last_entries,
            poll_seconds=poll_seconds,
            should_stop=should_stop,
        )

    @requires(MANAGE)
    def audit(
        self,
        *,
        scopes: list[TenantScope] | None,
        progress: Callable[[int, int], None] | None = None,
    ) -> AuditReport:
        """Every entry of `scopes` (None: of every tenant) checked against its integration's
        current secrets; `progress(tenants done, tenants)` after each tenant."""
        from mercato_int.services.logs.audit import audit

        return audit(self, self.scopes() if scopes is None else scopes, progress=progress)

    @requires(MANAGE)
    def scrub(
        self,
        *,
        scopes: list[TenantScope] | None,
        actor: str,
        dry_run: bool = False,
        batch: int | None = None,
    ) -> ScrubReport:
        """Rewrite the entries of `scopes` (None: of every tenant) that hold a current secret
        value, masked; batched, each batch with its audit event (counts only)."""
        from mercato_int.services.logs.scrub import BATCH, scrub

        if self._events is None:  # pragma: no cover - the container always passes it
            raise RuntimeError("LogService.scrub needs the events service")
        return scrub(
            self,
            self.scopes() if scopes is None else scopes,
            redactor=self._redactor,
            events=self._events(),
            actor=actor,
            dry_run=dry_run,
            batch=batch or BATCH,
        )

    @requires(VIEW)
    def integrations_in(self, *, scope: TenantScope) -> list[str]:
        """Integration ids that have entries in the scope."""
        t = LOGS
        stmt = (
            sa.select(t.c.integration_id)
            .where(t.c.tenant_id == scope.tenant_id, t.c.organization_id == scope.organization_id)
            .distinct()
        )
        with self.store.engine.connect() as conn:
            return sorted(conn.execute(stmt).scalars())

    def scopes(self) -> list[TenantScope]:
        """Every (organization, tenant) that has log entries."""
        t = LOGS
        stmt = sa.select(t.c.organization_id, t.c.tenant_id).distinct()
        with self.store.engine.connect() as conn:
            return [TenantScope(o, te) for o, te in sorted(conn.execute(stmt).all())]


class ScopedLogger:
    """Writes entries for one integration, correlation id and scope (spec §3.4)."""

    def __init__(
        self,
        service: LogService,
        integration_id: str,
        correlation_id: str | None,
        scope: TenantScope,
    ) -> None:
        self.service = service
        self.integration_id = integration_id
        self.correlation_id = correlation_id
        self.scope = scope

    def _write(self, level: str, operation: str, message: str, **kw: Any) -> None:
        self.service.log(
            integration_id=self.integration_id,
            level=level,
            operation=operation,
            message=message,
            scope=self.scope,
            correlation_id=self.correlation_id,
            **kw,
        )

    def info(
        self, operation: str, message: str, details: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        self._write("info", operation, message, details=details, **kw)

    def warning(
        self, operation: str, message: str, details: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        self._write("warning", operation, message, details=details, **kw)

    def error(
        self, operation: str, message: str, details: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        self._write("error", operation, message, details=details, **kw)

    def debug(
        self, operation: str, message: str, details: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        self._write("debug", operation, message, details=details, **kw)
