"""Event documents: one lifecycle or audit event (`events --json` items, `--follow --json`
lines, `show --json`'s `recentEvents`, `enable --json`'s `events`) and a list of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from mercato_int.shapes.base import Shape, UtcTime, scope_fields

if TYPE_CHECKING:
    from mercato_int.services.events import Event


class EventShape(Shape):
    """One event of the outbox (the audit trail)."""

    id: str
    type: str
    subject_id: str | None
    organization_id: str
    tenant_id: str
    actor: str | None
    payload: dict[str, Any]
    created_at: UtcTime

    @classmethod
    def of(cls, obj: Event) -> Self:
        return cls(
            id=obj.id,
            type=obj.type,
            subject_id=obj.subject_id,
            **scope_fields(obj.scope),
            actor=obj.actor,
            payload=obj.payload,
            created_at=obj.created_at,
        )


class EventListShape(Shape):
    """`events --json`: `{items, total}` (total: all that match, not only those shown)."""

    items: list[EventShape]
    total: int
