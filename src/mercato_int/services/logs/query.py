"""Reading operation logs: filters, newest first, a total, offset paging and a keyset cursor
for deep pages, and the reads behind `logs -f` (by insertion order, `seq`). Every query is
scoped to one tenant and rides one of the composite indexes on integration_logs.

Core on the logs table of `store/schema.py`, not the SQLModel ORM: the ORM costs ~130 ms to
import, more than a whole `logs` page."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from mercato_int.errors import Grouped, InvalidInput, msg
from mercato_int.scope import TenantScope
from mercato_int.services.logs.model import LEVELS, LogEntry, LogFilter, LogPage, unknown_level
from mercato_int.store.schema import LOGS

MAX_LIMIT = 1000
# Offset paging past a billion entries is no use (that is what --cursor is for), and a bigger
# number overflows the databases' 64-bit OFFSET.
MAX_OFFSET = 1_000_000_000


# --- cursor -------------------------------------------------------------------------------
def encode_cursor(created_at: datetime, entry_id: str) -> str:
    raw = f"{created_at.astimezone(UTC).isoformat()}|{entry_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, entry_id = raw.partition("|")
        when = datetime.fromisoformat(stamp)
        if when.tzinfo is None:
            raise ValueError
        return when, uuid.UUID(entry_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            msg("logs.bad_cursor", cursor=cursor), hint=msg("logs.bad_cursor_hint")
        ) from None


# --- conditions -----------------------------------------------------------------------------
def levels_from(min_level: str) -> list[str]:
    if min_level not in LEVELS:
        raise unknown_level(min_level)
    return list(LEVELS[LEVELS.index(min_level) :])


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def glob_to_like(glob: str) -> str:
    return escape_like(glob).replace("*", "%").replace("?", "_")


def conditions(scope: TenantScope, f: LogFilter) -> list[sa.ColumnElement[bool]]:
    """WHERE terms: the scope first (the leading columns of every index), then the filters."""
    c = LOGS.c
    where = [c.tenant_id == scope.tenant_id, c.organization_id == scope.organization_id]
    if f.integration_id:
        where.append(c.integration_id == f.integration_id)
    if f.integration_ids is not None:
        where.append(c.integration_id.in_(list(f.integration_ids)))
    if f.level:
        if f.level not in LEVELS:
            raise unknown_level(f.level)
        where.append(c.level == f.level)
    elif f.min_level and f.min_level != LEVELS[0]:
        where.append(c.level.in_(levels_from(f.min_level)))
    elif f.min_level:
        levels_from(f.min_level)
    if f.operation:
        if any(ch in f.operation for ch in "*?"):
            where.append(c.operation.like(glob_to_like(f.operation), escape="\\"))
        else:
            where.append(c.operation == f.operation)
    for column, value in (
        (c.correlation_id, f.correlation_id),
        (c.entity_type, f.entity_type),
        (c.entity_id, f.entity_id),
    ):
        if value:
            where.append(column == value)
    if f.since:
        where.append(c.created_at >= f.since)
    if f.until:
        where.append(c.created_at < f.until)
    if f.search:
        where.append(c.message.ilike("%" + escape_like(f.search) + "%", escape="\\"))
    return where


def page_statement(
    scope: TenantScope,
    f: LogFilter,
    *,
    limit: int = 50,
    offset: int = 0,
    cursor: str | None = None,
    where: list[sa.ColumnElement[bool]] | None = None,
) -> sa.Select[Any]:
    """Newest first; `cursor` continues after the last entry of a previous page. `where`:
    the conditions of (scope, f) when the caller has built them already."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(msg("logs.bad_limit", maximum=MAX_LIMIT, limit=limit))
    if not 0 <= offset <= MAX_OFFSET:
        hint = msg("logs.bad_offset_hint")
        maximum = Grouped(MAX_OFFSET)  # 1,000,000,000 / 1 000 000 000
        raise InvalidInput(msg("logs.bad_offset", maximum=maximum, offset=offset), hint=hint)
    where = list(conditions(scope, f) if where is None else where)
    if cursor:
        when, entry_id = decode_cursor(cursor)
        where.append(sa.tuple_(LOGS.c.created_at, LOGS.c.id) < sa.tuple_(when, entry_id))
    stmt = sa.select(LOGS).where(*where).order_by(LOGS.c.created_at.desc(), LOGS.c.id.desc())
    return stmt.limit(limit).offset(offset)


def count_statement(
    scope: TenantScope, f: LogFilter, where: list[sa.ColumnElement[bool]] | None = None
) -> sa.Select[Any]:
    where = conditions(scope, f) if where is None else where
    return sa.select(sa.func.count()).select_from(LOGS).where(*where)


def query(
    conn: sa.Connection,
    scope: TenantScope,
    f: LogFilter,
    *,
    limit: int = 50,
    offset: int = 0,
    cursor: str | None = None,
    with_total: bool = True,
) -> LogPage:
    """One page of entries, newest first, the total matching and the cursor of the next page."""
    where = conditions(scope, f)  # built once for the page and its total
    page = page_statement(scope, f, limit=limit, offset=offset, cursor=cursor, where=where)
    items = [LogEntry.from_row(r) for r in conn.execute(page)]
    total = conn.execute(count_statement(scope, f, where)).scalar_one() if with_total else None
    next_cursor = None
    if len(items) == limit:
        last = items[-1]
        next_cursor = encode_cursor(last.created_at, last.id)
    return LogPage(items, total, next_cursor, limit, offset, after_cursor=bool(cursor))


def explain(conn: sa.Connection, stmt: sa.Select[Any]) -> str:
    """The database's plan for `stmt` (EXPLAIN QUERY PLAN on SQLite, EXPLAIN elsewhere)."""
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
        return "\n".join(str(r[-1]) for r in rows)
    return "\n".join(str(r[0]) for r in conn.exec_driver_sql("EXPLAIN " + sql).all())
