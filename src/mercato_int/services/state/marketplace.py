"""The marketplace view: registry definitions joined with the scope's state (spec §6.1)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mercato_int.errors import InvalidInput, msg
from mercato_int.registry import IntegrationBundle, IntegrationDefinition, Registry
from mercato_int.scope import TenantScope
from mercato_int.services.features import VIEW
from mercato_int.services.policy import Guard, requires
from mercato_int.services.state.reads import (
    HEALTH_FILTERS,
    StateView,
    effective_views,
    read_configured_ids,
    read_credentials_times,
    read_state_rows,
)
from mercato_int.store.engine import Store

if TYPE_CHECKING:
    from mercato_int.services.logs.activity import Activity

SORTS: tuple[str, ...] = ("title", "category", "health", "updated")
# healthy first, as upstream's list sorts; never checked last
HEALTH_RANK = {"healthy": 0, "degraded": 1, "unhealthy": 2, "unconfigured": 3, None: 4}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class MarketItem:
    definition: IntegrationDefinition
    state: StateView
    activity: Activity | None = None  # with `overview(..., activity=True)`

    @property
    def has_credentials(self) -> bool:
        return self.state.has_credentials


@dataclass(frozen=True)
class MarketBundle:
    bundle: IntegrationBundle
    items: list[MarketItem]  # the members that passed the filters
    integration_count: int  # all members
    enabled_count: int  # all enabled members
    has_credentials: bool


@dataclass(frozen=True)
class Marketplace:
    scope: TenantScope
    bundles: list[MarketBundle]
    standalone: list[MarketItem]
    ordered: list[MarketItem] | None = field(default=None, repr=False)  # with a sort

    @property
    def items(self) -> list[MarketItem]:
        if self.ordered is not None:
            return self.ordered
        return [i for b in self.bundles for i in b.items] + self.standalone


def sort_key(sort: str) -> Callable[[MarketItem], tuple[Any, ...]]:
    """The order of `list --sort`: by the key, then by title."""

    def title(i: MarketItem) -> str:
        return i.definition.title.casefold()

    keys: dict[str, Callable[[MarketItem], tuple[Any, ...]]] = {
        "title": lambda i: (title(i), i.definition.id),
        "category": lambda i: (i.definition.category, title(i)),
        "health": lambda i: (HEALTH_RANK.get(i.state.health_status, 4), title(i)),
        "updated": lambda i: (i.state.last_changed_at or _EPOCH, title(i)),
    }
    if sort not in keys:
        raise InvalidInput(msg("list.unknown_sort", sort=sort, known=", ".join(SORTS)))
    return keys[sort]


class MarketplaceService:
    """Read-only: one connection, Core queries only, no ORM (see `reads`)."""

    def __init__(
        self,
        *,
        guard: Guard,
        store: Store,
        registry: Registry,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.guard = guard
        self.store = store
        self.registry = registry
        self.clock = clock or (lambda: datetime.now(UTC))

    @requires(VIEW)
    def configured_ids(self, scope: TenantScope) -> set[str]:
        """Integration and bundle ids that have a credentials row in `scope`."""
        with self.store.connect() as conn:
            return read_configured_ids(conn, scope=scope)

    @requires(VIEW)
    def overview(
        self,
        scope: TenantScope,
        *,
        search: str | None = None,
        category: str | None = None,
        bundle_id: str | None = None,
        enabled: bool | None = None,
        health_status: str | None = None,
        sort: str | None = None,
        descending: bool = False,
        activity: bool = False,
    ) -> Marketplace:
        """Bundles (with their matching members) and standalone integrations, each with its
        state in `scope`, filtered and sorted like `GET /api/integrations`. `health_status`
        is one of HEALTH_FILTERS (`unchecked`: never checked); `sort` one of SORTS; with
        `activity`, each item carries its 30-day log activity (one grouped query)."""
        if health_status is not None and health_status not in HEALTH_FILTERS:
            known = ", ".join(HEALTH_FILTERS)
            raise InvalidInput(msg("list.unknown_health", status=health_status, known=known))
        order = sort_key(sort) if sort else None
        matches = self.registry.search(query=search, category=category, bundle_id=bundle_id)
        with self.store.connect() as conn:
            rows = read_state_rows(conn, scope=scope)
            credentials = read_credentials_times(conn, scope=scope)
            states = effective_views(self.registry, self.registry.integrations, rows, credentials)
            wanted = {
                d.id
                for d in matches
                if (enabled is None or states[d.id].is_enabled == enabled)
                and (
                    health_status is None
                    or (states[d.id].health_status or "unchecked") == health_status
                )
            }
            figures: dict[str, Activity] = {}
            if activity and wanted:
                from mercato_int.services.logs.activity import read_activity

                today = self.clock().astimezone(UTC).date()
                figures = read_activity(conn, scope=scope, integration_ids=wanted, today=today)
        configured = set(credentials)
        selected = [
            MarketItem(definition=d, state=states[d.id], activity=figures.get(d.id))
            for d in matches
            if d.id in wanted
        ]
        if order is not None:
            selected.sort(key=order, reverse=descending)
        bundles: list[MarketBundle] = []
        # with a sort, bundles come in the order of their first item
        rank = {i.definition.id: n for n, i in enumerate(selected)}
        # one pass over the registry and one over the selection, whatever the bundle count
        members = self.registry.members_by_bundle()
        chosen_by_bundle: dict[str, list[MarketItem]] = {}
        for item in selected:
            if item.definition.bundle_id is not None:
                chosen_by_bundle.setdefault(item.definition.bundle_id, []).append(item)
        for b in self.registry.bundles.values():
            chosen = chosen_by_bundle.get(b.id)
            if not chosen:
                continue
            own = members.get(b.id, [])
            bundles.append(
                MarketBundle(
                    bundle=b,
                    items=chosen,
                    integration_count=len(own),
                    enabled_count=sum(states[m.id].is_enabled for m in own),
                    has_credentials=b.id in configured,
                )
            )
        standalone = [
            i
            for i in selected
            if i.definition.bundle_id is None or i.definition.bundle_id not in self.registry.bundles
        ]
        if order is None:
            return Marketplace(scope=scope, bundles=bundles, standalone=standalone)
        bundles.sort(key=lambda g: rank[g.items[0].definition.id])
        return Marketplace(scope=scope, bundles=bundles, standalone=standalone, ordered=selected)
