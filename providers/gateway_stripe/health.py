"""Stripe health check: an authenticated `GET /v1/balance`.

`MERCATO_INT_STRIPE_API_BASE` points it elsewhere (tests run it against a local server).
"""

from __future__ import annotations

import os
from typing import Any

DEFAULT_API_BASE = "https://api.stripe.com"


def stripe_health_check(credentials: dict[str, Any], ctx: Any) -> dict[str, Any]:
    base = os.environ.get("MERCATO_INT_STRIPE_API_BASE", DEFAULT_API_BASE).rstrip("/")
    secret = credentials.get("secretKey")
    if not secret:
        return {"status": "unhealthy", "message": "secretKey is not set"}
    response = ctx.http.get(f"{base}/v1/balance", auth=(str(secret), ""))
    code = response.status_code
    if code == 200:
        livemode = _json(response).get("livemode")
        mode = "live" if livemode else "test" if livemode is False else "unknown"
        return {
            "status": "healthy",
            "message": f"Stripe API reachable ({mode} mode)",
            "details": {"httpStatus": code, "livemode": livemode},
        }
    if code == 401:
        return {
            "status": "unhealthy",
            "message": (
                "Stripe rejected the secret key (401 invalid API key); set a valid secretKey"
            ),
            "details": {"httpStatus": code},
        }
    if code == 429 or code >= 500:
        return {
            "status": "degraded",
            "message": f"Stripe answered {code}; try again later",
            "details": {"httpStatus": code},
        }
    return {
        "status": "unhealthy",
        "message": f"Stripe answered {code}",
        "details": {"httpStatus": code},
    }


def _json(response: Any) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
