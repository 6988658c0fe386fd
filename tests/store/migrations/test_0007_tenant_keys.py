"""0007: keys that carry tenant_id, on a store of revision 0005 with rows in it (SQLite:
tables rebuilt, rows, indexes, triggers and AUTOINCREMENT's high-water mark kept; Postgres:
logs partitioned by month, rows and seq order kept); reversible."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from mercato_int.store import partitions
from mercato_int.store.engine import create_store_engine, current_revision
from mercato_int.store.migrate import upgrade
from mercato_int.store.revisions import HEAD_REVISION

BEFORE = "0005_api_tokens_state_version"
NOW = datetime.now(UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_url")


def _fill(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        for n in range(30):
            conn.execute(
                sa.text(
                    "INSERT INTO integration_logs (id, integration_id, level, operation, message, "
                    "organization_id, tenant_id, created_at) VALUES (:id, 'i', 'info', 'op', :m, "
                    "'o', :t, :at)"
                ),
                {
                    "id": uuid.uuid4().hex if engine.dialect.name == "sqlite" else uuid.uuid4(),
                    "m": f"m{n}",
                    "t": f"t{n % 3}",
                    "at": NOW - timedelta(days=10 * n),
                },
            )
        conn.execute(
            sa.text(
                "INSERT INTO integration_settings (id, key, value, organization_id, tenant_id, "
                "updated_at) VALUES (:id, 'log.retention_days', '7', 'o', 't1', :at)"
            ),
            {
                "id": uuid.uuid4().hex if engine.dialect.name == "sqlite" else uuid.uuid4(),
                "at": NOW,
            },
        )
        # the newest entry pruned: its seq must not be handed out again
        conn.execute(sa.text("DELETE FROM integration_logs WHERE message = 'm0'"))


def _logs(engine: sa.Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(sa.text("SELECT seq, message FROM integration_logs ORDER BY seq"))
        ]


def _key(engine: sa.Engine, table: str) -> list[str]:
    return sa.inspect(engine).get_pk_constraint(table)["constrained_columns"]


def test_upgrade_from_0005_keeps_every_row_and_keys_by_tenant(url: str) -> None:
    engine = create_store_engine(url)
    try:
        upgrade(engine, BEFORE)
        _fill(engine)
        before = _logs(engine)
        upgrade(engine)
        assert current_revision(engine) == HEAD_REVISION
        assert _logs(engine) == before
        assert _key(engine, "integration_settings") == ["id", "tenant_id"]
        assert _key(engine, "integration_credentials") == ["id", "tenant_id"]
        with engine.connect() as conn:
            partitioned = partitions.is_partitioned(conn)
        if engine.dialect.name == "sqlite":
            assert _key(engine, "integration_logs") == ["seq"]  # the rowid, AUTOINCREMENT
            assert not partitioned
        else:
            assert _key(engine, "integration_logs") == ["seq", "tenant_id", "created_at"]
            assert _key(engine, "integration_events") == ["seq", "tenant_id"]
            assert partitioned
        with engine.begin() as conn:  # a new entry comes after all, never reusing m0's seq
            conn.execute(
                sa.text(
                    "INSERT INTO integration_logs (id, integration_id, level, operation, message, "
                    "organization_id, tenant_id, created_at) VALUES (:id, 'i', 'info', 'op', "
                    "'new', 'o', 't0', :at)"
                ),
                {
                    "id": uuid.uuid4().hex if engine.dialect.name == "sqlite" else uuid.uuid4(),
                    "at": NOW,
                },
            )
        after = _logs(engine)
        assert after[-1][1] == "new" and after[-1][0] == 31  # 1..30 were handed out
    finally:
        engine.dispose()


def test_downgrade_to_0005_and_upgrade_again(url: str) -> None:
    engine = create_store_engine(url)
    try:
        upgrade(engine, BEFORE)
        _fill(engine)
        before = _logs(engine)
        upgrade(engine)
        from alembic import command

        from mercato_int.store.migrate import _config

        with engine.begin() as conn:
            command.downgrade(_config(conn), BEFORE)
        assert current_revision(engine) == BEFORE
        assert _logs(engine) == before
        assert _key(engine, "integration_settings") == ["id"]
        assert _key(engine, "integration_logs") == ["seq"]
        with engine.connect() as conn:
            assert not partitions.is_partitioned(conn)
        upgrade(engine)
        assert _logs(engine) == before
    finally:
        engine.dispose()


def test_a_big_postgres_log_table_is_left_for_the_online_command(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mercato_int.store import partition_copy

    monkeypatch.setattr(partition_copy, "INLINE_ROWS", 10)
    engine = create_store_engine(pg_url)
    try:
        upgrade(engine, BEFORE)
        _fill(engine)
        upgrade(engine)
        with engine.connect() as conn:
            assert not partitions.is_partitioned(conn)
        assert _key(engine, "integration_settings") == ["id", "tenant_id"]
    finally:
        engine.dispose()
