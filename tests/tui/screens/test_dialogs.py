"""Asking before losing something: Disable All of more than one integration, Esc on a form
with unsaved edits; and Esc leaving the search box."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from mercato_int.scope import TenantScope
from mercato_int.tui.widgets.cards import IntegrationTile

pytestmark = pytest.mark.anyio

SCOPE = TenantScope()


def _enabled(svc) -> set[str]:
    return {i for i, s in svc.state.all_states(SCOPE).items() if s.is_enabled}


def _question(app) -> str:
    assert type(app.screen).__name__ == "ConfirmDialog"
    return str(app.screen.query_one(".question", Static).render())


async def test_disable_all_of_one_enabled_integration_does_not_ask(make_app, tui_services):
    tui_services.state.enable(["sync_medusa_orders"], SCOPE, actor="t")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x")  # the focused tile is in the Medusa bundle
        await pilot.pause()
        assert type(app.screen).__name__ == "MarketplaceScreen"
        assert _enabled(tui_services) == set()


async def test_disable_all_key_asks_when_two_are_on(make_app, tui_services):
    tui_services.state.enable(["sync_medusa_orders", "sync_medusa_products"], SCOPE, actor="t")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert _question(app) == (
            "Switch off 2 integrations of MedusaJS in tenant default · org default?"
        )
        await pilot.press("escape")  # Esc answers no
        await pilot.pause()
        assert _enabled(tui_services) == {"sync_medusa_orders", "sync_medusa_products"}
        await pilot.press("x")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert _enabled(tui_services) == set()


async def test_esc_on_a_form_with_unsaved_edits_asks_before_leaving(make_app, tui_services):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_integration("carrier_dhl")
        await pilot.pause()
        await pilot.press("escape")  # nothing edited: leaves at once
        await pilot.pause()
        assert type(app.screen).__name__ == "MarketplaceScreen"

        app.open_integration("carrier_dhl")
        await pilot.pause()
        app.screen.query_one("#f-apiKey", Input).focus()
        await pilot.pause()
        await pilot.press(*"dhl-key-1")
        await pilot.press("escape")
        await pilot.pause()
        assert _question(app) == (
            "The credentials of carrier_dhl have unsaved changes (apiKey). Leave and discard them?"
        )
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "IntegrationScreen"
        assert app.screen.query_one("#f-apiKey", Input).value == "dhl-key-1"  # still there

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert type(app.screen).__name__ == "MarketplaceScreen"
        assert tui_services.credentials.read_masked("carrier_dhl", SCOPE).source == "none"


async def test_esc_after_a_save_leaves_without_asking(make_app, tui_services):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_integration("carrier_dhl")
        await pilot.pause()
        app.screen.query_one("#f-apiKey", Input).value = "dhl-key-123456"
        app.screen.query_one("#f-accountNumber", Input).value = "22222222220101"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert tui_services.credentials.read_masked("carrier_dhl", SCOPE).source == "own"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "MarketplaceScreen"


async def test_esc_on_the_bundle_form_with_unsaved_edits_asks(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_bundle("sync_medusa")
        await pilot.pause()
        app.screen.query_one("#f-medusaApiUrl", Input).value = "https://api.shop.example"
        await pilot.press("escape")
        await pilot.pause()
        assert "The credentials of sync_medusa have unsaved changes (medusaApiUrl)" in (
            _question(app)
        )
        await pilot.press("y")
        await pilot.pause()
        assert type(app.screen).__name__ == "MarketplaceScreen"


async def test_esc_leaves_the_search_box_and_a_second_esc_clears_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"stripe")
        await pilot.pause()
        search = app.screen.query_one("#search", Input)
        assert app.focused is search
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#tile-gateway_stripe")
        assert search.value == "stripe"  # the filter stays
        assert len(app.screen.query(IntegrationTile)) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert search.value == ""
        assert len(app.screen.query(IntegrationTile)) == 7


@pytest.mark.parametrize("keys", [("x", "y"), ("up", "right", "enter", "y")])
async def test_keys_still_act_after_confirming_disable_all(make_app, tui_services, keys):
    """Yes rebuilt the cards twice (the answer and the screen's resume): the first rebuild's
    deferred focus landed on a tile the second had removed, so the focus sat on a detached
    widget and no key reached the screen or the app (ctrl+q neither)."""
    scope = TenantScope(tenant_id="acme")
    tui_services.state.enable(["sync_medusa_orders", "sync_medusa_products"], scope, actor="t")
    app = make_app(scope=scope)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        assert type(app.screen).__name__ == "MarketplaceScreen"
        assert not {i for i, s in tui_services.state.all_states(scope).items() if s.is_enabled}
        focused = app.screen.focused
        assert focused is not None and focused.is_attached  # where it was: a tile or the button
        await pilot.press("down")  # the next row of tiles
        await pilot.pause()
        assert app.screen.focused is not focused
        assert app.screen.focused is not None and app.screen.focused.is_attached
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
