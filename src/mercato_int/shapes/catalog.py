"""Catalog documents: `list --json` (items with their state and 30-day analytics, bundles).

An item's document starts with its provider definition as the spec's camelCase JSON (the
registry's own pydantic model, optional fields left out when unset); the fields of these
shapes follow it. `show --json` is in `item`, `validate --json` in `validation` (`list`
imports only what it prints)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from pydantic import Field, model_serializer

from mercato_int.shapes.base import Shape, UtcTime

if TYPE_CHECKING:
    from pydantic import BaseModel

    from mercato_int.services.logs.activity import Activity
    from mercato_int.services.state.marketplace import MarketBundle, MarketItem, Marketplace


def definition_document(definition: BaseModel) -> dict[str, Any]:
    """A provider's integration or bundle definition as the spec's JSON: camelCase keys,
    optional fields left out when unset."""
    return definition.model_dump(mode="json", by_alias=True, exclude_none=True)


class DefinedShape(Shape):
    """A document that begins with the keys of a definition (`definition_document`)."""

    definition: dict[str, Any] = Field(exclude=True)

    @model_serializer(mode="wrap")
    def _definition_first(self, handler: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
        return {**self.definition, **handler(self)}


class ActivityShape(Shape):
    """`analytics` of a `list --json` item, with upstream's keys: the last 30 days (UTC) of
    log entries, oldest day first; `errorRate` 0 when there were none."""

    last_activity_at: UtcTime | None
    total_count: int
    error_count: int
    error_rate: int | float
    daily_counts: list[int]

    @classmethod
    def of(cls, obj: Activity) -> Self:
        return cls(
            last_activity_at=obj.last_at,
            total_count=obj.total,
            error_count=obj.errors,
            error_rate=obj.error_rate or 0,
            daily_counts=list(obj.daily),
        )


class MarketItemShape(DefinedShape):
    """One integration of `list --json`: its definition, its state in the scope, and
    `analytics` (only when asked for: `list --json` asks)."""

    is_enabled: bool
    has_credentials: bool
    credentials_updated_at: UtcTime | None
    health_status: str | None
    last_health_check_at: UtcTime | None
    enabled_at: UtcTime | None
    enabled_by: str | None
    analytics: ActivityShape | None = Field(default=None, exclude_if=lambda v: v is None)

    @classmethod
    def of(cls, obj: MarketItem) -> Self:
        state = obj.state
        return cls(
            definition=definition_document(obj.definition),
            is_enabled=state.is_enabled,
            has_credentials=state.has_credentials,
            credentials_updated_at=state.credentials_updated_at,
            health_status=state.health_status,
            last_health_check_at=state.last_health_check_at,
            enabled_at=state.enabled_at,
            enabled_by=state.enabled_by,
            analytics=None if obj.activity is None else ActivityShape.of(obj.activity),
        )


class MarketBundleShape(DefinedShape):
    """One bundle of `list --json`: its definition, member counts (all members), whether its
    shared credentials are set, and the ids of its members that passed the filters."""

    integration_count: int
    enabled_count: int
    has_credentials: bool
    integration_ids: list[str]

    @classmethod
    def of(cls, obj: MarketBundle) -> Self:
        return cls(
            definition=definition_document(obj.bundle),
            integration_count=obj.integration_count,
            enabled_count=obj.enabled_count,
            has_credentials=obj.has_credentials,
            integration_ids=[i.definition.id for i in obj.items],
        )


class MarketplaceShape(Shape):
    """`list --json`: `{items, bundles, total}`."""

    items: list[MarketItemShape]
    bundles: list[MarketBundleShape]
    total: int

    @classmethod
    def of(cls, obj: Marketplace) -> Self:
        items = obj.items
        return cls(
            items=[MarketItemShape.of(i) for i in items],
            bundles=[MarketBundleShape.of(b) for b in obj.bundles],
            total=len(items),
        )
