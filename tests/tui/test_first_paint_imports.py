"""What `mercato-int tui` imports until its first paint, on a current SQLite store: the real
command in a terminal of its own (a pty), stopped once the marketplace is painted. Neither
Alembic (the store is at head: store/revisions.py) nor SQLAlchemy's Postgres dialect
(store/dialect_options.py) nor the ORM."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

# run as `mercato-int tui`; once the first screen is painted (MercatoApp.started), write the
# loaded modules and quit
_RUN_TUI = """
import importlib.abc, importlib.util, json, sys

out = sys.argv[1]

class Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != "mercato_int.tui.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            started = module.MercatoApp.started

            def painted(app):
                started(app)
                with open(out, "w") as fh:
                    json.dump(sorted(sys.modules), fh)
                app.exit()

            module.MercatoApp.started = painted

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Hook())
sys.argv = ["mercato-int", "tui"]
from mercato_int.cli.app import main
main()
"""

NOT_BEFORE_THE_FIRST_PAINT = {
    "alembic",
    "sqlalchemy.dialects.postgresql",
    "sqlmodel",
    "sqlalchemy.orm",
}


def _in_a_terminal(args: list[str], env: dict[str, str]) -> None:
    """Run `args` on a 120x40 pty, reading what it writes, until it ends (the TUI quits once
    painted)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    deadline = time.monotonic() + 60
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def test_the_tui_paints_without_alembic_the_postgres_dialect_or_the_orm(tmp_path: Path):
    env = {**os.environ, "TERM": "xterm-256color"}
    made = subprocess.run(
        [sys.executable, "-m", "mercato_int", "list", "--json"], capture_output=True, env=env
    )
    assert made.returncode == 0, made.stderr  # the store made and migrated first
    out = tmp_path / "modules.json"
    _in_a_terminal([sys.executable, "-c", _RUN_TUI, str(out)], env)
    modules = set(json.loads(out.read_text()))
    assert {"textual.app", "mercato_int.tui.screens.marketplace"} <= modules  # it painted
    loaded = {
        name
        for name in NOT_BEFORE_THE_FIRST_PAINT
        if name in modules or any(m.startswith(name + ".") for m in modules)
    }
    assert loaded == set()
