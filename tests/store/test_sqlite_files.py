"""The SQLite store's file, WAL and SHM are private (0600 in a 0700 folder) from the moment they
exist, whatever the umask; `keys status` warns about an existing store others can read."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from mercato_int.cli.app import app
from mercato_int.store.engine import open_store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: whatever the store gets, it did not get from the umask."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_a_new_store_its_wal_and_shm_are_0600_in_a_0700_folder(
    tmp_path: Path, open_umask: None
) -> None:
    path = tmp_path / "new" / "data" / "store.db"
    store = open_store(f"sqlite:///{path}")
    try:
        with store.engine.begin() as conn:  # a write: the WAL and SHM exist while it is open
            conn.execute(sa.text("CREATE TABLE probe (x INTEGER)"))
            conn.execute(sa.text("INSERT INTO probe VALUES (1)"))
            wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
            assert wal.exists() and shm.exists()
            assert {p.name: mode(p) for p in (path, wal, shm)} == {
                "store.db": 0o600,
                "store.db-wal": 0o600,
                "store.db-shm": 0o600,
            }
        assert mode(path.parent) == 0o700
    finally:
        store.dispose()


def test_the_first_cli_run_creates_a_private_store(isolation: Path, open_umask: None) -> None:
    home = isolation / "fresh-home"
    result = CliRunner().invoke(app, ["list"], env={"MERCATO_INT_HOME": str(home)})
    assert result.exit_code == 0, result.stderr
    assert mode(home / "mercato-int.db") == 0o600
    assert mode(home) == 0o700


def test_an_existing_folder_and_file_keep_their_modes(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    path = folder / "store.db"
    path.touch()
    os.chmod(path, 0o640)
    open_store(f"sqlite:///{path}").dispose()
    assert (mode(folder), mode(path)) == (0o755, 0o640)


def test_keys_status_warns_when_others_can_read_the_store(cli, db_url: str) -> None:
    assert cli("keys", "status").exit_code == 0  # creates the store (Postgres: nothing to warn)
    if not db_url.startswith("sqlite"):
        assert "can be read by other users" not in cli("keys", "status").stderr
        return
    path = Path(db_url.removeprefix("sqlite:///"))
    assert cli("keys", "status").stderr == ""
    os.chmod(path, 0o644)  # as stores made by earlier versions are
    run = cli("keys", "status", "--json")
    assert run.exit_code == 0
    assert run.json()["totalRows"] == 0  # stdout is still just the JSON
    # SQLite gives the WAL and SHM the file's mode: 0644 too
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    assert run.stderr.splitlines() == [
        f"warning: the store file {p} can be read by other users (mode {m}): it holds "
        f"encrypted credentials and logs; run `chmod 600 {p}`"
        for p, m in ((path, "0644"), (wal, "0644"), (shm, "0644"))
    ]
    os.chmod(path, 0o600)  # the WAL and SHM went with the last connection
    assert cli("keys", "status").stderr == ""


def test_a_tilde_in_the_sqlite_path_is_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "someone"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["--db", "sqlite:///~/stores/x.db", "list", "--json"])
    assert result.exit_code == 0, result.stderr
    assert mode(home / "stores" / "x.db") == 0o600
    assert not (tmp_path / "~").exists()
