"""The events of the token's scope over HTTP: `GET /api/events?type&since&limit`, oldest
first, in the shape of `events --json` ({items, total})."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from mercato_int.api.deps import services
from mercato_int.errors import InvalidInput
from mercato_int.i18n import t
from mercato_int.services import Services

router = APIRouter(tags=["events"])

MAX_LIMIT = 1000


@router.get("/api/events", summary="The last events of the scope (the audit trail)")
def list_events(
    svc: Annotated[Services, Depends(services)],
    type: Annotated[
        list[str] | None, Query(description="Repeatable; e.g. integration.enabled")
    ] = None,
    since: Annotated[str | None, Query(description="ISO 8601 or an age: 90s, 15m, 2h, 7d")] = None,
    limit: Annotated[int, Query(description="The last N (1-1000)")] = 50,
) -> JSONResponse:
    from mercato_int.i18n.areas.logs import grouped
    from mercato_int.services.events import resolve_type
    from mercato_int.when import parse_when

    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(t("state.events.bad_limit", maximum=grouped(MAX_LIMIT), limit=limit))
    wanted = [resolve_type(name) for name in type or []]
    start = parse_when(since, now=svc.clock()) if since else None
    items, total = svc.events.query(svc.scope, types=wanted, since=start, limit=limit)
    from mercato_int.shapes.events import EventListShape, EventShape

    shape = EventListShape(items=[EventShape.of(e) for e in items], total=total)
    return JSONResponse(shape.document())
