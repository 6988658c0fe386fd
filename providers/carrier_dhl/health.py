"""DHL Parcel health check: an authenticated call to the Parcel DE Shipping API.

`MERCATO_INT_DHL_API_BASE` points it elsewhere (tests run it against a local server).
"""

from __future__ import annotations

import os
from typing import Any

API_BASES = {
    "sandbox": "https://api-sandbox.dhl.com",
    "production": "https://api-eu.dhl.com",
}


def dhl_health_check(credentials: dict[str, Any], ctx: Any) -> dict[str, Any]:
    environment = str(credentials.get("environment") or "sandbox")
    base = os.environ.get(
        "MERCATO_INT_DHL_API_BASE", API_BASES.get(environment, API_BASES["sandbox"])
    )
    api_key = credentials.get("apiKey")
    if not api_key:
        return {"status": "unhealthy", "message": "apiKey is not set"}
    response = ctx.http.get(
        f"{base.rstrip('/')}/parcel/de/shipping/v2/",
        headers={"dhl-api-key": str(api_key), "Accept": "application/json"},
    )
    code = response.status_code
    details = {"httpStatus": code, "environment": environment}
    if code == 200:
        return {
            "status": "healthy",
            "message": f"DHL Parcel API reachable ({environment})",
            "details": details,
        }
    if code in (401, 403):
        return {
            "status": "unhealthy",
            "message": f"DHL rejected the API key ({code}); set a valid apiKey",
            "details": details,
        }
    if code == 429 or code >= 500:
        return {
            "status": "degraded",
            "message": f"DHL answered {code}; try again later",
            "details": details,
        }
    return {"status": "unhealthy", "message": f"DHL answered {code}", "details": details}
