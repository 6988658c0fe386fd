"""stray_errors.contain(): what a library logs with its traceback, a finalizer raises or ends
a thread reaches stderr as one line without the traceback (nor the exception's text); an
interrupt a library logs on its way out is left to the command. Each case runs in a fresh
interpreter, as the hooks are the process's, and each has a twin without `contain()` that shows
Python's own report, so the test sees what it claims to remove."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# SQLAlchemy's pool logs "Exception closing connection ..." with its traceback when closing
# fails, then re-raises an interrupt: what ctrl+c during `creds export` once printed
POOL_CLOSE = """
import sqlalchemy as sa
engine = sa.create_engine("sqlite:///{db}")
with engine.connect() as conn:
    conn.exec_driver_sql("select 1")
def close(connection):
    connection.close()
    raise {raised}
engine.dialect.do_close = close
try:
    engine.dispose()
except BaseException as exc:
    print("caught", type(exc).__name__)
"""

FINALIZER = """
class Holder:
    def __del__(self):
        raise ValueError("token=sk_live_secretvalue")
Holder()
import gc; gc.collect()
print("went on")
"""

THREAD = """
import threading
def work():
    raise RuntimeError("password=hunter2hunter2")
t = threading.Thread(target=work, name="sync-worker")
t.start(); t.join()
print("went on")
"""


CONTAIN = "from mercato_int import stray_errors; stray_errors.contain()\n"


def _run(code: str, *, contained: bool, debug: bool = False) -> subprocess.CompletedProcess[str]:
    head = CONTAIN if contained else ""
    env = {k: v for k, v in os.environ.items() if k != "MERCATO_INT_DEBUG"}
    if debug:
        env["MERCATO_INT_DEBUG"] = "1"
    return subprocess.run(
        [sys.executable, "-c", head + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize("raised", ["KeyboardInterrupt()", "SystemExit(3)"])
def test_an_interrupt_a_library_logs_on_its_way_out_is_left_unsaid(tmp_path: Path, raised):
    code = POOL_CLOSE.format(db=tmp_path / "store.db", raised=raised)
    bare = _run(code, contained=False)
    assert "Traceback" in bare.stderr and "Exception closing connection" in bare.stderr
    run = _run(code, contained=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["caught", raised.split("(")[0]]  # it still ends the command
    assert run.stderr == ""


def test_a_library_error_is_one_line_with_its_type_and_without_its_text(tmp_path: Path):
    code = POOL_CLOSE.format(db=tmp_path / "store.db", raised="OSError('pw=hunter2hunter2')")
    bare = _run(code, contained=False)
    assert "Traceback" in bare.stderr and "hunter2hunter2" in bare.stderr
    run = _run(code, contained=True)
    (line,) = run.stderr.splitlines()
    assert line.startswith("sqlalchemy.pool.impl.")
    assert "Exception closing connection" in line and line.endswith("(OSError)")
    assert "hunter2" not in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("code", "secret", "line"),
    [
        (FINALIZER, "sk_live_secretvalue", "Exception ignored in: Holder.__del__ (ValueError)"),
        (THREAD, "hunter2hunter2", "Exception in thread sync-worker (RuntimeError)"),
    ],
    ids=["finalizer", "thread"],
)
def test_a_finalizer_or_thread_error_is_one_line(code: str, secret: str, line: str):
    bare = _run(code, contained=False)
    assert "Traceback" in bare.stderr and secret in bare.stderr
    run = _run(code, contained=True)
    assert run.stdout == "went on\n"
    assert run.stderr.splitlines() == [line]


def test_debug_keeps_pythons_own_reports(tmp_path: Path):
    for code in (POOL_CLOSE.format(db=tmp_path / "s.db", raised="OSError('x')"), THREAD):
        run = _run(code, contained=True, debug=True)
        assert "Traceback" in run.stderr


def test_handlers_a_program_configured_still_get_the_whole_record(tmp_path: Path):
    code = """
    import io, logging
    buffer = io.StringIO()
    logging.getLogger("sqlalchemy").addHandler(logging.StreamHandler(buffer))
    try:
        raise OSError("kept")
    except OSError:
        logging.getLogger("sqlalchemy.pool").error("closing failed", exc_info=True)
    print("Traceback" in buffer.getvalue())
    """
    run = _run(code, contained=True)
    assert (run.stdout, run.stderr) == ("True\n", "")


def test_an_interrupt_while_the_command_closes_the_store_is_said_once(tmp_path: Path):
    """What `creds export` once printed when ctrl+c came as the store closed: the command's
    entry point (`cli/entry.py`, as the console script and `python -m` run it) contains it."""
    code = """
    import sys
    from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite as Dialect
    close = Dialect.do_close
    def interrupted(self, connection):
        close(self, connection)
        raise KeyboardInterrupt
    Dialect.do_close = interrupted
    from mercato_int.cli import app, entry
    sys.argv = ["mercato-int", "--db", "sqlite:///{db}", "--tenant", "acme",
                "creds", "get", "gateway_stripe"]
    entry.main() if {contained} else app.main()
    """
    bare = _run(code.format(db=tmp_path / "a.db", contained=False), contained=False)
    assert "Traceback" in bare.stderr and "Exception closing connection" in bare.stderr
    run = _run(code.format(db=tmp_path / "b.db", contained=True), contained=False)
    assert run.returncode == 130
    assert "no credentials set" in run.stdout
    assert run.stderr == "error: interrupted\n"  # said once, by the command


def test_help_imports_no_logging_yet_a_later_import_gets_the_one_line_last_resort():
    """`logging` costs a `--help` 10 ms: contain() sets its last resort as it loads, if ever."""
    code = """
    import sys
    from mercato_int.cli.entry import main
    sys.argv = ["mercato-int", "--help"]
    try:
        main()
    except SystemExit:
        pass
    loaded = "logging" in sys.modules
    import logging
    print(loaded, type(logging.lastResort).__name__, file=sys.stderr)
    """
    run = _run(code, contained=False)
    assert run.stdout.startswith("Usage: mercato-int")
    assert run.stderr.split() == ["False", "OneLine"]


def test_contained_after_logging_was_imported(tmp_path: Path):
    code = "import logging\n" + POOL_CLOSE.format(db=tmp_path / "s.db", raised="OSError('pw')")
    first = _run(code, contained=True)  # contain(), then logging
    late = _run(code.replace("import logging\n", "import logging\n" + CONTAIN, 1), contained=False)
    for each in (first, late):
        (line,) = each.stderr.splitlines()
        assert line.endswith("(OSError)") and "pw" not in line


LOST = """
import sys, time

class Holder:
    def __del__(self):
        raise KeyboardInterrupt  # as a ctrl+c that lands while a finalizer runs

try:
    Holder()
    for _ in range(100):
        time.sleep(0.01)
    print("went on")
except KeyboardInterrupt:
    print("interrupted")
"""


def test_a_ctrl_c_python_would_lose_in_a_finalizer_still_interrupts():
    bare = _run(LOST, contained=False)
    assert bare.stdout == "went on\n" and "Exception ignored in" in bare.stderr
    run = _run(LOST, contained=True)
    assert (run.stdout, run.stderr) == ("interrupted\n", "")
