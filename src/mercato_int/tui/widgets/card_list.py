"""The marketplace's scrolling list of cards, virtualised: only the cards on screen (and about
a screen above and below) are mounted; the rest of the list is two spacers whose heights are
the cards' heights. A registry of 2,000 integrations mounts as many widgets as one of 20.

Heights are estimated from what a card shows (its text wrapped at the list's width, its rows
of tiles) and replaced by the measured height once a card has been on screen, so the scroll
bar stands for the whole list and does not jump."""

from __future__ import annotations

import asyncio
import bisect
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget

from mercato_int.tui.widgets.key_labels import describe_bindings

if TYPE_CHECKING:
    from mercato_int.services.logs.activity import Activity

# A card's fixed lines: its top margin, border, head, package line, the margin above the
# tiles, Configure's margin and the button (see .card, .tiles and .configure in mercato.tcss).
CARD_LINES = 7
TILE_ROW = 6  # .tiles grid-rows


@dataclass(frozen=True)
class Entry:
    """One slot of the list: a card (or a title, or a slice of standalone tiles).

    `key` names it across rebuilds (the focus is found again by it); `texts` are the lines
    that wrap and `tiles` the tiles it holds, from which its height is estimated."""

    key: str
    make: Callable[[dict[str, Activity]], Widget]
    fixed: int = 0  # lines that do not depend on the width
    texts: tuple[str, ...] = ()  # lines that wrap at the card's inner width
    inset: int = 0  # columns the card's border and padding take from the list's width
    tiles: int = 0
    integration_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def shape(self) -> tuple[str, int]:
        """What its height depends on besides the width (the same card filtered shows fewer
        tiles)."""
        return (self.key, self.tiles)


@functools.lru_cache(maxsize=8192)
def wrapped_lines(text: str, width: int) -> int:
    """The lines `text` takes wrapped at `width` cells: words as rich wraps them (a word too
    long for a line folded), without making a rich Text of every card's description (at 2,000
    integrations, 0.1-0.15 s of the first paint)."""
    total = 0
    for para in text.split("\n"):
        lines, col = 1, 0
        for word in para.split(" "):
            w = cell_len(word)
            if col and col + 1 + w <= width:
                col += 1 + w
                continue
            if col:
                lines += 1
            lines += max(0, (w - 1) // width)  # folded
            col = w - (w - 1) // width * width if w else 0
        total += lines
    return total


class Spacer(Widget):
    """Stands for the cards that are not mounted."""

    DEFAULT_CSS = "Spacer { height: 0; }"


class CardList(VerticalScroll):
    """The scrolling list of cards: the arrow keys move between tiles and buttons (the
    screen's `move`), instead of scrolling; page up/down and the mouse still scroll."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, f"screen.move('{key}')", "Move", show=False)
        for key in ("up", "down", "left", "right")
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        moves = ("up", "down", "left", "right")
        describe_bindings(self, {f"screen.move('{k}')": "tui_panels.key.move" for k in moves})
        self.entries: list[Entry] = []
        self.activity: dict[str, Activity] = {}
        self._measured: dict[tuple[tuple[str, int], int], int] = {}
        self._offsets: list[int] = [0]  # the top of each entry; the last is the total
        self._mounted: dict[int, Widget] = {}  # entry index -> its widget (a contiguous run)
        self._columns = 3
        self._lock = asyncio.Lock()
        self._sync_pending = False
        # where the view goes once the cards just mounted are laid out (until then Textual
        # would clamp a scroll to the old content's height)
        self._pending_y: float | None = None
        # the focus of a card scrolled away: (entry key, place among its targets), taken
        # back when that card is mounted again
        self._lost_focus: tuple[str, int] | None = None
        self._top = Spacer(classes="spacer-top")
        self._bottom = Spacer(classes="spacer-bottom")

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._top
        yield self._bottom

    # --- geometry ------------------------------------------------------------------------------
    @property
    def _width(self) -> int:
        return self.scrollable_content_region.width or self.app.size.width - 4

    @property
    def _view_height(self) -> int:
        return self.scrollable_content_region.height or self.app.size.height

    def on_mount(self) -> None:
        # .tiles has 3 columns, 5 on a wide screen (until a card is measured: its grid says)
        wide = [w for w, name in self.app.HORIZONTAL_BREAKPOINTS or () if name == "-wide"]
        self._columns = 5 if wide and self.app.size.width >= wide[0] else 3

    def _estimate(self, entry: Entry, width: int) -> int:
        measured = self._measured.get((entry.shape, width))
        if measured is not None:
            return measured
        inner = max(1, width - entry.inset)
        lines = sum(wrapped_lines(t, inner) for t in entry.texts)
        rows = -(-entry.tiles // self._columns)
        return entry.fixed + lines + rows * TILE_ROW

    def _layout(self) -> None:
        width = self._width
        offsets = [0]
        for entry in self.entries:
            offsets.append(offsets[-1] + self._estimate(entry, width))
        self._offsets = offsets

    def _window(self, y: float, *, spare: bool = True) -> tuple[int, int]:
        """The entries from about a screen above `y` to two screens below (lo..hi, hi
        excluded); without `spare`, only those on screen."""
        if not self.entries:
            return (0, 0)
        h = self._view_height
        above, below = (h, 2 * h) if spare else (0, h)
        lo = max(0, bisect.bisect_right(self._offsets, max(0, y - above)) - 1)
        hi = bisect.bisect_left(self._offsets, y + below)
        return (min(lo, len(self.entries) - 1), max(lo + 1, min(hi, len(self.entries))))

    def _covers(self, y: float) -> bool:
        """Whether what is mounted covers the view with half a screen to spare each side."""
        if not self._mounted:
            return not self.entries
        lo, hi = min(self._mounted), max(self._mounted) + 1
        h = self._view_height
        top_ok = lo == 0 or self._offsets[lo] <= y - h // 2
        bottom_ok = hi == len(self.entries) or self._offsets[hi] >= y + h + h // 2
        return top_ok and bottom_ok

    # --- content -------------------------------------------------------------------------------
    async def show(self, entries: list[Entry], *, y: float | None = None) -> None:
        """Replace the list's content; the view stays at `y` (default: where it is)."""
        async with self._lock:
            self.entries = entries
            self._layout()
            total = self._offsets[-1]
            target = self._y() if y is None else y
            target = max(0.0, min(target, total - self._view_height))
            self._pending_y = target
            # a rebuild: the cards on screen and a screen below, in this update (a test, or a
            # key, right after a filter finds every card of a short list mounted); the first
            # show: what is on screen only, the cards around it once that is painted (the
            # first paint at 2,000 integrations mounted twice the widgets otherwise)
            first = not self._mounted
            await self._swap(list(self._mounted), self._window(target, spare=not first))
        self.call_after_refresh(self._settle)

    def _y(self) -> float:
        """Where the view is going: a scroll waiting for a layout, the end of a scroll being
        animated (`end` mounts the last cards once, not every card it passes), or here."""
        if self._pending_y is not None:
            return self._pending_y
        if self.app.animator.is_being_animated(self, "scroll_y"):
            return float(self.scroll_target_y)
        return float(self.scroll_y)

    def _settle(self) -> None:
        """The view to where `show` or `reveal` put it, then the cards around it."""
        if self._pending_y is not None:
            y, self._pending_y = self._pending_y, None
            self.scroll_to(y=y, animate=False, immediate=True)
        self._schedule_sync()

    def entry_of(self, integration_id: str) -> int | None:
        return next(
            (n for n, e in enumerate(self.entries) if integration_id in e.integration_ids), None
        )

    async def reveal(self, index: int) -> None:
        """Mount the entry `index` and scroll the view to its top."""
        y = self._offsets[index]
        async with self._lock:
            self._pending_y = y
            if index not in self._mounted:
                await self._swap(list(self._mounted), self._window(y))
        self.call_after_refresh(self._settle)

    async def sync(self) -> None:
        """Mount what the view now needs and unmount what it left far behind."""
        self._sync_pending = False
        async with self._lock:
            y = self._y()
            if self._covers(y):
                return
            lo, hi = self._window(y)
            await self._swap([n for n in self._mounted if not lo <= n < hi], (lo, hi))

    def _schedule_sync(self) -> None:
        if not self._sync_pending:
            self._sync_pending = True
            self.call_later(self.sync)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._pending_y is None and self.entries and not self._covers(self._y()):
            self._schedule_sync()

    def validate_scroll_y(self, value: float) -> float:
        # Textual clamps the view to what is laid out; while cards are swapped that can be
        # less than the list (the spacers catch up a moment later): clamp to the list.
        whole = self._offsets[-1] - self.scrollable_content_region.height
        return max(0.0, min(value, max(self.max_scroll_y, whole)))

    def on_resize(self) -> None:
        if self.entries:
            self._layout()
            self._set_spacers()
            self._schedule_sync()

    # --- mounting ------------------------------------------------------------------------------
    def _targets(self, widget: Widget) -> list[Widget]:
        return [w for w in widget.query("*") if w.focusable]

    async def _swap(self, old: list[int], window: tuple[int, int]) -> None:
        """Unmount the entries `old`, mount those of `window`, as one update of the screen:
        between the two, the spacers would not match the cards and the view would show the
        wrong part of the list (or nothing) for a frame or two."""
        with self.app.batch_update():
            await self._remove(old)
            await self._mount_window(*window)

    async def _remove(self, indexes: list[int]) -> None:
        if not indexes:
            return
        widgets = [self._mounted.pop(n) for n in sorted(indexes)]
        focused = self.screen.focused
        for n, widget in zip(sorted(indexes), widgets, strict=True):
            if focused is not None and widget in focused.ancestors_with_self:
                # scrolled far away: the card goes, its focus is taken back when it returns
                # (left on it, Textual would focus a neighbour and scroll back to it)
                targets = self._targets(widget)
                place = targets.index(focused) if focused in targets else 0
                self._lost_focus = (self.entries[n].key if n < len(self.entries) else "", place)
                # the list itself: its keys (page up/down, home, end) keep working, and an
                # arrow key focuses the first tile on screen
                self.screen.set_focus(self, scroll_visible=False)
        await self.remove_children(widgets)

    async def _mount_window(self, lo: int, hi: int) -> None:
        new = [n for n in range(lo, hi) if n not in self._mounted]
        before = [n for n in new if self._mounted and n < min(self._mounted)]
        after = [n for n in new if n not in before]
        made = {n: self.entries[n].make(self.activity) for n in new}
        if before:
            await self.mount_all(
                [made[n] for n in before], before=self._mounted[min(self._mounted)]
            )
        if after:
            await self.mount_all([made[n] for n in after], before=self._bottom)
        self._mounted.update(made)
        self._set_spacers()
        self._restore_focus(made)
        if made:
            self.call_after_refresh(self._measure)

    def _set_spacers(self) -> None:
        if not self._mounted:
            self._top.styles.height = self._offsets[-1]
            self._bottom.styles.height = 0
            return
        lo, hi = min(self._mounted), max(self._mounted) + 1
        self._top.styles.height = self._offsets[lo]
        self._bottom.styles.height = self._offsets[-1] - self._offsets[hi]

    def _restore_focus(self, made: dict[int, Widget]) -> None:
        if self._lost_focus is None:
            return
        key, place = self._lost_focus
        for n, widget in made.items():
            if self.entries[n].key == key:
                targets = self._targets(widget)
                if targets:
                    self.screen.set_focus(targets[min(place, len(targets) - 1)], False)
                self._lost_focus = None
                return

    def _measure(self) -> None:
        """Replace the estimates of the mounted cards by their heights; keep the view on
        what it shows when a card above it turned out taller or shorter."""
        width = self._width
        grids = [w for w in self.query(".tiles") if w.styles.grid_size_columns]
        columns = grids[0].styles.grid_size_columns if grids else self._columns
        changed = columns != self._columns
        self._columns = columns
        shift = 0
        for n, widget in self._mounted.items():
            if not widget.is_attached or n >= len(self.entries) or not widget.region.height:
                continue
            margin = widget.styles.margin
            height = widget.outer_size.height + margin.top + margin.bottom
            entry = self.entries[n]
            before = self._estimate(entry, width)
            if height != before:
                self._measured[(entry.shape, width)] = height
                changed = True
                if self._offsets[n + 1] <= self._y():
                    shift += height - before
        if changed:
            self._layout()
            self._set_spacers()
            if shift and self._pending_y is not None:
                self._pending_y += shift
            elif shift:
                self.scroll_to(y=self.scroll_y + shift, animate=False, immediate=True)
            self._schedule_sync()

    # --- the screen's questions ----------------------------------------------------------------
    def locate(self, widget: Widget) -> tuple[str, int] | None:
        """The focus target `widget` as (entry key, place among its card's targets)."""
        for n, card in self._mounted.items():
            if widget in self._targets(card):
                return (self.entries[n].key, self._targets(card).index(widget))
        return None

    def find(self, where: tuple[str, int]) -> Widget | None:
        key, place = where
        for n, card in self._mounted.items():
            if self.entries[n].key == key:
                targets = self._targets(card)
                return targets[min(place, len(targets) - 1)] if targets else None
        return None

    def remember_focus(self, where: tuple[str, int] | None) -> None:
        self._lost_focus = where
