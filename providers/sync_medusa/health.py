"""MedusaJS v2 health check: `GET {medusaApiUrl}/health`, then `GET /admin/stores?fields=id
&limit=1` with the secret API key as HTTP Basic `base64(key + ":")`, as Medusa's JS SDK sends it.

Why this endpoint: with a secret API key the request's actor is the key (`apk_…`), not a user,
so `GET /admin/users/me` answers 404 for a valid key (seen on a real Medusa 2.21.2 server, see
scripts/medusa_real_check.sh); every store has one store, and reading it changes nothing. v1's
`x-medusa-access-token` header is not sent: v2 ignores it (401 when it is the only credential).

A sync check on `ctx.http` (the run's pooled client, in the health service's worker threads),
like the Stripe and DHL checks: measured on a fleet run (benchmarks/health_fleet.py), httpx's
AsyncClient costs several times a sync Client shared by threads for the same calls on a local
network. Async checks (`async def`, `ctx.async_http`) still work the same."""

from __future__ import annotations

import base64
from typing import Any

ADMIN_PROBE = "/admin/stores"
ADMIN_QUERY = {"fields": "id", "limit": "1"}


def medusa_health_check(credentials: dict[str, Any], ctx: Any) -> dict[str, Any]:
    base = str(credentials.get("medusaApiUrl") or "").rstrip("/")
    api_key = credentials.get("medusaApiKey")
    if not base:
        return {"status": "unhealthy", "message": "medusaApiUrl is not set"}
    health = ctx.http.get(f"{base}/health")
    if health.status_code != 200:
        return _answer("Medusa /health", health, health_probe=True)
    if not api_key:
        return {"status": "unhealthy", "message": "medusaApiKey is not set"}
    admin = ctx.http.get(
        f"{base}{ADMIN_PROBE}",
        params=ADMIN_QUERY,
        headers={"Authorization": f"Basic {_basic(str(api_key))}"},
    )
    if admin.status_code == 200:
        return {
            "status": "healthy",
            "message": "Medusa reachable and the API key is accepted",
            "details": {"httpStatus": 200, "endpoint": ADMIN_PROBE},
        }
    return _answer(f"Medusa {ADMIN_PROBE}", admin, health_probe=False)


def _answer(what: str, response: Any, *, health_probe: bool) -> dict[str, Any]:
    code = response.status_code
    said = _message(response)
    quoted = f": {said}" if said else ""
    details: dict[str, Any] = {
        "httpStatus": code,
        "endpoint": "/health" if health_probe else ADMIN_PROBE,
    }
    if said:
        details["medusaMessage"] = said
    if code == 429 or code >= 500:
        return {
            "status": "degraded",
            "message": f"{what} answered {code}{quoted.rstrip('.')}; try again later",
            "details": details,
        }
    if health_probe:
        message = (
            f"{what} answered {code}{quoted.rstrip('.')}; is medusaApiUrl the Medusa server's URL?"
        )
    elif code == 401:
        message = (
            f"Medusa rejected the API key (401{quoted}); set a valid secret API key "
            "(sk_…) as medusaApiKey"
        )
    elif code == 403:
        message = f"Medusa refused the API key (403{quoted}); it may not read the store"
    elif code == 404:
        message = f"{what} answered 404; is medusaApiUrl the Medusa server's URL?"
    else:
        message = f"{what} answered {code}{quoted}"
    return {"status": "unhealthy", "message": message, "details": details}


def _message(response: Any) -> str:
    """Medusa's own `message` from a JSON error body (`{"type", "message"}`), else nothing:
    an HTML page (Express's "Cannot GET") says no more than the status."""
    try:
        data = response.json()
    except ValueError:
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return str(message).strip()[:300] if message else ""


def _basic(api_key: str) -> str:
    return base64.b64encode(f"{api_key}:".encode()).decode()
