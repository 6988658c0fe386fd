"""Many-row INSERTs bound by hand, for the bulk writes of fleet runs (a health run of 1,000
tenants writes 7,000 state rows and 3,000 events).

SQLAlchemy's executemany builds a dict of parameters per row and runs every column's bind
processor through its compiled statement: most of a bulk insert's CPU, under the GIL that the
run's check threads need too. Here each value goes through the same bind processor (the
column's type for the connection's dialect: what the typed insert would send, so the stored
shapes are the same), rows are tuples, and many rows go in one statement (`VALUES (…), (…)`):
on SQLite one step of the statement, with the GIL released for all of it, instead of one step
(and one release and re-acquire of the GIL) per row.

Ids: `new_uuids` makes version-4 UUIDs from one read of the system's random source per batch
(`uuid.uuid4` reads it once per id, a system call that gives up the GIL each time).
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection, Dialect

# SQLite allows 32,766 parameters a statement (999 before 3.32: see `max_parameters`),
# Postgres 65,535
MAX_PARAMETERS = 30_000
MAX_ROWS = 500  # rows a statement, at most


def max_parameters(sqlite: bool) -> int:
    """The most parameters a statement gets: `MAX_PARAMETERS`, or 999 on a SQLite older than
    3.32 (its limit then)."""
    if sqlite:
        import sqlite3

        if sqlite3.sqlite_version_info < (3, 32):
            return 999
    return MAX_PARAMETERS


def new_uuids(count: int) -> list[uuid.UUID]:
    """`count` random (version 4) UUIDs, from one read of the random source."""
    raw = os.urandom(16 * count)
    return [uuid.UUID(bytes=raw[i : i + 16], version=4) for i in range(0, 16 * count, 16)]


class UuidPool:
    """Random UUIDs handed out one at a time, made `batch` at a time (see `new_uuids`).
    Threads may share one."""

    def __init__(self, batch: int = 256) -> None:
        self.batch = max(1, batch)
        self._ids: list[uuid.UUID] = []

    def take(self) -> uuid.UUID:
        try:
            return self._ids.pop()  # atomic: two threads never get the same id
        except IndexError:
            fresh = self._ids = new_uuids(self.batch)
            return fresh.pop()


@functools.lru_cache(maxsize=256)
def values_sql(head: str, markers: str, rows: int) -> str:
    """`head` (`INSERT INTO t (a, b) VALUES `) with `rows` rows of one marker per character
    of `markers` (`"??"`: two `?` markers a row; `"ss"`: two `%s`)."""
    marker = "?" if markers[0] == "?" else "%s"
    one = f"({', '.join([marker] * len(markers))})"
    return head + ", ".join([one] * rows)


def insert_rows(conn: Connection, head: str, markers: str, rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows already converted for the driver (`values_sql`'s `head` and `markers`),
    up to `MAX_ROWS` a statement and under `MAX_PARAMETERS`."""
    step = max(1, min(MAX_ROWS, max_parameters(markers[0] == "?") // len(markers)))
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        flat = tuple(value for row in part for value in row)
        if len(flat) != len(markers) * len(part):
            raise ValueError(f"rows of {len(markers)} values expected")
        conn.exec_driver_sql(values_sql(head, markers, len(part)), flat)


def _same(value: Any) -> Any:
    return value


class BoundInsert:
    """`INSERT INTO table (columns) VALUES …` of many rows given as tuples (in the order of
    `columns`), each value converted by its column's bind processor for `dialect`, with an
    optional tail (`ON CONFLICT …`)."""

    def __init__(
        self, table: Table, columns: Sequence[str], dialect: Dialect, tail: str = ""
    ) -> None:
        self.columns = tuple(columns)
        self.dialect = dialect
        self._markers = ("?" if dialect.paramstyle == "qmark" else "s") * len(self.columns)
        self._head = f"INSERT INTO {table.name} ({', '.join(self.columns)}) VALUES "
        self._tail = f" {tail}" if tail else ""
        processors = []
        for name in self.columns:
            process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            processors.append(process)
        self._processed = [(i, p) for i, p in enumerate(processors) if p is not None]
        most = max_parameters(dialect.name == "sqlite")
        self.rows_per_statement = max(1, min(MAX_ROWS, most // len(self.columns)))
        self._sql: dict[int, str] = {}

    def sql(self, rows: int) -> str:
        """The statement for `rows` rows (made once per count)."""
        found = self._sql.get(rows)
        if found is None:
            found = self._sql[rows] = values_sql(self._head, self._markers, rows) + self._tail
        return found

    def bind(self, rows: Iterable[Sequence[Any]]) -> list[Any]:
        """The rows' values, converted and flattened in order."""
        processed = self._processed
        flat: list[Any] = []
        for row in rows:
            values = list(row)
            for i, process in processed:
                values[i] = process(values[i])
            flat.extend(values)
        return flat

    def execute(self, conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
        """Insert `rows` on `conn` (inside its transaction), a statement per
        `rows_per_statement` rows."""
        step = self.rows_per_statement
        width = len(self.columns)
        for start in range(0, len(rows), step):
            part = rows[start : start + step]
            flat = self.bind(part)
            if len(flat) != width * len(part):
                raise ValueError(f"rows of {width} values expected")
            conn.exec_driver_sql(self.sql(len(part)), tuple(flat))


def processor(table: Table, column: str, dialect: Dialect) -> Callable[[Any], Any]:
    """The bind processor of one column for `dialect` (identity when it has none)."""
    process = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else _same
