"""`db partition-logs`: today's unpartitioned Postgres log table moved into one partitioned by
month while it is written to, updated and pruned, with nothing lost and nothing brought back;
killed half-way it goes on where it stopped; SQLite says it keeps one table."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from mercato_int.store import partition_copy, partitions
from mercato_int.store.engine import create_store_engine
from mercato_int.store.migrate import upgrade

ROWS = 20_000


@pytest.fixture
def engine(pg_url: str, monkeypatch: pytest.MonkeyPatch):
    """A store at head whose log table was too big for the migration to partition."""
    monkeypatch.setattr(partition_copy, "INLINE_ROWS", 100)
    engine = create_store_engine(pg_url)
    upgrade(engine, "0005_api_tokens_state_version")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO integration_logs (id, integration_id, level, operation, message, "
            "organization_id, tenant_id, created_at) SELECT gen_random_uuid(), 'i', 'info', "
            "'op', 'old ' || n, 'o', 't' || (n %% 5), "
            "now() - make_interval(days => (n %% 400)::int) "
            f"FROM generate_series(1, {ROWS}) AS n"
        )
    upgrade(engine)
    with engine.connect() as conn:
        assert not partitions.is_partitioned(conn)
    yield engine
    engine.dispose()


def rows(engine: sa.Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return dict(conn.exec_driver_sql("SELECT seq, message FROM integration_logs").all())


def write(engine: sa.Engine, message: str) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO integration_logs (id, integration_id, level, operation, message, "
            "organization_id, tenant_id, created_at) VALUES (%(id)s, 'i', 'info', 'op', "
            "%(m)s, 'o', 't1', now())",
            {"id": uuid.uuid4(), "m": message},
        )


def test_writes_updates_and_deletes_during_the_copy_are_all_kept(engine) -> None:
    before = rows(engine)
    expected = dict(before)
    done_once = threading.Event()
    stop = threading.Event()
    written: list[str] = []

    def writer() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            write(engine, f"writer {n}")
            written.append(f"writer {n}")

    def changes(done: int, until: int) -> None:
        """Between two batches: change rows already copied and rows not copied yet."""
        if done_once.is_set():
            return
        done_once.set()
        copied, waiting = done - 1, ROWS - 10  # seqs 1..ROWS were there before
        with engine.begin() as conn:
            for seq in (copied, waiting):
                conn.exec_driver_sql(
                    "UPDATE integration_logs SET message = 'scrubbed' WHERE seq = %(s)s", {"s": seq}
                )
                expected[seq] = "scrubbed"
            for seq in (copied - 1, waiting - 1):
                conn.exec_driver_sql("DELETE FROM integration_logs WHERE seq = %(s)s", {"s": seq})
                del expected[seq]

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        with engine.connect() as conn:
            outcome = partition_copy.run(
                conn, now=datetime.now(UTC), batch=2_000, pause=0.0, on_progress=changes
            )
    finally:
        stop.set()
        thread.join()
    assert not outcome.already and outcome.copied > 0
    after = rows(engine)
    with engine.connect() as conn:
        assert partitions.is_partitioned(conn)
        old = conn.exec_driver_sql(f'SELECT count(*) FROM "{partition_copy.OLD}"').scalar()
        assert (
            conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": partition_copy.PROGRESS}).scalar()
            is None
        )
    assert {seq: m for seq, m in after.items() if seq in before} == expected
    assert sorted(m for m in after.values() if m.startswith("writer")) == sorted(written)
    assert len(expected) <= old <= len(after)  # the old table, frozen at the swap
    write(engine, "after")  # the identity goes on after every seq handed out
    assert max(rows(engine)) > max(after)
    with engine.connect() as conn:  # a second run has nothing to do
        assert partition_copy.run(conn, now=datetime.now(UTC)).already


def test_killed_half_way_it_goes_on_where_it_stopped(engine, pg_url: str) -> None:
    before = rows(engine)
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": pg_url}
    command = [sys.executable, "-m", "mercato_int", "db", "partition-logs", "--batch-size", "100"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = 0
    with engine.connect() as conn:
        while process.poll() is None and not done:
            time.sleep(0.05)
            if partition_copy._exists(conn, partition_copy.PROGRESS):
                done = (
                    conn.exec_driver_sql(f'SELECT done FROM "{partition_copy.PROGRESS}"').scalar()
                    or 0
                )
            conn.rollback()
    assert process.poll() is None, "the copy finished before it could be stopped"
    process.send_signal(signal.SIGKILL)
    process.wait()
    write(engine, "while stopped")
    with engine.connect() as conn:
        assert not partitions.is_partitioned(conn)
        state = partition_copy.progress(conn)
    assert state is not None and 0 < state.done < state.until
    # the rest in a few big batches: where it goes on from is kept in the store, not the batch
    command[-1] = "5000"
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "Went on from seq" in again.stderr
    assert "integration_logs is now partitioned by month" in again.stdout
    after = rows(engine)
    assert {s: m for s, m in after.items() if s in before} == before
    assert sorted(after.values()).count("while stopped") == 1
    assert len(after) == len(before) + 1


def test_sqlite_keeps_one_table_and_a_new_postgres_store_is_partitioned(cli, db_url) -> None:
    result = cli("db", "partition-logs")
    assert result.exit_code == 0, result.stderr
    if db_url.startswith("sqlite"):
        assert result.stdout == "SQLite keeps one log table: nothing to partition.\n"
    else:
        assert result.stdout == "integration_logs is already partitioned by month.\n"
