"""Who asks, and the services they ask: the bearer token's principal, and a services container
for it whose scope is the token's (nothing in a query, header or body can change it) and whose
caller is the token's actor, checked by the services against the tenant's policy on every
call."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mercato_int.services import Services

if TYPE_CHECKING:
    from mercato_int.services.tokens.service import ApiPrincipal

bearer = HTTPBearer(
    auto_error=False,
    description="A token from `mercato-int tokens create NAME`: its tenant, organization "
    "and actor are the request's.",
)


def base(request: Request) -> Services:
    """The process's own container: the shared store, registry and master keys."""
    return request.app.state.services  # type: ignore[no-any-return]


def principal(request: Request, credentials: HTTPAuthorizationCredentials | None) -> ApiPrincipal:
    """The token's principal; 401 (with `WWW-Authenticate: Bearer`) when the header is
    missing or the token unknown, expired or revoked. Looked up on every request."""
    from mercato_int.errors import Unauthenticated
    from mercato_int.i18n import t

    if credentials is None or not credentials.credentials:
        raise Unauthenticated(t("api.err.no_token"), code="api.err.no_token")
    return base(request).tokens.authenticate(credentials.credentials)


def services(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Security(bearer)
) -> Services:
    """A container for this request: the token's scope and actor; the process's store,
    registry and keys. `action` names the route for the audit trail of a refusal.

    One sync dependency (not `principal` and `services` chained): FastAPI runs each sync
    dependency in its thread pool, and every hop costs more than the token lookup itself."""
    who = principal(request, credentials)
    shared = base(request)
    _fresh_keys(request)
    settings = replace(shared.settings, scope=who.scope, actor=who.actor)
    svc = Services(
        settings,
        registry=shared.registry,
        master_keys=shared.master_keys,
        store=shared.store,
        clock=shared.clock,
    )
    route = request.scope.get("route")
    svc.action = f"api {request.method} {getattr(route, 'path', request.url.path)}"
    return svc


KEYS_FRESH_SECONDS = 30.0


def _fresh_keys(request: Request) -> None:
    """The master keys as they are now: read again every KEYS_FRESH_SECONDS (a `keys rotate`
    on this host), and at once while none was found (another worker or the CLI may have made
    the first one since: a save must not take rows it cannot read for a store without keys)."""
    state = request.app.state
    keys = base(request).master_keys
    now = time.monotonic()
    if now - getattr(state, "keys_read_at", now) > KEYS_FRESH_SECONDS:
        keys.reload()
        state.keys_read_at = now
    elif not hasattr(state, "keys_read_at"):
        state.keys_read_at = now
    try:
        if keys.active() is None:
            keys.reload()
    except Exception:  # an unreadable source: the call that needs a key says so
        return
