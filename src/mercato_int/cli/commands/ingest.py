"""The reading side of `logs ingest`: a file (with a progress bar on stderr) or stdin."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mercato_int.cli.output import err, note
from mercato_int.errors import InvalidInput
from mercato_int.i18n import t
from mercato_int.i18n.areas.logs import counted
from mercato_int.services.logs.limits import MAX_LINE_BYTES

if TYPE_CHECKING:
    from mercato_int.services.logs.ingest import IngestResult

MAX_REPORTED = 50  # bad lines listed one by one; beyond that only counted


def _lines(fh: Any, progress: Any, task: Any) -> Iterator[bytes]:
    """The lines of `fh` as bytes (the service decodes and judges them). A line longer than
    MAX_LINE_BYTES is cut there and the rest skipped, so one huge line never fills memory."""
    done = number = 0
    while raw := fh.readline(MAX_LINE_BYTES + 1):
        number += 1
        done += len(raw)
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while rest := fh.readline(MAX_LINE_BYTES):  # skip to the end of the line
                done += len(rest)
                if rest.endswith(b"\n"):
                    break
        if progress is not None and number % 2000 == 0:
            progress.update(task, completed=done)
        yield raw
    if progress is not None:
        progress.update(task, completed=done)


def run_ingest(svc: Any, source: str) -> IngestResult:
    """Ingest `source` into the scope; returns the result after reporting bad lines."""
    from mercato_int.services.logs.ingest import ingest_lines

    scope = svc.scope
    progress = task = None
    if source == "-":
        fh: Any = sys.stdin.buffer
    else:
        path = Path(source)
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise InvalidInput(t("logs.cannot_read", source=source, reason=exc.strerror)) from None
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err(),
            transient=True,
            disable=not err().is_terminal,
        )
        label = t("logs.ingesting", name=path.name)
        task = progress.add_task(label, total=path.stat().st_size)
    try:
        if progress is not None:
            progress.start()
        result = ingest_lines(svc.logs, _lines(fh, progress, task), scope, now=svc.clock())
    finally:
        if progress is not None:
            progress.stop()
        if fh is not sys.stdin.buffer:
            fh.close()
    for number, reason in result.rejected[:MAX_REPORTED]:
        note(t("logs.line", number=number, reason=reason))
    if len(result.rejected) > MAX_REPORTED:
        note(counted("logs.more_rejected", len(result.rejected) - MAX_REPORTED))
    return result
