"""Per-tenant state of integrations: enabled or not, and the last health check (spec §4).

The read side is here (through Core, see reads.py); enable, disable and health results
are in state_changes.py (mixed in)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from mercato_int.registry import Registry
from mercato_int.scope import TenantScope
from mercato_int.services.state.changes import CredentialsResolver, StateChange, StateWriter
from mercato_int.services.state.reads import (
    StateView,
    effective_views,
    read_credentials_times,
    read_state_rows,
)
from mercato_int.store.engine import Store

if TYPE_CHECKING:
    from mercato_int.services.events import EventsService

__all__ = ["CredentialsResolver", "StateChange", "StateService", "StateView"]


class StateService(StateWriter):
    def __init__(
        self,
        *,
        store: Store,
        registry: Registry,
        clock: Callable[[], datetime],
        events: EventsService | None = None,
        credentials: Callable[[], CredentialsResolver] | None = None,
    ) -> None:
        self.store = store
        self.registry = registry
        self.clock = clock
        self.events = events
        # A getter: reading credentials needs the master key, which only `enable` pays for.
        self._credentials = credentials

    def all_states(self, scope: TenantScope) -> dict[str, StateView]:
        """The effective state of every registered integration in `scope`."""
        with self.store.connect() as conn:
            rows = read_state_rows(conn, scope=scope)
            credentials = read_credentials_times(conn, scope=scope)
        return effective_views(self.registry, self.registry.integrations, rows, credentials)

    def get(self, integration_id: str, scope: TenantScope) -> StateView:
        """The effective state of one integration in `scope`."""
        self.registry.get_integration(integration_id)
        with self.store.connect() as conn:
            rows = read_state_rows(conn, scope=scope, integration_id=integration_id)
            credentials = read_credentials_times(conn, scope=scope)
        return effective_views(self.registry, [integration_id], rows, credentials)[integration_id]

    def credentials_times(self, scope: TenantScope) -> dict[str, datetime]:
        """When each credentials row of `scope` was last saved, by integration or bundle id."""
        with self.store.connect() as conn:
            return read_credentials_times(conn, scope=scope)
