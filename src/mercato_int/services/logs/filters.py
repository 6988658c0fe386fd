"""What to read, from what a front end was given: `logs [ID] --level ... --since 2h` on the
command line and `GET /api/integrations/{id}/logs?level=...&since=2h` over HTTP build the same
LogFilter here, with the same errors for the same mistakes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from mercato_int.errors import InvalidInput, msg
from mercato_int.registry import Registry
from mercato_int.services.logs.model import LogFilter
from mercato_int.when import parse_when


def log_filter(
    registry: Registry | Callable[[], Registry],
    *,
    now: datetime,
    integration_id: str | None = None,
    level: str | None = None,
    min_level: str | None = None,
    operation: str | None = None,
    correlation_id: str | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    search: str | None = None,
    names: tuple[str, str] = ("--level", "--min-level"),
) -> LogFilter:
    """The filter of these arguments (`since`/`until` as ISO 8601 or an age before `now`).

    `registry` may be a getter: it is called only for an integration id (discovery imports
    every provider; a tenant-wide `logs` has no use for it). An integration id must be known
    (NotFound names the known ids); a bundle id means the bundle's own entries and its
    integrations'. `names` are how the front end spells `level`
    and `min_level`, for the error that refuses both at once. An unknown level is refused
    when the filter is used (query.conditions)."""
    if level and min_level:
        raise InvalidInput(
            msg("logs.exclusive", first=names[0], second=names[1]), hint=msg("logs.pick_one")
        )
    texts = {
        "operation": operation,
        "correlationId": correlation_id,
        "entityType": entity_type,
        "entityId": entity_id,
        "search": search,
    }
    for name, value in texts.items():
        if (
            value and "\x00" in value
        ):  # Postgres text cannot hold one: a bad filter, not a store failure
            raise InvalidInput(msg("logs.limit.nul", name=name))
    members = None
    if integration_id:
        if callable(registry):
            registry = registry()
        registry.get(integration_id)
        if registry.is_bundle(integration_id):  # the bundle's own entries and its members'
            members = (integration_id, *(m.id for m in registry.members(integration_id)))
    return LogFilter(
        integration_id=None if members else integration_id,
        integration_ids=members,
        level=level,
        min_level=min_level,
        operation=operation,
        correlation_id=correlation_id,
        entity_type=entity_type,
        entity_id=entity_id,
        since=parse_when(since, now) if since else None,
        until=parse_when(until, now) if until else None,
        search=search,
    )
