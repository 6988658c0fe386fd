"""The marketplace screen, driven with Pilot against a real store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input, Select, Static

from mercato_int.scope import TenantScope
from mercato_int.tui.widgets.cards import BundleCard, IntegrationTile

from ..conftest import NOW, settle

pytestmark = pytest.mark.anyio


def tile_ids(app) -> list[str]:
    return [t.item.definition.id for t in app.screen.query(IntegrationTile)]


async def test_shows_bundles_and_standalone_cards_in_the_scope(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.sub_title == "tenant default · org default"
        cards = list(app.screen.query(BundleCard))
        assert [c.group.bundle.id for c in cards] == ["sync_medusa"]
        assert tile_ids(app) == [
            "sync_medusa_products",
            "sync_medusa_customers",
            "sync_medusa_orders",
            "sync_medusa_inventory",
            "sync_medusa_webhooks",
            "carrier_dhl",
            "gateway_stripe",
        ]
        assert app.focused is app.screen.query_one("#tile-sync_medusa_products")
        head = str(cards[0].query_one(".card-title", Static).render())
        assert head == "5 integrations · 0 enabled"
        tile = app.screen.query_one("#tile-gateway_stripe", IntegrationTile)
        texts = [str(line) for line in tile.lines()]
        assert texts[:3] == ["Stripe –", "○ Disabled", "Payment  no creds"]  # unconfigured


async def test_the_collector_paused_for_the_start_up_resumes_after_the_first_paint(make_app):
    """`mercato-int tui` pauses the cyclic collector while it starts (the app says so with
    `resume_gc`); the first screen painted, the collector runs again."""
    import gc

    app = make_app(resume_gc=True)
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.screen.query(BundleCard)
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()  # `started` froze this process's objects out of the collector's walks


async def test_search_then_category_filter_then_clear(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"orders")
        await pilot.pause()
        assert tile_ids(app) == ["sync_medusa_orders"]
        await pilot.press("enter")  # from the search box to the first match
        assert app.focused is app.screen.query_one("#tile-sync_medusa_orders")

        await pilot.press("escape")  # clears search and category
        await pilot.pause()
        assert len(tile_ids(app)) == 7
        app.screen.query_one("#category", Select).value = "webhook"
        await pilot.pause()
        assert tile_ids(app) == ["sync_medusa_webhooks"]
        await pilot.press("c")  # the next category wraps to All
        await pilot.pause()
        assert len(tile_ids(app)) == 7


async def test_category_key_cycles_all_then_each_category(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        seen = []
        for _ in range(5):
            await pilot.press("c")
            await pilot.pause()
            seen.append((app.screen.query_one("#category", Select).value, tile_ids(app)))
        assert seen == [
            (
                "data_sync",
                [
                    "sync_medusa_products",
                    "sync_medusa_customers",
                    "sync_medusa_orders",
                    "sync_medusa_inventory",
                ],
            ),
            ("payment", ["gateway_stripe"]),
            ("shipping", ["carrier_dhl"]),
            ("webhook", ["sync_medusa_webhooks"]),
            ("__all__", tile_ids(app)),
        ]
        assert len(seen[-1][1]) == 7


async def test_no_match_says_so(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"zzz")
        await pilot.pause()
        assert tile_ids(app) == []
        assert "No integration matches" in str(app.screen.query_one("#empty", Static).render())


async def test_activity_sparkline_and_error_rate_from_the_logs(make_app, write_logs):
    write_logs("gateway_stripe", 8)  # 2 errors of 8
    write_logs("gateway_stripe", 2, end=NOW - timedelta(days=40))  # outside the 30 days
    write_logs("carrier_dhl", 3, scope=TenantScope(tenant_id="other"))  # another tenant
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        stripe = app.screen.query_one("#tile-gateway_stripe", IntegrationTile)
        await settle(pilot)
        assert stripe.activity.daily[-1] == 8
        assert str(stripe.lines()[3]).endswith("   25%")  # right-aligned in its six cells
        dhl = app.screen.query_one("#tile-carrier_dhl", IntegrationTile)
        assert str(dhl.lines()[3]).endswith("▁     —")


async def test_the_figures_are_read_once_the_first_screen_is_painted(
    make_app, write_logs, monkeypatch
):
    """The 30-day figures' worker starts after the first paint (not during the start-up):
    the tiles show `…` until then, then the figures, once per scope."""
    from mercato_int.tui.screens.marketplace import MarketplaceScreen

    write_logs("gateway_stripe", 8)  # 2 errors of 8
    started: list[tuple[bool, list[str]]] = []
    load = MarketplaceScreen._load_activity

    def spy(self, scope):
        rates = [str(t.lines()[3]).strip()[-1] for t in self.query(IntegrationTile)]
        started.append((self._painted, rates))
        return load(self, scope)

    monkeypatch.setattr(MarketplaceScreen, "_load_activity", spy)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert len(started) == 1
        painted, rates = started[0]
        assert painted and rates and set(rates) == {"…"}  # painted, the figures pending
        stripe = app.screen.query_one("#tile-gateway_stripe", IntegrationTile)
        assert stripe.activity is not None and stripe.activity.total == 8
        assert str(stripe.lines()[3]).endswith("   25%")


async def test_switch_scope_changes_header_and_rejects_bad_ids(make_app, write_logs):
    write_logs("gateway_stripe", 4, scope=TenantScope(tenant_id="acme"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        tenant = app.screen.query_one("#tenant", Input)
        tenant.value = "bad tenant!"
        await pilot.click("#ok")
        await pilot.pause()
        error = app.screen.query_one("#scope-error", Static)
        assert error.display
        assert str(error.render()).startswith("invalid tenant 'bad tenant!'")
        tenant.value = "acme"
        tenant.focus()
        await pilot.press("enter")  # Enter in a field submits, like the button
        await pilot.pause()
        assert app.scope == TenantScope(tenant_id="acme")
        assert app.sub_title == "tenant acme · org default"
        await settle(pilot)
        stripe = app.screen.query_one("#tile-gateway_stripe", IntegrationTile)
        assert stripe.activity.total == 4


async def test_open_integration_and_bundle_and_back(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "IntegrationScreen"
        assert app.screen.integration_id == "sync_medusa_products"
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert type(app.screen).__name__ == "BundleScreen"
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "MarketplaceScreen"
        await pilot.press("b")
        await pilot.pause()
        assert type(app.screen).__name__ == "BundleScreen"


async def test_activity_is_read_once_per_refresh_not_per_keystroke(make_app, write_logs):
    write_logs("gateway_stripe", 4)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        write_logs("gateway_stripe", 4, end=NOW - timedelta(hours=1))  # written meanwhile
        await pilot.press("slash", *"stripe")
        await settle(pilot)
        tile = app.screen.query_one("#tile-gateway_stripe", IntegrationTile)
        assert tile.activity.total == 4  # the search reused the figures
        app.screen.query_one("#search", Input).blur()
        await pilot.press("f5")
        await settle(pilot)
        tile = app.screen.query_one("#tile-gateway_stripe", IntegrationTile)
        assert tile.activity.total == 8


async def test_a_store_failure_is_a_notification_not_a_crash(make_app, tui_services):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        with tui_services.store.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE integration_states")
        await pilot.press("f5")
        await pilot.pause()
        notes = list(app._notifications)  # what the toasts show
        assert len(notes) == 1
        assert notes[0].title == "Error" and notes[0].severity == "error"
        assert notes[0].message.startswith("cannot reach the store at sqlite:///")
        assert "no such table: integration_states" in notes[0].message
        assert app.is_running
        assert len(tile_ids(app)) == 7  # the last good view stays on screen


async def test_clearing_a_filter_keeps_the_focused_card_in_view(make_app):
    """Search stripe, open it and come back, then clear the filter: the Stripe card, still
    focused, is at the bottom of the full list, so the view scrolls to it (not to the top)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"stripe", "escape", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "IntegrationScreen"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#search", Input).value == ""
        stripe = app.screen.query_one("#tile-gateway_stripe")
        assert app.screen.focused is stripe
        cards = app.screen.query_one("#cards")
        assert cards.scroll_y > 0
        assert cards.region.contains_region(stripe.region)  # the focused card is in view
        await pilot.press("up")  # the row above: Medusa's Configure Bundle, in view too
        await pilot.pause()
        above = app.screen.focused
        assert above is not None and above.has_class("configure")
        assert cards.region.contains_region(above.region)
