"""0004_logs_seq: the insertion order `logs -f` and `events -f` follow, backfilled on SQLite
and Postgres, never handed out twice (not after pruning the newest rows, not after VACUUM), and
reversible."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mercato_int.store.engine import create_store_engine, current_revision
from mercato_int.store.migrate import _config, upgrade
from mercato_int.store.revisions import HEAD_REVISION
from mercato_int.store.types import JSONType, UTCDateTime

BEFORE = "0002_logs_level_index"
ROWS = sa.table(
    "integration_logs",
    sa.column("id", sa.Uuid()),
    sa.column("integration_id", sa.String()),
    sa.column("level", sa.String()),
    sa.column("operation", sa.String()),
    sa.column("message", sa.String()),
    sa.column("details", JSONType()),
    sa.column("organization_id", sa.String()),
    sa.column("tenant_id", sa.String()),
    sa.column("created_at", UTCDateTime()),
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    engine = create_store_engine(url)
    yield engine
    engine.dispose()


EVENTS = sa.table(
    "integration_events",
    sa.column("id", sa.Uuid()),
    sa.column("type", sa.String()),
    sa.column("payload", JSONType()),
    sa.column("organization_id", sa.String()),
    sa.column("tenant_id", sa.String()),
    sa.column("created_at", UTCDateTime()),
)


def _insert(conn: sa.Connection, message: str, day: int) -> None:
    conn.execute(
        sa.insert(ROWS).values(
            id=uuid.uuid4(),
            integration_id="gateway_stripe",
            level="info",
            operation="o",
            message=message,
            details={"n": day},
            organization_id="default",
            tenant_id="default",
            created_at=datetime(2026, 1, day, tzinfo=UTC),
        )
    )


def _by_seq(conn: sa.Connection) -> list[str]:
    return list(
        conn.execute(sa.text("SELECT message FROM integration_logs ORDER BY seq")).scalars()
    )


def _downgrade(engine: sa.Engine, revision: str) -> None:
    from alembic import command

    with engine.connect() as conn:
        command.downgrade(_config(conn), revision)
        conn.commit()


def test_backfill_then_new_rows_come_after_and_no_seq_is_reused(engine: sa.Engine) -> None:
    upgrade(engine, BEFORE)
    with engine.begin() as conn:
        # inserted in an order that is not the order of their timestamps
        for message, day in (("a", 3), ("b", 1), ("c", 2), ("d", 4)):
            _insert(conn, message, day)
        conn.execute(sa.text("DELETE FROM integration_logs WHERE message = 'd'"))
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        # SQLite keeps its insertion order; Postgres has none, so (created_at, id)
        assert _by_seq(conn) == (["a", "b", "c"] if sqlite else ["b", "c", "a"])
        _insert(conn, "old stamp, inserted now", 1)
        top = conn.execute(sa.text("SELECT max(seq) FROM integration_logs")).scalar_one()
        conn.execute(sa.text("DELETE FROM integration_logs WHERE seq = :s"), {"s": top})
        _insert(conn, "after the newest was pruned", 1)
        after = conn.execute(sa.text("SELECT max(seq) FROM integration_logs")).scalar_one()
    assert after > top  # a follower that saw `top` still sees this one
    if sqlite:
        # VACUUM renumbers the rowids of a table without an INTEGER PRIMARY KEY; not seq
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            before = conn.execute(sa.text("SELECT seq, message FROM integration_logs")).all()
            conn.exec_driver_sql("VACUUM")
            assert conn.execute(sa.text("SELECT seq, message FROM integration_logs")).all() == (
                before
            )
    with engine.begin() as conn:
        assert _by_seq(conn)[-1] == "after the newest was pruned"


def test_downgrade_keeps_the_rows_and_upgrades_again(engine: sa.Engine) -> None:
    upgrade(engine, BEFORE)
    with engine.begin() as conn:
        for message, day in (("a", 2), ("b", 1)):
            _insert(conn, message, day)
    upgrade(engine)
    _downgrade(engine, BEFORE)
    assert current_revision(engine) == BEFORE
    assert "seq" not in {c["name"] for c in sa.inspect(engine).get_columns("integration_logs")}
    upgrade(engine)
    with engine.begin() as conn:
        assert sorted(_by_seq(conn)) == ["a", "b"]
        assert (
            conn.execute(sa.text("SELECT count(DISTINCT id) FROM integration_logs")).scalar() == 2
        )


def test_events_get_the_same_order(engine: sa.Engine) -> None:
    upgrade(engine, BEFORE)

    def add(conn: sa.Connection, kind: str, day: int) -> None:
        stamp = datetime(2026, 1, day, tzinfo=UTC)
        conn.execute(
            sa.insert(EVENTS).values(
                id=uuid.uuid4(),
                type=kind,
                payload={},
                organization_id="default",
                tenant_id="default",
                created_at=stamp,
            )
        )

    with engine.begin() as conn:
        add(conn, "second", 2)
        add(conn, "first", 1)
    upgrade(engine)
    order = "SELECT type FROM integration_events ORDER BY seq"
    with engine.begin() as conn:
        got = list(conn.execute(sa.text(order)).scalars())
        assert got == (
            ["second", "first"] if engine.dialect.name == "sqlite" else ["first", "second"]
        )
        conn.execute(sa.text("DELETE FROM integration_events WHERE type = 'first'"))
        add(conn, "late, with an old stamp", 1)
        assert list(conn.execute(sa.text(order)).scalars())[-1] == "late, with an old stamp"
