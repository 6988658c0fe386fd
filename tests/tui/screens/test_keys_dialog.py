"""Keys at 80×24: f1–f3 from anywhere on the integration screen, the arrow keys on the
marketplace, a focused button that stands out, a footer that shows every key it lists (English
and Polish) with `?` for the rest, and the focused card scrolled into view."""

from __future__ import annotations

import pytest
from textual.color import Color
from textual.widgets import Button, Footer, Input, Select, Static, TabbedContent
from textual.widgets._footer import FooterKey

from mercato_int import i18n
from mercato_int.tui.screens.dialogs import KeysDialog
from mercato_int.tui.widgets.cards import IntegrationTile

from ..conftest import settle

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["en", "pl"])
def lang(request):
    i18n.choose(request.param)
    yield request.param
    i18n.reset()


def _active_tab(app) -> str:
    return app.screen.query_one("#tabs", TabbedContent).active


# --- 17: f1-f3 everywhere, arrows, the focused button ---------------------------------------
async def test_f1_to_f3_switch_tabs_from_inside_form_fields(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_integration("gateway_stripe")
        await settle(pilot)
        field = app.screen.query_one("#f-publishableKey", Input)
        field.focus()
        await pilot.pause()
        await pilot.press(*"pk_1", "f2")
        await pilot.pause()
        assert _active_tab(app) == "health"
        assert field.value == "pk_1"  # the key did not go into the field either
        await pilot.press("f3")
        await pilot.pause()
        assert _active_tab(app) == "logs"
        search = app.screen.query_one("#log-search", Input)
        search.focus()
        await pilot.pause()
        await pilot.press(*"webhook", "f1")
        await pilot.pause()
        assert _active_tab(app) == "credentials"
        assert search.value == "webhook"
        app.screen.query_one("#f-captureMethod", Select).focus()
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        assert _active_tab(app) == "logs"


async def test_arrow_keys_move_between_tiles_buttons_and_cards(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        def at() -> str:
            w = app.focused
            if isinstance(w, IntegrationTile):
                return w.item.definition.id
            assert isinstance(w, Button)
            return next(c for c in ("configure", "enable-all", "disable-all") if w.has_class(c))

        seen = [at()]
        for key in ["right", "right", "down", "down", "down", "right", "up", "up", "up", "up"]:
            await pilot.press(key)
            await pilot.pause()
            seen.append(at())
        assert seen == [
            "sync_medusa_products",
            "sync_medusa_customers",
            "sync_medusa_orders",
            "sync_medusa_webhooks",  # the row below, nearest to the middle of Orders
            "configure",  # Configure Bundle, under the tiles
            "carrier_dhl",  # into the next card
            "gateway_stripe",
            "configure",
            "sync_medusa_inventory",
            "sync_medusa_products",
            "enable-all",  # the bundle card's head
        ]
        await pilot.press("up")  # nothing above the cards but the search box
        await pilot.pause()
        assert app.focused is app.screen.query_one("#search", Input)
        await pilot.press("down")
        await pilot.pause()
        assert at() == "sync_medusa_products"
        await pilot.press("left")  # left of the first tile: the head's last button
        await pilot.pause()
        assert at() == "disable-all"


async def test_the_focused_button_stands_out(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        on = app.screen.query_one(".enable-all", Button)
        off = app.screen.query_one(".disable-all", Button)
        before = (on.styles.background, on.styles.text_style)
        on.focus()
        await pilot.pause()
        accent = Color.parse(app.theme_variables["accent"])
        assert on.styles.background == accent
        assert on.styles.text_style.underline and on.styles.text_style.bold
        assert off.styles.background != accent and not off.styles.text_style.underline
        assert (on.styles.background, on.styles.text_style) != before


# --- 20: the footer at 80 columns, `?`, scrolling into view ---------------------------------
def _footer_keys(app) -> list[tuple[str, str]]:
    """(key, description) of each key the footer shows, after checking it is shown whole."""
    footer = app.screen.query_one(Footer)
    assert footer.max_scroll_x == 0, "the footer is wider than the screen"
    shown = []
    for key in footer.query(FooterKey):
        assert footer.region.contains_region(key.region), (key.description, key.region)
        assert key.description in str(key.render())
        shown.append((key.key_display, key.description))
    return shown


FOOTERS = {
    "en": {
        "marketplace": ["Open", "On/Off", "Refresh", "Quit", "Help"],
        "credentials": ["Back", "Save", "Check", "On/Off", "Quit", "Help"],
        "logs": ["Back", "Next", "Prev", "Level", "Quit", "Help"],
        "bundle": ["Back", "Save", "Check", "Quit", "Help"],
    },
    "pl": {
        "marketplace": ["Otwórz", "Wł./Wył.", "Odśwież", "Wyjście", "Pomoc"],
        "credentials": ["Wstecz", "Zapisz", "Sprawdź", "Wł./Wył.", "Wyjście", "Pomoc"],
        "logs": ["Wstecz", "Nast.", "Poprz.", "Poziom", "Wyjście", "Pomoc"],
        "bundle": ["Wstecz", "Zapisz", "Sprawdź", "Wyjście", "Pomoc"],
    },
}


async def test_the_footer_shows_every_key_it_lists_at_80_columns(make_app, write_logs, lang):
    write_logs("gateway_stripe", 30)  # the pager of the logs tab has pages
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        expected = FOOTERS[lang]
        assert [d for _, d in _footer_keys(app)] == expected["marketplace"]
        app.open_integration("gateway_stripe")
        await settle(pilot)
        for tab, name in (("f1", "credentials"), ("f2", "credentials"), ("f3", "logs")):
            await pilot.press(tab)
            await pilot.pause()
            assert [d for _, d in _footer_keys(app)] == expected[name], tab
        await pilot.press("f1")
        await pilot.pause()
        assert [d for _, d in _footer_keys(app)] == expected["credentials"]  # back again
        app.open_bundle("sync_medusa")
        await settle(pilot)
        assert [d for _, d in _footer_keys(app)] == expected["bundle"]


async def test_question_mark_lists_the_keys_the_footer_leaves_out(make_app, lang):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysDialog)
        rows = dict((what, keys) for keys, what in app.screen.rows)
        table = str(app.screen.query_one("#keys-table", Static).render())
        if lang == "en":
            assert rows["All off"] == "x" and rows["Scope"] == "^t" and rows["Filter"] == "c"
            assert rows["Move"] == "↑ / ↓ / ← / →"
            assert rows["Refresh"] == "r / f5 / ^r"
            assert "a              All on" in table.splitlines()
        else:
            assert rows["Wszystkie wył."] == "x" and rows["Zakres"] == "^t"
            assert rows["Przejdź"] == "↑ / ↓ / ← / →"
        assert "Copy selected text" not in table  # Textual's own keys are not listed
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "MarketplaceScreen"
        app.open_integration("sync_medusa_orders")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        rows = dict((what, keys) for keys, what in app.screen.rows)
        logs = "Logs" if lang == "en" else "Logi"
        bundle = "Bundle" if lang == "en" else "Pakiet"
        assert rows[logs] == "f3"
        assert rows[bundle] == "^b"


async def test_focusing_any_card_scrolls_it_into_view(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        cards = app.screen.query_one("#cards")
        focusable = [w for w in cards.query("*") if w.focusable]
        assert len(focusable) == 10  # 2 head buttons, 5 tiles, Configure, 2 standalone tiles
        for widget in [*focusable, *reversed(focusable)]:
            widget.focus()
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            assert cards.region.contains_region(widget.region), (widget, cards.scroll_y)
        assert cards.scroll_y == 0
        stripe = app.screen.query_one("#tile-gateway_stripe")
        for _ in range(4):
            await pilot.press("down")  # down to the standalone row, the way a user goes
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        assert app.focused.id == "tile-carrier_dhl"
        await pilot.press("right")
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        assert cards.region.contains_region(stripe.region)
