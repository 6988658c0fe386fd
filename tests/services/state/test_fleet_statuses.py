"""Health planning reads each state row's enabled flag and the status of its last result
only (`all_states_of(..., results=False)`, the status read out of the JSON by the database):
what it gives is what the full read gives, for every integration and tenant, on both stores."""

from __future__ import annotations

from datetime import UTC, datetime

from mercato_int.scope import TenantScope
from mercato_int.services.state.rows import HealthWrite, upsert_health

WHEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def test_statuses_only_give_what_the_full_read_gives(services) -> None:
    a, b, c = TenantScope("o1", "t1"), TenantScope("o1", "t2"), TenantScope("o2", "t1")
    for scope in (a, b, c):
        services.state.enable(["gateway_stripe", "sync_medusa"], scope, actor="tester")
    services.state.disable(["sync_medusa_orders"], b, actor="tester")
    save = services.credentials.save
    save("carrier_dhl", {"apiKey": "k", "environment": "sandbox"}, c, actor="t")
    stripe = {"publishableKey": "pk_1", "secretKey": "sk_test_1", "webhookSecret": "whsec_1"}
    save("gateway_stripe", stripe, a, actor="t")
    medusa = {"medusaApiUrl": "http://m", "medusaApiKey": "sk_1", "medusaWebhookSecret": "w"}
    save("sync_medusa", medusa, b, actor="t")
    default = {i: d.default_enabled for i, d in services.registry.integrations.items()}
    results = [
        HealthWrite(("gateway_stripe",), a, {"status": "degraded", "message": "m"}, WHEN),
        # a stale `unconfigured` that the read clears (there is a check and nothing missing)
        HealthWrite(("sync_medusa_webhooks",), b, {"status": "unconfigured"}, WHEN),
        HealthWrite(("carrier_dhl",), c, {"status": "healthy", "details": {"x": [1]}}, WHEN),
        HealthWrite(("sync_medusa_products",), c, {"message": "no status"}, WHEN),
    ]
    with services.store.engine.begin() as conn:
        upsert_health(conn, services.store.dialect, default, results)
    scopes = [a, b, c]
    full = services.state.all_states_of(scopes)
    lean = services.state.all_states_of(scopes, results=False)
    assert set(full) == set(lean) == set(scopes)
    seen = set()
    for scope in scopes:
        assert set(full[scope]) == set(lean[scope]) == set(services.registry.integrations)
        for i, view in full[scope].items():
            got = lean[scope][i]
            assert (got.is_enabled, got.health_status) == (view.is_enabled, view.health_status)
            seen.add(view.health_status)
    assert {"degraded", "healthy", "unconfigured", None} <= seen  # the cases were there
    assert lean[a]["gateway_stripe"].last_health_check == {"status": "degraded"}
