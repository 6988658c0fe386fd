"""Enabling and disabling from the marketplace and the bundle screen."""

from __future__ import annotations

import pytest
from textual.widgets import Static, Switch

from mercato_int.scope import TenantScope
from mercato_int.tui.widgets.cards import BundleCard, IntegrationTile

pytestmark = pytest.mark.anyio

MEMBERS = [
    "sync_medusa_products",
    "sync_medusa_customers",
    "sync_medusa_orders",
    "sync_medusa_inventory",
    "sync_medusa_webhooks",
]


def _enabled(svc, scope=None) -> set[str]:
    states = svc.state.all_states(scope or TenantScope())
    return {i for i, s in states.items() if s.is_enabled}


def _head(app) -> str:
    return str(app.screen.query_one(BundleCard).query_one(".card-title", Static).render())


async def test_enable_a_bundle_then_disable_one_then_disable_all(make_app, tui_services):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, IntegrationTile)
        await pilot.press("a")  # Enable All of the focused tile's bundle
        await pilot.pause()
        assert _enabled(tui_services) == set(MEMBERS)
        assert _head(app) == "5 integrations · 5 enabled"
        orders = app.screen.query_one("#tile-sync_medusa_orders", IntegrationTile)
        assert str(orders.lines()[1]) == "● Enabled"
        assert _enabled(tui_services, TenantScope(tenant_id="other")) == set()

        orders.focus()
        await pilot.press("space")
        await pilot.pause()
        assert _enabled(tui_services) == set(MEMBERS) - {"sync_medusa_orders"}
        assert _head(app) == "5 integrations · 4 enabled"
        assert app.focused.id == "tile-sync_medusa_orders"  # the focus stays put

        await pilot.click(".disable-all")  # four are on: it asks first
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        question = str(app.screen.query_one(".question", Static).render())
        assert question == "Switch off 4 integrations of MedusaJS in tenant default · org default?"
        await pilot.press("n")
        await pilot.pause()
        assert _enabled(tui_services) == set(MEMBERS) - {"sync_medusa_orders"}
        await pilot.click(".disable-all")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert _enabled(tui_services) == set()
        assert _head(app) == "5 integrations · 0 enabled"


async def test_enabled_filter_follows_scope(make_app, tui_services):
    tui_services.state.enable(["gateway_stripe"], TenantScope(tenant_id="acme"), actor="t")
    app = make_app(scope=TenantScope(tenant_id="acme"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        stripe = app.screen.query_one("#tile-gateway_stripe", IntegrationTile)
        assert str(stripe.lines()[1]) == "● Enabled"
        assert app.sub_title == "tenant acme · org default"


async def test_bundle_screen_switches_and_bulk_actions(make_app, tui_services):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_bundle("sync_medusa")
        await pilot.pause()
        await pilot.click("#enable-all")
        await pilot.pause()
        assert _enabled(tui_services) == set(MEMBERS)
        assert all(app.screen.query_one(f"#sw-{m}", Switch).value for m in MEMBERS)

        switch = app.screen.query_one("#sw-sync_medusa_webhooks", Switch)
        switch.focus()
        await pilot.press("space")
        await pilot.pause()
        assert _enabled(tui_services) == set(MEMBERS) - {"sync_medusa_webhooks"}

        await pilot.press("ctrl+x")  # Disable All: four are on, it asks first
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("y")
        await pilot.pause()
        assert _enabled(tui_services) == set()
        assert not any(app.screen.query_one(f"#sw-{m}", Switch).value for m in MEMBERS)

        await pilot.press("escape")
        await pilot.pause()
        assert _head(app) == "5 integrations · 0 enabled"


async def test_integration_switch(make_app, tui_services):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_integration("carrier_dhl")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert _enabled(tui_services) == {"carrier_dhl"}
        assert str(app.screen.query_one("#enabled-label", Static).render()) == "● Enabled"
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert _enabled(tui_services) == set()
