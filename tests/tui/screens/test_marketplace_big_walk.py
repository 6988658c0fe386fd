"""The marketplace at 2,000 integrations (test_marketplace_big.py, whose fixtures these share):
the arrow keys and the search reach cards far down. A file of its own so that the two
slowest of these screen tests run beside the others (pytest-xdist hands out whole files)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from mercato_int.tui.widgets.card_list import CardList
from mercato_int.tui.widgets.cards import IntegrationTile

from ..conftest import settle
from .test_marketplace_big import (  # noqa: F401 - the fixtures are used by name
    WIDGET_BOUND,
    _in_view,
    _mounted,
    big_providers,
    big_registry,
    tui_services,
)

pytestmark = pytest.mark.anyio


async def test_arrow_keys_walk_down_past_the_mounted_cards(make_app):
    """Down from the first tile, 40 times: each press lands on a tile or button below the
    last, in view, while the cards ahead are mounted and those behind let go."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        cards = app.screen.query_one("#cards", CardList)
        tops = []
        for _ in range(40):
            await pilot.press("down")
            await pilot.pause()
            here = app.focused
            assert here is not None and here.is_attached and cards in here.ancestors
            assert _in_view(app, here)
            tops.append(cards.scroll_y + here.region.y)
        assert tops == sorted(tops) and tops[-1] > tops[0]
        assert cards.scroll_y > 100
        assert not app.screen.query("#tile-sync_medusa_products")
        assert _mounted(app) < WIDGET_BOUND


async def test_search_finds_an_integration_far_down_and_opens_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Integration 01987")
        await settle(pilot)
        tiles = [t.item.definition.id for t in app.screen.query(IntegrationTile)]
        assert tiles == ["int_01987"]
        await pilot.press("enter")  # from the search box to the match
        assert app.focused is app.screen.query_one("#tile-int_01987")
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "IntegrationScreen"
        assert app.screen.integration_id == "int_01987"
        await pilot.press("escape")
        await pilot.pause()
        # back, and the filter cleared: the focused card stays in view, far down the list
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == ""
        tile = app.screen.query_one("#tile-int_01987")
        assert app.focused is tile
        assert _in_view(app, tile)
        assert app.screen.query_one("#cards", CardList).scroll_y > 5000
        assert _mounted(app) < WIDGET_BOUND
