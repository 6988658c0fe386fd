"""What the real servers answered in scripts/medusa_real_check.sh and
scripts/stripe_localstripe_check.sh (recorded in scripts/REAL-CHECKS.md), and what DHL's own
API description (OpenAPI 2.1.13, its sandbox Postman collection) documents: the fakes answer
the same, and the checks turn each answer into the same status and message as they did against
the real server. Also the deployment cases tried there: a trailing slash, a path prefix behind a
reverse proxy, a proxy's HTML 5xx page, a server that never answers."""

from __future__ import annotations

import base64
import sys

import httpx
import pytest

from mercato_int.scope import TenantScope

fakes = sys.modules["mercato_int_test_provider_fakes"]  # loaded by conftest.py
HERE = TenantScope()
NGINX_502 = "<html><body><h1>502</h1>nginx</body></html>\n"


def check(svc, some_id: str, timeout: float = 5):
    (outcome,) = svc.health.run(
        svc.health.plan([some_id], HERE), actor="t", timeout=timeout
    ).outcomes
    return outcome


def save_medusa(svc, url: str, key: str = fakes.MEDUSA_KEY) -> None:
    values = {"medusaApiUrl": url, "medusaApiKey": key, "medusaWebhookSecret": "whsec_medusa"}
    svc.credentials.save("sync_medusa", values, HERE, actor="t")


def save_stripe(svc, secret: str = fakes.STRIPE_KEY) -> None:
    values = {"publishableKey": "pk_test_1", "secretKey": secret, "webhookSecret": "whsec_1"}
    svc.credentials.save("gateway_stripe", values, HERE, actor="t")


# --- Medusa 2.21.2 ----------------------------------------------------------------------------
def test_the_fake_medusa_answers_health_app_and_admin_paths_as_the_real_one(
    medusa_api,
) -> None:
    health = httpx.get(f"{medusa_api.url}/health")
    assert (health.status_code, health.text) == (200, "OK")
    page = httpx.get(f"{medusa_api.url}/app/health")
    assert page.status_code == 404
    assert "<pre>Cannot GET /app/health</pre>" in page.text
    admin = httpx.get(f"{medusa_api.url}/admin/health")  # every /admin path asks for a key
    assert (admin.status_code, admin.json()) == (401, {"message": "Unauthorized"})
    auth = {"Authorization": "Basic " + base64.b64encode(f"{fakes.MEDUSA_KEY}:".encode()).decode()}
    admin = httpx.get(f"{medusa_api.url}/admin/health", headers=auth)  # then Express's 404
    assert admin.status_code == 404
    assert "<pre>Cannot GET /admin/health</pre>" in admin.text


def test_medusa_url_with_a_trailing_slash_is_healthy(services, medusa_api) -> None:
    save_medusa(services, f"{medusa_api.url}/")
    o = check(services, "sync_medusa")
    assert (o.status, o.message) == ("healthy", "Medusa reachable and the API key is accepted")
    assert [r.path for r in medusa_api.requests] == ["/health", "/admin/stores"]


def test_medusa_behind_a_proxy_under_a_path_prefix_is_healthy(services) -> None:
    server = fakes.FakeMedusa(fakes.MEDUSA_KEY, prefix="/medusa")
    try:
        save_medusa(services, f"{server.url}/medusa/")
        o = check(services, "sync_medusa")
        assert (o.status, o.message) == ("healthy", "Medusa reachable and the API key is accepted")
        assert [r.path for r in server.requests] == ["/medusa/health", "/medusa/admin/stores"]
        save_medusa(services, server.url)  # the prefix left out: the proxy's own 404
        o = check(services, "sync_medusa")
        assert (o.status, o.message) == (
            "unhealthy",
            "Medusa /health answered 404; is medusaApiUrl the Medusa server's URL?",
        )
    finally:
        server.close()


def test_medusa_url_ending_in_admin_is_unhealthy_and_says_which_url(services, medusa_api) -> None:
    """The real server answers /admin/health (no key sent to /health) with its 401."""
    save_medusa(services, f"{medusa_api.url}/admin")
    o = check(services, "sync_medusa")
    assert (o.status, o.message) == (
        "unhealthy",
        "Medusa /health answered 401: Unauthorized; is medusaApiUrl the Medusa server's URL?",
    )
    assert medusa_api.hits("/admin/stores") == 0 and medusa_api.hits("/admin/admin/stores") == 0


def test_a_proxys_html_502_before_medusa_is_degraded_without_quoting_the_page(
    services, medusa_api
) -> None:
    medusa_api.answer("/health", 502, NGINX_502)
    save_medusa(services, medusa_api.url)
    o = check(services, "sync_medusa")
    assert (o.status, o.message) == ("degraded", "Medusa /health answered 502; try again later")
    assert o.details == {"httpStatus": 502, "endpoint": "/health"}


def test_medusas_own_500_is_degraded_quoting_medusa(services, medusa_api) -> None:
    """Seen on the real server when its database lost the store table for a moment."""
    medusa_api.answer("/admin/stores", 500, fakes.MEDUSA_500)
    save_medusa(services, medusa_api.url)
    o = check(services, "sync_medusa")
    assert (o.status, o.message) == (
        "degraded",
        f"Medusa /admin/stores answered 500: {fakes.MEDUSA_500['message'].rstrip('.')}; "
        "try again later",
    )


def test_a_medusa_that_never_answers_is_cut_at_the_timeout(services, medusa_api) -> None:
    medusa_api.hang("/health")
    save_medusa(services, medusa_api.url)
    o = check(services, "sync_medusa", timeout=1)
    assert (o.status, o.message) == ("unhealthy", "timed out: no answer within 1 s")
    assert medusa_api.hits("/admin/stores") == 0


# --- Stripe (localstripe 1.15.10; Stripe's documented answers) ------------------------------
def test_localstripes_terse_401_is_quoted_as_it_is(services, stripe_api) -> None:
    stripe_api.answer("/v1/balance", 401, fakes.LOCALSTRIPE_401)
    save_stripe(services, "wrong_key_0000")
    o = check(services, "gateway_stripe")
    assert (o.status, o.message) == (
        "unhealthy",
        "Stripe rejected the secret key (401: Unauthorized); set a valid secretKey",
    )


def test_localstripes_balance_shape_is_healthy(services, stripe_api) -> None:
    stripe_api.answer("/v1/balance", 200, fakes.LOCALSTRIPE_BALANCE)
    save_stripe(services)
    o = check(services, "gateway_stripe")
    assert (o.status, o.message) == ("healthy", "Stripe API reachable (test mode)")


def test_a_proxys_html_502_before_stripe_is_degraded(services, stripe_api) -> None:
    stripe_api.answer("/v1/balance", 502, NGINX_502)
    save_stripe(services)
    o = check(services, "gateway_stripe")
    assert (o.status, o.message, o.details) == (
        "degraded",
        "Stripe answered 502; try again later",
        {"httpStatus": 502},
    )


# --- DHL Parcel DE Shipping v2 (as documented) ------------------------------------------------
def test_the_fake_dhl_answers_in_the_documented_shapes(dhl_api) -> None:
    """OpenAPI 2.1.13: the version call needs no authentication; `Unauthorized` is a flat
    RequestStatus and `BadRequest` a LabelDataResponse, both application/problem+json."""
    root = f"{dhl_api.url}/parcel/de/shipping/v2"
    version = httpx.get(f"{root}/")
    assert version.status_code == 200
    assert version.json()["amp"]["name"] == "pp-parcel-shipping-native"
    order = {"shipments": [{"billingNumber": "33333333330101", "product": "V01PAK"}]}
    key = {"dhl-api-key": fakes.DHL_KEY}
    wrong_login = httpx.post(
        f"{root}/orders?validate=true", json=order, headers=key, auth=("user-valid", "nope")
    )
    assert wrong_login.status_code == 401
    assert wrong_login.headers["content-type"].startswith("application/problem+json")
    assert set(wrong_login.json()) == {"title", "statusCode", "status", "detail"}
    no_key = httpx.post(f"{root}/orders", json=order, auth=fakes.DHL_SANDBOX_LOGIN)
    assert (no_key.status_code, no_key.json()["detail"]) == (
        401,
        "Unauthorized for given resource.",
    )
    wrong_product = {"shipments": [{"billingNumber": "33333333330101", "product": "V62KP"}]}
    refused = httpx.post(
        f"{root}/orders?validate=true",
        json=wrong_product,
        headers=key,
        auth=fakes.DHL_SANDBOX_LOGIN,
    )
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    (item,) = refused.json()["items"]
    assert item["validationMessages"][0]["validationState"] == "Error"
    assert dhl_api.created == 0


@pytest.mark.parametrize(
    ("billing", "product"), [("33333333330102", "V01PAK"), ("33333333336201", "V62KP")]
)
def test_dhl_sandbox_billing_numbers_of_dhls_collection_book_their_product(
    services, dhl_api, billing, product
) -> None:
    """DHL's sandbox Postman collection: 3333333333 01 02 is DHL Paket's default, 62 01 the
    Kleinpaket's; the check derives the product from digits 11-12."""
    dhl_api.billing[billing] = product
    values = {"apiKey": fakes.DHL_KEY, "accountNumber": billing}
    services.credentials.save("carrier_dhl", values, HERE, actor="t")
    o = check(services, "carrier_dhl")
    assert o.status == "healthy"
    (shipment,) = dhl_api.requests[-1].json()["shipments"]
    assert (shipment["billingNumber"], shipment["product"]) == (billing, product)
