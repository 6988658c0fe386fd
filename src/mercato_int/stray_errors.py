"""What a front end's process does with the errors that are not the command's own: those a
library logs with its traceback (SQLAlchemy's pool, when closing a connection fails), those a
finalizer raises ("Exception ignored in"), and those that end a thread; and a ctrl+c that
Python would lose in a finalizer, raised again.

Python prints each with its traceback on stderr, and tracebacks can carry secrets (a frame's
source line, an exception's text). `contain()` makes each one line that names where it came
from and the exception's type, never its text; an interrupt (ctrl+c, a cancelled task) caught
in a library on its way out is left unsaid, as the command itself reports the interrupt.
With MERCATO_INT_DEBUG=1 Python's own reports, tracebacks included, are kept.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging
    from importlib.machinery import ModuleSpec
    from types import ModuleType

DEBUG = "MERCATO_INT_DEBUG"
AGAIN_SECONDS = 0.01  # a ctrl+c lost in a finalizer comes again after this


def _one_line(record: logging.LogRecord) -> None:
    """A record of the last resort: its message's first line and its exception's type."""
    exc = record.exc_info[1] if record.exc_info else None
    if exc is not None and not isinstance(exc, Exception):
        return  # an interrupt on its way out: the command says so itself
    try:
        message = record.getMessage()
    except Exception:  # a library's own formatting bug
        message = f"(a {type(record.msg).__name__} message that could not be formatted)"
    lines = message.strip().splitlines()
    _say(f"{record.name}: {lines[0] if lines else record.levelname.lower()}", exc)


def _last_resort(logging_module: ModuleType) -> None:
    """`logging.lastResort`, the handler of a record that no configured handler takes (so not
    the API server's, whose loggers have handlers), says it in one line: on `sys.stderr` as it
    is when the record comes, as Python's own does (the TUI and the tests redirect it)."""
    if type(logging_module.lastResort).__module__ == __name__:
        return
    handler: Any = logging_module.Handler

    class OneLine(handler):  # type: ignore[misc]
        def emit(self, record: logging.LogRecord) -> None:
            _one_line(record)

    setattr(logging_module, "lastResort", OneLine(logging_module.WARNING))  # noqa: B010


class _WhenLoggingLoads:
    """On `sys.meta_path` until `logging` is imported, to set its last resort as it loads: a
    command that never logs (`--help`) never imports it (10 ms)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name != "logging":
            return None
        try:
            sys.meta_path.remove(self)
        except ValueError:  # another thread's import of it came first
            return None
        from importlib.util import find_spec

        spec = find_spec(name)
        loader: Any = spec.loader if spec is not None else None
        if loader is not None and hasattr(loader, "exec_module"):
            load = loader.exec_module

            def exec_module(module: ModuleType) -> None:
                load(module)
                _last_resort(module)

            loader.exec_module = exec_module
        return spec


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
    if isinstance(exc, KeyboardInterrupt):
        # ctrl+c came while a finalizer or a weakref callback ran (one of the import system's,
        # as the command loads), where Python cannot raise it and would go on as if it had
        # never come: sent again to the main thread once this hook is done (raised in the
        # hook, it would be lost the same way), so the command still stops
        import signal

        main = threading.main_thread().ident
        again = threading.Timer(AGAIN_SECONDS, signal.pthread_kill, (main, signal.SIGINT))
        again.daemon = True
        with contextlib.suppress(RuntimeError):  # the interpreter is shutting down: it ends
            again.start()
        return
    if exc is not None and not isinstance(exc, Exception):
        return
    # the object's name, not its repr (which a class may make from what it holds)
    where = getattr(report.object, "__qualname__", None) or type(report.object).__name__
    _say(f"{report.err_msg or 'Exception ignored in'}: {where}", exc)


def _thread_ended(report: Any) -> None:
    exc = report.exc_value
    if exc is None or not isinstance(exc, Exception):
        return  # quiet for SystemExit, as Python's own hook; an interrupt is not a thread's error
    name = report.thread.name if report.thread is not None else "?"
    _say(f"Exception in thread {name}", exc)


def contain() -> None:
    """Route this process's stray errors through the one-line reports above (unless
    MERCATO_INT_DEBUG=1). Idempotent."""
    if os.environ.get(DEBUG) == "1":
        return
    sys.unraisablehook = _unraisable
    threading.excepthook = _thread_ended
    if "logging" in sys.modules:
        _last_resort(sys.modules["logging"])
    elif not any(isinstance(finder, _WhenLoggingLoads) for finder in sys.meta_path):
        sys.meta_path.insert(0, _WhenLoggingLoads())
