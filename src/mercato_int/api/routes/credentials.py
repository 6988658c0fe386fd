"""`GET|PUT|DELETE /api/integrations/{id}/credentials`: masked reads, validated and encrypted
writes, compare-and-set with the row's version as ETag."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Response
from pydantic import BaseModel, ConfigDict

from mercato_int.api import views
from mercato_int.api.conditions import if_match
from mercato_int.api.deps import services
from mercato_int.api.errors import documented, etag
from mercato_int.services import Services

router = APIRouter(
    prefix="/api/integrations",
    tags=["credentials"],
    responses=documented(400, 401, 403, 404, 413, 500, 503),
)


@router.get("/{integration_id}/credentials")
def get_credentials(
    integration_id: str, response: Response, svc: Annotated[Services, Depends(services)]
) -> dict[str, Any]:
    """The credentials that apply (own, else the bundle's), every secret masked, as `creds get
    --json`. The ETag is the version of the integration's own row (`"0"`: none yet)."""
    view = svc.credentials.read_masked(integration_id, svc.scope)
    response.headers["ETag"] = etag(view.version)
    return views.credentials(view)


class CredentialsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credentials: dict[str, Any]


@router.put("/{integration_id}/credentials", responses=documented(412))
def put_credentials(
    integration_id: str,
    body: CredentialsBody,
    response: Response,
    svc: Annotated[Services, Depends(services)],
    if_match_header: Annotated[str | None, Header(alias="If-Match")] = None,
) -> dict[str, Any]:
    """Check against the field schema, merge into the stored values (null or "" clears a
    field; a secret sent back as the mask keeps the stored one), encrypt and store. With
    `If-Match`, only if the row is still at that version: 412 and nothing stored otherwise.
    Answers the masked view and the new ETag."""
    result = svc.credentials.save(
        integration_id,
        body.credentials,
        svc.scope,
        actor=svc.actor,
        expected_version=if_match(if_match_header),
    )
    view = svc.credentials.read_masked(result.owner_id, svc.scope)
    response.headers["ETag"] = etag(result.version)
    return views.credentials(view)


@router.delete("/{integration_id}/credentials", status_code=204)
def delete_credentials(
    integration_id: str,
    svc: Annotated[Services, Depends(services)],
    if_match_header: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Response:
    """Remove the stored credentials (hard delete): 204, or 404 when none are stored. With
    `If-Match`, only if the row is still at that version: 412 and nothing removed otherwise."""
    svc.credentials.remove(
        integration_id, svc.scope, actor=svc.actor, if_version=if_match(if_match_header)
    )
    return Response(status_code=204)
