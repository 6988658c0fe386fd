"""Postgres: moving today's unpartitioned integration_logs into a partitioned one, online.

1. `prepare`: the partitioned table is built beside the live one (`integration_logs_
   partitioned`, names suffixed `_p`), with a month partition for every month that has rows
   and the months ahead; then, under a lock that only waits out the writes in flight, a
   trigger on the live table starts mirroring every insert, update and delete into it, and
   the highest seq at that moment (`until`) is recorded in a one-row progress table.
2. `copy_batch`: rows with seq in (done, done + batch] up to `until` are copied (locked FOR
   SHARE, so a concurrent delete or update waits for the copy or the copy for it, and the
   trigger applies it after), and `done` moves on, in one short transaction. A run that is
   killed loses at most the batch in flight; the next run goes on from `done`.
3. `swap`: one short transaction under an exclusive lock (waiting at most SWAP_LOCK_TIMEOUT,
   else retried): drop the trigger, copy whatever of (done, until] is left, carry the
   identity on, rename the old table away (`integration_logs_unpartitioned`, kept until
   `--drop-old`) and the new one in, with its index and constraint names.

Rows written meanwhile need no catch-up scan: the trigger put them in the new table in the
writer's own transaction."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mercato_int.store import partitions
from mercato_int.store.schema import LOGS

LIVE = LOGS.name
TARGET = f"{LIVE}_partitioned"
OLD = f"{LIVE}_unpartitioned"
PROGRESS = f"{LIVE}_partitioning"
MIRROR = f"{LIVE}_mirror"
SUFFIX = "_p"
SWAP_LOCK_TIMEOUT = "2s"
# migration 0007 partitions a table this small itself (copied under its lock: seconds)
INLINE_ROWS = 100_000


@dataclass
class Progress:
    until: int
    done: int


def _exists(conn: sa.Connection, name: str) -> bool:
    return conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": name}).scalar() is not None


def _columns(conn: sa.Connection, table: str) -> list[str]:
    """The table's stored columns, in order (a generated column cannot be written)."""
    rows = conn.execute(
        sa.text(
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(:t) AND attnum > 0 "
            "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum"
        ),
        {"t": table},
    )
    return list(rows.scalars())


def _names(conn: sa.Connection, table: str) -> list[tuple[str, bool]]:
    """(name, is a constraint) of the table's own indexes: constraints are renamed as such."""
    rows = conn.execute(
        sa.text(
            "SELECT i.relname, c.conname IS NOT NULL FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid "
            "AND c.conrelid = x.indrelid WHERE x.indrelid = to_regclass(:t)"
        ),
        {"t": table},
    )
    return [(name, bool(is_constraint)) for name, is_constraint in rows]


def progress(conn: sa.Connection) -> Progress | None:
    """Where a started migration stands, or None when none was started."""
    if not _exists(conn, PROGRESS):
        return None
    row = conn.execute(sa.text(f'SELECT until, done FROM "{PROGRESS}"')).one_or_none()
    return Progress(until=row.until, done=row.done) if row and row.until is not None else None


def prepare(conn: sa.Connection, now: datetime) -> Progress:
    """Build the partitioned table and start mirroring into it (idempotent: a run killed
    during an earlier one goes on where it stopped)."""
    if not _exists(conn, TARGET):
        wanted = partitions.data_months(conn, LIVE)
        conn.commit()
        with conn.begin():
            partitions.create_partitioned(conn, TARGET, suffix=SUFFIX)
            conn.exec_driver_sql(f'CREATE TABLE "{PROGRESS}" (until BIGINT, done BIGINT NOT NULL)')
            conn.exec_driver_sql(f'INSERT INTO "{PROGRESS}" (until, done) VALUES (NULL, 0)')
        partitions.ensure_months(conn, wanted, TARGET)
        partitions.ensure_ahead(conn, now, TARGET)
    found = progress(conn)
    if found is not None:
        return found
    columns = _columns(conn, LIVE)
    names = ", ".join(f'"{c}"' for c in columns)
    new = ", ".join(f'NEW."{c}"' for c in columns)
    key = "seq = OLD.seq AND tenant_id = OLD.tenant_id AND created_at = OLD.created_at"
    conn.commit()
    with conn.begin():
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{partitions.LOCK_TIMEOUT}'")
        # waits out the writes in flight; every later one goes through the trigger
        conn.exec_driver_sql(f'LOCK TABLE "{LIVE}" IN SHARE ROW EXCLUSIVE MODE')
        conn.exec_driver_sql(
            f'CREATE OR REPLACE FUNCTION "{MIRROR}"() RETURNS trigger LANGUAGE plpgsql AS $$\n'
            "BEGIN\n"
            "  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n"
            f'    DELETE FROM "{TARGET}" WHERE {key};\n'
            "  END IF;\n"
            "  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
            f'    INSERT INTO "{TARGET}" ({names}) OVERRIDING SYSTEM VALUE VALUES ({new})\n'
            "    ON CONFLICT DO NOTHING;\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END $$"
        )
        conn.exec_driver_sql(
            f'CREATE TRIGGER "{MIRROR}" AFTER INSERT OR UPDATE OR DELETE ON "{LIVE}" '
            f'FOR EACH ROW EXECUTE FUNCTION "{MIRROR}"()'
        )
        conn.exec_driver_sql(
            f'UPDATE "{PROGRESS}" SET until = (SELECT coalesce(max(seq), 0) FROM "{LIVE}")'
        )
    found = progress(conn)
    assert found is not None
    conn.commit()
    return found


def _copy(conn: sa.Connection, after: int, upto: int) -> int:
    names = ", ".join(f'"{c}"' for c in _columns(conn, LIVE))
    result = conn.exec_driver_sql(
        f'INSERT INTO "{TARGET}" ({names}) OVERRIDING SYSTEM VALUE '
        f'SELECT {names} FROM "{LIVE}" WHERE seq > %(after)s AND seq <= %(upto)s FOR SHARE '
        "ON CONFLICT DO NOTHING",
        {"after": after, "upto": upto},
    )
    return max(result.rowcount, 0)


def copy_batch(conn: sa.Connection, state: Progress, batch: int) -> int:
    """Copy the next `batch` seqs (one transaction); the rows copied. `state` moves on."""
    upto = min(state.until, state.done + batch)
    if conn.in_transaction():
        conn.commit()
    with conn.begin():
        copied = _copy(conn, state.done, upto)
        conn.exec_driver_sql(f'UPDATE "{PROGRESS}" SET done = %(upto)s', {"upto": upto})
    state.done = upto
    return copied


def swap(conn: sa.Connection, state: Progress) -> None:
    """Put the partitioned table in the live one's place (one short transaction)."""
    if conn.in_transaction():
        conn.commit()
    with conn.begin():
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
        conn.exec_driver_sql(f'LOCK TABLE "{LIVE}" IN ACCESS EXCLUSIVE MODE')
        conn.exec_driver_sql(f'DROP TRIGGER "{MIRROR}" ON "{LIVE}"')
        conn.exec_driver_sql(f'DROP FUNCTION "{MIRROR}"()')
        if state.done < state.until:
            _copy(conn, state.done, state.until)
        swap_names(conn, LIVE, TARGET, OLD)
        conn.exec_driver_sql(f'DROP TABLE "{PROGRESS}"')


def swap_names(conn: sa.Connection, live: str, new: str, old: str | None) -> None:
    """Rename `live` to `old` (or drop it when None) and `new` to `live`, with the names of
    its indexes and constraints (`new`'s carry SUFFIX), its primary key and identity; the
    identity goes on after the highest seq `live` handed out."""
    conn.exec_driver_sql(
        f"SELECT setval(pg_get_serial_sequence('\"{new}\"', 'seq'), greatest("
        f"(SELECT last_value FROM {_sequence(conn, live)}), "
        f'(SELECT coalesce(max(seq), 1) FROM "{new}")))'
    )
    if old is None:
        conn.exec_driver_sql(f'DROP TABLE "{live}"')
    else:
        for name, is_constraint in _names(conn, live):
            _rename(conn, live, name, f"{name}_old", is_constraint)
        conn.exec_driver_sql(f'ALTER SEQUENCE {_sequence(conn, live)} RENAME TO "{old}_seq_seq"')
        conn.exec_driver_sql(f'ALTER TABLE "{live}" RENAME TO "{old}"')
    sequence = _sequence(conn, new)
    conn.exec_driver_sql(f'ALTER TABLE "{new}" RENAME TO "{live}"')
    for name, is_constraint in _names(conn, live):
        wanted = name.removesuffix(SUFFIX) if name.endswith(SUFFIX) else None
        if name == f"{new}_pkey":
            wanted = f"{live}_pkey"
        if wanted:
            _rename(conn, live, name, wanted, is_constraint)
    conn.exec_driver_sql(f'ALTER SEQUENCE {sequence} RENAME TO "{live}_seq_seq"')


def _sequence(conn: sa.Connection, table: str) -> str:
    found = conn.execute(
        sa.text("SELECT pg_get_serial_sequence(:t, 'seq')"), {"t": f'"{table}"'}
    ).scalar()
    assert found, f"{table} has no identity"
    return str(found)


def _rename(conn: sa.Connection, table: str, name: str, to: str, is_constraint: bool) -> None:
    if is_constraint:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{name}" TO "{to}"')
    else:
        conn.exec_driver_sql(f'ALTER INDEX "{name}" RENAME TO "{to}"')


def drop_old(conn: sa.Connection) -> bool:
    """Drop the table a finished migration kept; False when there is none."""
    if not _exists(conn, OLD):
        return False
    with conn.begin_nested() if conn.in_transaction() else conn.begin():
        conn.exec_driver_sql(f'DROP TABLE "{OLD}"')
    return True


@dataclass
class Outcome:
    """What `run` did: already (nothing to do), or copied rows and the swap."""

    already: bool = False
    copied: int = 0
    until: int = 0
    resumed_at: int = 0
    old_dropped: bool = False


def run(
    conn: sa.Connection,
    *,
    now: datetime,
    batch: int = 20_000,
    pause: float = 0.01,
    on_progress: Callable[[int, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    swap_tries: int = 30,
) -> Outcome:
    """Move the live logs table into a partitioned one (see the module's text); resumable.
    `on_progress(done, until)` after each batch; `pause` between batches lets waiting
    writers in. The swap is retried up to `swap_tries` times when its lock is not to be had."""
    if partitions.is_partitioned(conn):
        conn.commit()
        return Outcome(already=True)
    state = prepare(conn, now)
    outcome = Outcome(until=state.until, resumed_at=state.done)
    while state.done < state.until:
        outcome.copied += copy_batch(conn, state, batch)
        if on_progress:
            on_progress(state.done, state.until)
        sleep(pause)
    for attempt in range(swap_tries):
        try:
            swap(conn, state)
            break
        except sa.exc.OperationalError:  # the lock was not to be had in time: again
            if conn.in_transaction():
                conn.rollback()
            if attempt == swap_tries - 1:
                raise
            sleep(1.0)
    partitions.ensure_ahead(conn, now)
    conn.commit()
    return outcome


def partition_logs(
    engine: sa.Engine,
    *,
    now: datetime,
    batch: int,
    drop_old_table: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """`db partition-logs`: `run` on the store, then (`drop_old_table`) drop the table kept;
    StoreError (exit 4) when the store fails us (a lock not to be had, a lost connection: run
    it again, it goes on where it stopped)."""
    from mercato_int.errors import StoreError, msg
    from mercato_int.store.urls import redact_text

    try:
        with engine.connect() as conn:
            outcome = run(conn, now=now, batch=batch, on_progress=on_progress)
            if drop_old_table:
                outcome.old_dropped = drop_old(conn)
                conn.commit()
        return outcome
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()
        shown = redact_text(reason[0] if reason else type(exc).__name__, str(engine.url))
        raise StoreError(
            msg("db.partition.failed", reason=shown), hint=msg("db.partition.failed_hint")
        ) from None
