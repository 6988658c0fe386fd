"""Stripe health check: an authenticated `GET /v1/balance` (HTTP Basic, the secret key as the
user name, as Stripe's own libraries send it).

200 is healthy; 401 (invalid key) and 403 (a restricted key without Balance read) are
unhealthy; 429 and 5xx are degraded. Every non-2xx result quotes Stripe's own
`error.message` (the health service masks any credential value in it). The documented error
body is `{"error": {"message", "type", "code"}}`.

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
    body = _json(response)
    if 200 <= code < 300:
        livemode = body.get("livemode")
        mode = "live" if livemode else "test" if livemode is False else "unknown"
        return {
            "status": "healthy",
            "message": f"Stripe API reachable ({mode} mode)",
            "details": {"httpStatus": code, "livemode": livemode},
        }
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    said = str(error.get("message") or "").strip()
    details: dict[str, Any] = {"httpStatus": code}
    for key in ("type", "code", "message"):
        if error.get(key) not in (None, ""):
            details[f"stripeError{key.capitalize()}"] = str(error[key])
    quoted = f": {said}" if said else ""
    if code == 401:
        status = "unhealthy"
        message = f"Stripe rejected the secret key (401{quoted}); set a valid secretKey"
    elif code == 403:
        status = "unhealthy"
        message = (
            f"Stripe refused the key (403{quoted}); a restricted key needs the Balance "
            "read permission, or set a standard secretKey"
        )
    elif code == 429 or code >= 500:
        status = "degraded"
        message = f"Stripe answered {code}{quoted.rstrip('.')}; try again later"
    else:
        status = "unhealthy"
        message = f"Stripe answered {code}{quoted}"
    return {"status": status, "message": message, "details": details}


def _json(response: Any) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
