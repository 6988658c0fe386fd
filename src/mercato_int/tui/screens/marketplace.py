"""The marketplace screen: search, category filter, bundle cards and standalone cards."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Select

from mercato_int.i18n import scope_text, t, tn
from mercato_int.tui.screens.steady import SteadyScreen
from mercato_int.tui.widgets.card_list import CardList
from mercato_int.tui.widgets.cards import BundleCard, IntegrationTile, humanize, market_entries
from mercato_int.tui.widgets.key_labels import describe_bindings

if TYPE_CHECKING:
    from mercato_int.scope import TenantScope
    from mercato_int.services.logs.activity import Activity
    from mercato_int.tui.app import MercatoApp

ALL = "__all__"


class MarketplaceScreen(SteadyScreen[None]):
    AUTO_FOCUS = ""  # the first tile gets the focus once the cards are mounted
    # The footer shows the keys that fit at 80 columns in Polish too; `?` lists every one.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r,f5,ctrl+r", "reload", "Refresh"),
        Binding("slash", "focus_search", "Search", show=False),
        Binding("a", "bulk(True)", "All on", show=False),
        Binding("x", "bulk(False)", "All off", show=False),
        Binding("b", "open_bundle", "Bundle", show=False),
        Binding("c", "next_category", "Filter", show=False),
        Binding("escape", "escape", "Clear", show=False),
        *[Binding(key, f"move('{key}')", "Move", show=False) for key in ("up", "down")],
    ]
    KEY_LABELS: ClassVar[dict[str, str]] = {
        "reload": "tui.key.refresh",
        "focus_search": "tui.key.search",
        "bulk(True)": "tui.key.all_on",
        "bulk(False)": "tui.key.all_off",
        "open_bundle": "tui.key.bundle",
        "next_category": "tui.key.filter",
        "escape": "tui.key.clear",
        "move('up')": "tui_panels.key.move",
        "move('down')": "tui_panels.key.move",
    }

    app: MercatoApp  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder=t("tui.search"), id="search")
            options = [(humanize(c), c) for c in self.app.calls.categories()]
            yield Select(
                [(t("tui.all_categories"), ALL), *options],
                value=ALL,
                allow_blank=False,
                id="category",
                compact=True,
            )
        yield CardList(id="cards")
        yield Footer()

    # --- data ----------------------------------------------------------------------------------
    @property
    def search(self) -> str:
        return self.query_one("#search", Input).value.strip()

    @property
    def category(self) -> str | None:
        value = self.query_one("#category", Select).value
        return None if value in (ALL, Select.NULL) else str(value)

    def __init__(self) -> None:
        super().__init__()
        describe_bindings(self, self.KEY_LABELS)
        # What the marketplace last showed changes by: polled every `poll_seconds`, so a
        # change made elsewhere (another process's enable, creds set, health) appears here.
        self._marker: tuple[TenantScope, tuple[int, str | None]] | None = None
        self._poll_failed = False
        # Change events arrive in bursts (typing, the select's first value, a screen resume):
        # one rebuild at a time, or two would interleave their removes and mounts.
        self._lock = asyncio.Lock()
        self._shown: tuple[str, str | None, TenantScope] | None = None
        # 30-day figures of every integration in a scope: a scan of a month of logs, so
        # typing in the search box reuses them; a refresh, a new scope or a return here
        # computes them again. Not before the first paint (a worker thread would take the
        # interpreter from its mount and layout): the scope waits (`_first_paint`).
        self._activity: tuple[TenantScope, dict[str, Activity]] | None = None
        self._painted = False
        self._activity_waiting: TenantScope | None = None

    async def reload(self) -> None:
        """Re-read the marketplace for the current scope and filters; keep the focus."""
        self._poll_failed = False
        async with self._lock:
            self._activity = None
            await self._rebuild()

    async def poll_changes(self) -> bool:
        """Re-read the states if anything changed in the scope since the last read (in this
        process or another); True when it did. One cheap read when nothing changed."""
        if self._poll_failed or self.app.screen is not self or self._marker is None:
            return False
        scope = self.app.scope
        try:
            marker = self.app.calls.change_marker(scope)
        except Exception:
            # Every 2 s the same error (or an audited refusal) would flood the screen and the
            # audit trail: polling waits for the next refresh (r) instead.
            self._poll_failed = True
            return False
        if self._marker == (scope, marker):
            return False
        async with self._lock:
            await self._rebuild()  # states changed, the month of logs did not
        return True

    async def _reload_if_filters_changed(self) -> None:
        if self._shown != (self.search, self.category, self.app.scope):
            async with self._lock:
                await self._rebuild()

    def _figures(self, scope: TenantScope) -> dict[str, Activity] | None:
        """The cached figures of `scope`, or None: then the cards show `…` and a worker
        reads them once the cards are up (a month of logs can take 0.2-0.5 s at a million
        entries: the cards do not wait for it)."""
        if self._activity is not None and self._activity[0] == scope:
            return self._activity[1]
        return None

    @work(thread=True, exclusive=True, group="activity")
    def _load_activity(self, scope: TenantScope) -> None:
        ids = list(self.app.services.registry.integrations)
        try:
            figures = self.app.calls.activity(scope, ids)
        except Exception as exc:
            self.app.call_from_thread(self.app.report, exc)
            return
        self.app.call_from_thread(self._activity_ready, scope, figures)

    def _activity_ready(self, scope: TenantScope, figures: dict[str, Activity]) -> None:
        if scope != self.app.scope:
            return  # the scope changed while they were read
        self._activity = (scope, figures)
        self.query_one("#cards", CardList).activity = figures  # for the cards mounted later
        for tile in self.query(IntegrationTile):
            tile.show_activity(figures.get(tile.item.definition.id))

    def _card_targets(self) -> list[Widget]:
        """The tiles and buttons of the mounted cards, in reading order."""
        return [w for w in self.query_one("#cards").query("*") if w.focusable]

    def _first_tile(self) -> IntegrationTile | None:
        """The first tile on screen (the cards far above or below are not mounted)."""
        tiles = [w for w in self._card_targets() if isinstance(w, IntegrationTile)]
        view = self.query_one("#cards").region
        shown = [w for w in tiles if view.y <= w.region.y < view.bottom]
        return next(iter(shown or tiles), None)

    async def _rebuild(self) -> None:
        cards = self.query_one("#cards", CardList)
        focused = self.focused.id if self.focused is not None else None
        # a button has no id of its own: it is found again by its card and its place there
        place = cards.locate(self.focused) if self.focused is not None else None
        # other filters: the cards move, so the view follows the focus instead of keeping
        # its place (the focused card could be far below it)
        refiltered = self._shown is not None and self._shown[:2] != (self.search, self.category)
        self._shown = (self.search, self.category, self.app.scope)
        scope = self.app.scope
        with self.app.guard() as g:
            # the marker first: a change landing between the two reads is seen by the next poll
            marker = self.app.calls.change_marker(scope)
            market = self.app.calls.overview(scope, search=self.search, category=self.category)
            figures = self._figures(scope)
        if g.failed:
            return
        self._marker = (scope, marker)
        cards.activity = figures or {}
        entries = market_entries(market)
        # only the cards on screen are made again (a re-read in place keeps the view)
        await cards.show(entries, y=0 if refiltered else None)
        if figures is None and self._painted:
            self._load_activity(self.app.scope)
        self._activity_waiting = self.app.scope if figures is None and not self._painted else None
        if refiltered and focused and focused.startswith("tile-"):
            index = cards.entry_of(focused.removeprefix("tile-"))
            if index is not None:
                await cards.reveal(index)
        # after the layout: until then the new cards have no height to scroll in
        if refiltered:
            self.call_after_refresh(self._show_focused, cards)
        # Focus at once (set_focus), not with `Widget.focus()`: that is deferred, and a
        # rebuild right after this one (Yes of a dialog and the screen's resume both rebuild)
        # would remove the widget first, leaving the focus on a detached tile.
        again = cards.find(place) if place is not None else None
        if focused and focused.startswith("tile-") and self.query(f"#{focused}"):
            self.set_focus(self.query_one(f"#{focused}"), scroll_visible=False)
        elif again is not None:
            self.set_focus(again, scroll_visible=False)
        elif place is not None and not refiltered:
            cards.remember_focus(place)  # its card is mounted again when scrolled back to
        elif self.focused is None or not self.focused.is_attached:
            first = self._first_tile()
            if first is not None:
                self.set_focus(first, scroll_visible=False)

    def _show_focused(self, cards: CardList) -> None:
        """Scroll the focused card into view (to the top when it is not among the cards)."""
        if self.focused is not None and cards in self.focused.ancestors:
            cards.scroll_to_widget(self.focused, animate=False)
        else:
            cards.scroll_home(animate=False)

    def set_focus(
        self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False
    ) -> None:
        # A deferred focus (`Widget.focus()`) can arrive after a rebuild removed its widget:
        # focused but detached, it would take every key (ctrl+q too) and act on none.
        if widget is not None and not widget.is_attached:
            return
        super().set_focus(widget, scroll_visible=scroll_visible, from_app_focus=from_app_focus)

    # --- filters -------------------------------------------------------------------------------
    @on(Input.Changed, "#search")
    async def _search_changed(self) -> None:
        await self._reload_if_filters_changed()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        first = self._first_tile()
        if first is not None:
            first.focus()

    @on(Select.Changed, "#category")
    async def _category_changed(self) -> None:
        await self._reload_if_filters_changed()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_next_category(self) -> None:
        select = self.query_one("#category", Select)
        values = [ALL, *self.app.calls.categories()]
        current = select.value if select.value in values else ALL
        select.value = values[(values.index(current) + 1) % len(values)]

    async def action_escape(self) -> None:
        """Esc leaves the search box (the filter stays); elsewhere it clears the filters."""
        if isinstance(self.focused, Input):
            first = self._first_tile()
            if first is not None:
                first.focus()
            else:
                self.set_focus(None)
            return
        self.query_one("#search", Input).value = ""
        self.query_one("#category", Select).value = ALL

    async def action_move(self, direction: str) -> None:
        """Arrow keys: to the nearest tile or button in that direction (up from the top row:
        the search box; down from the filters, or with nothing focused: the first tile on
        screen)."""
        here = self.focused
        await self.query_one("#cards", CardList).sync()  # the cards around the view mounted
        targets = self._card_targets()
        if here is None or here not in targets:
            first = self._first_tile()
            if direction == "down" and first is not None:
                first.focus()
            return
        if direction in ("left", "right"):
            step = -1 if direction == "left" else 1
            index = targets.index(here) + step
            if 0 <= index < len(targets):
                targets[index].focus()
            return
        found = nearest(here, targets, up=direction == "up")
        if found is not None:
            found.focus()
        elif direction == "up":
            self.action_focus_search()

    async def action_reload(self) -> None:
        await self.reload()

    # --- actions -------------------------------------------------------------------------------
    def _focused_item(self) -> IntegrationTile | None:
        return self.focused if isinstance(self.focused, IntegrationTile) else None

    def _focused_bundle_id(self) -> str | None:
        tile = self._focused_item()
        if tile is not None and tile.item.definition.bundle_id:
            return tile.item.definition.bundle_id
        node = self.focused
        while node is not None:
            if isinstance(node, BundleCard):
                return node.group.bundle.id
            node = node.parent  # type: ignore[assignment]
        return None

    def action_open_bundle(self) -> None:
        bundle_id = self._focused_bundle_id()
        if bundle_id is None:
            self.notify(t("tui.move_to_bundle"), timeout=3)
            return
        self.app.open_bundle(bundle_id)

    async def action_bulk(self, enable: bool) -> None:
        bundle_id = self._focused_bundle_id()
        if bundle_id is None:
            self.notify(t("tui.move_to_bundle_member"), timeout=3)
            return
        await self._bulk_set(bundle_id, enable)

    async def _bulk_set(self, bundle_id: str, enable: bool) -> None:
        """Enable All at once; Disable All asks first when it would switch off more than one."""
        if enable:
            await self._set_enabled([bundle_id], True)
            return
        with self.app.guard() as g:
            on = self.app.calls.enabled_members(bundle_id, self.app.scope)
        if g.failed:
            return
        if len(on) <= 1:
            await self._set_enabled([bundle_id], False)
            return
        bundle = self.app.services.registry.get_bundle(bundle_id)
        question = tn(
            "tui_panels.confirm.disable_all",
            len(on),
            bundle=bundle.title,
            scope=scope_text(self.app.scope),
        )
        self.app.confirm(
            question,
            lambda: self._set_enabled([bundle_id], False),
            yes=t("tui_panels.confirm.disable"),
        )

    @on(IntegrationTile.Toggle)
    async def _toggle(self, event: IntegrationTile.Toggle) -> None:
        await self._set_enabled([event.integration_id], event.enable)

    @on(BundleCard.BulkToggle)
    async def _bulk(self, event: BundleCard.BulkToggle) -> None:
        await self._bulk_set(event.bundle_id, event.enable)

    async def _set_enabled(self, ids: list[str], enable: bool) -> None:
        with self.app.guard() as g:
            warnings = self.app.calls.set_enabled(ids, enable, self.app.scope)
        if g.failed:
            return
        key = "tui.enabled_in" if enable else "tui.disabled_in"
        self.notify(t(key, ids=", ".join(ids), scope=scope_text(self.app.scope)), timeout=3)
        self.app.warn_all(warnings)
        async with self._lock:
            await self._rebuild()  # states changed, the month of logs did not

    def on_mount(self) -> None:
        self.set_interval(self.app.poll_seconds, self.poll_changes, name="poll-changes")

    async def on_screen_resume(self) -> None:
        # Also the first showing: states may have changed on another screen meanwhile.
        await self.reload()
        if not self._painted:
            self.call_after_refresh(self._first_paint)

    def _first_paint(self) -> None:
        """The first screen is on the terminal: start-up is over, the figures (`…`) are read."""
        self._painted = True
        self.app.started()
        waiting, self._activity_waiting = self._activity_waiting, None
        if waiting is not None and waiting == self.app.scope and self._figures(waiting) is None:
            self._load_activity(waiting)


def nearest(here: Widget, targets: list[Widget], *, up: bool) -> Widget | None:
    """The widget of `targets` in the nearest row above (or below) `here`, then the nearest
    in that row by horizontal centre."""
    origin = here.region
    centre = origin.x + origin.width / 2

    def distance(w: Widget) -> tuple[int, float]:
        r = w.region
        gap = origin.y - r.bottom if up else r.y - origin.bottom
        return (gap, abs(r.x + r.width / 2 - centre))

    if up:
        candidates = [w for w in targets if w.region.bottom <= origin.y]
    else:
        candidates = [w for w in targets if w.region.y >= origin.bottom]
    return min(candidates, key=distance, default=None)
