"""The health tab: run the check, and the last result with its latency and time."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from mercato_int.i18n import t, t_or
from mercato_int.tui.widgets.cards import health_mark
from mercato_int.tui.widgets.timestamps import local_time

if TYPE_CHECKING:
    from mercato_int.tui.app import MercatoApp


def render_result(result: dict[str, Any] | None) -> Text:
    """The last result: status, message (stored, untranslated), latency, time, details."""
    if not result:
        return Text(t("tui_panels.health.none_yet"), "grey62")
    names = ("status", "message", "latency", "checked")
    labels = {name: t(f"tui_panels.health.{name}") for name in names}
    width = max(len(label) for label in labels.values()) + 2  # values line up after the labels
    out = Text.assemble((labels["status"].ljust(width), "bold"))
    out.append_text(health_mark(result.get("status")))
    out.append("\n")
    if result.get("message"):
        out.append(labels["message"].ljust(width), "bold")
        out.append(f"{result['message']}\n")
    latency = result.get("latencyMs")
    if latency is not None:
        out.append(labels["latency"].ljust(width), "bold")
        out.append(f"{latency} ms\n")
    if result.get("checkedAt"):
        out.append(labels["checked"].ljust(width), "bold")
        out.append(f"{local_time(result['checkedAt'])}\n")
    if result.get("details"):
        details = json.dumps(result["details"], indent=2, ensure_ascii=False, default=str)
        out.append(f"{t('tui_panels.health.details')}\n", "bold")
        out.append(details, "grey70")
    return out


class HealthPanel(Vertical):
    """Health of one integration or bundle (`owner_id`) in the app's scope."""

    app: MercatoApp  # type: ignore[assignment]

    class Checked(Message):
        """A check finished and its result is on the state: screens refresh their marks."""

    def __init__(self, owner_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="health-panel")
        self.owner_id = owner_id
        self.running = False

    def compose(self) -> ComposeResult:
        with Horizontal(classes="panel-buttons"):
            yield Button(
                t("tui_panels.health.run"), id="run-check", variant="primary", compact=True
            )
            yield Static("", id="check-progress")
        yield Static("", id="health-result")

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        with self.app.guard() as g:
            last = self.app.calls.last_health(self.owner_id, self.app.scope)
        if not g.failed:
            self.show(last)

    def show(self, result: dict[str, Any] | None) -> None:
        self.query_one("#health-result", Static).update(render_result(result))

    @on(Button.Pressed, "#run-check")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.run_check()

    def run_check(self) -> None:
        if self.running:
            return
        self.running = True
        self.query_one("#check-progress", Static).update(
            Text(t("tui_panels.health.checking"), "yellow")
        )
        self._check()

    @work(exclusive=True, group="health")
    async def _check(self) -> None:
        # The service runs the check itself off the event loop (threads for sync checks), cut
        # at its timeout: the screen stays responsive meanwhile.
        try:
            result = await self.app.calls.run_health(self.owner_id, self.app.scope)
        except Exception as exc:
            self._done(None, exc)
        else:
            self._done(result, None)

    def _done(self, result: dict[str, Any] | None, exc: Exception | None) -> None:
        self.running = False
        self.scroll_visible()  # on the bundle screen the result is below the form
        self.query_one("#check-progress", Static).update("")
        if exc is not None:
            self.app.report(exc)
            return
        self.show(result)
        self.post_message(self.Checked())
        status = (result or {}).get("status")
        shown = t_or(f"health.{status}", status) if status else t("tui_panels.health.unknown")
        self.notify(
            t("tui_panels.health.result", owner=self.owner_id, status=shown),
            severity="information" if status == "healthy" else "warning",
            timeout=4,
        )
