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
        texts = [str(s.render()) for s in tile.query(Static)]
        assert texts[1:3] == ["○ Wyłączona", "Płatności  bez danych"]
        assert app.screen.query_one("#search", Input).placeholder == "Szukaj… (/)"
        section = app.screen.query_one(".section-title", Static)
        assert str(section.render()) == "Samodzielne integracje"
