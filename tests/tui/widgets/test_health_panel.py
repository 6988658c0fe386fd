"""The health tab and the bundle's health section: checks against a local HTTP server."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from mercato_int.scope import TenantScope

pytestmark = pytest.mark.anyio

STRIPE = {"publishableKey": "pk_1", "secretKey": "sk_test_abcdef123456", "webhookSecret": "wh_1"}


def _result(app) -> str:
    return str(app.screen.query_one("#health-result", Static).render())


async def _check(app, pilot) -> None:
    await pilot.press("ctrl+r")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_run_a_check_healthy_then_unhealthy(
    make_app, tui_services, local_server, monkeypatch
):
    monkeypatch.setenv("MERCATO_INT_STRIPE_API_BASE", local_server.url)
    local_server.route("/v1/balance", 200, {"livemode": False})
    tui_services.credentials.save("gateway_stripe", STRIPE, TenantScope(), actor="tester")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_integration("gateway_stripe")
        await pilot.pause()
        await pilot.press("f2")
        assert _result(app).startswith("No health check has run")
        await _check(app, pilot)
        text = _result(app)
        assert "✔ healthy" in text
        assert "Stripe API reachable (test mode)" in text
        assert "Latency" in text and "ms" in text
        assert "Checked  2026-11-26 14:30:00" in text  # local time (UTC in the tests)
        assert "✔ healthy" in str(app.screen.query_one("#detail-health", Static).render())

        local_server.route("/v1/balance", 401, {"error": {"message": "Invalid API Key"}})
        await _check(app, pilot)
        text = _result(app)
        assert "✖ unhealthy" in text
        assert "Stripe rejected the secret key" in text
        assert STRIPE["secretKey"] not in text
    assert local_server.hits("/v1/balance") == 2
    state = tui_services.state.get("gateway_stripe", TenantScope())
    assert state.health_status == "unhealthy"


async def test_bundle_check_runs_once_against_the_shared_credentials(
    make_app, tui_services, local_server
):
    local_server.route("/health", 200, {})
    local_server.route("/admin/stores", 200, {"stores": [{"id": "store_1"}]})
    tui_services.credentials.save(
        "sync_medusa",
        {
            "medusaApiUrl": local_server.url,
            "medusaApiKey": "medusa-key-123456",
            "medusaWebhookSecret": "medusa-hook-123456",
        },
        TenantScope(),
        actor="tester",
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_bundle("sync_medusa")
        await pilot.pause()
        await _check(app, pilot)
        assert "✔ healthy" in _result(app)
        for member in ("sync_medusa_products", "sync_medusa_webhooks"):
            assert "healthy" in str(app.screen.query_one(f"#h-{member}", Static).render())
    assert local_server.hits("/admin/stores") == 1
