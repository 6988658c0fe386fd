"""`MercatoApp.update_styles`: a widget is not restyled for the classes it is given before it
is mounted (a Button sets three in its constructor), and is styled for them when mounted;
a mounted widget's class changes restyle it as before."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from .conftest import settle

pytestmark = pytest.mark.anyio


def _looks(button: Button) -> tuple[object, ...]:
    s = button.styles
    return (s.background, s.color, s.border, s.text_style, s.height)


async def test_classes_given_before_the_mount_are_styled_at_the_mount(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        restyled: list[object] = []
        update_nodes = app.stylesheet.update_nodes

        def counting(nodes, animate: bool = False) -> None:
            nodes = list(nodes)
            restyled.extend(nodes)
            update_nodes(nodes, animate=animate)

        app.stylesheet.update_nodes = counting  # type: ignore[method-assign]
        button = Button("Enable", variant="success", compact=True)
        assert button.has_class("-success") and restyled == []  # not restyled unmounted

        await app.screen.mount(button)
        await pilot.pause()
        mounted = _looks(button)
        app.stylesheet.apply(button)  # Textual's own full restyle for the classes it has
        assert _looks(button) == mounted

        button.variant = "error"  # mounted: a class change restyles it at once
        assert button in restyled
        after = _looks(button)
        assert after != mounted
        app.stylesheet.apply(button)
        assert _looks(button) == after
