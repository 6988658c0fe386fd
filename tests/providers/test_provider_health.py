"""The bundled providers' checks against local servers that answer as the real APIs do
(fakes.py): what each check sends, and how each answer becomes a status and a message. The
tenant `other` must stay untouched."""

from __future__ import annotations

import base64
import socket
import sys

import pytest

from mercato_int.scope import TenantScope

fakes = sys.modules["mercato_int_test_provider_fakes"]  # loaded by conftest.py
HERE = TenantScope()
OTHER = TenantScope(tenant_id="other")


def check(svc, some_id: str):
    (outcome,) = svc.health.run(svc.health.plan([some_id], HERE), actor="t", timeout=5).outcomes
    assert svc.state.all_states(OTHER)[svc.registry.expand([some_id])[0]].last_health_check is None
    return outcome


def closed_port() -> str:
    """The URL of a port on 127.0.0.1 where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def basic(user: str, password: str = "") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# --- Stripe -----------------------------------------------------------------------------------
def save_stripe(svc, secret: str) -> None:
    values = {"publishableKey": "pk_test_1", "secretKey": secret, "webhookSecret": "whsec_1"}
    svc.credentials.save("gateway_stripe", values, HERE, actor="t")


def test_stripe_valid_key_is_healthy(services, stripe_api) -> None:
    save_stripe(services, fakes.STRIPE_KEY)
    o = check(services, "gateway_stripe")
    assert (o.status, o.message) == ("healthy", "Stripe API reachable (test mode)")
    assert o.details == {"httpStatus": 200, "livemode": False}
    (request,) = stripe_api.requests
    assert (request.method, request.path) == ("GET", "/v1/balance")
    assert request.headers["authorization"] == basic(fakes.STRIPE_KEY)


def test_stripe_wrong_key_is_unhealthy_quoting_stripe(services, stripe_api) -> None:
    save_stripe(services, "sk_test_51WrongKeyWrongKey9999")
    o = check(services, "gateway_stripe")
    assert o.status == "unhealthy"
    assert o.message == (
        "Stripe rejected the secret key (401: Invalid API Key provided: "
        "sk_test_******************9999); set a valid secretKey"
    )
    assert o.details == {
        "httpStatus": 401,
        "stripeErrorType": "invalid_request_error",
        "stripeErrorMessage": "Invalid API Key provided: sk_test_******************9999",
    }


def test_stripe_restricted_key_without_balance_read_says_so(services, stripe_api) -> None:
    save_stripe(services, fakes.STRIPE_RESTRICTED)
    o = check(services, "gateway_stripe")
    assert o.status == "unhealthy"
    assert o.message.startswith("Stripe refused the key (403: The provided key 'rk_test_")
    assert o.message.endswith(
        "Having the 'rak_balance_read' permission would allow this request to continue.); "
        "a restricted key needs the Balance read permission, or set a standard secretKey"
    )
    assert fakes.STRIPE_RESTRICTED not in o.message
    assert o.details["httpStatus"] == 403


@pytest.mark.parametrize(
    ("code", "status"), [(429, "degraded"), (500, "degraded"), (404, "unhealthy")]
)
def test_stripe_other_answers_quote_stripes_message(services, stripe_api, code, status) -> None:
    stripe_api.answer(
        "/v1/balance",
        code,
        {"error": {"message": f"Stripe says {code}", "type": "api_error", "code": "x_y"}},
    )
    save_stripe(services, fakes.STRIPE_KEY)
    o = check(services, "gateway_stripe")
    assert o.status == status
    tail = "; try again later" if status == "degraded" else ""
    assert o.message == f"Stripe answered {code}: Stripe says {code}{tail}"
    assert o.details == {
        "httpStatus": code,
        "stripeErrorType": "api_error",
        "stripeErrorCode": "x_y",
        "stripeErrorMessage": f"Stripe says {code}",
    }


def test_a_429_message_ending_in_a_period_is_joined_without_double_punctuation(
    services, stripe_api
) -> None:
    said = "Too many requests hit the API too quickly."
    stripe_api.answer("/v1/balance", 429, {"error": {"message": said}})
    save_stripe(services, fakes.STRIPE_KEY)
    o = check(services, "gateway_stripe")
    assert o.message == (
        "Stripe answered 429: Too many requests hit the API too quickly; try again later"
    )
    assert o.details["stripeErrorMessage"] == said  # Stripe's own words stay as they were


def test_stripes_message_is_masked_when_it_holds_the_key(services, stripe_api) -> None:
    stripe_api.answer("/v1/balance", 401, {"error": {"message": f"bad key {fakes.STRIPE_KEY}"}})
    save_stripe(services, fakes.STRIPE_KEY)
    o = check(services, "gateway_stripe")
    assert (
        o.message == "Stripe rejected the secret key (401: bad key ••••••••); set a valid secretKey"
    )
    assert o.details["stripeErrorMessage"] == "bad key ••••••••"


def test_stripe_unreachable_is_unhealthy_with_the_cause(services, monkeypatch) -> None:
    url = closed_port()
    monkeypatch.setenv("MERCATO_INT_STRIPE_API_BASE", url)
    save_stripe(services, fakes.STRIPE_KEY)
    o = check(services, "gateway_stripe")
    assert o.status == "unhealthy"
    assert o.message.startswith(f"cannot reach {url}: ConnectError: ")


# --- Medusa v2 --------------------------------------------------------------------------------
def save_medusa(svc, url: str, key: str) -> None:
    values = {"medusaApiUrl": url, "medusaApiKey": key, "medusaWebhookSecret": "whsec_medusa"}
    svc.credentials.save("sync_medusa", values, HERE, actor="t")


def test_the_fake_medusa_answers_users_me_with_404_for_a_valid_key(medusa_api) -> None:
    """What the real server answered (scripts/medusa_real_check.sh), and why the check does not
    use /admin/users/me: the actor of a secret key is the key."""
    import httpx

    auth = {"Authorization": basic(fakes.MEDUSA_KEY)}
    me = httpx.get(f"{medusa_api.url}/admin/users/me", headers=auth)
    assert (me.status_code, me.json()) == (
        404,
        {
            "type": "not_found",
            "message": "User with id: apk_01M8S7GENF4EF3T0FR9R90A53M was not found",
        },
    )
    stores = httpx.get(f"{medusa_api.url}/admin/stores?fields=id&limit=1", headers=auth)
    assert stores.status_code == 200
    v1 = httpx.get(
        f"{medusa_api.url}/admin/stores", headers={"x-medusa-access-token": fakes.MEDUSA_KEY}
    )
    assert (v1.status_code, v1.json()) == (401, {"message": "Unauthorized"})


def test_medusa_valid_key_is_healthy_with_basic_auth_only(services, medusa_api) -> None:
    save_medusa(services, medusa_api.url, fakes.MEDUSA_KEY)
    o = check(services, "sync_medusa_orders")  # a member: its bundle's check and credentials
    assert (o.status, o.message, o.owner_id, o.integration_ids) == (
        "healthy",
        "Medusa reachable and the API key is accepted",
        "sync_medusa",
        ("sync_medusa_orders",),
    )
    assert o.details == {"httpStatus": 200, "endpoint": "/admin/stores"}
    health, admin = medusa_api.requests
    assert (health.method, health.path) == ("GET", "/health")
    assert (admin.path, admin.query) == ("/admin/stores", {"fields": "id", "limit": "1"})
    assert admin.headers["authorization"] == basic(fakes.MEDUSA_KEY)
    assert "x-medusa-access-token" not in admin.headers  # v1's header: the secret sent once
    assert medusa_api.hits("/admin/users/me") == 0


def test_medusa_wrong_key_is_unhealthy(services, medusa_api) -> None:
    save_medusa(services, medusa_api.url, "sk_0000000000000000wrong")
    o = check(services, "sync_medusa")
    assert (o.status, o.message) == (
        "unhealthy",
        "Medusa rejected the API key (401: Unauthorized); set a valid secret API key (sk_…) "
        "as medusaApiKey",
    )
    assert o.details == {
        "httpStatus": 401,
        "endpoint": "/admin/stores",
        "medusaMessage": "Unauthorized",
    }


@pytest.mark.parametrize(
    ("path", "code", "status", "admin_hits"),
    [("/health", 503, "degraded", 0), ("/admin/stores", 500, "degraded", 1)],
)
def test_medusa_busy_is_degraded(services, medusa_api, path, code, status, admin_hits) -> None:
    medusa_api.answer(path, code, {"type": "unexpected_state", "message": "busy"})
    save_medusa(services, medusa_api.url, fakes.MEDUSA_KEY)
    o = check(services, "sync_medusa")
    assert o.status == status
    assert o.message == f"Medusa {path} answered {code}: busy; try again later"
    assert medusa_api.hits("/admin/stores") == admin_hits


def test_medusa_url_of_something_else_is_unhealthy_and_says_so(services, medusa_api) -> None:
    save_medusa(services, f"{medusa_api.url}/app", fakes.MEDUSA_KEY)  # the admin dashboard
    o = check(services, "sync_medusa")
    assert (o.status, o.message) == (
        "unhealthy",
        "Medusa /health answered 404; is medusaApiUrl the Medusa server's URL?",
    )


def test_medusa_unreachable_is_unhealthy_with_the_cause(services) -> None:
    url = closed_port()
    save_medusa(services, url, fakes.MEDUSA_KEY)
    o = check(services, "sync_medusa")
    assert o.status == "unhealthy"
    assert o.message.startswith(f"cannot reach {url}: ConnectError: ")


# --- DHL Parcel DE Shipping v2 ----------------------------------------------------------------
def save_dhl(svc, **values: str) -> None:
    svc.credentials.save("carrier_dhl", values, HERE, actor="t")


def test_dhl_sandbox_defaults_make_a_dry_run_order(services, dhl_api) -> None:
    save_dhl(services, apiKey=fakes.DHL_KEY)
    o = check(services, "carrier_dhl")
    assert (o.status, o.message) == (
        "healthy",
        "DHL accepted the credentials (sandbox; dry-run order, nothing created)",
    )
    assert o.details == {
        "httpStatus": 200,
        "environment": "sandbox",
        "validate": True,
        "dhlMessage": "The Webservice call ran successfully.",
    }
    (request,) = dhl_api.requests
    assert (request.method, request.path, request.query) == (
        "POST",
        "/parcel/de/shipping/v2/orders",
        {"validate": "true"},
    )
    assert request.headers["dhl-api-key"] == fakes.DHL_KEY
    assert request.headers["authorization"] == basic(*fakes.DHL_SANDBOX_LOGIN)
    (shipment,) = request.json()["shipments"]
    assert (shipment["billingNumber"], shipment["product"]) == ("33333333330101", "V01PAK")
    assert dhl_api.created == 0  # validate=true: nothing was booked


def test_dhl_own_login_and_kleinpaket_billing_number(services, dhl_api) -> None:
    user, password = fakes.DHL_LOGIN
    save_dhl(
        services,
        apiKey=fakes.DHL_KEY,
        username=user,
        password=password,
        accountNumber="3333333333 62 01",
    )
    o = check(services, "carrier_dhl")
    assert o.status == "healthy"
    (request,) = dhl_api.requests
    assert request.headers["authorization"] == basic(user, password)
    (shipment,) = request.json()["shipments"]
    assert (shipment["billingNumber"], shipment["product"]) == ("33333333336201", "V62KP")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"password": "wrong-password-123"},
            "DHL rejected the credentials (401: Invalid credentials: user name or password is "
            "wrong.); check apiKey, username and password",
        ),
        (
            {"apiKey": "dhl_app_key_unknown_0000"},
            "DHL rejected the credentials (401: Unauthorized for given resource.); check apiKey, "
            "username and password",
        ),
        (
            {"accountNumber": "33333333335301"},
            "DHL refused the dry-run order (400: billingNumber: The billing number entered is "
            "invalid or not authorised for this product.); check accountNumber",
        ),
    ],
)
def test_dhl_wrong_credentials_are_unhealthy(services, dhl_api, values, message) -> None:
    user, password = fakes.DHL_LOGIN
    base = {"apiKey": fakes.DHL_KEY, "username": user, "password": password}
    save_dhl(services, **{**base, **values})
    o = check(services, "carrier_dhl")
    assert (o.status, o.message) == ("unhealthy", message)
    assert "wrong-password-123" not in repr(o)
    assert dhl_api.created == 0


def test_dhl_production_needs_the_whole_account(services, dhl_api) -> None:
    save_dhl(services, apiKey=fakes.DHL_KEY, environment="production")
    o = check(services, "carrier_dhl")
    assert (o.status, o.message) == (
        "unhealthy",
        "username, password, accountNumber not set: the production API needs them",
    )
    assert dhl_api.requests == []


def test_dhl_busy_is_degraded(services, dhl_api) -> None:
    dhl_api.answer(
        "/parcel/de/shipping/v2/orders",
        503,
        {"title": "Service Unavailable", "status": 503, "detail": "Backend down."},
    )
    save_dhl(services, apiKey=fakes.DHL_KEY)
    o = check(services, "carrier_dhl")
    assert (o.status, o.message) == ("degraded", "DHL answered 503: Backend down; try again later")


def store_as_written_before(svc, owner: str, values: dict[str, str]) -> None:
    """Credentials stored as a store written before save-time checks existed holds them: saved
    clean, then re-sealed with `values` as they are (e.g. a trailing newline)."""
    import sqlalchemy as sa

    from mercato_int.keys.envelope import associated_data, seal
    from mercato_int.store.tables import IntegrationCredentials

    svc.credentials.save(owner, {k: v.strip() for k, v in values.items()}, HERE, actor="t")
    key = svc.master_keys.active()
    aad = associated_data(owner, HERE.organization_id, HERE.tenant_id)
    table = IntegrationCredentials.__table__
    with svc.store.engine.begin() as conn:
        conn.execute(
            sa.update(table)
            .where(table.c.integration_id == owner, table.c.tenant_id == HERE.tenant_id)
            .values(encrypted_values=seal(values, key=key.material, kid=key.kid, aad=aad))
        )


def test_dhl_key_refused_as_a_header_never_shows_the_key(services, dhl_api) -> None:
    """A key read from a file with its newline: the HTTP client refuses it as a header, and its
    error quotes the bytes (`b'...\\n'`)."""
    store_as_written_before(services, "carrier_dhl", {"apiKey": fakes.DHL_KEY + "\n"})
    o = check(services, "carrier_dhl")
    assert o.status == "unhealthy"
    assert o.message == "check failed: LocalProtocolError: Illegal header value b'••••••••'"
    assert fakes.DHL_KEY not in repr(o)
    assert dhl_api.requests == []
