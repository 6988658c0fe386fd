"""The marketplace screen: search, category filter, bundle cards and standalone cards."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Select, Static

from mercato_int.i18n import scope_text, t
from mercato_int.tui.cards import BundleCard, IntegrationTile, StandaloneGroup, humanize

if TYPE_CHECKING:
    from mercato_int.scope import TenantScope
    from mercato_int.services.log_activity import Activity
    from mercato_int.tui.app import MercatoApp

ALL = "__all__"


class MarketplaceScreen(Screen[None]):
    AUTO_FOCUS = ""  # the first tile gets the focus once the cards are mounted
    BINDINGS: ClassVar[list[BindingType]] = [
        # The search box says "/" and F5 is universal: the footer keeps its room at 80 columns.
        Binding("slash", "focus_search", t("tui.key.search"), show=False),
        Binding("a", "bulk(True)", t("tui.key.all_on")),
        Binding("x", "bulk(False)", t("tui.key.all_off")),
        Binding("b", "open_bundle", t("tui.key.bundle")),
        Binding("c", "next_category", t("tui.key.filter")),
        Binding("f5,ctrl+r", "reload", t("tui.key.refresh"), show=False),
        Binding("escape", "clear_filters", t("tui.key.clear"), show=False),
    ]

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
        yield VerticalScroll(id="cards")
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
        # Change events arrive in bursts (typing, the select's first value, a screen resume):
        # one rebuild at a time, or two would interleave their removes and mounts.
        self._lock = asyncio.Lock()
        self._shown: tuple[str, str | None, TenantScope] | None = None
        # 30-day figures of every integration in a scope: a scan of a month of logs, so
        # typing in the search box reuses them; a refresh, a new scope or a return here
        # computes them again.
        self._activity: tuple[TenantScope, dict[str, Activity]] | None = None

    async def reload(self) -> None:
        """Re-read the marketplace for the current scope and filters; keep the focus."""
        async with self._lock:
            self._activity = None
            await self._rebuild()

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
        for tile in self.query(IntegrationTile):
            tile.show_activity(figures.get(tile.item.definition.id))

    async def _rebuild(self) -> None:
        focused = self.focused.id if self.focused is not None else None
        self._shown = (self.search, self.category, self.app.scope)
        with self.app.guard() as g:
            market = self.app.calls.overview(
                self.app.scope, search=self.search, category=self.category
            )
            figures = self._figures(self.app.scope)
        if g.failed:
            return
        activity = figures or {}
        cards = self.query_one("#cards", VerticalScroll)
        await cards.remove_children()
        widgets = [BundleCard(group, activity) for group in market.bundles]
        if market.standalone:
            widgets.append(Static(t("tui.standalone"), classes="section-title"))
            widgets.append(StandaloneGroup(market.standalone, activity))
        if not widgets:
            widgets.append(Static(t("tui.no_match"), id="empty", classes="empty"))
        await cards.mount_all(widgets)
        if figures is None:
            self._load_activity(self.app.scope)
        if focused and focused.startswith("tile-") and self.query(f"#{focused}"):
            self.query_one(f"#{focused}").focus()
        elif self.focused is None and self.query(IntegrationTile):
            self.query(IntegrationTile).first().focus()

    # --- filters -------------------------------------------------------------------------------
    @on(Input.Changed, "#search")
    async def _search_changed(self) -> None:
        await self._reload_if_filters_changed()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        tiles = self.query(IntegrationTile)
        if tiles:
            tiles.first().focus()

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

    async def action_clear_filters(self) -> None:
        self.query_one("#search", Input).value = ""
        self.query_one("#category", Select).value = ALL

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
        await self._set_enabled([bundle_id], enable)

    @on(IntegrationTile.Toggle)
    async def _toggle(self, event: IntegrationTile.Toggle) -> None:
        await self._set_enabled([event.integration_id], event.enable)

    @on(BundleCard.BulkToggle)
    async def _bulk(self, event: BundleCard.BulkToggle) -> None:
        await self._set_enabled([event.bundle_id], event.enable)

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

    async def on_screen_resume(self) -> None:
        # Also the first showing: states may have changed on another screen meanwhile.
        await self.reload()
