"""Per-tenant state of integrations: enabled or not, and the last health check (spec §4).

The read side is here (through Core, see state_view.py); enable, disable and health results
are in state_changes.py (mixed in)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from mercato_int.registry import Registry
from mercato_int.scope import TenantScope
from mercato_int.services.state_changes import CredentialsResolver, StateChange, StateWriter
from mercato_int.services.state_view import StateView, read_state_rows
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

    def _default(self, integration_id: str) -> StateView:
        definition = self.registry.integrations.get(integration_id)
        return StateView(
            integration_id=integration_id,
            is_enabled=bool(definition and definition.default_enabled),
        )

    def all_states(self, scope: TenantScope) -> dict[str, StateView]:
        """The effective state of every registered integration in `scope`."""
        with self.store.connect() as conn:
            rows = read_state_rows(conn, scope=scope)
        return {i: rows.get(i) or self._default(i) for i in self.registry.integrations}

    def get(self, integration_id: str, scope: TenantScope) -> StateView:
        """The effective state of one integration in `scope`."""
        self.registry.get_integration(integration_id)
        with self.store.connect() as conn:
            rows = read_state_rows(conn, scope=scope, integration_id=integration_id)
        return rows.get(integration_id) or self._default(integration_id)
