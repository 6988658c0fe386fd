"""One module per command group. Each defines `app`, a Typer app holding its commands and
groups, and imports nothing from `cli/app.py`: the root (`cli/app.py`, through `cli/lazy.py`)
imports a module only when one of its commands runs."""

from __future__ import annotations

import typer


def command_app() -> typer.Typer:
    """A module's own Typer app. Its no-op callback makes Typer build it as a group, so the
    root can take any of its commands by name (`typer.main.get_command(app).commands[name]`)."""
    app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
    app.callback()(_no_op)
    return app


def _no_op() -> None:
    """The commands of this module."""
