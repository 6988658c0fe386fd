"""Where output goes: data on stdout, talk on stderr; colour only on a TTY, never with NO_COLOR."""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


@cache
def out() -> Console:
    """The console for data (stdout)."""
    # rich.console costs ~20 ms; `--help` and `--json` never need it.
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    # Rich exits 1 on a closed pipe; `mercato-int list | head` is not a failure
    console.on_broken_pipe = closed_stdout  # type: ignore[method-assign]
    return console


@cache
def err() -> Console:
    """The console for talk (stderr): warnings, errors, progress."""
    from rich.console import Console

    # soft_wrap: one message is one line, however narrow the terminal (grep-able logs)
    return Console(stderr=True, highlight=False, soft_wrap=True)


def closed_stdout() -> None:
    """The reader went away (`| head`): stop writing, quietly (the CLI exits 0)."""
    import os

    # Later writes and the interpreter's final flush go nowhere instead of failing again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    # without an errno, so that click does not turn it into its own exit 1
    raise BrokenPipeError


def reset() -> None:
    """Forget the consoles, so the next command sees the terminal (width, NO_COLOR) afresh
    (several invocations share one process in tests and in the TUI)."""
    out.cache_clear()
    err.cache_clear()


def print_json(data: Any) -> None:
    """Exactly the documented JSON shape on stdout, nothing else."""
    import json

    try:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        closed_stdout()


def warn(message: str) -> None:
    from mercato_int.i18n import t

    err().print(
        f"[yellow]{t('cli.warning')}[/] {_escape(message)}",
        markup=True,
        highlight=False,
        soft_wrap=True,
    )


def note(message: str) -> None:
    err().print(message, markup=False, highlight=False, soft_wrap=True)


def error_line(message: str) -> None:
    # one line, however long: scripts read the first line of stderr
    from mercato_int.i18n import t

    err().print(f"[bold red]{t('cli.error')}[/] {_escape(message)}", soft_wrap=True)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def plural(count: int, noun: str) -> str:
    """`1 bundle`, `2 bundles`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def humanize(value: str) -> str:
    """`data_sync` -> `Data Sync`."""
    return value.replace("_", " ").title()
