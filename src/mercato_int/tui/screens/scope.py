"""Ctrl+T: switch the tenant scope, picked from the tenants the store knows (type to filter),
or a new tenant id typed in full."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from mercato_int.errors import InvalidInput, MercatoIntError, NotAllowed
from mercato_int.i18n import t, tn
from mercato_int.scope import TenantScope
from mercato_int.settings import check_identifier
from mercato_int.tui.widgets.key_labels import describe_bindings

if TYPE_CHECKING:
    from mercato_int.services.fleet import TenantSummary

SHOWN = 100  # options at most in the list; more: type to narrow


class ScopeDialog(ModalScreen[TenantScope | None]):
    """The tenant field filters the list of known tenants as you type, and ↑/↓ move the
    highlight in the list without leaving the field (as a combo box does). Enter picks the
    highlighted tenant (tenant and org) once ↑/↓ chose it, or when nothing is typed; with
    text typed and no choice made, it switches to that id (a new tenant, with the org below).
    A click or Enter in the list picks from it too."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Tenants", show=False),
        Binding("up", "move(-1)", "Tenants", show=False),
    ]

    def __init__(self, scope: TenantScope) -> None:
        super().__init__()
        self.scope = scope
        self.known: list[TenantSummary] = []
        self.hidden = 0
        self.shown: list[TenantScope] = []
        self.chosen = False  # ↑/↓ moved the highlight since the field last changed
        describe_bindings(self, {"cancel": "tui_panels.key.cancel", "move(1)": "scope.key.list"})

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog scope-dialog"):
            yield Static(Text(t("tui_panels.dialog.switch_scope"), "bold"), classes="question")
            yield Label(t("tui_panels.dialog.tenant"))
            yield Input(placeholder=t("scope.placeholder"), id="tenant")
            yield OptionList(id="tenant-list")
            yield Static("", id="tenant-more", classes="scope-more")
            yield Label(t("tui_panels.dialog.org"))
            yield Input(self.scope.organization_id, id="org")
            yield Static("", id="scope-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    t("tui_panels.dialog.switch"), variant="primary", id="ok", compact=True
                )
                yield Button(t("tui_panels.dialog.cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        try:
            fleet = self.app.calls.tenants()  # type: ignore[attr-defined]
        except MercatoIntError as exc:  # no list: a tenant id can still be typed
            self._error(str(exc))
        else:
            self.known, self.hidden = fleet.tenants, fleet.hidden
        self._fill("")
        self.query_one("#tenant", Input).focus()

    def _fill(self, text: str) -> None:
        """The known tenants whose tenant or org id holds `text` (no case), the current one
        highlighted when it is there."""
        needle = text.strip().casefold()
        matches = [
            s.scope
            for s in self.known
            if needle in f"{s.scope.tenant_id}\0{s.scope.organization_id}".casefold()
        ]
        self.shown = matches[:SHOWN]
        options = self.query_one("#tenant-list", OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(
                    Text.assemble((s.tenant_id, "bold"), " · ", (s.organization_id, "dim")),
                    id=str(n),
                )
                for n, s in enumerate(self.shown)
            ]
        )
        if self.scope in self.shown:
            options.highlighted = self.shown.index(self.scope)
        notes = []
        if len(matches) > SHOWN:
            notes.append(tn("scope.more", len(matches) - SHOWN))
        if not matches and self.known:
            notes.append(t("scope.no_match"))
        if self.hidden:
            notes.append(tn("fleet.hidden", self.hidden))
        self.query_one("#tenant-more", Static).update(Text("\n".join(notes), "dim"))

    @on(Input.Changed, "#tenant")
    def _filter(self, event: Input.Changed) -> None:
        self.chosen = False
        self._fill(event.value)

    def action_move(self, step: int) -> None:
        """↑/↓ in the tenant field: move the list's highlight (the focus stays in the field)."""
        options = self.query_one("#tenant-list", OptionList)
        if self.focused is not self.query_one("#tenant", Input) or not options.option_count:
            return
        if options.highlighted is None:
            options.highlighted = 0 if step > 0 else options.option_count - 1
        else:
            options.highlighted = max(0, min(options.option_count - 1, options.highlighted + step))
        self.chosen = True

    @on(OptionList.OptionSelected, "#tenant-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._switch(self.shown[int(event.option.id or 0)])

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        tenant = self.query_one("#tenant", Input).value.strip()
        org = self.query_one("#org", Input).value.strip()
        if self.chosen or not tenant:  # the highlighted tenant, else the current one
            highlighted = self.query_one("#tenant-list", OptionList).highlighted
            if highlighted is not None and highlighted < len(self.shown):
                self._switch(self.shown[highlighted])
                return
            tenant = tenant or self.scope.tenant_id
        try:
            scope = TenantScope(
                organization_id=check_identifier(org, "org"),
                tenant_id=check_identifier(tenant, "tenant"),
            )
        except InvalidInput as exc:
            self._error(str(exc))
            return
        self._switch(scope)

    def _switch(self, scope: TenantScope) -> None:
        try:
            self.app.calls.enter(scope)  # type: ignore[attr-defined]
        except NotAllowed as exc:
            self._error(str(exc))
            return
        self.dismiss(scope)

    def _error(self, message: str) -> None:
        error = self.query_one("#scope-error", Static)
        error.update(message)
        error.add_class("shown")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
