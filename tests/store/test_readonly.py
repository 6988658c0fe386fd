"""A store that cannot be written (read-only file and folder, read-only file system, full
disk; on Postgres a read-only database) still serves every reading command with the same
answer, and a write fails in one line that says why, with exit 4.

The tests run as root, which ignores permission bits, so "read-only" is made real: `chattr +i`
on the file and its folder, a tmpfs remounted read-only, a tiny tmpfs filled up. Where that is
impossible (not root, no tmpfs) they skip with the reason; under CI=true they fail instead."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mercato_int.cli.app import app

KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
CREDS = ["publishableKey=pk_1", "secretKey=sk_live_RO", "webhookSecret=whsec_RO"]

READS = [
    ["list", "--json"],
    ["show", "gateway_stripe", "--json"],
    ["logs", "--json"],
    ["events", "--json"],
    ["creds", "get", "gateway_stripe", "--json"],
    ["keys", "status", "--json"],
    ["prune", "--dry-run", "--json"],
    ["settings", "list", "--json"],
    ["db", "current", "--json"],
]
WRITES = [
    ["enable", "carrier_dhl"],
    ["creds", "set", "gateway_stripe", "publishableKey=pk_2"],
    ["logs", "write", "gateway_stripe", "--level", "info", "--operation", "probe",
     "--message", "hello"],
]  # fmt: skip


def run(url: str, *args: str):
    result = CliRunner().invoke(
        app, ["--db", url, *args], env={"MERCATO_INT_MASTER_KEY": KEY, "MERCATO_INT_DEBUG": ""}
    )
    return result.exit_code, result.stdout, result.stderr


def stable(out: str) -> str:
    """The answer without what depends on the moment it was given (prune's cut-offs and
    timings)."""
    out = re.sub(r'("\w*[cC]utoff": )"[^"]*"', r'\1"…"', out)
    return re.sub(r'("seconds": \{)[^}]*\}', r"\1…}", out)


def fill(url: str) -> dict[tuple[str, ...], str]:
    """Some of everything in the store; what each reading command answers, as the baseline."""
    for args in (
        ["enable", "gateway_stripe"],
        ["creds", "set", "gateway_stripe", *CREDS],
        ["logs", "write", "gateway_stripe", "--level", "error", "--operation", "sync.run",
         "--message", "it failed"],
    ):  # fmt: skip
        code, _out, err = run(url, *args)
        assert code == 0, (args, err)
    answers = {}
    for args in READS:
        code, out, err = run(url, *args)
        assert code == 0, (args, err)
        answers[tuple(args)] = stable(out)
    return answers


def assert_reads_work(url: str, answers: dict[tuple[str, ...], str]) -> None:
    for args, expected in answers.items():
        code, out, err = run(url, *args)
        assert (code, err) == (0, ""), args
        assert stable(out) == expected, args


def assert_writes_refused(url: str, shown: str, kind: str) -> None:
    message = {
        "readonly": f"error: the store at {shown} is read-only: this command writes to it "
        "(reading commands still work) (make the store's file, folder and file system writable)",
        "readonly server": f"error: the store at {shown} is read-only: this command writes to "
        "it (reading commands still work) (use a server that takes writes (not a standby) and "
        "no default_transaction_read_only)",
        "full": f"error: the disk of the store at {shown} is full: this command writes to it "
        "(reading commands still work) (free some space on that disk, then run the command "
        "again)",
    }[kind]
    for args in WRITES:
        code, out, err = run(url, *args)
        assert code == 4, (args, out, err)
        assert err.splitlines() == [message], args


def _root_only(action: str, command: list[str]) -> None:
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        reason = f"cannot {action} here ({' '.join(command)}: {proc.stderr.strip()})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " (CI=true: these tests must run)")
        pytest.skip(reason)


@pytest.fixture
def immutable() -> Iterator[Callable[..., None]]:
    """`immutable(*paths)`: chattr +i, undone after the test (root ignores mode bits)."""
    done: list[Path] = []

    def make(*paths: Path) -> None:
        for path in paths:
            _root_only("make a file immutable", ["chattr", "+i", str(path)])
            done.append(path)

    yield make
    for path in reversed(done):
        subprocess.run(["chattr", "-i", str(path)], check=False)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs of its own, unmounted after the test."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    _root_only("mount a tmpfs", ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)])
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_file_in_a_read_only_folder(tmp_path: Path, immutable) -> None:
    folder = tmp_path / "store"
    path = folder / "store.db"
    url = f"sqlite:///{path}"
    answers = fill(url)
    assert sorted(p.name for p in folder.iterdir()) == ["store.db"]  # no WAL, no SHM left
    immutable(path, folder)
    assert_reads_work(url, answers)
    assert_writes_refused(url, url, "readonly")


def test_a_read_only_file_whose_folder_is_writable(tmp_path: Path, immutable) -> None:
    path = tmp_path / "store.db"
    url = f"sqlite:///{path}"
    answers = fill(url)
    immutable(path)
    assert_reads_work(url, answers)
    assert_writes_refused(url, url, "readonly")


def test_a_read_only_file_system(tmpfs: Path) -> None:
    url = f"sqlite:///{tmpfs / 'store.db'}"
    answers = fill(url)
    _root_only("remount read-only", ["mount", "-o", "remount,ro", str(tmpfs)])
    try:
        assert_reads_work(url, answers)
        assert_writes_refused(url, url, "readonly")
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=False)


def test_a_full_disk(tmpfs: Path) -> None:
    url = f"sqlite:///{tmpfs / 'store.db'}"
    answers = fill(url)
    subprocess.run(
        ["dd", "if=/dev/zero", f"of={tmpfs / 'filler'}", "bs=64k"], capture_output=True, check=False
    )
    assert os.statvfs(tmpfs).f_bavail == 0
    assert_reads_work(url, answers)
    assert_writes_refused(url, url, "full")


def test_a_full_disk_while_another_process_holds_the_store_open(tmpfs: Path) -> None:
    """The SHM exists then, so SQLite opens the store as usual; its writes fail with
    SQLITE_FULL instead."""
    import sqlite3

    path = tmpfs / "store.db"
    url = f"sqlite:///{path}"
    answers = fill(url)
    holder = sqlite3.connect(path)
    try:
        holder.execute("SELECT count(*) FROM integration_logs").fetchone()
        subprocess.run(
            ["dd", "if=/dev/zero", f"of={tmpfs / 'filler'}", "bs=64k"],
            capture_output=True,
            check=False,
        )
        assert_reads_work(url, answers)
        code, _out, err = run(url, *WRITES[2], "--details", '{"blob": "' + "x" * 60_000 + '"}')
        assert code == 4
        assert err.startswith(f"error: the disk of the store at {url} is full")
    finally:
        holder.close()


@pytest.mark.postgres
def test_a_read_only_postgres_database(pg_url: str) -> None:
    from mercato_int.store.engine import create_store_engine
    from mercato_int.store.migrate import upgrade

    engine = create_store_engine(pg_url)
    upgrade(engine)
    engine.dispose()
    answers = fill(pg_url)
    read_only = pg_url + "%20-cdefault_transaction_read_only%3Don"
    assert_reads_work(read_only, {k: v for k, v in answers.items() if "db" not in k})
    from mercato_int.store.urls import redact_url

    assert_writes_refused(read_only, redact_url(read_only), "readonly server")


def test_no_connection_writes_on_open(tmp_path: Path, immutable) -> None:
    """`PRAGMA auto_vacuum` is a write: a new store gets it once, an existing one never."""
    import sqlite3

    path = tmp_path / "store.db"
    fill(f"sqlite:///{path}")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA auto_vacuum").fetchone() == (2,)  # incremental, from creation
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()
    before = path.stat().st_mtime_ns, path.read_bytes()
    assert run(f"sqlite:///{path}", "list", "--json")[0] == 0
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


@pytest.fixture
def pg_full_tablespace(pg_url: str) -> Iterator[tuple[str, Path]]:
    """A tablespace on a 4 MiB tmpfs of its own; `pg_url` with it as the default tablespace,
    so the migrated tables live there. Needs root and a Postgres server on this machine."""
    import sqlalchemy as sa

    name = f"mercato_full_{uuid.uuid4().hex[:8]}"
    mount = Path(f"/tmp/{name}")  # the server's own user must reach it: not under tmp_path
    mount.mkdir()
    _root_only("mount a tmpfs", ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)])
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        _root_only("hand the tmpfs to postgres", ["chown", "postgres:postgres", str(mount)])
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f"CREATE TABLESPACE {name} LOCATION '{mount}'"))
        except sa.exc.DBAPIError as exc:  # a server elsewhere, or not a superuser
            reason = f"cannot create a tablespace on {mount}: {str(exc.orig).splitlines()[0]}"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(reason + " (CI=true: these tests must run)")
            pytest.skip(reason)
        try:
            yield pg_url + f"%20-cdefault_tablespace%3D{name}", mount
        finally:
            schema = pg_url.rsplit("%3D", 1)[1]
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                conn.execute(sa.text(f"DROP TABLESPACE IF EXISTS {name}"))
    finally:
        admin.dispose()
        subprocess.run(["umount", "-l", str(mount)], check=False)
        mount.rmdir()


@pytest.mark.postgres
def test_a_postgres_tablespace_on_a_full_disk(pg_full_tablespace: tuple[str, Path]) -> None:
    from mercato_int.store.urls import redact_url

    url, mount = pg_full_tablespace
    assert run(url, "db", "upgrade")[0] == 0
    answers = fill(url)
    subprocess.run(
        ["dd", "if=/dev/zero", f"of={mount / 'filler'}", "bs=64k"], capture_output=True, check=False
    )
    assert os.statvfs(mount).f_bavail == 0
    assert_reads_work(url, answers)
    # a write that must grow the files (a big entry goes to the TOAST table)
    details = '{"blob": "' + os.urandom(40_000).hex() + '"}'
    code, _out, err = run(url, *WRITES[2], "--details", details)
    assert code == 4, err
    assert err.splitlines() == [
        f"error: the disk of the store at {redact_url(url)} is full: this command writes to it "
        "(reading commands still work) (free some space on the database server's disk)"
    ]


def test_a_read_only_store_whose_wal_holds_changes_shows_them(tmp_path: Path, immutable) -> None:
    """The last changes may still sit in the WAL (a writer died before folding them into the
    file): reads must see them, never the file's older state. (SQLite reads such a store
    through its existing SHM; the immutable fallback is never taken while the WAL holds
    changes.)"""
    import json
    import sys

    folder = tmp_path / "store"
    path = folder / "store.db"
    url = f"sqlite:///{path}"
    fill(url)
    crash = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "c.execute('PRAGMA wal_autocheckpoint=0')\n"
        'c.execute("UPDATE integration_states SET is_enabled = 0 WHERE integration_id = '
        "'gateway_stripe'\")\n"
        "c.commit()\n"
        "os._exit(0)  # no close: no checkpoint, the change stays in the WAL\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(path)], check=True)
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    assert wal.stat().st_size > 0
    immutable(path, wal, shm, folder)
    code, out, err = run(url, "list", "--json")
    assert (code, err) == (0, "")
    enabled = {i["id"]: i["isEnabled"] for i in json.loads(out)["items"]}
    assert enabled["gateway_stripe"] is False
