"""The FastAPI app: `create_app(settings)`, and `from_environment()` for uvicorn's workers
(each builds its own app from the environment `serve` exported)."""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from mercato_int import __version__
from mercato_int.api import errors
from mercato_int.api.middleware import ApiMiddleware
from mercato_int.api.routes import ROUTERS
from mercato_int.settings import Settings

# what `serve` passes its workers beside the settings: {"metrics": bool}
ENV_OPTIONS = "MERCATO_INT_API_OPTIONS"


def create_app(settings: Settings, *, metrics: bool = True) -> FastAPI:
    """The API over the services built from `settings`: one store, registry and key set per
    process, a services container per request for the token's caller and scope."""
    from mercato_int.services import Services

    shared = Services(settings)
    shared.action = "api"
    # opened and checked now, not on a first request: a store that fails stops a worker's
    # start with one line (uvicorn's "Error loading ASGI app factory: ..."), no traceback
    shared.store  # noqa: B018
    shared.registry  # noqa: B018

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            shared.close()

    app = FastAPI(
        title="mercato-int",
        version=__version__,
        description="The integration marketplace of a tenant: registry, state, credentials, "
        "health, operation logs and events. Every `/api` route takes `Authorization: Bearer "
        "TOKEN`; the token's tenant, organization and actor are the request's.",
        lifespan=lifespan,
    )
    app.state.services = shared
    app.state.metrics = metrics
    errors.install(app)
    app.add_middleware(ApiMiddleware, with_metrics=metrics)
    for name in ROUTERS:
        module = importlib.import_module(f"mercato_int.api.routes.{name}")
        app.include_router(module.router)
        if name == "probes" and metrics:
            app.include_router(module.metrics_router)
    _without_422(app)
    return app


def _without_422(app: FastAPI) -> None:
    """The OpenAPI document without FastAPI's 422: a request it cannot validate is 400 here."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    operation.get("responses", {}).pop("422", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def from_environment() -> FastAPI:
    """The app of one worker: settings from the environment and config file (as `serve`
    exported them), options from MERCATO_INT_API_OPTIONS."""
    from mercato_int import i18n, stray_errors

    stray_errors.contain()  # what the server's logging does not take: one line, no traceback
    settings = Settings.load()
    i18n.choose(settings.lang)
    options: dict[str, Any] = json.loads(os.environ.get(ENV_OPTIONS) or "{}")
    return create_app(settings, metrics=bool(options.get("metrics", True)))
