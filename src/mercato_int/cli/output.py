"""Where output goes: data on stdout, talk on stderr; colour only on a TTY, never with NO_COLOR."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from mercato_int.errors import Phrase

# The width of output that goes to a pipe or a file: no limit a value could meet, so that a
# URL, an id or a timestamp is never cut or wrapped (Rich would otherwise use 80 or COLUMNS).
UNLIMITED_WIDTH = 100_000


def _console(*, stderr: bool) -> Console:
    # rich.console costs ~20 ms; `--help` and `--json` never need it.
    from rich.console import Console

    # soft_wrap: one message is one line, however narrow the terminal (grep-able logs)
    console = Console(stderr=stderr, highlight=False, soft_wrap=True)
    if not console.is_terminal:  # the terminal's width on a terminal, none elsewhere
        console.width = UNLIMITED_WIDTH
    return console


@cache
def out() -> Console:
    """The console for data (stdout)."""
    console = _console(stderr=False)
    # Rich exits 1 on a closed pipe; `mercato-int list | head` is not a failure
    console.on_broken_pipe = closed_stdout  # type: ignore[method-assign]
    return console


@cache
def err() -> Console:
    """The console for talk (stderr): warnings, errors, progress."""
    return _console(stderr=True)


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


@contextmanager
def only_data_on_stdout() -> Iterator[None]:
    """While code that is not ours runs (providers' health checks), what it writes to stdout,
    by `print` or straight to the descriptor, goes to stderr: stdout is for the command's data
    (`--json` stays one document), as in the worker processes of `health --all-tenants`."""
    import contextlib
    import os

    sys.stdout.flush()
    fd: int | None = None
    saved: int | None = None
    with contextlib.suppress(AttributeError, OSError, ValueError):  # not a file (a test's)
        fd = sys.stdout.fileno()
        saved = os.dup(fd)
        os.dup2(sys.stderr.fileno(), fd)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stderr.flush()
        if fd is not None and saved is not None:
            os.dup2(saved, fd)
            os.close(saved)


@contextmanager
def following() -> Iterator[None]:
    """Around `logs -f` and `events -f`, which ctrl+c is the normal way to stop: no "error:"
    line (as an interrupt elsewhere gets), the documented exit code 130."""
    import typer

    from mercato_int.errors import ExitCode

    try:
        yield
    except KeyboardInterrupt:
        raise typer.Exit(ExitCode.INTERRUPTED) from None


def print_json(data: Any) -> None:
    """Exactly the documented JSON shape on stdout, nothing else."""
    # pydantic's Rust encoder: what json.dumps(indent=2, ensure_ascii=False) writes, but the
    # stdlib's indenting encoder is pure Python (0.1 s for `list --json` at 2,000 integrations)
    from pydantic_core import to_json

    try:
        sys.stdout.write(to_json(data, indent=2, fallback=str).decode() + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        closed_stdout()


def write_lines(lines: list[str]) -> None:
    """Plain lines on stdout, for a long table going to a pipe or a file (no styles to show,
    and Rich would spend a render on each line)."""
    try:
        sys.stdout.write("".join(f"{line}\n" for line in lines))
        sys.stdout.flush()
    except BrokenPipeError:
        closed_stdout()


def warn(message: Phrase) -> None:
    from mercato_int.i18n import t

    err().print(
        f"[yellow]{t('cli.warning')}[/] {_escape(message)}",
        markup=True,
        highlight=False,
        soft_wrap=True,
    )


def note(message: Phrase) -> None:
    err().print(str(message), markup=False, highlight=False, soft_wrap=True)


def error_line(message: Phrase) -> None:
    # one line, however long: scripts read the first line of stderr
    from mercato_int.i18n import t

    err().print(f"[bold red]{t('cli.error')}[/] {_escape(message)}", soft_wrap=True)


def _escape(text: Phrase) -> str:
    from rich.markup import escape

    return escape(str(text))


def humanize(value: str) -> str:
    """`data_sync` -> `Data Sync`."""
    return value.replace("_", " ").title()


def can_prompt() -> bool:
    """A person can answer a question: stdin is a terminal, and this is not CI (`CI=true`)."""
    import os

    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return False
    return sys.stdin.isatty()


def confirm(question: str, *, command: str) -> bool:
    """Ask `question` on stderr (default: no). With nobody to ask (no terminal, or CI), exit 2
    saying to use --yes, instead of reading a pipe or failing as an interrupt. Ctrl-D or
    Ctrl-C at the question is an interrupt (exit 130)."""
    import typer

    from mercato_int.errors import InvalidInput
    from mercato_int.i18n import t

    if not can_prompt():
        raise InvalidInput(t("cli.confirm.no_terminal", command=command))
    try:
        return bool(typer.confirm(question, default=False, err=True))
    except typer.Abort:
        note("")  # Ctrl-D leaves the cursor after the question: the error gets its own line
        raise


def local_time(value: datetime | str | None) -> str:
    """A stored time as every human view shows it: local time, `YYYY-MM-DD HH:MM:SS`
    (`--json` keeps ISO 8601 in UTC). Accepts a datetime or the ISO text of a JSON view."""
    from datetime import datetime

    if value is None:
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S")
