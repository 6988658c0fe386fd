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
import json
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
# --search on SQLite MATCHes at most RARE_TERMS of the text's trigrams, the rarest, each ranked
# by the messages holding it: counted up to RARITY_CAP, estimated past it. Trigrams up to
# RARE_SPREAD times as common as the rarest narrow the candidates for less than they cost;
# commoner ones only add a long doclist to the read.
RARE_TERMS = 3
RARITY_CAP = 1_000
RARE_SPREAD = 8
# A text whose rarest trigram is in more than this share of the messages is found sooner in
# the scope's newest entries than through the FTS table (which would list most of the store).
COMMON_SHARE = 0.2


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


def trigram_counts(conn: sa.Connection, grams: list[str]) -> tuple[dict[str, float], int]:
    """The messages holding each trigram (by its case-folded form, as the tokenizer folds
    case): counted up to RARITY_CAP (a short read of the start of its doclist); past it,
    estimated from where the RARITY_CAP-th of them is (the cap over the share of the store's
    entries, by seq, read to find it). `fts5vocab` is not used: its count reads a term's whole
    doclist, the cost to avoid. With the span of seq (the entries, or more after deletes)
    when an estimate needed it, else 0."""
    probe = sa.text(
        f"SELECT count(*), max(rowid) FROM (SELECT rowid FROM {LOGS_FTS} "
        f"WHERE {LOGS_FTS} MATCH :q LIMIT :cap)"
    )
    counts: dict[str, float] = {}
    span: tuple[int, int] | None = None
    for gram in grams:
        key = gram.casefold()
        if key in counts:
            continue
        found, last = conn.execute(probe, {"q": _quoted([gram]), "cap": RARITY_CAP}).one()
        if found < RARITY_CAP:
            counts[key] = found
            continue
        if span is None:  # (two separate aggregates: each one index end)
            seq = LOGS.c.seq
            first = sa.select(sa.func.min(seq)).scalar_subquery()
            span = conn.execute(
                sa.select(first, sa.select(sa.func.max(seq)).scalar_subquery())
            ).one()
        lo, hi = span
        counts[key] = found * (hi - lo + 1) / max(last - lo + 1, 1)
    return counts, (span[1] - span[0] + 1 if span else 0)


def rare_terms(conn: sa.Connection, text: str) -> list[str]:
    """The trigrams of `text` to MATCH: the rarest, and up to RARE_TERMS - 1 more that are
    at most RARE_SPREAD times as common (`trigram_counts`), rarest first, ties in text order.
    A trigram in every message ("bat" of "batch") costs a read of its whole doclist when
    ANDed and narrows nothing the rare ones have not. None at all (an empty list) when even
    the rarest is in more than COMMON_SHARE of the messages: the FTS table would list most
    of the store, where the scope's newest entries hold a page sooner."""
    grams = trigrams(text)
    if len(grams) <= 1:
        return grams
    counts, entries = trigram_counts(conn, grams)
    chosen: dict[str, str] = {}
    for gram in sorted(grams, key=lambda g: counts[g.casefold()]):  # stable: text order
        chosen.setdefault(gram.casefold(), gram)
    ranked = list(chosen.values())
    rarest = counts[ranked[0].casefold()]
    if rarest >= RARITY_CAP and rarest > COMMON_SHARE * entries:
        return []
    near = [g for g in ranked if counts[g.casefold()] <= RARE_SPREAD * max(rarest, 1)]
    return near[:RARE_TERMS]


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
    `search_terms`: the trigrams the FTS5 table is asked for (`rare_terms`); none (an empty
    list): the substring test alone; without them, up to 16 of the text's."""
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
        if sqlite and len(f.search) >= FTS_MIN_CHARS and search_terms != []:
            fts = LOGS_FTS_TABLE
            terms = fts_terms(f.search) if search_terms is None else _quoted(search_terms)
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
    page_where = where
    if with_total and terms:
        # the FTS candidates are what a search costs (their doclists, a row read each): the
        # matches are found once, for the total and the page both, while they are few
        found = conn.execute(sa.select(LOGS.c.seq).where(*where).limit(TOTAL_CAP + 1)).all()
        if len(found) <= TOTAL_CAP:
            total, page_where = len(found), [LOGS.c.seq.in_(_listed([r[0] for r in found]))]
        elif not exact_total:
            total, total_exact = TOTAL_CAP, False
    if with_total and total is None:
        cap = None if exact_total else TOTAL_CAP
        total = conn.execute(count_statement(scope, f, where, cap=cap)).scalar_one()
        if cap is not None and total > cap:
            total, total_exact = cap, False
    if (
        page_where is where
        and dialect == "sqlite"
        and f.operation
        and glob_range(f.operation) is not None
    ):
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


def _listed(seqs: list[int]) -> sa.Select[Any]:
    """The seqs as a one-column select (SQLite's json_each of one bound JSON array: one
    parameter however many)."""
    rows = sa.func.json_each(json.dumps(seqs)).table_valued("value")
    return sa.select(rows.c.value)


def explain(conn: sa.Connection, stmt: sa.Select[Any]) -> str:
    """The database's plan for `stmt` (EXPLAIN QUERY PLAN on SQLite, EXPLAIN elsewhere)."""
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
        return "\n".join(str(r[-1]) for r in rows)
    return "\n".join(str(r[0]) for r in conn.exec_driver_sql("EXPLAIN " + sql).all())
