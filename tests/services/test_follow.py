"""`logs -f` follows the insertion order: an entry written now with an old createdAt is shown,
and on Postgres so is one whose transaction commits after a later one (also when it was already
running when the follower started). Real SQLite files and a real Postgres server."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from mercato_int.scope import TenantScope
from mercato_int.services import follow as follow_module
from mercato_int.services.logs.query import LogFilter
from mercato_int.store.schema import LOGS as T

SCOPE = TenantScope()
OTHER = TenantScope("default", "other")
OLD = datetime(2020, 1, 1, tzinfo=UTC)


class Follower:
    """`services.logs.follow` in a thread, collecting messages until stopped."""

    def __init__(self, services, **kw: object) -> None:
        self.got: list[str] = []
        self.stop = threading.Event()
        self.started = threading.Event()

        def run() -> None:
            for entry in services.logs.follow(
                scope=SCOPE, poll_seconds=0.05, should_stop=self.stop.is_set, **kw
            ):
                self.got.append(entry.message)
            self.started.set()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def wait_for(self, n: int, timeout: float = 10) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.got) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # and nothing more (no duplicates)
        return list(self.got)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


@contextmanager
def following(services, **kw: object) -> Iterator[Follower]:
    follower = Follower(services, **kw)
    try:
        time.sleep(0.3)  # past the first snapshot
        yield follower
    finally:
        follower.close()


def write(services, message: str, *, scope: TenantScope = SCOPE, **kw: object) -> None:
    services.logs.log(
        integration_id=kw.pop("integration_id", "gateway_stripe"),
        level=kw.pop("level", "info"),
        operation="o",
        message=message,
        scope=scope,
        **kw,
    )


def test_an_entry_written_now_with_an_old_timestamp_is_shown(services) -> None:
    write(services, "history", created_at=OLD)
    with following(services, backlog=0) as f:
        write(services, "ingested now, stamped 2020", created_at=OLD)
        write(services, "another tenant", scope=OTHER)
        write(services, "new")
        assert f.wait_for(2) == ["ingested now, stamped 2020", "new"]


def test_filters_hold_while_following(services) -> None:
    with following(services, backlog=0, filters=LogFilter(level="error")) as f:
        write(services, "info, not shown")
        write(services, "error, old stamp", level="error", created_at=OLD)
        write(services, "medusa error", level="error", integration_id="sync_medusa_orders")
        assert f.wait_for(2) == ["error, old stamp", "medusa error"]


def test_pruning_the_newest_entry_does_not_hide_the_next_one(services) -> None:
    write(services, "to be pruned", created_at=OLD)
    with following(services, backlog=5) as f:
        assert f.wait_for(1) == ["to be pruned"]
        with services.store.engine.begin() as conn:
            conn.execute(sa.delete(T).where(T.c.message == "to be pruned"))
        write(services, "after the prune", created_at=OLD)
        assert f.wait_for(2) == ["to be pruned", "after the prune"]


def test_catching_up_on_a_big_batch_keeps_the_insertion_order(
    services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follow_module, "CHUNK", 3)  # read in small chunks
    with following(services, backlog=0) as f:
        with services.logs.writer() as w:
            for i in range(10):
                w.write(
                    integration_id="gateway_stripe",
                    level="info",
                    operation="o",
                    message=f"m{i}",
                    scope=SCOPE,
                    created_at=datetime(2026, 1, 10 - i, tzinfo=UTC),  # newest stamp first
                )
        assert f.wait_for(10) == [f"m{i}" for i in range(10)]


# --- Postgres: transactions commit in another order than they took their seqs ---------------
def _uncommitted(services, message: str) -> tuple[sa.Connection, Callable[[], None]]:
    """An entry inserted in a transaction left open; call the result to commit it."""
    conn = services.store.engine.connect()
    conn.execute(
        sa.insert(T).values(
            id=uuid.uuid4(),
            integration_id="gateway_stripe",
            level="info",
            operation="o",
            message=message,
            organization_id=SCOPE.organization_id,
            tenant_id=SCOPE.tenant_id,
            created_at=datetime.now(UTC),
        )
    )

    def commit() -> None:
        conn.commit()
        conn.close()

    return conn, commit


@pytest.mark.postgres
def test_a_late_commit_with_a_lower_seq_is_still_shown(services) -> None:
    if services.store.dialect != "postgresql":
        pytest.skip("SQLite writers take turns: seq order is commit order")
    with following(services, backlog=0) as f:
        _, commit_slow = _uncommitted(services, "slow transaction")  # takes the lower seq
        write(services, "quick transaction")  # a higher seq, committed first
        assert f.wait_for(1) == ["quick transaction"]
        commit_slow()
        assert f.wait_for(2) == ["quick transaction", "slow transaction"]


@pytest.mark.postgres
def test_a_transaction_running_when_the_follower_starts_is_not_lost(services) -> None:
    if services.store.dialect != "postgresql":
        pytest.skip("SQLite writers take turns: seq order is commit order")
    _, commit_slow = _uncommitted(services, "started before the follower")
    write(services, "committed before the follower")  # history, and a higher seq
    with following(services, backlog=0) as f:
        write(services, "new")
        assert f.wait_for(1) == ["new"]
        commit_slow()
        assert f.wait_for(2) == ["new", "started before the follower"]
