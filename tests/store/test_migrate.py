"""Migrations: atomic on SQLite too, and safe when several processes open a new store."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from mercato_int.errors import StoreError
from mercato_int.store.engine import create_store_engine, current_revision
from mercato_int.store.migrate import upgrade
from mercato_int.store.revisions import HEAD_REVISION


def test_a_failed_sqlite_migration_leaves_nothing_half_built(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 's.db'}")
    try:
        with engine.begin() as conn:  # in the way of the last table the migration creates
            conn.execute(sa.text("CREATE TABLE integration_states (x INTEGER)"))
        with pytest.raises(StoreError) as caught:
            upgrade(engine)
        assert str(caught.value) == (
            "migration failed: table integration_states already exists "
            "(see `mercato-int db current`)"
        )
        assert sa.inspect(engine).get_table_names() == ["integration_states"]
        assert current_revision(engine) is None
    finally:
        engine.dispose()


def test_many_processes_opening_a_new_sqlite_store_at_once(tmp_path: Path) -> None:
    env = {**os.environ, "MERCATO_INT_HOME": str(tmp_path / "shared")}
    env.pop("MERCATO_INT_DATABASE_URL", None)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "mercato_int", "list", "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]
    assert results == [(0, "")] * 4


@pytest.mark.postgres
def test_concurrent_upgrades_on_postgres(pg_url: str) -> None:
    errors: list[BaseException] = []

    def migrate() -> None:
        engine = create_store_engine(pg_url)
        try:
            upgrade(engine)
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=migrate) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    engine = create_store_engine(pg_url)
    try:
        assert current_revision(engine) == HEAD_REVISION
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://ann@db/x", "postgresql+psycopg://ann@db/x"),
        ("postgresql://ann@db/x", "postgresql+psycopg://ann@db/x"),
        ("postgresql+psycopg://ann@db/x", "postgresql+psycopg://ann@db/x"),
        ("sqlite:////tmp/a.db", "sqlite:////tmp/a.db"),
    ],
)
def test_postgres_urls_use_psycopg_3(given: str, used: str) -> None:
    from mercato_int.store.engine import normalize_url

    assert normalize_url(given) == used
