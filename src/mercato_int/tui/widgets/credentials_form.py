"""The credentials form, built from a field schema: text and url inputs, password inputs for
secrets (showing only "set" / "not set"), a select, a switch for booleans; inline errors;
save as a compare-and-set on the version the form was loaded with (asking before overwriting
a change made elsewhere); remove with confirmation."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static, Switch

from mercato_int.errors import InvalidInput, NotAllowed, VersionConflict
from mercato_int.i18n import scope_text, t
from mercato_int.tui.widgets.timestamps import local_time

if TYPE_CHECKING:
    from mercato_int.registry import CredentialField
    from mercato_int.tui.app import MercatoApp
    from mercato_int.tui.calls import CredentialsView

TRUE_WORDS = {"true", "yes", "1", "on"}


def _source_text(source: str, kind: str) -> str:
    """Where the credentials come from: `own` (on this integration or bundle), `bundle`, `none`."""
    if source == "own":
        return t(f"tui_panels.creds.source.own.{kind}")
    if source in ("bundle", "none"):
        return t(f"tui_panels.creds.source.{source}")
    return source


def _as_bool(value: Any) -> bool:
    return value is True or str(value).strip().lower() in TRUE_WORDS


class CredentialsForm(Vertical):
    """Edits the credentials of one integration or bundle (`owner_id`) in the app's scope."""

    app: MercatoApp  # type: ignore[assignment]

    def __init__(self, owner_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="credentials-form")
        self.owner_id = owner_id
        self.view: CredentialsView | None = None
        self.loaded: dict[str, str] = {}

    @property
    def fields(self) -> tuple[CredentialField, ...]:
        return self.app.services.registry.credential_fields(self.owner_id)

    def compose(self) -> ComposeResult:
        yield Static("", classes="form-source")
        for f in self.fields:
            label = Text(f.label, style="bold")
            if f.required:
                label.append(" *", style="red")
            label.append(f"  {f.key}", style="grey50")
            with Horizontal(classes="field-head"):
                yield Label(label, classes="field-label")
                if f.is_secret:
                    yield Static("", id=f"set-{f.key}", classes="secret-state")
            yield self._input_for(f)
            yield Static("", id=f"err-{f.key}", classes="field-error")
        with Horizontal(classes="form-buttons"):
            yield Button(t("tui_panels.creds.save"), id="save", variant="primary", compact=True)
            yield Button(t("tui_panels.creds.remove"), id="remove", variant="error", compact=True)

    def _input_for(self, f: CredentialField) -> Any:
        wid = f"f-{f.key}"
        if f.type == "select":
            options = [(o.label, o.value) for o in f.options or ()]
            prompt = t("tui_panels.creds.select_not_set")
            return Select(options, id=wid, allow_blank=True, compact=True, prompt=prompt)
        if f.type == "boolean":
            # the words too: a switch is only colour, and NO_COLOR terminals have none
            return Horizontal(
                Switch(id=wid, classes="bool-switch"),
                Static(t("tui_panels.creds.off"), id=f"word-{f.key}", classes="bool-word"),
                classes="bool-field",
            )
        if f.type == "secret":
            return Input(password=True, id=wid, placeholder=t("tui_panels.creds.not_set"))
        return Input(id=wid, placeholder=f.placeholder or ("https://…" if f.type == "url" else ""))

    async def on_mount(self) -> None:
        self.load()

    # --- load ----------------------------------------------------------------------------------
    def load(self) -> None:
        """Fill the form from the masked values of the scope; remember `updatedAt`."""
        try:
            view = self.app.calls.credentials(self.owner_id, self.app.scope)
        except NotAllowed as exc:
            self._refused(exc)
            return
        except Exception as exc:
            self.app.report(exc)
            return
        self.disabled = False
        self.view = view
        self.loaded = {}
        kind = "bundle" if self.app.services.registry.is_bundle(self.owner_id) else "integration"
        source = _source_text(view.source, kind)
        line = Text.assemble((t("tui_panels.creds.heading"), "bold"), source)
        if view.updated_at:
            at = local_time(view.updated_at)
            line.append(t("tui_panels.creds.updated", at=at), style="grey62")
            if view.updated_by:
                line.append(t("tui_panels.creds.updated_by", actor=view.updated_by), "grey62")
        self.query_one(".form-source", Static).update(line)
        for f in view.fields:
            widget = self.query_one(f"#f-{f.key}")
            raw = view.values.get(f.key)
            if f.type == "secret":
                is_set = f.key in view.secrets_set
                self.query_one(f"#set-{f.key}", Static).update(
                    Text(t("tui_panels.creds.set"), style="green")
                    if is_set
                    else Text(t("tui_panels.creds.not_set"), style="yellow")
                )
                assert isinstance(widget, Input)
                widget.value = ""
                widget.placeholder = t(
                    "tui_panels.creds.set_replace" if is_set else "tui_panels.creds.not_set"
                )
                continue
            if f.type == "boolean":
                assert isinstance(widget, Switch)
                widget.value = _as_bool(raw) if raw is not None else False
                self.loaded[f.key] = "true" if widget.value else "false"
                if raw is None:
                    self.loaded[f.key] = ""
                continue
            if f.type == "select":
                assert isinstance(widget, Select)
                values = [o.value for o in f.options or ()]
                widget.value = raw if raw in values else Select.NULL
                self.loaded[f.key] = raw if raw in values else ""
                continue
            assert isinstance(widget, Input)
            widget.value = "" if raw is None else str(raw)
            self.loaded[f.key] = widget.value
        self.clear_errors()

    def _refused(self, exc: NotAllowed) -> None:
        """No access to credentials in this scope: say so in place of the values."""
        self.view = None
        self.query_one(".form-source", Static).update(Text(exc.message, style="yellow"))
        for f in self.fields:
            widget = self.query_one(f"#f-{f.key}")
            if isinstance(widget, Input):
                widget.value = ""
        self.disabled = True

    def unsaved(self) -> list[str]:
        """Keys of the fields edited since the last load or save (none on a refused form)."""
        if self.view is None or self.disabled:
            return []
        return sorted(self.changes())

    # --- save ----------------------------------------------------------------------------------
    def changes(self) -> dict[str, str]:
        """Only what the user changed: secrets typed in, other fields that differ."""
        out: dict[str, str] = {}
        for f in self.fields:
            widget = self.query_one(f"#f-{f.key}")
            if f.type == "secret":
                assert isinstance(widget, Input)
                if widget.value:
                    out[f.key] = widget.value
                continue
            if f.type == "boolean":
                assert isinstance(widget, Switch)
                value = "true" if widget.value else "false"
                if self.loaded.get(f.key) == "" and not widget.value:
                    continue  # never set and still off: nothing to store
            elif f.type == "select":
                assert isinstance(widget, Select)
                value = "" if widget.value in (Select.NULL, None) else str(widget.value)
            else:
                assert isinstance(widget, Input)
                value = widget.value.strip()
            if value != self.loaded.get(f.key, ""):
                out[f.key] = value
        return out

    def clear_errors(self) -> None:
        for f in self.fields:
            err = self.query_one(f"#err-{f.key}", Static)
            err.update("")
            err.remove_class("shown")

    def show_error(self, exc: InvalidInput) -> None:
        """Put the service's message under every field it names (by key or label)."""
        text = exc.message  # the hint speaks of KEY=VALUE arguments: the form is its own hint
        named = [
            f
            for f in self.fields
            if re.search(rf"(?<![A-Za-z0-9_]){re.escape(f.key)}(?![A-Za-z0-9_])", text)
            or f.label.lower() in text.lower()
        ]
        for f in named:
            err = self.query_one(f"#err-{f.key}", Static)
            err.update(Text(text, style="red"))
            err.add_class("shown")
        if named:
            self.query_one(f"#f-{named[0].key}").focus()

    @on(Switch.Changed, ".bool-switch")
    def _bool_changed(self, event: Switch.Changed) -> None:
        key = (event.switch.id or "").removeprefix("f-")
        word = t("tui_panels.creds.on" if event.value else "tui_panels.creds.off")
        self.query_one(f"#word-{key}", Static).update(word)

    @on(Button.Pressed, "#save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.save()

    def save(self) -> None:
        """Save the changes, conditional on the version the form was loaded with: the store
        applies the write only if the row is still at it, and a change made elsewhere is
        asked about before it is overwritten."""
        values = self.changes()
        if not values:
            self.notify(t("tui_panels.creds.nothing_changed"), timeout=3)
            return
        self._store(values, self.view.version if self.view else 0)

    def _changed_elsewhere(self, values: dict[str, str]) -> None:
        """The row moved on since it was read: say who and when, and on "Overwrite" save
        again, conditional on the version seen now (a third change meanwhile asks again)."""
        with self.app.guard() as g:
            current = self.app.calls.credentials(self.owner_id, self.app.scope)
        if g.failed:
            return
        by = current.updated_by
        who = t("tui_panels.creds.changed_by", actor=by) if by else ""
        when = (
            local_time(current.updated_at)
            if current.updated_at and current.version
            else t("tui_panels.creds.changed_removed")
        )
        self.app.confirm(
            t("tui_panels.creds.changed_elsewhere", when=when, who=who),
            lambda: self._store(values, current.version),
            yes=t("tui_panels.creds.overwrite"),
        )

    def _store(self, values: dict[str, str], expected_version: int) -> None:
        self.clear_errors()
        try:
            self.app.calls.save_credentials(
                self.owner_id, values, self.app.scope, expected_version=expected_version
            )
        except VersionConflict:
            self._changed_elsewhere(values)
            return
        except InvalidInput as exc:
            self.show_error(exc)
            title = t("tui_panels.creds.not_saved")
            self.notify(exc.message, title=title, severity="error", timeout=8, markup=False)
            return
        except Exception as exc:
            self.app.report(exc)
            return
        self.app.clear_notifications()  # the "Not saved" errors of earlier tries are stale
        scope = scope_text(self.app.scope)
        self.notify(t("tui_panels.creds.saved", owner=self.owner_id, scope=scope), timeout=4)
        self.load()

    # --- remove --------------------------------------------------------------------------------
    @on(Button.Pressed, "#remove")
    def _remove_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.remove_credentials()

    def remove_credentials(self) -> None:
        if self.view is not None and self.view.source != "own":
            self.notify(t("tui_panels.creds.none_own", owner=self.owner_id), timeout=4)
            return
        self.app.confirm(
            t(
                "tui_panels.creds.remove_confirm",
                owner=self.owner_id,
                scope=scope_text(self.app.scope),
            ),
            self._do_remove,
            yes=t("tui_panels.creds.remove"),
        )

    def _do_remove(self) -> None:
        with self.app.guard() as g:
            self.app.calls.remove_credentials(self.owner_id, self.app.scope)
        if g.failed:
            return
        self.notify(t("tui_panels.creds.removed", owner=self.owner_id), timeout=4)
        self.load()
