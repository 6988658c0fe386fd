"""The integration screen: title, description, docs link, enabled switch, and the tabs
Credentials / Health / Logs."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Footer,
    Header,
    Label,
    Link,
    Static,
    Switch,
    TabbedContent,
    TabPane,
)

from mercato_int.errors import NotAllowed
from mercato_int.i18n import scope_text, t
from mercato_int.tui.widgets.cards import health_mark, humanize, state_mark
from mercato_int.tui.widgets.credentials_form import CredentialsForm
from mercato_int.tui.widgets.health_panel import HealthPanel
from mercato_int.tui.widgets.key_labels import describe_bindings, show_in_footer
from mercato_int.tui.widgets.logs_panel import LogsPanel

if TYPE_CHECKING:
    from collections.abc import Iterable

    from mercato_int.registry import IntegrationDefinition
    from mercato_int.tui.app import MercatoApp


class IntegrationScreen(Screen[None]):
    AUTO_FOCUS = "#tabs Tabs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+r", "check", "Check", priority=True),
        Binding("ctrl+o", "toggle_enabled", "On/Off", priority=True),
        # the button "Part of … (ctrl+b)" names it; the footer has no room at 80 columns
        Binding("ctrl+b", "open_bundle", "Bundle", priority=True, show=False),
        # the tab titles name f1-f3; priority: they work inside form fields too
        Binding("f1", "tab('credentials')", "Credentials", show=False, priority=True),
        Binding("f2", "tab('health')", "Health", show=False, priority=True),
        Binding("f3", "tab('logs')", "Logs", show=False, priority=True),
        Binding("n", "logs_page(1)", "Next"),
        Binding("p", "logs_page(-1)", "Prev"),
        Binding("l", "logs_level", "Level"),
    ]
    # On the logs tab its keys take the footer's room (the others still work; `?` lists all).
    LOGS_FOOTER: ClassVar[dict[str, bool]] = {
        "save": False,
        "check": False,
        "toggle_enabled": False,
    }
    KEY_LABELS: ClassVar[dict[str, str]] = {
        "back": "tui_panels.key.back",
        "save": "tui_panels.key.save",
        "check": "tui_panels.key.check",
        "toggle_enabled": "tui.key.toggle",
        "open_bundle": "tui.key.bundle",
        "tab('credentials')": "tui_panels.key.credentials",
        "tab('health')": "tui_panels.key.health",
        "tab('logs')": "tui_panels.key.logs",
        "logs_page(1)": "tui_panels.key.next",
        "logs_page(-1)": "tui_panels.key.prev",
        "logs_level": "tui_panels.key.level",
    }

    app: MercatoApp  # type: ignore[assignment]

    def __init__(self, integration_id: str) -> None:
        super().__init__()
        self.integration_id = integration_id
        self._enabled: bool | None = None
        describe_bindings(self, self.KEY_LABELS)

    @property
    def definition(self) -> IntegrationDefinition:
        return self.app.services.registry.get_integration(self.integration_id)

    def compose(self) -> ComposeResult:
        d = self.definition
        registry = self.app.services.registry
        bundle = registry.bundles.get(d.bundle_id or "")
        yield Header()
        with Horizontal(classes="detail-head"):
            yield Static(Text(d.title, style="bold"), classes="detail-title")
            yield Static("", id="detail-health")
            yield Switch(id="enabled")
            yield Label("", id="enabled-label", classes="switch-label")
        facts = [d.id, humanize(d.category)]
        if d.package:
            facts.append(f"{d.package} v{d.version}" if d.version else d.package)
        yield Static(
            Text.assemble(d.description or "", "\n", (" · ".join(facts), "grey62")),
            classes="detail-desc",
        )
        with Horizontal(classes="detail-links"):
            if d.docs_url:
                yield Link(d.docs_url, url=d.docs_url, tooltip=t("tui_panels.open_docs"))
            if bundle is not None:
                yield Button(
                    t("tui_panels.part_of", bundle=bundle.title), id="to-bundle", compact=True
                )
        with TabbedContent(initial="credentials", id="tabs"):
            with TabPane(t("tui_panels.tab.credentials"), id="credentials"), VerticalScroll():
                if d.fields or bundle is None:
                    yield CredentialsForm(d.id, id="form")
                else:
                    note = Text(t("tui_panels.uses_bundle_creds", bundle=bundle.title))
                    note.highlight_words([bundle.title], "bold")
                    yield Static(note, classes="bundle-note")
                    yield Static("", id="inherited")
                    yield Button(
                        t("tui_panels.open_bundle_form", bundle=bundle.title),
                        id="open-bundle-form",
                        variant="primary",
                        compact=True,
                    )
            with TabPane(t("tui_panels.tab.health"), id="health"):
                yield HealthPanel(d.id, id="health-panel")
            with TabPane(t("tui_panels.tab.logs"), id="logs"):
                yield LogsPanel(d.id, id="logs-panel")
        yield Footer()

    def on_mount(self) -> None:
        self.load_state()
        self.load_inherited()

    async def reload(self) -> None:
        """The scope changed: re-read everything."""
        self.load_state()
        self.load_inherited()
        for form in self.query(CredentialsForm):
            form.load()
        self.query_one(HealthPanel).load()
        panel = self.query_one(LogsPanel)
        panel.start = 0
        await panel.reload()

    def load_state(self) -> None:
        with self.app.guard() as g:
            state = self.app.calls.state(self.integration_id, self.app.scope)
        if g.failed:
            return
        self._enabled = state.is_enabled
        self.query_one("#enabled", Switch).value = state.is_enabled
        self.query_one("#enabled-label", Label).update(state_mark(state.is_enabled))
        self.query_one("#detail-health", Static).update(health_mark(state.health_status))

    def load_inherited(self) -> None:
        found = self.query("#inherited")
        if not found:
            return
        try:
            view = self.app.calls.credentials(self.integration_id, self.app.scope)
        except NotAllowed as exc:
            self.query_one("#inherited", Static).update(Text(exc.message, style="yellow"))
            return
        except Exception as exc:
            self.app.report(exc)
            return
        bundle_id = self.definition.bundle_id or ""
        fields = self.app.services.registry.credential_fields(bundle_id)
        lines = Text()
        is_set, not_set = t("tui_panels.creds.set"), t("tui_panels.creds.not_set")
        for f in fields:
            if f.is_secret:
                value = (
                    Text(is_set, "green") if f.key in view.secrets_set else Text(not_set, "yellow")
                )
            else:
                raw = view.values.get(f.key)
                value = Text(str(raw)) if raw not in (None, "") else Text(not_set, "yellow")
            lines.append_text(Text.assemble((f"{f.label}: ", "bold"), value, "\n"))
        self.query_one("#inherited", Static).update(lines)

    @on(Switch.Changed, "#enabled")
    def _enabled_changed(self, event: Switch.Changed) -> None:
        if event.value == self._enabled:
            return  # the switch was set from the stored state, not by the user
        with self.app.guard() as g:
            warnings = self.app.calls.set_enabled(
                [self.integration_id], event.value, self.app.scope
            )
        if g.failed:
            self.load_state()
            return
        self._enabled = event.value
        done = "tui.enabled_in" if event.value else "tui.disabled_in"
        self.query_one("#enabled-label", Label).update(state_mark(event.value))
        self.notify(t(done, ids=self.integration_id, scope=scope_text(self.app.scope)), timeout=3)
        self.app.warn_all(warnings)

    def action_toggle_enabled(self) -> None:
        switch = self.query_one("#enabled", Switch)
        switch.value = not switch.value

    def action_back(self) -> None:
        """Back to where it was opened; first asks before discarding unsaved edits."""
        leave_after_asking(self, self.query(CredentialsForm))

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        pane = tabs.active_pane
        if tab != tabs.active and pane is not None and self.focused in list(pane.query("*")):
            # A field of the pane being hidden keeps the focus, and a focused field brings
            # its pane back: the tab strip takes the focus first.
            self.query_one("#tabs Tabs").focus()
        tabs.active = tab

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("logs_page", "logs_level"):
            return self.query_one("#tabs", TabbedContent).active == "logs"
        if action == "open_bundle":
            return self.definition.bundle_id is not None
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        on_logs = self.query_one("#tabs", TabbedContent).active == "logs"
        show_in_footer(self, {action: not on_logs for action in self.LOGS_FOOTER})
        self.refresh_bindings()

    async def action_logs_page(self, step: int) -> None:
        await self.query_one(LogsPanel).action_page(step)

    def action_logs_level(self) -> None:
        self.query_one(LogsPanel).action_next_level()

    def action_save(self) -> None:
        forms = self.query(CredentialsForm)
        if not forms:
            self.notify(t("tui_panels.saved_on_bundle"), timeout=3)
            return
        self.action_tab("credentials")
        forms.first().save()

    def action_check(self) -> None:
        self.action_tab("health")
        self.query_one(HealthPanel).run_check()

    def action_open_bundle(self) -> None:
        bundle_id = self.definition.bundle_id
        if bundle_id:
            self.app.open_bundle(bundle_id)

    @on(Button.Pressed, "#to-bundle")
    @on(Button.Pressed, "#open-bundle-form")
    def _to_bundle(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_open_bundle()

    def on_health_panel_checked(self) -> None:
        self.load_state()

    def on_screen_resume(self) -> None:
        self.load_state()
        self.load_inherited()


def leave_after_asking(screen: Screen[None], forms: Iterable[CredentialsForm]) -> None:
    """Pop `screen`, asking first when one of its credentials forms has unsaved edits."""
    app: MercatoApp = screen.app  # type: ignore[assignment]
    edited = [(form, form.unsaved()) for form in forms]
    edited = [(form, keys) for form, keys in edited if keys]
    if not edited:
        app.pop_screen()
        return
    form, keys = edited[0]
    app.confirm(
        t("tui_panels.confirm.discard", owner=form.owner_id, keys=", ".join(keys)),
        app.pop_screen,
        yes=t("tui_panels.confirm.discard_yes"),
    )
