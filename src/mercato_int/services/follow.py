"""Following a table by its insertion order (`seq`), for `logs -f` and `events -f`: what
exists when the follower starts is history; every row committed after that is yielded once,
whatever timestamp it carries.

On SQLite writers take turns (one write transaction at a time), so seq order is commit order
and "seq above the last one read" is exact. On Postgres a transaction may commit after another
that took a higher seq. Each read therefore takes one REPEATABLE READ snapshot and notes the
transactions it saw in progress; once one of them has finished, a read looks, in the seq range
already passed, for the rows it wrote (a row's `xmin`), so a late commit is still yielded,
once, and each transaction costs one such look, however long it ran.

Waking: on Postgres the writers `NOTIFY` the table's channel in the writing transaction (one
per batch or statement, `notify_sql`), delivered at commit; the follower `LISTEN`s on its own
connection and reads when woken, with a slow safety poll (`SAFETY_POLL`) in case a
notification is lost or a row was written by something that does not notify. SQLite has no
such thing: it polls every `SQLITE_POLL` seconds."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa

from mercato_int.errors import StoreError, msg
from mercato_int.store.engine import Store

Item = TypeVar("Item")

# Postgres: how far below the newest seq a transaction already running when the follower
# starts may have taken its seqs (ten ingest batches); later ones are tracked exactly.
STARTUP_LOOKBACK = 50_000
CHUNK = 2_000  # rows read at once while catching up
GIVE_UP_AFTER = 20  # failed reads in a row
SQLITE_POLL = 0.5  # seconds between reads on SQLite (and on Postgres without LISTEN)
SAFETY_POLL = 10.0  # Postgres: seconds between reads when no notification comes


def channel(table_name: str) -> str:
    """The notification channel of a followed table."""
    return f"mercato_int_{table_name}"


def notify_sql(table_name: str) -> str:
    """What a Postgres writer runs once in its transaction to wake the table's followers."""
    return f"NOTIFY {channel(table_name)}"


def follow(
    store: Store,
    table: sa.TableClause,
    where: Sequence[sa.ColumnElement[bool]],
    *,
    convert: Callable[[Any], Item],
    backlog: Callable[[sa.Connection], list[Item]] = lambda _conn: [],
    poll_seconds: float | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> Iterator[Item]:
    """`backlog(conn)` (read in the first snapshot), then every row of `table` matching
    `where` committed from then on, converted, in insertion order, until `should_stop()`.
    `poll_seconds`: the longest wait between reads (default SQLITE_POLL, on Postgres
    SAFETY_POLL: a notification wakes it sooner)."""
    pg = store.dialect == "postgresql"
    # listening before the first read: a row committed between the two still wakes us
    listener = _Listener.start(store, table.name) if pg else None
    default = SAFETY_POLL if listener is not None else SQLITE_POLL
    poll = poll_seconds if poll_seconds is not None else default
    try:
        yield from _follow(store, table, where, convert, backlog, poll, should_stop, listener)
    finally:
        if listener is not None:
            listener.close()


def _follow(
    store: Store,
    table: sa.TableClause,
    where: Sequence[sa.ColumnElement[bool]],
    convert: Callable[[Any], Item],
    backlog: Callable[[sa.Connection], list[Item]],
    poll: float,
    should_stop: Callable[[], bool],
    listener: _Listener | None,
) -> Iterator[Item]:
    pg = store.dialect == "postgresql"
    with _reading(store) as conn:
        in_flight = _in_flight_xids(conn) if pg else []
        last = _max_seq(conn, table)
        first = backlog(conn)
    yield from first
    # xid -> the seq above which its rows can be. For the transactions already running at
    # the start that is unknown: a bounded look-back stands in for it.
    pending = {x: max(0, last - STARTUP_LOOKBACK) for x in in_flight}
    passed = [last, last]  # `last` as it was one and two reads ago
    failures = 0
    caught_up = True
    while not should_stop():
        if not caught_up:
            pass  # read the rest at once
        elif listener is None:
            time.sleep(poll)
        elif not listener.wait(poll, should_stop):
            time.sleep(SQLITE_POLL)  # the listening connection failed: poll from now on
        try:
            with _reading(store) as conn:
                in_flight = _in_flight_xids(conn) if pg else []
                top = max(last, _max_seq(conn, table))
                fresh = conn.execute(fresh_statement(table, where, last, top)).all()
                # Transactions seen in progress last time and finished now: their rows, if
                # they committed any, are visible in this snapshot. Each is read once.
                running = set(in_flight)
                finished = [x for x in pending if x not in running]
                late: Sequence[Any] = []
                if finished:
                    low = min(pending[x] for x in finished)
                    stmt = late_statement(table, where, finished, low, last)
                    late = conn.execute(stmt).all()
        except sa.exc.OperationalError as exc:
            # a busy or restarting store: try again next poll, give up after a while
            failures += 1
            if failures >= GIVE_UP_AFTER:
                raise StoreError(msg("logs.lost_store", reason=exc.orig)) from None
            continue
        failures = 0
        caught_up = len(fresh) < CHUNK
        if not caught_up:
            top = fresh[-1].seq  # read the rest at once, without sleeping
        # A transaction first seen in progress now took its seqs after the read before last
        # (one read of margin: a transaction's xid is assigned just after its first seq).
        pending = {x: pending.get(x, passed[1]) for x in in_flight}
        passed = [top, passed[0]]
        last = top
        for row in sorted([*late, *fresh], key=lambda r: r.seq):
            yield convert(row)


def fresh_statement(
    table: sa.TableClause, where: Sequence[sa.ColumnElement[bool]], after: int, upto: int
) -> sa.Select[Any]:
    """Rows with `after < seq <= upto`: a range of the primary key, whatever `where` says (a
    scope index would walk every row of the tenant at each poll)."""
    seq = table.c.seq
    return sa.select(table).where(seq > after, seq <= upto, *where).order_by(seq).limit(CHUNK)


def late_statement(
    table: sa.TableClause,
    where: Sequence[sa.ColumnElement[bool]],
    xids: Sequence[int],
    after: int,
    upto: int,
) -> sa.Select[Any]:
    """Postgres: rows with `after < seq <= upto` written by one of `xids`. A row's `xmin` is
    the 32-bit form of its transaction's xid8 (no wrap-around within a few seconds)."""
    seq = table.c.seq
    xmin: sa.ColumnClause[Any] = sa.literal_column(f"{table.name}.xmin::text")
    mine = xmin.in_([str(x % 2**32) for x in xids])
    return sa.select(table).where(seq > after, seq <= upto, mine, *where)


@contextmanager
def _reading(store: Store) -> Iterator[sa.Connection]:
    """One read: on Postgres one REPEATABLE READ snapshot, so the transactions it saw in
    progress and the rows it read agree."""
    with store.engine.connect() as conn:
        if store.dialect == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        try:
            yield conn
        finally:
            conn.rollback()


def _max_seq(conn: sa.Connection, table: sa.TableClause) -> int:
    """The highest seq visible now, in every tenant (0 for an empty table)."""
    return int(conn.execute(sa.select(sa.func.max(table.c.seq))).scalar() or 0)


def _in_flight_xids(conn: sa.Connection) -> list[int]:
    """Postgres: the transactions in progress in this transaction's snapshot (xid8)."""
    text = str(conn.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar_one())
    return [int(x) for x in text.split(":")[2].split(",") if x]


class _Listener:
    """Postgres: a connection of its own LISTENing on a table's channel."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.ok = True

    @classmethod
    def start(cls, store: Store, table_name: str) -> _Listener | None:
        """None when it cannot listen (the follower then polls)."""
        try:
            raw = store.engine.raw_connection()
        except Exception:
            return None
        try:
            conn = raw.driver_connection
            conn.autocommit = True  # type: ignore[union-attr]
            conn.execute(f"LISTEN {channel(table_name)}")  # type: ignore[union-attr]
        except Exception:
            raw.invalidate()
            return None
        return cls(raw)

    def wait(self, seconds: float, should_stop: Callable[[], bool]) -> bool:
        """Until a notification comes, `seconds` pass or `should_stop()` (looked at every
        second). False when the connection failed: the caller polls from then on."""
        if not self.ok:
            return False
        conn = self.raw.driver_connection
        deadline = time.monotonic() + seconds
        try:
            while not should_stop():
                left = deadline - time.monotonic()
                if left <= 0:
                    return True
                if any(True for _ in conn.notifies(timeout=min(left, 1.0), stop_after=1)):
                    # the others that came meanwhile: one read covers them all
                    for _ in conn.notifies(timeout=0.0):
                        pass
                    return True
        except Exception:
            self.ok = False
            return False
        return True

    def close(self) -> None:
        try:
            if self.ok:
                self.raw.driver_connection.execute("UNLISTEN *")
                self.raw.driver_connection.autocommit = False
                self.raw.close()  # back to the pool, listening to nothing
            else:
                self.raw.invalidate()
        except Exception:
            self.raw.invalidate()
