"""A click group that lists its commands from a static map and imports a command's module only
when that command is used (as pypa/hatch's `cli/lazy.py` does), so `mercato-int --help`
imports no command module. Public Typer API only (Typer vendors its Click)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# name -> ("package.module:attr" of a Typer app that holds the command, help, short help,
# hidden): what the group lists without importing the module
LazyEntry = tuple[str, str | None, str | None, bool]


class LazyGroup(TyperGroup):
    """Subcommands come from `lazy_commands`; each is built from its module's Typer app (with
    `typer.main.get_command`) the first time it is asked for, then kept."""

    lazy_commands: Mapping[str, LazyEntry] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.lazy_commands, *(n for n in self.commands if n not in self.lazy_commands)]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in self.commands and name in self.lazy_commands:
            self.commands[name] = self.prepare(self._load(name))
        return self.commands.get(name)

    def _load(self, name: str) -> Any:
        target = self.lazy_commands[name][0]
        module_name, _, attr = target.partition(":")
        typer_app = getattr(importlib.import_module(module_name), attr)
        built = typer.main.get_command(typer_app)
        if isinstance(built, TyperGroup) and name in built.commands:
            return built.commands[name]
        raise LookupError(f"{target} has no command {name!r}")

    def prepare(self, command: Any) -> Any:
        """A hook for a command once built (or listed): e.g. to translate its help."""
        return command

    def listed(self, name: str) -> Any:
        """`name` as `--help` lists it: the built command, or a parameterless stand-in with the
        help from the map (building it would import its module)."""
        if name in self.commands:
            return self.commands[name]
        _target, text, short, hidden = self.lazy_commands[name]
        return self.prepare(TyperCommand(name=name, help=text, short_help=short, hidden=hidden))

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, self.listed(name)) for name in self.list_commands(ctx)]
        rows = [(name, cmd) for name, cmd in rows if not cmd.hidden]
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])
