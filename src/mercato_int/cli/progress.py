"""Progress of the fleet commands (`health --all-tenants`, `prune --all-tenants`, `logs audit
--all-tenants`): a bar with the count done and the time remaining, on stderr, only when stderr is
a terminal and the command was not asked for `--json` (stdout never gets it: it is for data);
elsewhere (cron logs, pipes) plain lines on stderr, written a batch at a time (`lines`)."""

from __future__ import annotations

import sys
import threading
import time
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


# what Rich's print drops from text (rich.control.STRIP_CONTROL_CODES): BEL, BS, VT, FF, CR
_DROPPED = dict.fromkeys((7, 8, 11, 12, 13))
LINES_SECONDS = 0.25  # the longest a progress line waits to be written
LINES_MOST = 500  # lines written together at most


@contextmanager
def lines(
    *, seconds: float = LINES_SECONDS, most: int = LINES_MOST
) -> Iterator[Callable[[str], None]]:
    """A writer of plain progress lines on stderr (what `output.note` would print: the text,
    less the control characters Rich drops, and a newline), written together when `most`
    lines wait or `seconds` have passed since the last write (also while no check finishes:
    a daemon thread looks every `seconds`), and at the end of the block, also one that
    raised. Not Rich: a fleet run writes thousands of lines, and Rich's print costs a render
    and several system calls each (3,000 lines: ~3 s on the event loop's thread, where every
    system call also waits for the GIL the check threads hold)."""
    waiting: list[str] = []
    lock = threading.Lock()
    last = time.monotonic()
    done = threading.Event()

    def flush() -> None:  # with the lock held
        nonlocal last
        last = time.monotonic()
        if waiting:
            text = "".join(waiting)
            waiting.clear()
            sys.stderr.write(text)
            sys.stderr.flush()

    def write(line: str) -> None:
        with lock:
            waiting.append(line.translate(_DROPPED) + "\n")
            if len(waiting) >= most or time.monotonic() - last >= seconds:
                flush()

    def look() -> None:  # a line never waits long for the next one
        while not done.wait(max(seconds, 0.05)):
            with lock:
                if waiting and time.monotonic() - last >= seconds:
                    flush()

    threading.Thread(target=look, name="progress-lines", daemon=True).start()
    try:
        yield write
    finally:
        done.set()
        with lock:
            flush()


def _progress(*columns: object) -> Progress:
    from rich.progress import Progress

    return Progress(*columns, console=err(), transient=True)  # type: ignore[arg-type]
