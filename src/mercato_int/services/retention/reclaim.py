"""Keeping the SQLite file in check after and during a prune: WAL checkpoints that no writer's
commit has to pay for, and freed pages given back to the file system in short steps."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from mercato_int.store.engine import SQLITE_BUSY_TIMEOUT_MS, Store

STEP_SECONDS = 0.08  # each vacuum step holds the write lock about this long
PAUSE_SECONDS = 0.06  # and then lets waiting writers in (see walks.PAUSE_SECONDS)
RECLAIM_BUDGET_SECONDS = 300  # what is left after this is given back by the next prune
VACUUM_FREE_RATIO = 0.25  # a store with no incremental vacuum is vacuumed past this much free


def checkpoint(store: Store) -> None:
    """Copy the WAL back into the file now, outside any transaction (PASSIVE: it waits for
    no one and holds no writer up). Without it, the commit that crosses the auto-checkpoint
    threshold does that work, and that commit is as likely to be a writer's as ours."""
    with store.engine.connect() as conn:
        passive_checkpoint(conn.connection.driver_connection)


def passive_checkpoint(raw: Any) -> None:
    raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()


def incremental_vacuum(raw: Any, free: int, sleep: Callable[[float], None]) -> None:
    """Give free pages back in steps sized to hold the write lock about STEP_SECONDS each,
    within RECLAIM_BUDGET_SECONDS."""
    step, deadline = 64, time.monotonic() + RECLAIM_BUDGET_SECONDS
    while free > 0 and time.monotonic() < deadline:
        started = time.monotonic()
        # executescript steps the pragma to the end; execute() frees one page
        raw.executescript(f"PRAGMA incremental_vacuum({step});")
        took = time.monotonic() - started
        passive_checkpoint(raw)
        scale = min(2.0, max(0.25, STEP_SECONDS / max(took, 1e-3)))
        step = int(min(4000, max(8, step * scale)))
        free = raw.execute("PRAGMA freelist_count").fetchone()[0]
        sleep(PAUSE_SECONDS)


def reclaim(store: Store, sleep: Callable[[float], None]) -> dict[str, Any]:
    """After a prune: checkpoint the WAL and give freed pages back to the file system.

    Incremental vacuum in short steps when the store has it (new stores do); otherwise a
    one-off VACUUM that also switches the store to incremental, only once a quarter of the
    file is free. Postgres: nothing to do (autovacuum reuses the space)."""
    if store.dialect != "sqlite":
        return {}
    out: dict[str, Any] = {"vacuum": None}
    with store.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None  # a checked-out connection has its DB-API connection
        mode = raw.execute("PRAGMA auto_vacuum").fetchone()[0]
        pages = raw.execute("PRAGMA page_count").fetchone()[0]
        free = raw.execute("PRAGMA freelist_count").fetchone()[0]
        out.update(pagesBefore=pages, freePages=free)
        if mode == 2 and free:
            incremental_vacuum(raw, free, sleep)
            out["vacuum"] = "incremental"
        elif mode != 2 and pages and free / pages >= VACUUM_FREE_RATIO:
            raw.commit()
            raw.execute("PRAGMA auto_vacuum=INCREMENTAL")
            raw.execute("VACUUM")
            out["vacuum"] = "full"
        out["pagesAfter"] = raw.execute("PRAGMA page_count").fetchone()[0]
        busy, wal_pages, done = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if not busy and wal_pages == done:
            # TRUNCATE shrinks the WAL file; with a short busy timeout so a reader or a
            # writer in the way makes it give up instead of holding anyone up.
            raw.execute("PRAGMA busy_timeout=50")
            try:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        out["checkpoint"] = True
    return out
