"""The texts of the marketplace's cards (widgets/cards.py) carry styles Textual can parse."""

from __future__ import annotations

import pytest

from mercato_int.tui.widgets.cards import IntegrationTile

from ..conftest import settle

pytestmark = pytest.mark.anyio


async def test_every_text_of_the_first_screen_has_a_style_textual_can_parse(make_app, write_logs):
    """A Text that is a widget's whole content keeps its style as a string for Textual to
    parse at each render: a name only rich knows (`grey50`) never applied and cost a failed
    parse with a "did you mean" search each time (widgets/cards.py, PLAIN)."""
    from rich.text import Text
    from textual.style import Style
    from textual.widgets import Static

    write_logs("gateway_stripe", 3)  # one tile with figures, the others with none
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = [s.content for s in app.screen.query(Static)]
        app.screen.query(IntegrationTile).first().show_activity(None, pending=True)
        pending = [s.content for s in app.screen.query(Static)]  # `…`: figures being read
    texts = [c for c in (*shown, *pending) if isinstance(c, Text)]
    assert any(str(c).strip() == "…" for c in texts)
    assert any(str(c).strip() == "—" for c in texts)
    assert any("Disabled" in str(c) for c in texts)
    for text in texts:
        if isinstance(text.style, str) and text.style:
            Style.parse(text.style)  # raises on a name Textual does not know
