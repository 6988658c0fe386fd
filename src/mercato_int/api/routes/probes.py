"""`GET /healthz` (the process answers), `GET /readyz` (the store answers and its schema is
current; 503 if not), both without a token, and `GET /metrics` (Prometheus text; not with
`--no-metrics`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from mercato_int.api import errors, metrics

router = APIRouter(tags=["probes"])
metrics_router = APIRouter(tags=["probes"])


@router.get("/healthz")
def healthz() -> dict[str, Any]:
    """The process is alive (no store access)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "store unreachable or schema behind"}})
def readyz(request: Request) -> Any:
    """The store answers and its schema is this build's: 200, else 503 saying which."""
    from mercato_int.errors import MercatoIntError
    from mercato_int.i18n import t
    from mercato_int.store.engine import current_revision
    from mercato_int.store.revisions import HEAD_REVISION

    store = request.app.state.services.store
    try:
        revision = current_revision(store.engine)
    except MercatoIntError as exc:
        return errors.core_error(exc)
    except Exception as exc:  # a driver error the engine did not turn into a StoreError
        return errors.unexpected(exc, "GET /readyz")
    if revision != HEAD_REVISION:
        message = t("api.err.schema_behind", revision=revision or "-", head=HEAD_REVISION)
        return errors.response(503, "schema_behind", message)
    return JSONResponse({"status": "ready", "schema": revision})


@metrics_router.get("/metrics", response_class=PlainTextResponse)
def prometheus() -> PlainTextResponse:
    """Request counts and latency by route and status, health results by status, log
    entries written: no tenant, actor or secret in any label."""
    return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")
