"""Every read-only command reads through SQLAlchemy Core (the tables of store/schema.py): a
fresh interpreter running it never imports sqlmodel or the ORM (nor Alembic on a current store),
on SQLite and Postgres. `logs -f` and `events -f` too, until Ctrl-C."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _hygiene() -> ModuleType:
    """tests/test_import_hygiene.py, for its harness (the tests are not a package)."""
    path = Path(__file__).resolve().parents[2] / "test_import_hygiene.py"
    spec = importlib.util.spec_from_file_location("_import_hygiene", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HYGIENE = _hygiene()
ORM = {"sqlmodel", "sqlalchemy.orm", "alembic"}
_loaded = HYGIENE._loaded


def _start(tmp_path: Path, db_url: str, *args: str, **kw: object) -> subprocess.Popen:
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": db_url}
    return subprocess.Popen(
        # runs the CLI in this interpreter, then writes what it imported (also after Ctrl-C)
        [sys.executable, "-c", HYGIENE._RUN_COMMAND, str(tmp_path / "modules.json"), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def _modules(tmp_path: Path, proc: subprocess.Popen, code: int) -> set[str]:
    _, stderr = proc.communicate(timeout=60)
    data = json.loads((tmp_path / "modules.json").read_text())
    assert data["code"] in ((code, None) if code == 0 else (code,)), stderr
    return set(data["modules"])


@pytest.fixture
def written(cli) -> None:
    """A current store (migrated by the first command) with a row in every table: a log entry,
    events, a state, credentials, a setting and a grant (so the reads have something to read)."""
    run = cli(
        *("logs", "write", "gateway_stripe", "--level", "error", "--operation", "o"),
        *("--message", "m"),
    )
    assert run.exit_code == 0
    assert cli("enable", "gateway_stripe").exit_code == 0
    creds = ("publishableKey=pk_test_1", "secretKey=sk_test_12345678", "webhookSecret=whsec_1")
    assert cli("creds", "set", "gateway_stripe", *creds).exit_code == 0
    assert cli("settings", "set", "log.retention_days", "40").exit_code == 0
    assert cli("acl", "grant", "tester", "admin").exit_code == 0


# every read-only command, with a module that shows it really ran
READ_ONLY = {
    "list": (["list"], "mercato_int.services.state.marketplace"),
    "list --json": (["list", "--json"], "mercato_int.services.logs.activity"),
    "show": (["show", "gateway_stripe", "--json"], "mercato_int.services.state.reads"),
    "logs": (["logs"], "mercato_int.services.logs.query"),
    "logs filtered": (
        ["logs", "gateway_stripe", "--level", "error", "--since", "7d", "--json"],
        "mercato_int.services.logs.query",
    ),
    "logs bundle": (["logs", "sync_medusa", "--jsonl"], "mercato_int.services.logs.query"),
    "logs audit": (["logs", "audit"], "mercato_int.services.logs.audit"),
    "events": (["events", "--json"], "mercato_int.services.events"),
    "creds get": (["creds", "get", "gateway_stripe"], "mercato_int.services.credentials.rows"),
    "creds get --json": (
        ["creds", "get", "gateway_stripe", "--json"],
        "mercato_int.services.credentials.rows",
    ),
    "creds explain": (
        ["creds", "explain", "gateway_stripe"],
        "mercato_int.services.credentials.rows",
    ),
    "settings list": (["settings", "list"], "mercato_int.services.retention.settings"),
    "settings get": (
        ["settings", "get", "log.retention_days"],
        "mercato_int.services.retention.settings",
    ),
    "keys status": (["keys", "status"], "mercato_int.services.credentials.keys"),
    "acl list": (["acl", "list"], "mercato_int.services.acl"),
    "db current": (["db", "current"], "mercato_int.store.engine"),
    "prune --dry-run": (["prune", "--dry-run"], "mercato_int.services.retention.prune"),
}


@pytest.mark.parametrize("name", list(READ_ONLY))
def test_every_read_only_command_skips_the_orm(
    tmp_path: Path, db_url: str, written: None, name: str
) -> None:
    args, ran = READ_ONLY[name]
    modules = _modules(tmp_path, _start(tmp_path, db_url, *args), 0)
    assert ran in modules  # it really ran
    assert _loaded(modules, ORM) == set()


@pytest.mark.parametrize("args", [["logs", "-f"], ["events", "-f"]])
def test_following_skips_the_orm(
    tmp_path: Path, db_url: str, written: None, interruptible, args: list[str]
) -> None:
    proc = _start(tmp_path, db_url, *args, preexec_fn=interruptible)
    assert proc.stdout is not None
    assert proc.stdout.readline()  # the backlog: it is following
    proc.send_signal(signal.SIGINT)
    modules = _modules(tmp_path, proc, 130)
    assert "mercato_int.services.follow" in modules
    assert _loaded(modules, ORM) == set()


def test_the_activity_figures_skip_the_orm_too() -> None:
    """The 30-day activity (TUI sparklines, `list` analytics) is a read like `logs`."""
    code = (
        "import sys, mercato_int.services.logs.activity, mercato_int.services.logs.service; "
        "print(' '.join(sorted(sys.modules)))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert _loaded(set(run.stdout.split()), ORM) == set()
