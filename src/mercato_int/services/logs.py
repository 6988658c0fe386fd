"""Operation logs (spec §3): entries written one at a time, through a scoped logger or a
batched writer, with secret keys stripped and secret values masked before they are stored;
read back with filters and pages, or followed as they arrive."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from mercato_int.errors import MercatoIntError, StoreError
from mercato_int.i18n import t
from mercato_int.registry import Registry
from mercato_int.scope import TenantScope
from mercato_int.services import log_query
from mercato_int.services.log_query import LogEntry, LogFilter, LogPage
from mercato_int.services.log_redaction import Redactor
from mercato_int.services.log_writer import LEVELS, LogWriter
from mercato_int.store.engine import Store

__all__ = ["LEVELS", "LogEntry", "LogFilter", "LogPage", "LogService", "ScopedLogger"]

SecretValues = Callable[[str, TenantScope], Iterable[str]]
FOLLOW_WINDOW = timedelta(seconds=15)  # how late a batched entry may be committed and still show


class LogService:
    def __init__(
        self,
        *,
        store: Store,
        registry: Registry,
        clock: Callable[[], datetime],
        secret_values: SecretValues | None = None,
    ) -> None:
        self.store = store
        self.registry = registry
        self.clock = clock
        # (integration id, scope) -> the current secret values of its resolved credentials
        self.secret_values: SecretValues = secret_values or (lambda _i, _s: ())

    # --- writing ------------------------------------------------------------------------
    def redactor(self, integration_id: str, scope: TenantScope) -> Redactor:
        """What to strip and mask for one integration in one tenant (resolves credentials)."""
        keys = self.registry.secret_keys(integration_id)  # NotFound for an unknown id
        return Redactor.build(keys, self.secret_values(integration_id, scope))

    def writer(
        self,
        *,
        batch_size: int = 1000,
        flush_interval: float | None = 1.0,
        on_reject: Callable[[Any, MercatoIntError], None] | None = None,
    ) -> LogWriter:
        """A batched writer (a context manager) for high-volume producers; see LogWriter for
        what happens to an entry the store refuses."""
        return LogWriter(
            self, batch_size=batch_size, flush_interval=flush_interval, on_reject=on_reject
        )

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
        with LogWriter(self, batch_size=1, flush_interval=None) as w:
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

    def scoped(
        self, integration_id: str, correlation_id: str | None, scope: TenantScope
    ) -> ScopedLogger:
        """A logger bound to one integration, correlation id and scope."""
        return ScopedLogger(self, integration_id, correlation_id, scope)

    # --- reading ------------------------------------------------------------------------
    def query(
        self,
        *,
        scope: TenantScope,
        filters: LogFilter | None = None,
        limit: int = 50,
        offset: int = 0,
        cursor: str | None = None,
        with_total: bool = True,
    ) -> LogPage:
        """Entries of one tenant, newest first, with the total and the next page's cursor."""
        with self.store.engine.connect() as conn:
            return log_query.query(
                conn,
                scope,
                filters or LogFilter(),
                limit=limit,
                offset=offset,
                cursor=cursor,
                with_total=with_total,
            )

    def follow(
        self,
        *,
        scope: TenantScope,
        filters: LogFilter | None = None,
        backlog: int = 10,
        poll_seconds: float = 0.5,
        window: timedelta = FOLLOW_WINDOW,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> Iterator[LogEntry]:
        """The last `backlog` entries, then every new one as other processes write it, oldest
        first, until `should_stop()`.

        Polls the (created_at, id) keys of a trailing window rather than "newer than the last
        seen", so an entry a batched writer commits late (stamped before one already shown)
        is still printed, once; a prune running beside it removes only old rows."""
        f = filters or LogFilter()
        seen: dict[str, datetime] = {}
        failures = 0
        with self.store.engine.connect() as conn:
            # What exists now is history, except the backlog. The snapshot comes first: an
            # entry committed between the two reads is then either in the backlog or new.
            for created_at, entry_id in log_query.window_keys(
                conn, scope, f, self.clock() - window
            ):
                seen[entry_id] = created_at
            shown = []
            if backlog > 0:
                shown = log_query.query(conn, scope, f, limit=backlog, with_total=False).items
            conn.rollback()
        for entry in reversed(shown):
            seen[entry.id] = entry.created_at
            yield entry
        while not should_stop():
            time.sleep(poll_seconds)
            since = self.clock() - window
            try:
                with self.store.engine.connect() as conn:
                    keys = log_query.window_keys(conn, scope, f, since)
                    fresh = [i for _, i in keys if i not in seen]
                    entries = log_query.fetch(conn, fresh) if fresh else []
            except sa.exc.OperationalError as exc:
                # a busy or restarting store: try again next poll, give up after a while
                failures += 1
                if failures >= 20:
                    raise StoreError(t("logs.lost_store", reason=exc.orig)) from None
                continue
            failures = 0
            for entry in entries:
                seen[entry.id] = entry.created_at
                yield entry
            for entry_id in [i for i, at in seen.items() if at < since]:
                del seen[entry_id]

    def integrations_in(self, *, scope: TenantScope) -> list[str]:
        """Integration ids that have entries in the scope."""
        t = log_query.T
        stmt = (
            sa.select(t.c.integration_id)
            .where(t.c.tenant_id == scope.tenant_id, t.c.organization_id == scope.organization_id)
            .distinct()
        )
        with self.store.engine.connect() as conn:
            return sorted(conn.execute(stmt).scalars())

    def scopes(self) -> list[TenantScope]:
        """Every (organization, tenant) that has log entries."""
        t = log_query.T
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
