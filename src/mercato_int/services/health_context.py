"""What a provider's health check gets besides its credentials: the `ctx` of `(credentials, ctx)`.

`ctx.scope` is the tenant scope, `ctx.log` a logger scoped to the integration (or bundle) being
checked, `ctx.http` an `httpx.Client` and `ctx.async_http` an `httpx.AsyncClient`, both with the
run's timeout. The clients are shared by all checks of one run (connection pooling, one TLS
setup) and created only when a check first uses them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mercato_int.scope import TenantScope

if TYPE_CHECKING:
    import httpx

    from mercato_int.services.logs import ScopedLogger

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


@dataclass
class HealthContext:
    """The `ctx` argument of a health check."""

    integration_id: str  # the integration or bundle being checked
    integration_ids: tuple[str, ...]  # the integrations whose state receives the result
    scope: TenantScope
    log: ScopedLogger
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
