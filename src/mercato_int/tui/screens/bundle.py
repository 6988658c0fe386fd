"""The bundle screen: the shared credentials form, a switch per integration, Enable All /
Disable All, the health check against the shared credentials, links to each integration."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static, Switch

from mercato_int.i18n import scope_text, t, tn
from mercato_int.tui.widgets.cards import health_mark, humanize, short_title, state_mark
from mercato_int.tui.widgets.credentials_form import CredentialsForm
from mercato_int.tui.widgets.health_panel import HealthPanel
from mercato_int.tui.widgets.key_labels import describe_bindings

if TYPE_CHECKING:
    from mercato_int.tui.app import MercatoApp


class BundleScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+r", "check", "Check", priority=True),
        # the buttons name ctrl+a / ctrl+x: the footer keeps its room at 80 columns
        Binding("ctrl+a", "bulk(True)", "Enable all", show=False),
        Binding("ctrl+x", "bulk(False)", "Disable all", show=False),
        Binding("f1", "focus_form", "Credentials", show=False, priority=True),  # in the title
    ]
    KEY_LABELS: ClassVar[dict[str, str]] = {
        "back": "tui_panels.key.back",
        "save": "tui_panels.key.save",
        "check": "tui_panels.key.check",
        "bulk(True)": "tui_panels.key.enable_all",
        "bulk(False)": "tui_panels.key.disable_all",
        "focus_form": "tui_panels.key.credentials",
    }

    app: MercatoApp  # type: ignore[assignment]

    def __init__(self, bundle_id: str) -> None:
        super().__init__()
        self.bundle_id = bundle_id
        self._enabled: dict[str, bool] = {}
        describe_bindings(self, self.KEY_LABELS)

    def compose(self) -> ComposeResult:
        registry = self.app.services.registry
        b = registry.get_bundle(self.bundle_id)
        yield Header()
        with VerticalScroll(id="bundle-body"):
            pkg = " ".join(p for p in (b.package, f"v{b.version}" if b.version else None) if p)
            yield Static(
                Text.assemble(
                    (b.title, "bold"),
                    "  ",
                    (t("tui_panels.bundle.id", id=b.id), "grey62"),
                    "\n",
                    b.description,
                    "\n",
                    (pkg, "grey62"),
                ),
                classes="detail-desc",
            )
            with Vertical(classes="section"):
                yield Static(t("show.integrations"), classes="section-title")
                with Horizontal(classes="panel-buttons"):
                    yield Button(
                        f"{t('tui.enable_all')} (ctrl+a)",
                        id="enable-all",
                        compact=True,
                        variant="success",
                    )
                    yield Button(f"{t('tui.disable_all')} (ctrl+x)", id="disable-all", compact=True)
                for m in registry.members(self.bundle_id):
                    with Horizontal(classes="member-row"):
                        yield Switch(id=f"sw-{m.id}", classes="member-switch")
                        yield Static("", id=f"st-{m.id}", classes="member-state")
                        yield Static(
                            Text.assemble(
                                (short_title(m.title, b.title), "bold"),
                                "  ",
                                (humanize(m.category), "grey62"),
                            ),
                            classes="member-title",
                        )
                        yield Static("", id=f"h-{m.id}", classes="member-health")
                        yield Button(
                            t("tui.key.open"),
                            id=f"open-{m.id}",
                            classes="member-open",
                            compact=True,
                        )
            with Vertical(classes="section"):
                yield Static(t("tui_panels.bundle.shared_creds"), classes="section-title")
                yield CredentialsForm(self.bundle_id, id="form")
            with Vertical(classes="section"):
                yield Static(t("tui_panels.bundle.health"), classes="section-title")
                yield HealthPanel(self.bundle_id, id="health-panel")
        yield Footer()

    def on_mount(self) -> None:
        self.load_states()

    async def reload(self) -> None:
        self.load_states()
        self.query_one(CredentialsForm).load()
        self.query_one(HealthPanel).load()

    def on_health_panel_checked(self) -> None:
        self.load_states()

    def on_screen_resume(self) -> None:
        self.load_states()

    def load_states(self) -> None:
        with self.app.guard() as g:
            states = self.app.calls.states(self.app.scope)
        if g.failed:
            return
        for m in self.app.services.registry.members(self.bundle_id):
            self._enabled[m.id] = states[m.id].is_enabled
            self.query_one(f"#sw-{m.id}", Switch).value = states[m.id].is_enabled
            self.query_one(f"#st-{m.id}", Static).update(state_mark(states[m.id].is_enabled))
            self.query_one(f"#h-{m.id}", Static).update(health_mark(states[m.id].health_status))

    @on(Switch.Changed, ".member-switch")
    def _member_switched(self, event: Switch.Changed) -> None:
        if event.switch.id is None:
            return
        integration_id = event.switch.id.removeprefix("sw-")
        if self._enabled.get(integration_id) == event.value:
            return  # the switch was set from the stored state, not by the user
        with self.app.guard() as g:
            warnings = self.app.calls.set_enabled([integration_id], event.value, self.app.scope)
        if g.failed:
            self.load_states()
            return
        self._enabled[integration_id] = event.value
        self.query_one(f"#st-{integration_id}", Static).update(state_mark(event.value))
        done = "tui.enabled_in" if event.value else "tui.disabled_in"
        self.notify(t(done, ids=integration_id, scope=scope_text(self.app.scope)), timeout=3)
        self.app.warn_all(warnings)

    def action_bulk(self, enable: bool) -> None:
        """Enable All at once; Disable All asks first when it would switch off more than one."""
        if enable:
            self._bulk(True)
            return
        with self.app.guard() as g:
            on = self.app.calls.enabled_members(self.bundle_id, self.app.scope)
        if g.failed:
            return
        if len(on) <= 1:
            self._bulk(False)
            return
        bundle = self.app.services.registry.get_bundle(self.bundle_id)
        self.app.confirm(
            tn(
                "tui_panels.confirm.disable_all",
                len(on),
                bundle=bundle.title,
                scope=scope_text(self.app.scope),
            ),
            lambda: self._bulk(False),
            yes=t("tui_panels.confirm.disable"),
        )

    def _bulk(self, enable: bool) -> None:
        with self.app.guard() as g:
            warnings = self.app.calls.set_enabled([self.bundle_id], enable, self.app.scope)
        if g.failed:
            return
        self.load_states()
        done = "tui_panels.bundle.all_enabled" if enable else "tui_panels.bundle.all_disabled"
        self.notify(t(done, bundle=self.bundle_id), timeout=3)
        self.app.warn_all(warnings)

    @on(Button.Pressed, "#enable-all")
    def _enable_all(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_bulk(True)

    @on(Button.Pressed, "#disable-all")
    def _disable_all(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_bulk(False)

    @on(Button.Pressed, ".member-open")
    def _open_member(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id:
            self.app.open_integration(event.button.id.removeprefix("open-"))

    def action_focus_form(self) -> None:
        form = self.query_one(CredentialsForm)
        first = form.query("Input, Select, Switch")
        if first:
            first.first().focus()

    def action_save(self) -> None:
        self.query_one(CredentialsForm).save()

    def action_check(self) -> None:
        self.query_one(HealthPanel).run_check()

    def action_back(self) -> None:
        """Back to where it was opened; first asks before discarding unsaved edits."""
        from mercato_int.tui.screens.integration import leave_after_asking

        leave_after_asking(self, self.query(CredentialsForm))
