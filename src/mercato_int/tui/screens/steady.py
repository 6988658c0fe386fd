"""A screen that does not lay itself out again for a resize that changes nothing.

Textual passes every `Resize` the app gets on to its screens, one of the same size too: the
terminal reports its size once Textual asks for resize reports (tmux does, right after
start), and the app's `Resize` handler hands the report on even when the size did not
change. A screen then lays out, restyles (its breakpoint class, set by the first resize,
restyles every widget under it) and repaints everything again. In tmux at start-up that
happened twice after the marketplace's cards were mounted: about a third of the CPU between
the cards and the first paint at 2,000 integrations.

A `SteadyScreen` starts with its breakpoint classes already set from the app's size,
and a resize to the size it is laid out at, with the same breakpoint classes, stops there:
every other resize takes Textual's own path (the public `prevent_default` of the event skips
the base classes' handlers). A change of the widgets asks for its own layout; a resize cannot
have one to add at the same size."""

from __future__ import annotations

from typing import Any, TypeVar

from textual import events
from textual.geometry import Size
from textual.screen import Screen

ResultType = TypeVar("ResultType")


def breakpoint_classes(screen: Screen[Any], size: Size) -> dict[str, bool]:
    """The breakpoint classes Textual's `Screen` gives itself at `size` (each name: whether
    it applies), worked out as its resize handler does: of each axis's breakpoints, the
    largest at or under the width (height) applies."""
    app = screen.app
    horizontal = screen.HORIZONTAL_BREAKPOINTS
    vertical = screen.VERTICAL_BREAKPOINTS
    axes = (
        (size.width, app.HORIZONTAL_BREAKPOINTS if horizontal is None else horizontal),
        (size.height, app.VERTICAL_BREAKPOINTS if vertical is None else vertical),
    )
    classes: dict[str, bool] = {}
    for dimension, breakpoints in axes:
        edges = sorted(breakpoints or [], reverse=True)
        chosen = next((name for edge, name in edges if dimension >= edge), None)
        for _edge, name in edges:
            classes[name] = classes.get(name, False) or name == chosen
    return classes


class SteadyScreen(Screen[ResultType]):
    """A `Screen` that skips resizes which change nothing: see the module's docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the breakpoint classes for the app's size from the start: the widgets are styled
        # for them when mounted, not all restyled by the first resize
        self.update_classes(breakpoint_classes(self, self.app.size), update=False)

    def on_resize(self, event: events.Resize) -> None:
        if event.size != self.outer_size:
            return  # a real resize: Textual's own handlers
        wanted = breakpoint_classes(self, event.size)
        if all(self.has_class(name) == on for name, on in wanted.items()):
            event.stop()
            event.prevent_default()  # nothing to lay out, restyle or paint again
