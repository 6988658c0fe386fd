"""The marketplace skips a resize that changes nothing (tui/screens/steady.py): the terminal's
report of its unchanged size once it is up no longer lays out, restyles and repaints every
card again; real resizes still do, breakpoint classes included."""

from __future__ import annotations

import pytest

from mercato_int.tui.screens.marketplace import MarketplaceScreen
from mercato_int.tui.screens.steady import breakpoint_classes
from mercato_int.tui.widgets.cards import IntegrationTile

from ..conftest import settle

pytestmark = pytest.mark.anyio


def _layouts(screen) -> list:
    """The sizes the screen is laid out at from now on."""
    seen: list = []
    screen.screen_layout_refresh_signal.subscribe(
        screen, lambda s: seen.append(s.outer_size), immediate=True
    )
    return seen


async def test_a_resize_to_the_same_size_lays_nothing_out_and_a_real_one_does(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MarketplaceScreen)
        assert screen.has_class("-wide") and not screen.has_class("-narrow")
        layouts = _layouts(screen)
        await pilot.resize_terminal(120, 40)  # what a terminal reports once resizes are on
        await pilot.pause()
        assert layouts == []
        tile = screen.query(IntegrationTile).first()
        wide = tile.region.width
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert layouts and layouts[-1].width == 80
        assert screen.has_class("-narrow") and not screen.has_class("-wide")
        assert tile.region.width != wide  # the tiles follow the new width
        layouts.clear()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert layouts and layouts[-1].width == 120
        assert screen.has_class("-wide") and not screen.has_class("-narrow")
        assert tile.region.width == wide


async def test_the_breakpoint_class_is_there_from_the_start(make_app):
    """Set when the screen is made, from the app's size: the cards are styled for it when
    mounted (the first resize used to restyle all of them)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        made = MarketplaceScreen()
        assert made.has_class("-narrow") and not made.has_class("-wide")
        assert app.screen.has_class("-narrow")


@pytest.mark.parametrize("breakpoints", [[(0, "-narrow"), (110, "-wide")], [(50, "-m")], []])
async def test_the_breakpoint_classes_are_textuals_own(make_app, breakpoints):
    """breakpoint_classes() works them out as Textual's Screen does on a resize (a private
    method of Textual: this pins the copy to it)."""
    from textual.geometry import Size

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.HORIZONTAL_BREAKPOINTS = breakpoints
        screen.VERTICAL_BREAKPOINTS = [(30, "-tall")]
        for width in (0, 1, 49, 50, 51, 109, 110, 111, 300):
            for height in (10, 30):
                mine = breakpoint_classes(screen, Size(width, height))
                theirs = screen._get_breakpoint_classes(width, breakpoints)
                theirs |= screen._get_breakpoint_classes(height, [(30, "-tall")])
                assert {name for name, on in mine.items() if on} == theirs
                assert set(mine) == {name for _, name in breakpoints} | {"-tall"}
