"""Operation logs over HTTP (spec §6.2): `GET /api/integrations/{id}/logs` and `GET /api/logs`
read a page with the filters of `logs` (camelCase names), in the shape of `logs --json`;
`POST /api/integrations/{id}/logs` writes a batch through the same checks and redaction as
`logs write` and `logs ingest`. The scope is the token's; the services check access."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from mercato_int.api.deps import services
from mercato_int.errors import InvalidInput
from mercato_int.i18n import t
from mercato_int.services import Services

router = APIRouter(tags=["logs"])

# A page over HTTP: deep reads page on with `cursor`, not with one huge answer.
MAX_LIMIT = 200


class LogQuery(BaseModel):
    """The filters of `logs`, as query parameters."""

    level: str | None = Field(None, description="Exactly this level: debug, info, warning, error")
    minLevel: str | None = Field(None, description="This level or above")
    operation: str | None = Field(None, description="Exact, or a glob such as sync.import.*")
    correlationId: str | None = None
    entityType: str | None = Field(None, description="e.g. catalog.product")
    entityId: str | None = None
    since: str | None = Field(None, description="ISO 8601 or an age: 90s, 15m, 2h, 7d")
    until: str | None = Field(None, description="ISO 8601 or an age: 90s, 15m, 2h, 7d")
    search: str | None = Field(None, description="Text in the message (any case)")
    limit: int = Field(50, description=f"Page size, 1-{MAX_LIMIT}")
    offset: int = Field(0, description="Skip this many entries (deep pages: use cursor)")
    cursor: str | None = Field(None, description="nextCursor of the previous page")
    count: bool = Field(
        False, description="Count every match (default: exact up to 10,000; totalExact says)"
    )


def _page(svc: Services, integration_id: str | None, q: LogQuery) -> JSONResponse:
    from mercato_int.services.logs.filters import log_filter

    if not 1 <= q.limit <= MAX_LIMIT:
        raise InvalidInput(t("logs.bad_limit", maximum=MAX_LIMIT, limit=q.limit))
    filters = log_filter(
        svc.registry,
        now=svc.clock(),
        integration_id=integration_id,
        level=q.level,
        min_level=q.minLevel,
        operation=q.operation,
        correlation_id=q.correlationId,
        entity_type=q.entityType,
        entity_id=q.entityId,
        since=q.since,
        until=q.until,
        search=q.search,
        names=("level", "minLevel"),
    )
    page = svc.logs.query(
        scope=svc.scope,
        filters=filters,
        limit=q.limit,
        offset=q.offset,
        cursor=q.cursor,
        exact_total=q.count,
    )
    from mercato_int.shapes.logs import LogPageShape

    return JSONResponse(LogPageShape.of(page).document())


@router.get("/api/logs", summary="Log entries of every integration, newest first")
def all_logs(
    q: Annotated[LogQuery, Query()], svc: Annotated[Services, Depends(services)]
) -> JSONResponse:
    return _page(svc, None, q)


@router.get(
    "/api/integrations/{integration_id}/logs",
    summary="Log entries of one integration (a bundle: its own and its integrations')",
)
def integration_logs(
    integration_id: str,
    q: Annotated[LogQuery, Query()],
    svc: Annotated[Services, Depends(services)],
) -> JSONResponse:
    return _page(svc, integration_id, q)


class LogBatch(BaseModel):
    """Entries as `logs --jsonl` prints them: level, operation and message required;
    details, correlationId, entityType, entityId, durationMs, createdAt optional; the
    integration is the URL's. Any other field (a `tenantId` beside them) is 400."""

    model_config = ConfigDict(extra="forbid")

    entries: list[Any]


@router.post(
    "/api/integrations/{integration_id}/logs",
    summary="Write up to 1,000 entries; each bad one is refused alone",
)
def write_logs(
    integration_id: str, body: LogBatch, svc: Annotated[Services, Depends(services)]
) -> JSONResponse:
    from mercato_int.api import metrics

    result = svc.logs.write_batch(integration_id, body.entries, scope=svc.scope)
    metrics.log_entries_written(result.accepted)
    from mercato_int.shapes.logs import BatchResultShape

    return JSONResponse(BatchResultShape.of(result).document())
