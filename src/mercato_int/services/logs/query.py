"""Reading operation logs: filters, newest first, a total, offset paging and a keyset cursor
for deep pages, and the reads behind `logs -f` (by insertion order, `seq`). Every query is
scoped to one tenant and rides one of the composite indexes on integration_logs: a glob's
literal prefix is a range of the operation index, and `search` is narrowed by the FTS5
trigram table on SQLite (the pg_trgm index serves ILIKE itself on Postgres) before the
substring test. Totals are exact up to TOTAL_CAP; past it, only exact when asked.

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
from mercato_int.store.schema import LOGS, LOGS_FTS, LOGS_FTS_TABLE

MAX_LIMIT = 1000
# Offset paging past a billion entries is no use (that is what --cursor is for), and a bigger
# number overflows the databases' 64-bit OFFSET.
MAX_OFFSET = 1_000_000_000
# A total is counted exactly up to this many matches; past it the page says "10,000+" (a
# count of every match costs what the matches are, not what the page shows).
TOTAL_CAP = 10_000
# The FTS5 trigram index finds substrings of at least 3 characters; shorter ones scan.
FTS_MIN_CHARS = 3
# A glob matching more entries than this is paged from the newest entries, not the range.
COMMON_GLOB = 2_000
# --search on SQLite MATCHes this many of the text's trigrams, the rarest, each counted up to
# RARITY_CAP messages to rank them.
RARE_TERMS = 3
RARITY_CAP = 1_000


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


def glob_range(glob: str) -> tuple[str, str] | None:
    """The range of strings starting with the glob's literal prefix, in code point order
    ('sync.import.*' -> ['sync.import.', 'sync.import/')), or None when it starts with a
    wildcard."""
    prefix = glob[: min((glob.index(ch) for ch in "*?" if ch in glob), default=len(glob))]
    if not prefix:
        return None
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def trigrams(text: str) -> list[str]:
    """The distinct trigrams of `text`, in order."""
    return list(dict.fromkeys(text[i : i + 3] for i in range(len(text) - 2)))


def _quoted(grams: list[str]) -> str:
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


def fts_terms(text: str, most: int = 16) -> str:
    """An FTS5 query for the rows whose message holds every trigram of `text` (up to `most`
    of them, first and last included), each a quoted string (a quote inside doubled): with
    the trigram tokenizer, case folded, a superset of the rows holding `text` itself."""
    grams = [text[i : i + 3] for i in range(len(text) - 2)]
    if len(grams) > most:
        step = (len(grams) - 1) / (most - 1)
        grams = [grams[round(k * step)] for k in range(most)]
    return _quoted(list(dict.fromkeys(grams)))


def rare_terms(conn: sa.Connection, text: str) -> list[str]:
    """Up to RARE_TERMS trigrams of `text`, the ones in fewest messages, each counted only up
    to RARITY_CAP (a short read of the start of its doclist). A trigram in every message
    ("bat" of "batch") costs a read of its whole doclist when ANDed in a MATCH and narrows
    nothing the rare ones have not, so one that reaches the cap is left out, unless all do:
    then the first and the last."""
    grams = trigrams(text)
    if len(grams) <= 1:
        return grams
    count = sa.text(
        f"SELECT count(*) FROM (SELECT 1 FROM {LOGS_FTS} WHERE {LOGS_FTS} MATCH :q LIMIT :cap)"
    )
    seen: dict[str, int] = {}
    for gram in grams:
        key = gram.casefold()  # the tokenizer folds case: "ABC" and "abc" are one term
        if key not in seen:
            q = _quoted([gram])
            seen[key] = conn.execute(count, {"q": q, "cap": RARITY_CAP}).scalar_one()
    chosen: dict[str, str] = {}
    for gram in sorted(grams, key=lambda g: seen[g.casefold()]):  # stable: ties in text order
        if seen[gram.casefold()] < RARITY_CAP:
            chosen.setdefault(gram.casefold(), gram)
    if not chosen:
        return list(dict.fromkeys([grams[0], grams[-1]]))
    return list(chosen.values())[:RARE_TERMS]


def conditions(
    scope: TenantScope,
    f: LogFilter,
    dialect: str | None = None,
    *,
    prefix_range: bool = True,
    search_terms: list[str] | None = None,
) -> list[sa.ColumnElement[bool]]:
    """WHERE terms: the scope first (the leading columns of every index), then the filters.

    With `dialect` "sqlite": a glob's literal prefix also as a range (SQLite's LIKE is
    case-insensitive, so no index serves it) and the search narrowed by the FTS5 table; the
    LIKE terms stay, so what matches is what matched without them. Without `prefix_range`,
    no range (a glob many entries match: reading the newest entries finds a page soonest).
    `search_terms`: the trigrams the FTS5 table is asked for (`rare_terms`); without them,
    up to 16 of the text's."""
    sqlite = dialect == "sqlite"
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
            span = glob_range(f.operation) if sqlite and prefix_range else None
            if span is not None:  # Postgres derives the range from the LIKE itself
                where += [c.operation >= span[0], c.operation < span[1]]
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
        if sqlite and len(f.search) >= FTS_MIN_CHARS:
            fts = LOGS_FTS_TABLE
            terms = _quoted(search_terms) if search_terms else fts_terms(f.search)
            match = fts.c[LOGS_FTS_TABLE.name].op("MATCH")(terms)
            where.append(c.seq.in_(sa.select(fts.c.rowid).where(match).scalar_subquery()))
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
    scope: TenantScope,
    f: LogFilter,
    where: list[sa.ColumnElement[bool]] | None = None,
    *,
    cap: int | None = None,
) -> sa.Select[Any]:
    """count(*) of the matches; with `cap`, of at most cap + 1 of them (the count stops there:
    more than `cap` is all the caller learns)."""
    where = conditions(scope, f) if where is None else where
    if cap is None:
        return sa.select(sa.func.count()).select_from(LOGS).where(*where)
    some: sa.Select[Any] = (
        sa.select(sa.literal_column("1")).select_from(LOGS).where(*where).limit(cap + 1)
    )
    return sa.select(sa.func.count()).select_from(some.subquery())


def query(
    conn: sa.Connection,
    scope: TenantScope,
    f: LogFilter,
    *,
    limit: int = 50,
    offset: int = 0,
    cursor: str | None = None,
    with_total: bool = True,
    exact_total: bool = True,
) -> LogPage:
    """One page of entries, newest first, the total matching and the cursor of the next page.

    Without `exact_total` the total is exact up to TOTAL_CAP, and TOTAL_CAP with
    `total_exact` False past it."""
    dialect = conn.dialect.name
    terms = None
    if dialect == "sqlite" and f.search and len(f.search) >= FTS_MIN_CHARS:
        terms = rare_terms(conn, f.search)
    # built once for the page and its total
    where = conditions(scope, f, dialect, search_terms=terms)
    total, total_exact = None, True
    if with_total:
        cap = None if exact_total else TOTAL_CAP
        total = conn.execute(count_statement(scope, f, where, cap=cap)).scalar_one()
        if cap is not None and total > cap:
            total, total_exact = cap, False
    page_where = where
    if conn.dialect.name == "sqlite" and f.operation and glob_range(f.operation) is not None:
        # SQLite has no statistics of the range: past COMMON_GLOB matches, the newest
        # entries of the scope hold a page sooner than a sort of every match would
        if total is None:
            probe = count_statement(scope, f, where, cap=COMMON_GLOB)
            matches = conn.execute(probe).scalar_one()
        else:
            matches = total
        if matches > COMMON_GLOB:
            page_where = conditions(scope, f, dialect, prefix_range=False, search_terms=terms)
    page = page_statement(scope, f, limit=limit, offset=offset, cursor=cursor, where=page_where)
    items = [LogEntry.from_row(r) for r in conn.execute(page)]
    next_cursor = None
    if len(items) == limit:
        last = items[-1]
        next_cursor = encode_cursor(last.created_at, last.id)
    return LogPage(
        items,
        total,
        next_cursor,
        limit,
        offset,
        after_cursor=bool(cursor),
        total_exact=total_exact,
    )


def explain(conn: sa.Connection, stmt: sa.Select[Any]) -> str:
    """The database's plan for `stmt` (EXPLAIN QUERY PLAN on SQLite, EXPLAIN elsewhere)."""
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
        return "\n".join(str(r[-1]) for r in rows)
    return "\n".join(str(r[0]) for r in conn.exec_driver_sql("EXPLAIN " + sql).all())
