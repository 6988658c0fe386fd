"""The bundled providers' checks against local HTTP servers: status codes to statuses."""

from __future__ import annotations

import pytest

from mercato_int.scope import TenantScope

HERE = TenantScope()
OTHER = TenantScope(tenant_id="other")


def check(svc, some_id: str):
    (outcome,) = svc.health.run(svc.health.plan([some_id], HERE), actor="t", timeout=5).outcomes
    assert svc.state.all_states(OTHER)[svc.registry.expand([some_id])[0]].last_health_check is None
    return outcome


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (200, "healthy"),
        (401, "unhealthy"),
        (429, "degraded"),
        (500, "degraded"),
        (404, "unhealthy"),
    ],
)
def test_stripe(services, local_server, monkeypatch, code, status) -> None:
    monkeypatch.setenv("MERCATO_INT_STRIPE_API_BASE", local_server.url)
    local_server.route("/v1/balance", code, {"livemode": False})
    services.credentials.save(
        "gateway_stripe",
        {"publishableKey": "pk_1", "secretKey": "sk_test_abc123", "webhookSecret": "whsec_1"},
        HERE,
        actor="t",
    )
    o = check(services, "gateway_stripe")
    assert o.status == status
    assert local_server.requests[0][1] == "/v1/balance"


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        (200, "healthy", "DHL Parcel API reachable (sandbox)"),
        (401, "unhealthy", "DHL rejected the API key (401); set a valid apiKey"),
        (503, "degraded", "DHL answered 503; try again later"),
    ],
)
def test_dhl(services, local_server, monkeypatch, code, status, message) -> None:
    monkeypatch.setenv("MERCATO_INT_DHL_API_BASE", local_server.url)
    local_server.route("/parcel/de/shipping/v2/", code, {})
    services.credentials.save(
        "carrier_dhl", {"apiKey": "dhl_key_777", "accountNumber": "22222222220101"}, HERE, actor="t"
    )
    o = check(services, "carrier_dhl")
    assert (o.status, o.message) == (status, message)
    _, _, headers = local_server.requests[0]
    assert headers["dhl-api-key"] == "dhl_key_777"


@pytest.mark.parametrize(
    ("health", "admin", "status", "admin_hits"),
    [
        (200, 200, "healthy", 1),
        (200, 401, "unhealthy", 1),
        (503, 200, "degraded", 0),
        (200, 500, "degraded", 1),
    ],
)
def test_medusa(services, local_server, health, admin, status, admin_hits) -> None:
    local_server.route("/health", health, {})
    local_server.route("/admin/users/me", admin, {})
    services.credentials.save(
        "sync_medusa",
        {"medusaApiUrl": local_server.url, "medusaApiKey": "mk_1234", "medusaWebhookSecret": "w"},
        HERE,
        actor="t",
    )
    o = check(services, "sync_medusa_orders")  # a member: its bundle's check and credentials
    assert (o.status, o.owner_id, o.integration_ids) == (
        status,
        "sync_medusa",
        ("sync_medusa_orders",),
    )
    assert local_server.hits("/admin/users/me") == admin_hits
