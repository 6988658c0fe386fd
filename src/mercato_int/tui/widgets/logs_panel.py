"""The logs tab (spec §3.7): a timeline with level marks, a level filter, search, pages of 25,
details that expand, and new entries appearing while the tab is open."""

from __future__ import annotations

import json
import string
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static

from mercato_int.i18n import current, t, tn
from mercato_int.log_marks import level_mark
from mercato_int.tui.widgets.key_labels import describe_bindings
from mercato_int.tui.widgets.timestamps import local_time

if TYPE_CHECKING:
    from mercato_int.tui.app import MercatoApp
    from mercato_int.tui.calls import LogPage

PAGE_SIZE = 25
LEVELS = ("debug", "info", "warning", "error")
ALL = "__all__"


def count_text(n: int) -> str:
    """`1,234` in English, `1 234` in Polish (a no-break space)."""
    text = f"{n:,}"
    return text.replace(",", "\u00a0") if current() == "pl" else text


def framed(template: str, style: str, **values: str) -> Text:
    """`template`'s own words in `style`, its `{placeholders}` filled with `values` unstyled."""
    out = Text()
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            out.append(literal, style)
        if name is not None:
            out.append(values[name])
    return out


def showing_text(page: LogPage) -> Text:
    """`Showing 1–25 of 60 entries`, the numbers standing out."""
    last = page.offset + len(page.items)
    shown = f"{page.offset + 1}–{last}" if page.items else "0"
    # the template with its placeholders left in, then filled piece by piece
    template = tn("tui_panels.logs.showing", page.total, range="{range}", total="{total}")
    return framed(template, "grey62", range=shown, total=count_text(page.total))


class LogEntry(Widget, can_focus=True):
    """One entry: mark, time, operation; message; correlation and duration; details."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "toggle_details", "Details")]

    def __init__(self, entry: dict[str, Any], today: datetime | None) -> None:
        super().__init__(classes="log-entry")
        describe_bindings(self, {"toggle_details": "tui_panels.key.details"})
        self.entry = entry
        self.today = today
        self.expanded = False

    def render(self) -> Text:
        e = self.entry
        mark, style = level_mark(e.get("level", ""))
        out = Text.assemble(
            (mark, style),
            " ",
            (local_time(e.get("createdAt"), self.today), "bold"),
            "  ",
            (str(e.get("operation", "")), "bold cyan"),
            "\n   ",
            str(e.get("message", "")),
        )
        facts = []
        if e.get("correlationId"):
            facts.append(t("tui_panels.logs.correlation", id=e["correlationId"]))
        if e.get("durationMs") is not None:
            facts.append(t("tui_panels.logs.duration", ms=e["durationMs"]))
        if e.get("entityType") or e.get("entityId"):
            entity = f"{e.get('entityType') or ''} {e.get('entityId') or ''}".strip()
            facts.append(t("tui_panels.logs.entity", entity=entity))
        if facts:
            out.append("\n   " + "  •  ".join(facts), style="grey62")
        if e.get("details"):
            if self.expanded:
                details = json.dumps(e["details"], indent=2, ensure_ascii=False, default=str)
                out.append(f"\n   {t('tui_panels.logs.details_open')}\n", style="grey62")
                out.append("\n".join("     " + line for line in details.splitlines()), "grey70")
            else:
                out.append(f"\n   {t('tui_panels.logs.details_closed')}", style="grey62")
        return out

    def action_toggle_details(self) -> None:
        if self.entry.get("details"):
            self.expanded = not self.expanded
            self.refresh(layout=True)

    def on_click(self) -> None:
        self.focus()
        self.action_toggle_details()


class LogsPanel(Vertical):
    """Operation logs of one integration in the app's scope."""

    # n / p / l are bound on the integration screen, shown while this tab is open.

    app: MercatoApp  # type: ignore[assignment]

    def __init__(self, integration_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="logs-panel")
        self.integration_id = integration_id
        self.start = 0
        self.page: LogPage | None = None
        self.newest_id: Any = None
        self._shown: tuple[str | None, str | None] | None = None
        self._poll_failed = False

    def compose(self) -> ComposeResult:
        with Horizontal(classes="logs-toolbar"):
            yield Select(
                [
                    (t("tui_panels.logs.level_all"), ALL),
                    *[(t("tui_panels.logs.level", level=lv), lv) for lv in LEVELS],
                ],
                value=ALL,
                allow_blank=False,
                id="log-level",
                compact=True,
            )
            yield Input(placeholder=t("tui_panels.logs.search"), id="log-search")
        yield VerticalScroll(id="log-entries")
        with Horizontal(classes="logs-pager"):
            yield Static("", id="log-count")
            yield Button(t("tui_panels.logs.prev"), id="log-prev", compact=True)
            yield Button(t("tui_panels.logs.next"), id="log-next", compact=True)

    async def on_mount(self) -> None:
        await self.reload()
        self.set_interval(self.app.poll_seconds, self._poll)

    @property
    def level(self) -> str | None:
        value = self.query_one("#log-level", Select).value
        return None if value in (ALL, Select.NULL) else str(value)

    @property
    def search(self) -> str | None:
        return self.query_one("#log-search", Input).value.strip() or None

    def _fetch(self) -> LogPage | None:
        with self.app.guard() as g:
            page = self.app.calls.logs(
                self.app.scope,
                self.integration_id,
                level=self.level,
                search=self.search,
                limit=PAGE_SIZE,
                offset=self.start,
            )
        return None if g.failed else page

    async def reload(self) -> None:
        self._shown = (self.level, self.search)
        self._poll_failed = False
        page = self._fetch()
        if page is None:
            self.query_one("#log-count", Static).update(t("tui_panels.logs.unavailable"))
            return
        await self._show_page(page)

    async def _show_page(self, page: LogPage) -> None:
        self.page = page
        self.newest_id = page.items[0].get("id") if page.items else None
        box = self.query_one("#log-entries", VerticalScroll)
        # New entries arrive while someone reads: keep what they opened and where they were.
        shown = list(self.query(LogEntry))
        expanded = {e.entry.get("id") for e in shown if e.expanded}
        focused = self.screen.focused
        focused_id = focused.entry.get("id") if isinstance(focused, LogEntry) else None
        await box.remove_children()
        today = self.app.services.clock()
        if page.items:
            entries = [LogEntry(e, today) for e in page.items]
            for entry in entries:
                entry.expanded = entry.entry.get("id") in expanded
            await box.mount_all(entries)
            for entry in entries:
                if focused_id is not None and entry.entry.get("id") == focused_id:
                    entry.focus(scroll_visible=False)
        else:
            await box.mount(Static(t("tui_panels.logs.none_match"), classes="empty"))
        last = page.offset + len(page.items)
        self.query_one("#log-count", Static).update(showing_text(page))
        self.query_one("#log-prev", Button).disabled = page.offset == 0
        self.query_one("#log-next", Button).disabled = last >= page.total

    async def _poll(self) -> None:
        """New entries appear on the first page; deeper pages keep their place."""
        if self.page is None or not self._on_view():
            return
        page = self._fetch_quiet()
        if page is None:
            return
        newest = page.items[0].get("id") if page.items else None
        if page.total == self.page.total and newest == self.newest_id:
            return
        if self.start == 0:
            await self._show_page(page)
        else:
            self.page = page
            self.query_one("#log-count", Static).update(
                tn("tui_panels.logs.new_on_first_page", page.total, total=count_text(page.total))
            )

    def _on_view(self) -> bool:
        """The tab is open on the top screen (no query every 2 s for a hidden tab)."""
        if self.app.screen is not self.screen:
            return False
        return all(getattr(node, "display", True) for node in self.ancestors_with_self)

    def _fetch_quiet(self) -> LogPage | None:
        # A background poll must not flood the screen (or the audit trail, for a refusal)
        # with the same error every 2 s: after one failure it waits for the next reload.
        if self._poll_failed:
            return None
        try:
            return self.app.calls.logs(
                self.app.scope,
                self.integration_id,
                level=self.level,
                search=self.search,
                limit=PAGE_SIZE,
                offset=self.start,
            )
        except Exception:
            self._poll_failed = True
            return None

    async def action_page(self, step: int) -> None:
        if self.page is None:
            return
        offset = self.start + step * PAGE_SIZE
        if offset < 0 or offset >= max(self.page.total, 1):
            return
        self.start = offset
        await self.reload()

    def action_next_level(self) -> None:
        select = self.query_one("#log-level", Select)
        values = [ALL, *LEVELS]
        current = select.value if select.value in values else ALL
        select.value = values[(values.index(current) + 1) % len(values)]

    @on(Button.Pressed, "#log-prev")
    async def _prev(self, event: Button.Pressed) -> None:
        event.stop()
        await self.action_page(-1)

    @on(Button.Pressed, "#log-next")
    async def _next(self, event: Button.Pressed) -> None:
        event.stop()
        await self.action_page(1)

    @on(Select.Changed, "#log-level")
    @on(Input.Changed, "#log-search")
    async def _filters_changed(self) -> None:
        if self._shown == (self.level, self.search):
            return  # the select's first value, or an edit that changed nothing
        self.start = 0
        await self.reload()
