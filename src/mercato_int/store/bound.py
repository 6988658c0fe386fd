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


def rows_per_statement(width: int, sqlite: bool) -> int:
    """How many rows of `width` values one statement takes: `MAX_ROWS` at most, and under the
    store's parameter limit (`max_parameters`)."""
    return max(1, min(MAX_ROWS, max_parameters(sqlite) // width))


@functools.lru_cache(maxsize=256)
def values_sql(head: str, markers: str, rows: int, tail: str = "") -> str:
    """`head` (`INSERT INTO t (a, b) VALUES `) with `rows` rows of one marker per character
    of `markers` (`"??"`: two `?` markers a row; `"ss"`: two `%s`), then `tail`."""
    marker = "?" if markers[0] == "?" else "%s"
    one = f"({', '.join([marker] * len(markers))})"
    return head + ", ".join([one] * rows) + tail


def insert_rows(
    conn: Connection, head: str, markers: str, rows: Sequence[Sequence[Any]], tail: str = ""
) -> None:
    """Insert rows already converted for the driver (`values_sql`'s `head`, `markers` and
    `tail`), `rows_per_statement` a statement."""
    step = rows_per_statement(len(markers), markers[0] == "?")
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        flat = tuple(value for row in part for value in row)
        if len(flat) != len(markers) * len(part):
            raise ValueError(f"rows of {len(markers)} values expected")
        conn.exec_driver_sql(values_sql(head, markers, len(part), tail), flat)


def _same(value: Any) -> Any:
    return value


def processor(table: Table, column: str, dialect: Dialect) -> Callable[[Any], Any]:
    """The bind processor of one column for `dialect` (identity when it has none)."""
    process = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else _same


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
        self._processed = [
            (i, process)
            for i, name in enumerate(self.columns)
            if (process := processor(table, name, dialect)) is not _same
        ]
        self.rows_per_statement = rows_per_statement(len(self.columns), self._markers[0] == "?")

    def _convert(self, row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for i, process in self._processed:
            values[i] = process(values[i])
        return values

    def execute(self, conn: Connection, rows: Iterable[Sequence[Any]]) -> None:
        """Insert `rows` on `conn` (inside its transaction), a statement per
        `rows_per_statement` rows."""
        converted = [self._convert(row) for row in rows]
        insert_rows(conn, self._head, self._markers, converted, self._tail)
