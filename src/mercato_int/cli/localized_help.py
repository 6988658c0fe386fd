"""`--help` in the chosen language: command, group and option help from the `help` area
catalogue (i18n/areas/help.py, keyed by the English text), and the framing Typer writes around
it (usage line, section headings, `[default: ...; required]`).

Imported only when the language is not English: English help is the text in the command
modules, shown as written."""

from __future__ import annotations

from typing import Any

import typer

from mercato_int import i18n

# the section headings Typer and MercatoGroup write -> their catalogue keys
_HEADINGS = {"Arguments": "help.arguments", "Options": "help.options", "Commands": "help.commands"}
# the words of the usage line Typer writes -> their catalogue keys
_METAVARS = {"[OPTIONS]": "help.options_metavar", "COMMAND [ARGS]...": "help.command_metavar"}


def translated(text: str | None) -> str | None:
    """`text` in the current language; as it is when the catalogue has no translation."""
    if not text:
        return text
    found = i18n.catalogue(i18n.current()).get(text)
    return found if isinstance(found, str) else text


def localize(command: Any, *, subcommands: bool = True) -> None:
    """Put `command`'s help, short help and every parameter's help (and, with `subcommands`,
    those of the commands under it) in the current language; its help pages get the
    translated framing. The translation replaces the English on the object, which is fine as
    Typer builds the command objects afresh for every invocation."""
    command.help = translated(command.help)
    command.short_help = translated(command.short_help)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = translated(param.help)
    for attr in ("options_metavar", "subcommand_metavar"):
        key = _METAVARS.get(getattr(command, attr, None) or "")
        if key:
            setattr(command, attr, i18n.t(key))
    command.context_class = LocalizedContext
    # a plain dict on the groups Typer builds; MercatoGroup (subcommands=False) would build
    # every deferred command to answer it
    if subcommands:
        for sub in getattr(command, "commands", {}).values():
            localize(sub)


class LocalizedFormatter(typer.Context.formatter_class):  # type: ignore[misc,name-defined]
    """Typer's help formatter, writing its own words in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, i18n.t("help.usage") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        key = _HEADINGS.get(heading)
        super().write_heading(i18n.t(key) if key else heading)

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _row_help(text)) for term, text in rows], col_max, col_spacing)


def _row_help(text: str) -> str:
    """One option's help as Typer renders it, `help  [default: X; required]`, translated:
    the help option's text is not a parameter until the page is written, hence here."""
    body, sep, notes = text.rpartition("  [")
    if not sep and text.startswith("[") and text.endswith("]"):  # notes without help text
        body, sep, notes = "", "[", text[1:]
    if not sep or not notes.endswith("]"):
        return translated(text) or text
    parts = [_note(part) for part in notes[:-1].split("; ")]
    return f"{translated(body)}{'  ' if body else ''}[{'; '.join(parts)}]"


def _note(part: str) -> str:
    if part == "required":
        return i18n.t("help.required")
    if part.startswith("default: "):
        return i18n.t("help.default", default=part.removeprefix("default: "))
    if part.startswith("env var: "):
        return i18n.t("help.env_var", var=part.removeprefix("env var: "))
    return part  # a number range (x>=1) reads the same in every language


class LocalizedContext(typer.Context):
    """A context whose help pages are written by LocalizedFormatter."""

    formatter_class = LocalizedFormatter
