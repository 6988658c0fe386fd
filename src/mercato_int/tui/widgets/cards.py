"""Marketplace cards: a tile per integration, a card per bundle (spec §1.2 drawing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.renderables.sparkline import Sparkline as SparklineRenderable
from textual.widget import Widget
from textual.widgets import Button, Static

from mercato_int.i18n import t, t_or, tn
from mercato_int.tui.widgets.key_labels import describe_bindings

if TYPE_CHECKING:
    from mercato_int.services.logs.activity import Activity
    from mercato_int.services.state.marketplace import MarketBundle, MarketItem, Marketplace
    from mercato_int.tui.widgets.card_list import Entry

HEALTH_MARKS = {
    "healthy": ("✔", "green"),
    "degraded": ("▲", "yellow"),
    "unhealthy": ("✖", "red"),
    "unconfigured": ("–", "grey50"),
}


def humanize(value: str) -> str:
    """A category for people: `data_sync` -> `Data Sync` (`Synchronizacja danych` in Polish)."""
    return t_or(f"category.{value}", value.replace("_", " ").title())


def health_mark(status: str | None, *, short: bool = False) -> Text:
    if not status:
        return Text("" if short else f"· {t('tui.unchecked')}", style="grey50")
    mark, style = HEALTH_MARKS.get(status, ("", "white"))
    if short:
        return Text(mark or status, style=style)
    return Text(f"{mark} {t_or('health.' + status, status)}".strip(), style=style)


# A Text shown as a widget's whole content keeps its own style as a string, which Textual
# parses with its own colour names at every render: rich's `grey50` is not one of them, so it
# never applied (the widget's colour showed) and each render paid a failed parse with a
# "did you mean" search, some 40 of them before the marketplace's first paint. Those Texts
# have no style of their own now: the same look. (Inside another Text, as a span, a style is
# parsed by rich: there `grey50` works, as in `health_mark` within a tile's title.)
PLAIN = ""


def state_mark(enabled: bool) -> Text:
    if enabled:
        return Text(t("list.enabled").rstrip(), style="bold green")
    return Text(t("list.disabled"), style=PLAIN)


def error_rate_text(activity: Activity | None) -> Text:
    """The 30-day error rate, e.g. `2.1%` (red from 5%), or `—` without entries."""
    if activity is None or activity.error_rate is None:
        return Text("  —", style=PLAIN)
    rate = activity.error_rate * 100
    style = "red" if rate >= 5 else "yellow" if rate > 0 else "green"
    return Text(f"{rate:.0f}%" if rate >= 10 else f"{rate:.1f}%", style=style)


def short_title(title: str, bundle_title: str | None) -> str:
    """`MedusaJS — Products` -> `Products` inside the MedusaJS card."""
    if bundle_title and title.startswith(bundle_title):
        return title[len(bundle_title) :].lstrip(" —-:") or title
    return title


class IntegrationTile(Widget, can_focus=True):
    """One integration: title and health, enabled state, category, the 30-day sparkline and
    error rate.

    One widget that renders its four lines itself (they were six widgets: three Statics, a
    row, a Sparkline and a Static): a screen of tiles is most of the widgets of the
    marketplace's first paint, and each widget is mounted, styled and laid out on its own.
    The lines look as the widgets did: each cut with `…` at the tile's width, the sparkline
    drawn by Textual's own renderable in its colours, the error rate right-aligned in six
    cells."""

    RATE_CELLS = 6  # the error rate's column (it was a Static of this width)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open"),
        Binding("space", "toggle_enabled", "On/Off"),
    ]

    class Toggle(Message):
        def __init__(self, integration_id: str, enable: bool) -> None:
            super().__init__()
            self.integration_id = integration_id
            self.enable = enable

    def __init__(
        self,
        item: MarketItem,
        activity: Activity | None,
        *,
        bundle_title: str | None = None,
    ) -> None:
        super().__init__(id=f"tile-{item.definition.id}", classes="tile")
        describe_bindings(self, {"open": "tui.key.open", "toggle_enabled": "tui.key.toggle"})
        self.item = item
        self.bundle_title = bundle_title
        d = item.definition
        title = Text(short_title(d.title, bundle_title), style="bold", no_wrap=True)
        title.truncate(30, overflow="ellipsis")
        self.title_text = Text.assemble(
            title, " ", health_mark(item.state.health_status, short=True)
        )
        self.state_text = state_mark(item.state.is_enabled)
        category = Text(humanize(d.category))
        if bundle_title is None:
            category.append("  ")
            category.append(
                t("list.creds_set") if item.has_credentials else t("tui.no_creds"),
                style="green" if item.has_credentials else "grey50",
            )
        self.category_text = category
        self.show_activity(activity, pending=activity is None)

    def show_activity(self, activity: Activity | None, *, pending: bool = False) -> None:
        """The 30-day sparkline and error rate (`…` while they are being read)."""
        self.activity = activity
        self.rate_text = Text("  …", style=PLAIN) if pending else error_rate_text(activity)
        total = activity.total if activity else 0
        rate_text = error_rate_text(activity)
        self.tooltip = None if pending else t("tui.tile_tooltip", total=total, rate=rate_text)
        self.refresh()

    def lines(self) -> list[Content]:
        """What the tile shows, line by line (the sparkline at the tile's width). Each line
        is made from its Text as a Static made it from its whole content (a Text's own style
        parsed by Textual, its spans by rich): the tile looks as its widgets did."""
        console = self.app.console
        spark = Content.from_rich_text(self._sparkline(self.size.width - self.RATE_CELLS))
        rate = Content.from_rich_text(self.rate_text, console=console)
        rate = rate.pad_left(max(0, self.RATE_CELLS - rate.cell_length))  # right-aligned
        return [
            Content.from_rich_text(self.title_text, console=console),
            Content.from_rich_text(self.state_text, console=console),
            Content.from_rich_text(self.category_text, console=console),
            spark + rate,
        ]

    def render(self) -> Content:
        return Content("\n").join(self.lines())

    def _sparkline(self, width: int) -> Text:
        """Textual's Sparkline widget's drawing: its renderable, in its colours ($primary,
        and $primary at 30% for the smallest values) over the tile's background. (The
        colours are the theme's, not component classes: each of those is styled with every
        tile mounted.)"""
        if width <= 0:
            return Text()
        data = list(self.activity.daily) if self.activity else [0] * 30
        _, base = self.background_colors
        primary = Color.parse(self.app.theme_variables.get("primary", "blue"))
        low, high = base + primary.multiply_alpha(0.3), base + primary
        drawn = SparklineRenderable(
            data, width=width, height=1, min_color=low.rich_color, max_color=high.rich_color
        )
        # its __rich_console__ uses neither the console nor the options when given a width
        line = Text()
        for segment in drawn.__rich_console__(None, None):  # type: ignore[arg-type]
            if isinstance(segment, Segment):  # (it yields only Segments)
                line.append(segment.text, segment.style)
        return line

    def action_open(self) -> None:
        self.app.open_integration(self.item.definition.id)  # type: ignore[attr-defined]

    def action_toggle_enabled(self) -> None:  # not textual's own `toggle` (an attribute)
        self.post_message(self.Toggle(self.item.definition.id, not self.item.state.is_enabled))

    def on_click(self) -> None:
        self.focus()


class BundleCard(Vertical):
    """A bundle: title, description with its count, package, its tiles, and the bulk actions."""

    class BulkToggle(Message):
        def __init__(self, bundle_id: str, enable: bool) -> None:
            super().__init__()
            self.bundle_id = bundle_id
            self.enable = enable

    def __init__(
        self,
        group: MarketBundle,
        activity: dict[str, Activity],
        *,
        start: int = 0,
        stop: int | None = None,
    ) -> None:
        # a bundle of hundreds comes in parts (see `market_entries`): the first, #card-ID,
        # has the head; the last has Configure; the borders between the parts are left out
        stop = len(group.items) if stop is None else stop
        self.first, self.last = start == 0, stop >= len(group.items)
        classes = "card bundle-card"
        classes += "" if self.first else " card-cont"
        classes += "" if self.last else " card-open"
        super().__init__(id=f"card-{group.bundle.id}" if self.first else None, classes=classes)
        self.group = group
        self.activity = activity
        self.items = group.items[start:stop]

    def compose(self) -> ComposeResult:
        g = self.group
        b = g.bundle
        if not self.first:
            yield from self._tiles()
            return
        self.border_title = b.title
        count = tn("tui.bundle_count", g.integration_count, enabled=g.enabled_count)
        with Horizontal(classes="card-head"):
            yield Static(Text(count, style="bold"), classes="card-title")
            yield Button(t("tui.enable_all"), classes="enable-all", compact=True, variant="success")
            yield Button(t("tui.disable_all"), classes="disable-all", compact=True)
        yield Static(b.description, classes="card-desc")
        pkg = " ".join(p for p in (b.package, f"v{b.version}" if b.version else None) if p)
        creds = Text(
            t("tui.credentials_set") if g.has_credentials else t("tui.credentials_unset"),
            style="green" if g.has_credentials else "yellow",
        )
        yield Static(Text.assemble((pkg, "grey62"), " · " if pkg else "", creds))
        yield from self._tiles()

    def _tiles(self) -> ComposeResult:
        title = self.group.bundle.title
        with Grid(classes="tiles"):
            for item in self.items:
                yield IntegrationTile(
                    item, self.activity.get(item.definition.id), bundle_title=title
                )
        if self.last:
            yield Button(
                t("tui.configure_bundle"), classes="configure", compact=True, variant="primary"
            )

    @on(Button.Pressed, ".enable-all")
    def _enable_all(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.BulkToggle(self.group.bundle.id, True))

    @on(Button.Pressed, ".disable-all")
    def _disable_all(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.BulkToggle(self.group.bundle.id, False))

    @on(Button.Pressed, ".configure")
    def _configure(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.open_bundle(self.group.bundle.id)  # type: ignore[attr-defined]


class StandaloneGroup(Vertical):
    """Standalone integrations as a grid of cards."""

    def __init__(
        self, items: list[MarketItem], activity: dict[str, Activity], *, first: bool = True
    ) -> None:
        # one slice of the standalone tiles (see `market_entries`); the first is #standalone
        super().__init__(id="standalone" if first else None, classes="standalone")
        self.items = items
        self.activity = activity

    def compose(self) -> ComposeResult:
        with Grid(classes="tiles"):
            for item in self.items:
                tile = IntegrationTile(item, self.activity.get(item.definition.id))
                tile.add_class("standalone-tile")
                yield tile


# Standalone tiles come in slices of 15 (whole rows at 3 and at 5 a row): a registry of a
# thousand standalone integrations mounts the slices on screen, not a thousand tiles.
STANDALONE_SLICE = 15
BUNDLE_SLICE = 15


def market_entries(market: Marketplace) -> list[Entry]:
    """The marketplace as the card list's entries: a card per bundle, then the standalone
    section (its title and slices of tiles), or the no-match line."""
    from mercato_int.tui.widgets.card_list import CARD_LINES, Entry

    entries: list[Entry] = []
    for group in market.bundles:
        b = group.bundle

        size = len(group.items)
        # a bundle of more than BUNDLE_SLICE members: parts of BUNDLE_SLICE tiles, so a bundle
        # of hundreds mounts the parts on screen, as the standalone tiles do
        starts = range(0, size, BUNDLE_SLICE) if size > BUNDLE_SLICE else range(1)
        for start in starts:
            stop = start + BUNDLE_SLICE if size > BUNDLE_SLICE else size
            first, last = start == 0, stop >= size

            def card(
                activity: dict[str, Activity],
                group: MarketBundle = group,
                start: int = start,
                stop: int = stop,
            ) -> Widget:
                return BundleCard(group, activity, start=start, stop=stop)

            part = group.items[start:stop]
            # CARD_LINES less the top margin, border, head and the tiles' margin where not
            # first, less Configure (and its margin) and the bottom border where not last
            fixed = CARD_LINES - (0 if first else 4) - (0 if last else 3)
            entries.append(
                Entry(
                    key=f"card-{b.id}" if first else f"card-{b.id}-{start}",
                    make=card,
                    fixed=fixed,
                    texts=(b.description, _package_line(group)) if first else (),
                    inset=4,  # border and padding
                    tiles=len(part),
                    integration_ids=frozenset(i.definition.id for i in part),
                )
            )
    if market.standalone:
        title = t("tui.standalone")
        entries.append(Entry(key="standalone-title", make=lambda _a: _section(title), fixed=2))
        items = market.standalone
        for start in range(0, len(items), STANDALONE_SLICE):
            part = items[start : start + STANDALONE_SLICE]

            def group_of(
                activity: dict[str, Activity], part: list[MarketItem] = part, start: int = start
            ) -> Widget:
                return StandaloneGroup(part, activity, first=start == 0)

            entries.append(
                Entry(
                    key=f"standalone-{start}",
                    make=group_of,
                    fixed=1,  # the margin above the tiles
                    tiles=len(part),
                    integration_ids=frozenset(i.definition.id for i in part),
                )
            )
    if not entries:
        entries.append(
            Entry(
                key="empty",
                make=lambda _a: Static(t("tui.no_match"), id="empty", classes="empty"),
                fixed=3,
            )
        )
    return entries


def _section(title: str) -> Widget:
    return Static(title, classes="section-title")


def _package_line(group: MarketBundle) -> str:
    b = group.bundle
    pkg = " ".join(p for p in (b.package, f"v{b.version}" if b.version else None) if p)
    creds = t("tui.credentials_set") if group.has_credentials else t("tui.credentials_unset")
    return f"{pkg} · {creds}" if pkg else creds
