"""How a log level looks, in the CLI timeline and in the TUI's logs tab alike: one mark and
one Rich style per level. Marks differ in shape, not only in colour (NO_COLOR, colour-blind
readers), and `info` is neutral: a tick would read as "succeeded", which an info entry does
not say."""

from __future__ import annotations

LEVEL_MARKS: dict[str, tuple[str, str]] = {
    "error": ("✖", "bold red"),
    "warning": ("▲", "yellow"),
    "info": ("i", "blue"),
    "debug": ("·", "grey50"),
}
UNKNOWN_MARK = ("?", "")


def level_mark(level: str) -> tuple[str, str]:
    """(mark, Rich style) of `level`; a question mark for a level this build does not know."""
    return LEVEL_MARKS.get(level, UNKNOWN_MARK)
