"""Modal dialogs: confirm a destructive action, list the keys (the scope switch: scope.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from mercato_int.i18n import t
from mercato_int.tui.widgets.key_labels import describe_bindings

if TYPE_CHECKING:
    from textual.screen import Screen


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, question: str, *, yes: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes = yes or t("tui_panels.dialog.yes")
        describe_bindings(
            self, {"answer(False)": "tui_panels.key.no", "answer(True)": "tui_panels.key.yes"}
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", variant="error", id="yes", compact=True)
                yield Button(t("tui_panels.dialog.cancel_n"), id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, ok: bool) -> None:
        self.dismiss(ok)


def key_rows(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys, what they do) for every binding active on `screen` (where its focus is), those
    the footer leaves out included; keys that do the same together (`r / f5 / ^r`)."""
    keys: dict[str, list[str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or not active.enabled:
            continue
        if binding.action not in _own_actions(type(active.node)):
            continue  # Textual's own keys (scrolling, an input's cursor): untranslated
        keys.setdefault(binding.description, []).append(screen.app.get_key_display(binding))
    return [(" / ".join(dict.fromkeys(k)), what) for what, k in keys.items()]


def _own_actions(cls: type) -> set[str]:
    """The actions bound in the BINDINGS of our own classes among `cls` and its bases."""
    own: set[str] = set()
    for base in cls.__mro__:
        if base.__module__.startswith("mercato_int."):
            for b in base.__dict__.get("BINDINGS", ()):
                if isinstance(b, Binding):
                    own.add(b.action)
    return own


class KeysDialog(ModalScreen[None]):
    """`?`: the keys of the screen below, including those the footer has no room for."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss_keys", "Close"),
    ]

    def __init__(self, below: Screen[object]) -> None:
        super().__init__()
        self.rows = key_rows(below)
        describe_bindings(self, {"dismiss_keys": "tui_panels.key.close"})

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self.rows), default=0) + 2
        table = Text()
        for keys, what in self.rows:
            table.append(keys.ljust(width), "bold")
            table.append(f"{what}\n")
        with Vertical(classes="dialog keys-dialog"):
            yield Static(Text(t("tui_panels.keys.title"), "bold"), classes="question")
            with VerticalScroll(classes="keys-list"):
                yield Static(table, id="keys-table")
            yield Static(Text(t("tui_panels.keys.close"), "grey62"))

    def action_dismiss_keys(self) -> None:
        self.dismiss(None)
