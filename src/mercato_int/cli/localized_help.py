"""`--help` in the chosen language, by translating the help strings before click renders them.

- Command, group and option help (as written in the command modules) is looked up, by its
  English text, in the `cli_help` catalogue (`i18n.help_text`) and put on the command objects.
- The words Typer writes around it (section headings, an option's `default: ...`/`required`
  notes) Typer passes to `gettext.gettext`: while a page is written, `i18n.library_messages`
  points gettext at the same catalogue, in the chosen language.
- The few words click writes without gettext are set by key: the usage line's prefix and its
  `[OPTIONS]`/`COMMAND [ARGS]...` words, the heading MercatoGroup writes itself, and the help
  option's text (click makes that option as the page is written, so it is looked up as its row
  is written).

Imported only when the language is not English, or to word a usage error (`usage_message`):
English help is the text in the command modules, shown as written."""

from __future__ import annotations

from typing import Any

import typer

from mercato_int import i18n

# click's usage words that it does not pass to gettext -> their catalogue keys
_METAVARS = {"[OPTIONS]": "help.options_metavar", "COMMAND [ARGS]...": "help.command_metavar"}
# the text of the help option click adds as a page is written
HELP_OPTION = "Show this message and exit."


def translated(text: str | None) -> str | None:
    """`text` in the current language; as it is when the catalogue has no translation."""
    return i18n.help_text(text) if text else text


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


# the base is the class Typer's public Context names (its click is vendored, private): mypy
# takes no attribute as a base class
class LocalizedFormatter(typer.Context.formatter_class):  # type: ignore[misc,valid-type]
    """Typer's help formatter, writing click's own words in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            prefix = f"{i18n.help_text('Usage:')} "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        # Typer's headings arrive translated (gettext); MercatoGroup's `Commands` does not
        super().write_heading(i18n.help_text(heading))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(term, translated(text) if text == HELP_OPTION else text) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


class LocalizedContext(typer.Context):
    """A context whose help pages are written by LocalizedFormatter, with Typer's gettext
    messages in the current language."""

    formatter_class = LocalizedFormatter

    def get_help(self) -> str:
        with i18n.library_messages():
            return super().get_help()


def usage_message(exc: Exception) -> str:
    """click's usage error in the chosen language (its own text is English only). Only the
    common kinds are rebuilt; any other keeps click's wording."""
    english = exc.format_message()  # type: ignore[attr-defined]
    if i18n.current() == "en":
        return english
    import re

    t = i18n.t
    kind = type(exc).__name__
    if kind == "NoSuchOption" and english.startswith("No such option: "):
        text = t("help.err.no_such_option", option=exc.option_name)  # type: ignore[attr-defined]
        possible = getattr(exc, "possibilities", None)
        if possible:
            text += " " + t("help.err.possible", options=", ".join(sorted(possible)))
        return text
    match = re.fullmatch(r"No such command ('.*')\.(?: Did you mean (.*)\?)?", english)
    if match:
        text = t("help.err.no_such_command", name=match[1])
        return text + (" " + t("help.err.did_you_mean", names=match[2]) if match[2] else "")
    match = re.fullmatch(r"Missing (argument|option) (.*)\.", english)
    if match:
        return t(f"help.err.missing_{match[1]}", hint=match[2])
    match = re.fullmatch(r"Invalid value for (.*?): (.*)", english, flags=re.S)
    if match:
        return t("help.err.invalid_value", hint=match[1], message=match[2])
    return english
