"""The credentials form: a validation error shown inline, then a good save; the overwrite
check; remove with confirmation; a bundled integration pointing at its bundle's form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input, Static

from mercato_int.scope import TenantScope

from ..conftest import NOW

pytestmark = pytest.mark.anyio

SECRET = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
WEBHOOK = "whsec_0123456789abcdef"


async def _open(app, pilot, integration_id: str) -> None:
    await pilot.pause()
    app.open_integration(integration_id)
    await pilot.pause()
    await pilot.pause()


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _type(app, key: str, value: str) -> None:
    app.screen.query_one(f"#f-{key}", Input).value = value


async def test_validation_error_inline_then_a_good_save(make_app, tui_services):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, "gateway_stripe")
        assert _text(app, "#set-secretKey") == "not set"
        _type(app, "publishableKey", "pk_test_123")
        _type(app, "secretKey", SECRET)
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = app.screen.query_one("#err-webhookSecret", Static)
        assert error.display
        assert str(error.render()) == "missing required field webhookSecret for gateway_stripe"
        assert not app.screen.query_one("#err-secretKey", Static).display
        view = tui_services.credentials.read_masked("gateway_stripe", TenantScope())
        assert view.source == "none"  # nothing stored

        _type(app, "webhookSecret", WEBHOOK)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not error.display
        assert _text(app, "#set-secretKey") == "set"
        assert _text(app, "#set-webhookSecret") == "set"
        # the password inputs are emptied: the secret is nowhere on the screen any more
        assert app.screen.query_one("#f-secretKey", Input).value == ""
        assert "stored on this integration" in _text(app, ".form-source")
        resolved = tui_services.credentials.resolve("gateway_stripe", TenantScope())
        assert resolved["secretKey"] == SECRET
        assert resolved["publishableKey"] == "pk_test_123"


async def test_url_field_error_names_the_field(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_bundle("sync_medusa")
        await pilot.pause()
        _type(app, "medusaApiUrl", "ftp://medusa.example")
        _type(app, "medusaApiKey", "medusa-key-123456")
        _type(app, "medusaWebhookSecret", "medusa-hook-123456")
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = app.screen.query_one("#err-medusaApiUrl", Static)
        assert error.display
        assert "medusaApiUrl" in str(error.render())
        assert app.focused is app.screen.query_one("#f-medusaApiUrl")


async def test_save_asks_before_overwriting_a_change_made_elsewhere(make_app, tui_services, clock):
    scope = TenantScope()
    creds = tui_services.credentials
    base = {"publishableKey": "pk_1", "secretKey": SECRET, "webhookSecret": WEBHOOK}
    creds.save("gateway_stripe", base, scope, actor="tester")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, "gateway_stripe")
        assert app.screen.query_one("#f-publishableKey", Input).value == "pk_1"
        # another operator saves while the form is open
        clock[0] = NOW + timedelta(minutes=5)
        creds.save("gateway_stripe", {"publishableKey": "pk_theirs"}, scope, actor="someone")
        _type(app, "publishableKey", "pk_mine")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert "changed elsewhere" in str(app.screen.query_one(".question", Static).render())
        assert "by someone" in str(app.screen.query_one(".question", Static).render())
        await pilot.press("n")
        await pilot.pause()
        assert creds.resolve("gateway_stripe", scope)["publishableKey"] == "pk_theirs"

        await pilot.press("ctrl+s")
        await pilot.pause()
        # a third operator saves while the question is on screen: the save is compare-and-set
        # in the store (issue 10.21), so "Overwrite" overwrites the version that was shown,
        # not whatever is there by the time the answer comes; it asks again
        clock[0] = NOW + timedelta(minutes=7)
        creds.save("gateway_stripe", {"publishableKey": "pk_third"}, scope, actor="third")
        await pilot.press("y")
        await pilot.pause()
        assert creds.resolve("gateway_stripe", scope)["publishableKey"] == "pk_third"
        assert "by third" in str(app.screen.query_one(".question", Static).render())
        await pilot.press("y")
        await pilot.pause()
        assert creds.resolve("gateway_stripe", scope)["publishableKey"] == "pk_mine"
        assert creds.read_masked("gateway_stripe", scope).version == 4
        # the form now holds the stored row: a second save has nothing to ask about
        assert app.screen.query_one("#f-publishableKey", Input).value == "pk_mine"


async def test_remove_asks_first(make_app, tui_services):
    scope = TenantScope()
    values = {"apiKey": "dhl-key-123456", "accountNumber": "22222222220101"}
    tui_services.credentials.save("carrier_dhl", values, scope, actor="tester")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, "carrier_dhl")
        await pilot.click("#remove")
        await pilot.pause()
        await pilot.press("escape")  # cancel
        await pilot.pause()
        assert tui_services.credentials.read_masked("carrier_dhl", scope).source == "own"
        app.screen.query_one("#form").remove_credentials()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert tui_services.credentials.read_masked("carrier_dhl", scope).source == "none"
        assert _text(app, "#set-apiKey") == "not set"
        assert app.screen.query_one("#f-accountNumber", Input).value == ""


async def test_bundled_integration_shows_the_bundle_values_and_links_to_its_form(
    make_app, tui_services
):
    tui_services.credentials.save(
        "sync_medusa",
        {
            "medusaApiUrl": "https://api.shop.example",
            "medusaApiKey": "medusa-key-123456",
            "medusaWebhookSecret": "medusa-hook-123456",
        },
        TenantScope(),
        actor="tester",
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, "sync_medusa_orders")
        inherited = _text(app, "#inherited")
        assert "Medusa API URL: https://api.shop.example" in inherited
        assert "API Key: set" in inherited
        assert "medusa-key" not in inherited
        await pilot.click("#open-bundle-form")
        await pilot.pause()
        assert type(app.screen).__name__ == "BundleScreen"
        assert app.screen.query_one("#f-medusaApiUrl", Input).value == "https://api.shop.example"


async def test_select_and_boolean_fields_save_only_what_changed(make_app, tui_services):
    scope = TenantScope()
    creds = tui_services.credentials
    base = {"publishableKey": "pk_1", "secretKey": SECRET, "webhookSecret": WEBHOOK}
    creds.save("gateway_stripe", base, scope, actor="tester")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, "gateway_stripe")
        form = app.screen.query_one("#form")
        assert form.changes() == {}  # untouched: an unset boolean is not stored as false
        app.screen.query_one("#f-captureMethod").value = "automatic"
        app.screen.query_one("#f-enableApplePay").toggle()
        await pilot.pause()
        assert _text(app, "#word-enableApplePay") == "on"
        assert form.changes() == {"captureMethod": "automatic", "enableApplePay": "true"}
        await pilot.press("ctrl+s")
        await pilot.pause()
    resolved = creds.resolve("gateway_stripe", scope)
    assert resolved["captureMethod"] == "automatic"
    assert resolved["enableApplePay"] is True
    assert resolved["secretKey"] == SECRET  # secrets not typed in are kept
