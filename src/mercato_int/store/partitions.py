"""Postgres: integration_logs range-partitioned by month on `created_at` (native declarative
partitioning), with a DEFAULT partition as a safety net.

A month's partition is named `integration_logs_YYYY_MM` (its bounds come from the name: UTC
month starts), the safety net `integration_logs_default`. An insert never fails for want of a
partition: a row of a month that has none lands in the default partition. Months are created
ahead (the one before, the current one and AHEAD_MONTHS after it) by `prune --all-tenants`,
`db partition-logs` and the migration that creates the table; creating a month moves any of
its rows out of the default partition first. Each DDL statement waits at most LOCK_TIMEOUT
for its lock (behind a long read it gives up, and the next run tries again) instead of
queueing every writer behind it.

SQLite keeps one table: nothing here applies to it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql.elements import quoted_name

from mercato_int.store.schema import LOGS

PARENT = LOGS.name
DEFAULT = f"{PARENT}_default"
AHEAD_MONTHS = 3
LOCK_TIMEOUT = "5s"
_MONTH = re.compile(rf"^{PARENT}_(\d{{4}})_(\d{{2}})$")


def month_of(when: datetime) -> datetime:
    """The start (UTC) of the month `when` falls in."""
    when = when.astimezone(UTC)
    return datetime(when.year, when.month, 1, tzinfo=UTC)


def add_months(month: datetime, n: int) -> datetime:
    index = month.year * 12 + month.month - 1 + n
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def name_of(month: datetime) -> str:
    return f"{PARENT}_{month.year:04d}_{month.month:02d}"


@dataclass(frozen=True)
class Partition:
    name: str
    start: datetime | None  # None: the default partition
    end: datetime | None

    @property
    def is_default(self) -> bool:
        return self.start is None


def is_partitioned(conn: sa.Connection, table: str = PARENT) -> bool:
    """True when `table` (in the search path) is a partitioned table."""
    if conn.dialect.name != "postgresql":
        return False
    kind = conn.execute(
        sa.text("SELECT relkind FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table}
    ).scalar()
    return kind == "p"


def partitions(conn: sa.Connection, parent: str = PARENT) -> list[Partition]:
    """The partitions of `parent`, months oldest first, the default partition last."""
    names = conn.execute(
        sa.text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(:t)"
        ),
        {"t": parent},
    ).scalars()
    months, default = [], []
    for name in names:
        match = _MONTH.match(name)
        if match:
            start = datetime(int(match[1]), int(match[2]), 1, tzinfo=UTC)
            months.append(Partition(name, start, add_months(start, 1)))
        else:
            default.append(Partition(name, None, None))
    return sorted(months, key=lambda p: p.start or datetime.min.replace(tzinfo=UTC)) + default


def partition_names(conn: sa.Connection) -> set[str]:
    """Every table in the search path that is a partition (not a table of the schema)."""
    if conn.dialect.name != "postgresql":
        return set()
    rows = conn.execute(
        sa.text(
            "SELECT c.relname FROM pg_class c WHERE c.relispartition "
            "AND c.relnamespace = ANY (current_schemas(false)::regnamespace[])"
        )
    )
    return set(rows.scalars())


def data_months(conn: sa.Connection, table: str = PARENT) -> list[datetime]:
    """The months (UTC) in which `table` has rows (one scan of it)."""
    months = conn.execute(
        sa.text(
            f"SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC') FROM \"{table}\""
        )
    ).scalars()
    return [m.replace(tzinfo=UTC) for m in months]


def _ts(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S+00")


def logs_copy(conn: sa.Connection, name: str) -> sa.Table:
    """LOGS of store/schema.py as table `name`, its indexes as this store can build them: the
    trigram index's operator class named in the schema pg_trgm is installed in (migration 0006
    puts it in `public`, which a store's own schema need not have on its search path), and
    left out where pg_trgm is not installed (search then scans, as 0006 decided)."""
    from mercato_int.store.schema import LOGS_TRGM_INDEX

    copy = LOGS.to_metadata(sa.MetaData(), name=name)
    trgm = next((i for i in copy.indexes if i.name == LOGS_TRGM_INDEX), None)
    if trgm is not None:
        where = conn.execute(
            sa.text(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
        ).scalar()
        if where is None:
            copy.indexes.discard(trgm)
        else:
            trgm.dialect_options["postgresql"]["ops"] = {"message": f'"{where}".gin_trgm_ops'}
    return copy


def create_partitioned(conn: sa.Connection, name: str = PARENT, *, suffix: str = "") -> None:
    """Create the partitioned logs table `name` as store/schema.py defines LOGS (columns,
    keys, indexes, whatever revision added them), its default partition, and no month yet.
    `suffix` is appended to the index and constraint names (a table built beside the live one
    swaps them in later)."""
    copy = logs_copy(conn, name)
    for index in copy.indexes:
        index.name = quoted_name(f"{index.name}{suffix}", None)
    for constraint in copy.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and constraint.name:
            constraint.name = f"{constraint.name}{suffix}"
    conn.execute(CreateTable(copy))
    for index in sorted(copy.indexes, key=lambda i: str(i.name)):
        conn.execute(CreateIndex(index))
    _attach(conn, name, DEFAULT, "DEFAULT")


def _attach(conn: sa.Connection, parent: str, name: str, bounds: str, move: str = "") -> None:
    """Create partition `name` apart, with the indexes of store/schema.py named after it
    (`ix_logs_scope_created_2026_12`: readable plans), run `move` (rows into it), attach it."""
    conn.exec_driver_sql(f'CREATE TABLE "{name}" (LIKE "{parent}" INCLUDING DEFAULTS)')
    tag = name.removeprefix(f"{PARENT}_")
    copy = logs_copy(conn, name)
    for index in copy.indexes:
        index.name = quoted_name(f"{index.name}_{tag}", None)
        conn.execute(CreateIndex(index))
    if move:
        conn.exec_driver_sql(move)
    conn.exec_driver_sql(f'ALTER TABLE "{parent}" ATTACH PARTITION "{name}" {bounds}')


@contextmanager
def _step(conn: sa.Connection, commit: bool) -> Iterator[None]:
    """One transaction of its own (`commit`), or a savepoint in the caller's (a migration)."""
    if commit:
        if conn.in_transaction():
            conn.commit()
        with conn.begin():
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            yield
    else:
        with conn.begin_nested():
            yield


def ensure_months(
    conn: sa.Connection, months: Iterable[datetime], parent: str = PARENT, *, commit: bool = True
) -> list[str]:
    """Create the partitions of `months` that `parent` lacks; their names. Each is created
    apart and then attached (which takes a lock that lets reads and inserts go on), after any
    of its rows sitting in the default partition were moved into it. One transaction per
    month (`commit`), or all in the caller's."""
    have = {p.name for p in partitions(conn, parent)}
    created = []
    for month in sorted({month_of(m) for m in months}):
        name = name_of(month)
        if name in have:
            continue
        lo, hi = _ts(month), _ts(add_months(month, 1))
        move = ""
        if DEFAULT in have:  # rows of this month written before it had a partition: into it
            move = (
                f"WITH moved AS (DELETE FROM \"{DEFAULT}\" WHERE created_at >= '{lo}' "
                f"AND created_at < '{hi}' RETURNING *) INSERT INTO \"{name}\" SELECT * FROM moved"
            )
        with _step(conn, commit):
            _attach(conn, parent, name, f"FOR VALUES FROM ('{lo}') TO ('{hi}')", move)
        created.append(name)
    return created


def ensure_ahead(
    conn: sa.Connection, now: datetime, parent: str = PARENT, *, commit: bool = True
) -> list[str]:
    """The month before (late entries), the current one and AHEAD_MONTHS after it (see
    ensure_months)."""
    ahead = [add_months(month_of(now), n) for n in range(-1, AHEAD_MONTHS + 1)]
    return ensure_months(conn, ahead, parent, commit=commit)


def drop(conn: sa.Connection, partition: Partition) -> None:
    """Drop one month's partition, rows and all (its own transaction)."""
    with _step(conn, commit=True):
        conn.exec_driver_sql(f'DROP TABLE "{partition.name}"')
