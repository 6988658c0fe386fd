"""Progress of the fleet commands (`health --all-tenants`, `prune --all-tenants`, `logs audit
--all-tenants`): a bar with the count done and the time remaining, on stderr, only when stderr is
a terminal and the command was not asked for `--json` (stdout never gets it: it is for data)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from mercato_int.cli.output import err

if TYPE_CHECKING:
    from rich.progress import Progress

# (done, total, what was last done) -> None
Tick = Callable[[int, int, str], None]


def wanted(*, as_json: bool = False) -> bool:
    """Whether a bar would be shown: stderr is a terminal, and no `--json`."""
    return not as_json and err().is_terminal


@contextmanager
def bar(label: str, *, as_json: bool = False) -> Iterator[Tick | None]:
    """A transient bar (`label ━━━━ 120/3000 0:00:14 what`) while the block runs; yields its
    tick, or None when no bar is wanted (see `wanted`): the caller says nothing then, or
    writes its own lines."""
    if not wanted(as_json=as_json):
        yield None
        return
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    progress: Progress
    with _progress(
        TextColumn(escape(label)),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}", markup=False),
    ) as progress:
        task = progress.add_task("", total=None)

        def tick(done: int, total: int, what: str) -> None:
            progress.update(task, completed=done, total=total, description=what)

        yield tick


def _progress(*columns: object) -> Progress:
    from rich.progress import Progress

    return Progress(*columns, console=err(), transient=True)  # type: ignore[arg-type]
