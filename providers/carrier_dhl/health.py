"""DHL Parcel DE Shipping API v2 health check: a dry-run order.

`GET /parcel/de/shipping/v2/` (the version call) needs no authentication, so it proves only
that DHL is up. The check instead sends what a real shipping call sends, the `dhl-api-key`
header plus the business customer portal user and password as HTTP Basic, with a one-parcel
order to `POST /parcel/de/shipping/v2/orders?validate=true`. DHL documents `validate=true` as
schema validation plus a dry run against its backend that creates no shipment and no label;
it exercises all of the credentials: the API key, the user and password, and the billing
number. (The OAuth token at `/parcel/de/account/auth/ropc/v1/token` would test the user and
password too, but needs the app's client secret, which the Basic flow does not.)

200 is healthy; 401/403 (key, user or password refused) and 400 (e.g. a billing number that
does not fit the product) are unhealthy with DHL's own words; 429 and 5xx are degraded.

Sandbox defaults, as DHL documents them for `api-sandbox.dhl.com`: user `user-valid`, password
`SandboxPasswort2023!`, billing number `33333333330101` (DHL Paket); each is used only when
that field is empty. Production needs all of them. `MERCATO_INT_DHL_API_BASE` points the check
elsewhere (tests run it against a local server).
"""

from __future__ import annotations

import base64
import os
from typing import Any

API_BASES = {
    "sandbox": "https://api-sandbox.dhl.com",
    "production": "https://api-eu.dhl.com",
}
ORDERS = "/parcel/de/shipping/v2/orders"
SANDBOX = {
    "username": "user-valid",
    "password": "SandboxPasswort2023!",
    "accountNumber": "33333333330101",
}
# The billing number's procedure (digits 11-12) names the product it may book.
PRODUCTS = {"01": "V01PAK", "62": "V62KP"}
_ADDRESS = {"postalCode": "53113", "city": "Bonn", "country": "DEU"}


def dhl_health_check(credentials: dict[str, Any], ctx: Any) -> dict[str, Any]:
    environment = str(credentials.get("environment") or "sandbox")
    base = os.environ.get(
        "MERCATO_INT_DHL_API_BASE", API_BASES.get(environment, API_BASES["sandbox"])
    ).rstrip("/")
    api_key = credentials.get("apiKey")
    if not api_key:
        return {"status": "unhealthy", "message": "apiKey is not set"}
    values = {k: str(credentials.get(k) or "") for k in SANDBOX}
    if environment == "sandbox":
        values = {k: v or SANDBOX[k] for k, v in values.items()}
    missing = [k for k, v in values.items() if not v]
    if missing:
        return {
            "status": "unhealthy",
            "message": f"{', '.join(missing)} not set: the {environment} API needs them",
            "details": {"missing": missing, "environment": environment},
        }
    billing = values["accountNumber"].replace(" ", "")
    login = base64.b64encode(f"{values['username']}:{values['password']}".encode()).decode()
    response = ctx.http.post(
        f"{base}{ORDERS}",
        params={"validate": "true"},
        headers={
            "dhl-api-key": str(api_key),
            "Authorization": f"Basic {login}",
            "Accept": "application/json",
            "Accept-Language": "en-US",
        },
        json=dry_run_order(billing),
    )
    code = response.status_code
    said = dhl_message(response)
    quoted = f": {said}" if said else ""
    details: dict[str, Any] = {"httpStatus": code, "environment": environment, "validate": True}
    if said:
        details["dhlMessage"] = said
    if code == 200:
        return {
            "status": "healthy",
            "message": f"DHL accepted the credentials ({environment}; dry-run order, nothing "
            "created)",
            "details": details,
        }
    if code in (401, 403):
        message = (
            f"DHL rejected the credentials ({code}{quoted}); check apiKey, username and password"
        )
        return {"status": "unhealthy", "message": message, "details": details}
    if code == 400:
        message = f"DHL refused the dry-run order (400{quoted}); check accountNumber"
        return {"status": "unhealthy", "message": message, "details": details}
    if code == 429 or code >= 500:
        message = f"DHL answered {code}{quoted.rstrip('.')}; try again later"
        return {"status": "degraded", "message": message, "details": details}
    return {"status": "unhealthy", "message": f"DHL answered {code}{quoted}", "details": details}


def dry_run_order(billing_number: str) -> dict[str, Any]:
    """A one-parcel domestic order for `validate=true` (DHL's own example addresses)."""
    product = PRODUCTS.get(billing_number[10:12], "V01PAK")
    return {
        "profile": "STANDARD_GRUPPENPROFIL",
        "shipments": [
            {
                "product": product,
                "billingNumber": billing_number,
                "refNo": "mercato-int health",
                "shipper": {
                    "name1": "mercato-int health check",
                    "addressStreet": "Sträßchensweg",
                    "addressHouse": "10",
                    **_ADDRESS,
                },
                "consignee": {
                    "name1": "mercato-int health check",
                    "addressStreet": "Kurt-Schumacher-Str.",
                    "addressHouse": "20",
                    **_ADDRESS,
                },
                "details": {"weight": {"uom": "kg", "value": 1}},
            }
        ],
    }


def dhl_message(response: Any) -> str:
    """DHL's own words from an answer: the first error-level validation message of the item,
    else the request status's or problem document's `detail` (or `title`)."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    for item in data.get("items") or []:
        for m in (item.get("validationMessages") or []) if isinstance(item, dict) else []:
            if isinstance(m, dict) and m.get("validationState", "Error") == "Error":
                where = f"{m['property']}: " if m.get("property") else ""
                return f"{where}{m.get('validationMessage', '')}".strip()[:300]
    status = data.get("status") if isinstance(data.get("status"), dict) else data
    text = status.get("detail") or status.get("title") or ""
    return str(text).strip()[:300]
