"""The marketplace screen in Polish (the language is chosen once per process, as the CLI does
before it starts the TUI)."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input, Static

from mercato_int import i18n
from mercato_int.tui.widgets.cards import BundleCard, IntegrationTile

pytestmark = pytest.mark.anyio


@pytest.fixture
def polish():
    i18n.choose("pl")
    yield
    i18n.reset()


async def test_the_marketplace_in_polish(make_app, polish):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.title == "Integracje"
        assert app.sub_title == "tenant default · organizacja default"
        card = app.screen.query_one(BundleCard)
        assert str(card.query_one(".card-title", Static).render()) == "5 integracji · włączone: 0"
        assert [str(b.label) for b in card.query(Button)] == [
            "Włącz wszystkie",
            "Wyłącz wszystkie",
            "Konfiguruj pakiet",
        ]
        tile = app.screen.query_one("#tile-gateway_stripe", IntegrationTile)
        texts = [str(line) for line in tile.lines()]
        assert texts[1:3] == ["○ Wyłączona", "Płatności  bez danych"]
        assert app.screen.query_one("#search", Input).placeholder == "Szukaj… (/)"
        section = app.screen.query_one(".section-title", Static)
        assert str(section.render()) == "Samodzielne integracje"


def _screen_text(app) -> str:
    """What the terminal shows now, as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def _until(pilot, condition, timeout: float = 15.0) -> None:
    """Let the app run until `condition()` holds (the enable runs in a worker thread, which a
    loaded machine may not finish within a fixed pause); fail after `timeout` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the screen never got there"
        await pilot.pause(0.05)


async def test_notifications_do_not_cover_a_confirmation(make_app, polish):
    """Enable All leaves toasts (done, credentials not set) on the right; Disable All's
    question must still be read whole, on the bundle screen and the marketplace."""
    app = make_app()
    # The toasts last 3 s of wall time, which a loaded machine can spend between two steps
    # here: the toast would be gone (not held back) while the dialog is up, and never back
    # after it. Here they last for the whole test, so both are seen for what they are.
    notify = app.notify
    app.notify = lambda message, **kw: notify(message, **{**kw, "timeout": 600})
    question = "Wyłączyć 5 integracji pakietu MedusaJS w tenant default"
    async with app.run_test(size=(80, 24), notifications=True) as pilot:

        def dialog_up() -> bool:
            return type(app.screen).__name__ == "ConfirmDialog"

        def shown() -> str:
            return " ".join(_screen_text(app).split())

        def toast_shown() -> bool:
            return "Włączono wszystkie integracje" in _screen_text(app)

        def question_shown() -> bool:
            return dialog_up() and question in shown()

        await pilot.pause()
        app.open_bundle("sync_medusa")
        await pilot.pause()
        await pilot.press("ctrl+a")
        await _until(pilot, toast_shown)  # a toast is up
        await pilot.press("ctrl+x")
        await _until(pilot, question_shown)
        await pilot.pause()
        assert app._notifications  # the toast is still there (not expired)...
        assert "Włączono wszystkie" not in shown()  # ...held back while the dialog is up
        assert question in shown()
        await pilot.press("n")
        await _until(pilot, lambda: not dialog_up())
        await _until(pilot, toast_shown)  # and back after it

        await pilot.press("escape")  # to the marketplace, the toasts still up
        await _until(pilot, lambda: type(app.screen).__name__ == "MarketplaceScreen")
        await _until(pilot, toast_shown)
        await pilot.press("x")
        await _until(pilot, question_shown)
        await pilot.pause()
        assert question in shown()


async def test_the_bundle_screen_shows_a_member_category_whole(make_app, polish):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_bundle("sync_medusa")
        await pilot.pause()
        lines = _screen_text(app).splitlines()
        titles = list(app.screen.query(".member-title"))
        assert len(titles) == 5
        members = ("Products", "Customers", "Orders", "Inventory")
        for title, member in zip(titles[:4], members, strict=True):
            r = title.region  # what is drawn there: whole on its line or wrapped, never cut
            drawn = " ".join(line[r.x : r.right] for line in lines[r.y : r.bottom])
            assert " ".join(drawn.split()) == f"{member} Synchronizacja danych"
            h = title.parent.query_one(".member-health").region
            assert lines[h.y][h.x : h.right].strip() == "– nieskonfigurowana"
