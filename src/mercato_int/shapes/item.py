"""`show --json` documents: an integration (its definition, credentials, state, bundle and
recent events) or a bundle (its definition, shared credentials and each member's state)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from mercato_int.shapes.base import ScopeShape, Shape, UtcTime
from mercato_int.shapes.catalog import DefinedShape
from mercato_int.shapes.events import EventShape
from mercato_int.shapes.state import StateShape

if TYPE_CHECKING:
    from mercato_int.services import Services
    from mercato_int.services.events import Event
    from mercato_int.services.state.reads import StateView


class _Member(Shape):
    id: str
    title: str
    category: str


class MemberStateShape(StateShape, _Member):
    """A member of a bundle in `show --json`: `{id, title, category}` and its state."""

    @classmethod
    def of_member(cls, definition: Any, state: StateView) -> Self:
        return cls(
            id=definition.id,
            title=definition.title,
            category=definition.category,
            **StateShape.of(state).__dict__,
        )


class ShowIntegrationShape(DefinedShape):
    """`show --json` of an integration: its definition, `kind: integration`, the scope, its
    credentials, its state, its bundle's definition (null: standalone) and recent events."""

    kind: str = "integration"
    scope: ScopeShape
    has_credentials: bool
    credentials_updated_at: UtcTime | None
    state: StateShape
    bundle: dict[str, Any] | None
    recent_events: list[EventShape]


class ShowBundleShape(DefinedShape):
    """`show --json` of a bundle: its definition, `kind: bundle`, the scope, its shared
    credentials, each member's state and recent events."""

    kind: str = "bundle"
    scope: ScopeShape
    has_credentials: bool
    credentials_updated_at: UtcTime | None
    integrations: list[MemberStateShape]
    recent_events: list[EventShape]


def show_shape(
    svc: Services, item_id: str, events: list[Event]
) -> ShowBundleShape | ShowIntegrationShape:
    """`show --json` (and `GET /api/integrations/{id}`) for an integration or a bundle in the
    services' scope, with `events` as its last changes."""
    from mercato_int.shapes.catalog import definition_document

    registry = svc.registry
    item = registry.get(item_id)
    scope = svc.scope
    recent = [EventShape.of(e) for e in events]
    if registry.is_bundle(item_id):
        members = registry.members(item_id)
        states = svc.state.all_states(scope)
        saved = svc.state.credentials_times(scope).get(item_id)
        return ShowBundleShape(
            definition=definition_document(item),
            scope=ScopeShape.of(scope),
            has_credentials=saved is not None,
            credentials_updated_at=saved,
            integrations=[MemberStateShape.of_member(m, states[m.id]) for m in members],
            recent_events=recent,
        )
    state = svc.state.get(item_id, scope)
    bundle = registry.bundle_of(item_id)
    return ShowIntegrationShape(
        definition=definition_document(item),
        scope=ScopeShape.of(scope),
        has_credentials=state.has_credentials,
        credentials_updated_at=state.credentials_updated_at,
        state=StateShape.of(state),
        bundle=definition_document(bundle) if bundle else None,
        recent_events=recent,
    )
