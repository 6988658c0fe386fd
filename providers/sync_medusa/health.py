"""MedusaJS health check: `GET {medusaApiUrl}/health`, then an authenticated admin request.

Written as an async check (it uses `ctx.async_http`): the health service runs it natively on
its event loop, beside the sync checks that run in threads."""

from __future__ import annotations

from typing import Any


async def medusa_health_check(credentials: dict[str, Any], ctx: Any) -> dict[str, Any]:
    base = str(credentials.get("medusaApiUrl") or "").rstrip("/")
    api_key = credentials.get("medusaApiKey")
    if not base:
        return {"status": "unhealthy", "message": "medusaApiUrl is not set"}
    health = await ctx.async_http.get(f"{base}/health")
    if health.status_code != 200:
        status = (
            "degraded" if health.status_code == 429 or health.status_code >= 500 else "unhealthy"
        )
        return {
            "status": status,
            "message": f"Medusa /health answered {health.status_code}",
            "details": {"httpStatus": health.status_code},
        }
    if not api_key:
        return {"status": "unhealthy", "message": "medusaApiKey is not set"}
    admin = await ctx.async_http.get(
        f"{base}/admin/users/me",
        headers={
            "Authorization": f"Basic {_basic(str(api_key))}",
            "x-medusa-access-token": str(api_key),
        },
    )
    code = admin.status_code
    if code == 200:
        return {
            "status": "healthy",
            "message": "Medusa reachable and the API key is accepted",
            "details": {"httpStatus": code},
        }
    if code in (401, 403):
        return {
            "status": "unhealthy",
            "message": f"Medusa rejected the API key ({code}); set a valid medusaApiKey",
            "details": {"httpStatus": code},
        }
    if code == 429 or code >= 500:
        return {
            "status": "degraded",
            "message": f"Medusa admin API answered {code}",
            "details": {"httpStatus": code},
        }
    return {
        "status": "unhealthy",
        "message": f"Medusa admin API answered {code}",
        "details": {"httpStatus": code},
    }


def _basic(api_key: str) -> str:
    import base64

    return base64.b64encode(f"{api_key}:".encode()).decode()
