"""The marketplace view: registry definitions joined with the scope's state (spec §6.1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mercato_int.registry import IntegrationBundle, IntegrationDefinition, Registry
from mercato_int.scope import TenantScope
from mercato_int.services.state_view import StateView, read_configured_ids, read_state_rows
from mercato_int.store.engine import Store


@dataclass(frozen=True)
class MarketItem:
    definition: IntegrationDefinition
    state: StateView
    has_credentials: bool

    def to_json(self) -> dict[str, Any]:
        state = self.state.to_json()
        return {
            **self.definition.to_json(),
            "isEnabled": state["isEnabled"],
            "hasCredentials": self.has_credentials,
            "healthStatus": state["healthStatus"],
            "lastHealthCheckAt": state["lastHealthCheckAt"],
            "enabledAt": state["enabledAt"],
            "enabledBy": state["enabledBy"],
        }


@dataclass(frozen=True)
class MarketBundle:
    bundle: IntegrationBundle
    items: list[MarketItem]  # the members that passed the filters
    integration_count: int  # all members
    enabled_count: int  # all enabled members
    has_credentials: bool

    def to_json(self) -> dict[str, Any]:
        return {
            **self.bundle.to_json(),
            "integrationCount": self.integration_count,
            "enabledCount": self.enabled_count,
            "hasCredentials": self.has_credentials,
            "integrationIds": [i.definition.id for i in self.items],
        }


@dataclass(frozen=True)
class Marketplace:
    scope: TenantScope
    bundles: list[MarketBundle]
    standalone: list[MarketItem]

    @property
    def items(self) -> list[MarketItem]:
        return [i for b in self.bundles for i in b.items] + self.standalone

    def to_json(self) -> dict[str, Any]:
        items = self.items
        return {
            "items": [i.to_json() for i in items],
            "bundles": [b.to_json() for b in self.bundles],
            "total": len(items),
        }


class MarketplaceService:
    """Read-only: one connection, two Core queries, no ORM (see `state_view`)."""

    def __init__(self, *, store: Store, registry: Registry) -> None:
        self.store = store
        self.registry = registry

    def configured_ids(self, scope: TenantScope) -> set[str]:
        """Integration and bundle ids that have a credentials row in `scope`."""
        with self.store.connect() as conn:
            return read_configured_ids(conn, scope=scope)

    def _effective(self, rows: dict[str, StateView]) -> dict[str, StateView]:
        # an integration with no state row has its definition's default
        return {
            i: rows.get(i) or StateView(integration_id=i, is_enabled=d.default_enabled)
            for i, d in self.registry.integrations.items()
        }

    def overview(
        self,
        scope: TenantScope,
        *,
        search: str | None = None,
        category: str | None = None,
        bundle_id: str | None = None,
        enabled: bool | None = None,
    ) -> Marketplace:
        """Bundles (with their matching members) and standalone integrations, each with its
        state in `scope`, filtered like `GET /api/integrations`."""
        with self.store.connect() as conn:
            rows = read_state_rows(conn, scope=scope)
            configured = read_configured_ids(conn, scope=scope)
        states = self._effective(rows)
        matches = self.registry.search(query=search, category=category, bundle_id=bundle_id)

        def item(d: IntegrationDefinition) -> MarketItem:
            has = d.id in configured or (d.bundle_id is not None and d.bundle_id in configured)
            return MarketItem(definition=d, state=states[d.id], has_credentials=has)

        selected = [
            item(d) for d in matches if enabled is None or states[d.id].is_enabled == enabled
        ]
        bundles: list[MarketBundle] = []
        for b in self.registry.bundles.values():
            members = self.registry.members(b.id)
            chosen = [i for i in selected if i.definition.bundle_id == b.id]
            if not chosen:
                continue
            bundles.append(
                MarketBundle(
                    bundle=b,
                    items=chosen,
                    integration_count=len(members),
                    enabled_count=sum(states[m.id].is_enabled for m in members),
                    has_credentials=b.id in configured,
                )
            )
        standalone = [
            i
            for i in selected
            if i.definition.bundle_id is None or i.definition.bundle_id not in self.registry.bundles
        ]
        return Marketplace(scope=scope, bundles=bundles, standalone=standalone)
