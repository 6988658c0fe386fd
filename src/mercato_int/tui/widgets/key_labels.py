"""Footer descriptions of key bindings in the current language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from mercato_int.i18n import t

if TYPE_CHECKING:
    from textual.dom import DOMNode


def describe_bindings(node: DOMNode, keys: Mapping[str, str]) -> None:
    """Describe `node`'s bindings with `t(keys[action])`, where `keys` maps actions (as in
    BINDINGS, e.g. `tab('logs')`) to message keys; other bindings keep their description.

    BINDINGS are read when the class is defined, which can be before the language is chosen
    (and tests choose it per test), so each instance rewrites its own copy of them.
    """
    bindings = node._bindings.key_to_bindings  # each instance's copy of the class's BINDINGS
    for key, found in bindings.items():
        bindings[key] = [
            replace(b, description=t(keys[b.action])) if b.action in keys else b for b in found
        ]


def show_in_footer(node: DOMNode, shown: Mapping[str, bool]) -> None:
    """Show (or leave out of the footer) `node`'s bindings of these actions; they keep
    working either way. For a footer that changes with the tab, at 80 columns."""
    bindings = node._bindings.key_to_bindings
    for key, found in bindings.items():
        bindings[key] = [
            replace(b, show=shown[b.action]) if b.action in shown else b for b in found
        ]
