"""Per-tenant state of integrations: enabled or not, and the last health check (spec §4)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from mercato_int.registry import Registry
from mercato_int.scope import TenantScope
from mercato_int.services.state_changes import CredentialsResolver, StateChange, StateWriter
from mercato_int.store.engine import Store
from mercato_int.store.tables import IntegrationState

if TYPE_CHECKING:
    from mercato_int.services.events import EventsService

__all__ = ["StateChange", "StateService", "StateView"]


@dataclass(frozen=True)
class StateView:
    """The effective state of one integration in one scope (defaults when no row exists)."""

    integration_id: str
    is_enabled: bool
    enabled_at: datetime | None = None
    enabled_by: str | None = None
    last_health_check: dict[str, Any] | None = None
    last_health_check_at: datetime | None = None

    @property
    def health_status(self) -> str | None:
        return (self.last_health_check or {}).get("status")

    def to_json(self) -> dict[str, Any]:
        return {
            "isEnabled": self.is_enabled,
            "enabledAt": _iso(self.enabled_at),
            "enabledBy": self.enabled_by,
            "healthStatus": self.health_status,
            "lastHealthCheck": self.last_health_check,
            "lastHealthCheckAt": _iso(self.last_health_check_at),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


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

    def _view(self, integration_id: str, row: IntegrationState | None) -> StateView:
        if row is None:
            definition = self.registry.integrations.get(integration_id)
            return StateView(
                integration_id=integration_id,
                is_enabled=bool(definition and definition.default_enabled),
            )
        return StateView(
            integration_id=integration_id,
            is_enabled=row.is_enabled,
            enabled_at=row.enabled_at,
            enabled_by=row.enabled_by,
            last_health_check=row.last_health_check,
            last_health_check_at=row.last_health_check_at,
        )

    def all_states(self, scope: TenantScope) -> dict[str, StateView]:
        """The effective state of every registered integration in `scope`."""
        with self.store.session() as session:
            rows = session.exec(
                select(IntegrationState).where(
                    IntegrationState.organization_id == scope.organization_id,
                    IntegrationState.tenant_id == scope.tenant_id,
                )
            ).all()
        by_id = {r.integration_id: r for r in rows}
        return {i: self._view(i, by_id.get(i)) for i in self.registry.integrations}

    def get(self, integration_id: str, scope: TenantScope) -> StateView:
        """The effective state of one integration in `scope`."""
        self.registry.get_integration(integration_id)
        with self.store.session() as session:
            row = session.exec(
                select(IntegrationState).where(
                    IntegrationState.integration_id == integration_id,
                    IntegrationState.organization_id == scope.organization_id,
                    IntegrationState.tenant_id == scope.tenant_id,
                )
            ).first()
        return self._view(integration_id, row)
