"""`GET /api/integrations`, `GET /api/integrations/{id}`, `PUT /api/integrations/{id}/state`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from mercato_int.api import views
from mercato_int.api.conditions import if_match
from mercato_int.api.deps import services
from mercato_int.api.errors import documented, etag
from mercato_int.services import Services

router = APIRouter(
    prefix="/api/integrations",
    tags=["integrations"],
    responses=documented(400, 401, 403, 404, 413, 500, 503),
)


@router.get("")
def list_integrations(
    svc: Annotated[Services, Depends(services)],
    category: str | None = None,
    search: str | None = None,
    bundle_id: Annotated[str | None, Query(alias="bundleId")] = None,
    enabled: bool | None = None,
    health_status: Annotated[
        str | None,
        Query(
            alias="healthStatus",
            description="healthy, degraded, unhealthy, unconfigured or unchecked",
        ),
    ] = None,
    sort: Annotated[str | None, Query(description="title, category, health or updated")] = None,
    desc: bool = False,
    analytics: Annotated[
        bool, Query(description="Each item's 30-day log activity, as `list --json` has it")
    ] = False,
) -> JSONResponse:
    """The marketplace in the token's scope (spec §6.1): `{items, bundles, total}`."""
    market = svc.marketplace.overview(
        svc.scope,
        search=search,
        category=category,
        bundle_id=bundle_id,
        enabled=enabled,
        health_status=health_status,
        sort=sort or ("title" if desc else None),
        descending=desc,
        activity=analytics,
    )
    # a JSONResponse of the shape's document: FastAPI would otherwise validate and encode
    # the whole answer once more (jsonable_encoder), for nothing
    return JSONResponse(views.marketplace(market))


@router.get("/{integration_id}")
def get_integration(
    integration_id: str, response: Response, svc: Annotated[Services, Depends(services)]
) -> dict[str, Any]:
    """An integration (definition, state, health) or a bundle with its integrations, as
    `show --json`. An integration's answer carries its state version as ETag."""
    data = views.item(svc, integration_id)
    version = (data.get("state") or {}).get("version")
    if isinstance(version, int):
        response.headers["ETag"] = etag(version)
    return data


class StateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    is_enabled: bool = Field(alias="isEnabled")


@router.put("/{integration_id}/state", responses=documented(412))
def put_state(
    integration_id: str,
    body: StateBody,
    response: Response,
    svc: Annotated[Services, Depends(services)],
    if_match_header: Annotated[str | None, Header(alias="If-Match")] = None,
) -> dict[str, Any]:
    """Enable or disable; a bundle id means all of its integrations, in one transaction.
    `If-Match` (an integration's state ETag) makes the change conditional: 412 if another
    change came first."""
    write = svc.state.enable if body.is_enabled else svc.state.disable
    change = write(
        [integration_id], svc.scope, actor=svc.actor, if_version=if_match(if_match_header)
    )
    if not svc.registry.is_bundle(integration_id) and integration_id in change.versions:
        response.headers["ETag"] = etag(change.versions[integration_id])
    return views.state_change(change)
