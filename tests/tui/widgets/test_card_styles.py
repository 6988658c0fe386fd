"""The texts of the marketplace's cards (widgets/cards.py) carry styles Textual can parse."""

from __future__ import annotations

import pytest

from mercato_int.tui.widgets.cards import IntegrationTile

from ..conftest import settle

pytestmark = pytest.mark.anyio


async def test_every_text_of_the_first_screen_has_a_style_textual_can_parse(make_app, write_logs):
    """A Text that is a widget's whole content keeps its style as a string for Textual to
    parse at each render: a name only rich knows (`grey50`) never applied and cost a failed
    parse with a "did you mean" search each time (widgets/cards.py, PLAIN). The tiles make
    their lines from Texts the same way."""
    from rich.text import Text
    from textual.style import Style
    from textual.widgets import Static

    write_logs("gateway_stripe", 3)  # one tile with figures, the others with none
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tiles = list(app.screen.query(IntegrationTile))

        def texts() -> list[object]:
            lines = [x for t in tiles for x in (t.title_text, t.state_text, t.category_text)]
            rates = [t.rate_text for t in tiles]
            return [*(s.content for s in app.screen.query(Static)), *lines, *rates]

        shown = texts()
        tiles[0].show_activity(None, pending=True)
        pending = texts()  # `…`: figures being read
    texts_ = [c for c in (*shown, *pending) if isinstance(c, Text)]
    assert any(str(c).strip() == "…" for c in texts_)
    assert any(str(c).strip() == "—" for c in texts_)
    assert any("Disabled" in str(c) for c in texts_)
    for text in texts_:
        if isinstance(text.style, str) and text.style:
            Style.parse(text.style)  # raises on a name Textual does not know
