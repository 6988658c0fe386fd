"""SVG snapshots of the screens, on fixed data and a fixed clock (update them with
`pytest tests/tui --snapshot-update` after a deliberate change, and look at the SVGs)."""

from __future__ import annotations

import pytest

from mercato_int.scope import TenantScope

from .conftest import NOW, settle


def _seed(write_logs) -> None:
    write_logs("gateway_stripe", 12)
    write_logs("sync_medusa_orders", 6)
    write_logs("sync_medusa_products", 3, scope=TenantScope(tenant_id="other"))


def test_marketplace_80x24(snap_compare, make_app, write_logs):
    _seed(write_logs)
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=settle)


def test_marketplace_160x48(snap_compare, make_app, write_logs):
    _seed(write_logs)
    assert snap_compare(make_app(), terminal_size=(160, 48), run_before=settle)


def _configure(svc, write_logs) -> None:
    """Stripe enabled, configured, last checked healthy, with 40 log entries; the Medusa
    bundle configured with three of its five integrations enabled."""
    scope = TenantScope()
    svc.credentials.save(
        "gateway_stripe",
        {
            "publishableKey": "pk_test_123",
            "secretKey": "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            "webhookSecret": "whsec_0123456789",
            "captureMethod": "manual",
            "enableApplePay": "true",
        },
        scope,
        actor="tester",
    )
    svc.credentials.save(
        "sync_medusa",
        {
            "medusaApiUrl": "https://api.shop.example",
            "medusaApiKey": "medusa-key-123456",
            "medusaWebhookSecret": "medusa-hook-123456",
        },
        scope,
        actor="tester",
    )
    svc.state.enable(["gateway_stripe"], scope, actor="tester")
    svc.state.enable(
        ["sync_medusa_products", "sync_medusa_customers", "sync_medusa_orders"],
        scope,
        actor="tester",
    )
    result = {
        "status": "healthy",
        "message": "Stripe API reachable (test mode)",
        "details": {"httpStatus": 200, "livemode": False},
        "latencyMs": 42,
        "checkedAt": "2026-11-26T14:30:00Z",
    }
    with svc.store.session() as session:
        svc.state.store_health(session, ["gateway_stripe"], scope, result, NOW)
    write_logs("gateway_stripe", 40)


@pytest.mark.parametrize("tab", ["credentials", "health", "logs"])
def test_integration_tabs_80x24(snap_compare, make_app, tui_services, write_logs, tab):
    _configure(tui_services, write_logs)

    async def open_tab(pilot) -> None:
        await pilot.pause()
        pilot.app.open_integration("gateway_stripe")
        await pilot.pause()
        pilot.app.screen.action_tab(tab)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_tab)


def test_bundle_screen_80x24(snap_compare, make_app, tui_services, write_logs):
    _configure(tui_services, write_logs)

    async def open_bundle(pilot) -> None:
        await pilot.pause()
        pilot.app.open_bundle("sync_medusa")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_bundle)


def test_configured_marketplace_120x40(snap_compare, make_app, tui_services, write_logs):
    _configure(tui_services, write_logs)
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=settle)
