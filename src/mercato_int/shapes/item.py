"""`show --json` documents: an integration (its definition, credentials, state, bundle and
recent events) or a bundle (its definition, shared credentials and each member's state)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from mercato_int.shapes.base import ScopeShape, Shape, UtcTime
from mercato_int.shapes.catalog import DefinedShape
from mercato_int.shapes.events import EventShape
from mercato_int.shapes.state import StateShape

if TYPE_CHECKING:
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
