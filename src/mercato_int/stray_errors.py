"""What a front end's process does with the errors that are not the command's own: those a
library logs with its traceback (SQLAlchemy's pool, when closing a connection fails), those a
finalizer raises ("Exception ignored in"), and those that end a thread.

Python prints each with its traceback on stderr, and tracebacks can carry secrets (a frame's
source line, an exception's text). `contain()` makes each one line that names where it came
from and the exception's type, never its text; an interrupt (ctrl+c, a cancelled task) caught
in a library on its way out is left unsaid, as the command itself reports the interrupt.
With MERCATO_INT_DEBUG=1 Python's own reports, tracebacks included, are kept.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Any

DEBUG = "MERCATO_INT_DEBUG"


class OneLine(logging.Handler):
    """The handler of last resort (a record no configured handler takes): its message on one
    line, with the type of its exception, never the traceback. On `sys.stderr` as it is when
    the record comes, as Python's own (the TUI and the tests redirect it)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and not isinstance(exc, Exception):
            return  # an interrupt on its way out: the command says so itself
        try:
            message = record.getMessage()
        except Exception:  # a library's own formatting bug
            message = str(record.msg)
        lines = message.strip().splitlines()
        _say(f"{record.name}: {lines[0] if lines else record.levelname.lower()}", exc)


def _say(line: str, exc: BaseException | None) -> None:
    if exc is not None:
        line += f" ({type(exc).__name__})"
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # no stderr left to tell
        pass


def _unraisable(report: Any) -> None:
    exc = report.exc_value
    if exc is not None and not isinstance(exc, Exception):
        return
    # the object's name, not its repr (which a class may make from what it holds)
    where = getattr(report.object, "__qualname__", None) or type(report.object).__name__
    _say(f"{report.err_msg or 'Exception ignored in'}: {where}", exc)


def _thread_ended(report: Any) -> None:
    exc = report.exc_value
    if exc is None or not isinstance(exc, Exception):
        return  # SystemExit ends a thread quietly in Python too; an interrupt is reported
    name = report.thread.name if report.thread is not None else "?"
    _say(f"Exception in thread {name}", exc)


def contain() -> None:
    """Route this process's stray errors through the one-line reports above (unless
    MERCATO_INT_DEBUG=1). Idempotent; handlers a program configured (the API server's
    logging) are untouched: only records nobody handles reach the last resort."""
    if os.environ.get(DEBUG) == "1":
        return
    if not isinstance(logging.lastResort, OneLine):
        logging.lastResort = OneLine()
    sys.unraisablehook = _unraisable
    threading.excepthook = _thread_ended
