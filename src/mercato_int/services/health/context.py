"""What a provider's health check gets besides its credentials: the `ctx` of `(credentials, ctx)`.

`ctx.scope` is the tenant scope, `ctx.log` a logger scoped to the integration (or bundle) being
checked, `ctx.http` an `httpx.Client` and `ctx.async_http` an `httpx.AsyncClient`, both with the
run's timeout. The clients are shared by all checks of one run (connection pooling, one TLS
setup) and created only when a check first uses them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mercato_int.scope import TenantScope

if TYPE_CHECKING:
    import httpx

    from mercato_int.services.logs.service import ScopedLogger

USER_AGENT = "mercato-int-health"


class HealthClients:
    """The HTTP clients of one health run. Sync checks run in threads, hence the lock."""

    def __init__(self, *, timeout: float, max_connections: int = 32) -> None:
        self.timeout = timeout
        self.max_connections = max_connections
        self._lock = threading.Lock()
        self._sync: httpx.Client | None = None
        self._async: httpx.AsyncClient | None = None

    def _options(self) -> dict[str, Any]:
        import httpx

        return {
            "timeout": httpx.Timeout(self.timeout),
            "limits": httpx.Limits(max_connections=self.max_connections),
            "headers": {"User-Agent": USER_AGENT},
            "follow_redirects": False,
        }

    @property
    def sync(self) -> httpx.Client:
        with self._lock:
            if self._sync is None:
                import httpx

                self._sync = httpx.Client(**self._options())
            return self._sync

    @property
    def async_(self) -> httpx.AsyncClient:
        # Only touched from the event loop's thread: no lock needed.
        if self._async is None:
            import httpx

            self._async = httpx.AsyncClient(**self._options())
        return self._async

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.aclose()
            self._async = None

    def close(self) -> None:
        """Close the sync client; a check still running past its timeout loses its connection."""
        with self._lock:
            if self._sync is not None:
                self._sync.close()
                self._sync = None


class RedactingLogger:
    """`ctx.log`: a scoped logger whose message, details and ids first go through the check's
    redactor, so a secret in any escaped form (repr, JSON, bytes, URL) is masked before the
    log service sees it (which masks the plain values itself)."""

    def __init__(self, logger: ScopedLogger, clean: Callable[[Any], Any]) -> None:
        self._logger = logger
        self._clean = clean

    def __getattr__(self, name: str) -> Any:  # integration_id, scope, correlation_id, ...
        return getattr(self._logger, name)

    def _write(self, level: str, operation: str, message: str, details: Any, kw: Any) -> None:
        clean = self._clean
        kw = {k: clean(v) if isinstance(v, str) else v for k, v in kw.items()}
        write = getattr(self._logger, level)
        write(operation, clean(message), clean(details) if details is not None else None, **kw)

    def debug(self, operation: str, message: str, details: Any = None, **kw: Any) -> None:
        self._write("debug", operation, message, details, kw)

    def info(self, operation: str, message: str, details: Any = None, **kw: Any) -> None:
        self._write("info", operation, message, details, kw)

    def warning(self, operation: str, message: str, details: Any = None, **kw: Any) -> None:
        self._write("warning", operation, message, details, kw)

    def error(self, operation: str, message: str, details: Any = None, **kw: Any) -> None:
        self._write("error", operation, message, details, kw)


@dataclass
class HealthContext:
    """The `ctx` argument of a health check."""

    integration_id: str  # the integration or bundle being checked
    integration_ids: tuple[str, ...]  # the integrations whose state receives the result
    scope: TenantScope
    log: ScopedLogger | RedactingLogger
    timeout: float
    clients: HealthClients = field(repr=False)

    @property
    def http(self) -> httpx.Client:
        """An httpx client with the run's timeout, for sync checks."""
        return self.clients.sync

    @property
    def async_http(self) -> httpx.AsyncClient:
        """An httpx async client with the run's timeout, for async checks."""
        return self.clients.async_
