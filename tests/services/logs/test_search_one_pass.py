"""--search through the FTS5 table (SQLite) finds its matches once, for the total and the
page both, while they are at most TOTAL_CAP; past the cap the page is read as before. Pages,
offsets, cursors and totals are what the substring test alone gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mercato_int.scope import TenantScope
from mercato_int.services.logs import query as log_query
from mercato_int.services.logs.query import LogFilter

SCOPE = TenantScope("default", "default")
OTHER = TenantScope("default", "other")
START = datetime(2026, 1, 1, tzinfo=UTC)
# "qzv" in 9 of ours (and 4 of another tenant's), some sharing a timestamp (ties broken by
# id); "common" in every message
MESSAGES = [f"common {'qzv ' if k % 3 == 0 else ''}{k}" for k in range(27)]


@pytest.fixture
def stored(services, monkeypatch):
    monkeypatch.setattr(log_query, "TOTAL_CAP", 5)
    monkeypatch.setattr(log_query, "RARITY_CAP", 1000)  # every trigram counted exactly
    with services.logs.writer(flush_interval=None) as w:
        for k, message in enumerate(MESSAGES):
            for scope in (SCOPE, OTHER) if k < 12 else (SCOPE,):
                w.write(
                    integration_id="gateway_stripe",
                    level="info",
                    operation="op",
                    message=message,
                    scope=scope,
                    created_at=START + timedelta(minutes=k // 2),
                )
    return services


def _candidate_reads(services, run) -> int:
    """The statements `run` executes that read log rows through the FTS table (the rarity
    probes read the FTS table alone)."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if "MATCH" in statement and "FROM integration_logs " in statement + " ":
            seen.append(statement)

    engine = services.store.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        run()
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return len(seen)


def _plain(services, limit: int, offset: int = 0, cursor: str | None = None):
    """The same page by the substring test alone (no FTS), with its exact total."""
    f = LogFilter(search="qzv")
    where = log_query.conditions(SCOPE, f)  # no dialect: no FTS
    with services.store.engine.connect() as conn:
        stmt = log_query.page_statement(
            SCOPE, f, limit=limit, offset=offset, cursor=cursor, where=where
        )
        total = conn.execute(log_query.count_statement(SCOPE, f, where)).scalar_one()
        return [str(r.id) for r in conn.execute(stmt)], total


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the FTS5 table is SQLite's
def test_few_matches_are_found_once_for_the_total_and_the_page(stored, monkeypatch) -> None:
    monkeypatch.setattr(log_query, "TOTAL_CAP", 100)
    f = LogFilter(search="QZV")
    pages = []

    def run() -> None:
        pages.append(stored.logs.query(scope=SCOPE, filters=f, limit=4, exact_total=False))
        pages.append(stored.logs.query(scope=SCOPE, filters=f, limit=4, offset=4))
        cursor = pages[0].next_cursor
        pages.append(stored.logs.query(scope=SCOPE, filters=f, limit=4, cursor=cursor))

    assert _candidate_reads(stored, run) == 3  # one a query, not one for each of its parts
    first, second, after = pages
    expected, total = _plain(stored, limit=1000)
    assert total == 9
    assert [e.id for e in first.items] == expected[:4]
    assert [e.id for e in second.items] == [e.id for e in after.items] == expected[4:8]
    assert all((p.total, p.total_exact) == (9, True) for p in pages)
    assert [e.message for e in first.items] == [
        "common qzv 24",
        "common qzv 21",
        *[f"common qzv {k}" for k in (18, 15)],
    ]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("exact", [False, True])
def test_more_matches_than_the_cap_are_paged_as_before(stored, exact: bool) -> None:
    """9 matches, TOTAL_CAP 5: capped (5, not exact), or counted (9) with --count."""
    f = LogFilter(search="qzv")
    pages = []

    def run() -> None:
        pages.append(stored.logs.query(scope=SCOPE, filters=f, limit=3, exact_total=exact))
        pages.append(
            stored.logs.query(
                scope=SCOPE, filters=f, limit=3, cursor=pages[0].next_cursor, exact_total=exact
            )
        )

    reads = _candidate_reads(stored, run)
    assert reads == (6 if exact else 4)  # the cap's probe, (the exact count,) the page
    expected, total = _plain(stored, limit=1000)
    assert total == 9
    assert [e.id for p in pages for e in p.items] == expected[:6]
    want = (9, True) if exact else (5, False)
    assert all((p.total, p.total_exact) == want for p in pages)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_no_match_is_an_empty_page(stored) -> None:
    page = stored.logs.query(scope=SCOPE, filters=LogFilter(search="qzv 7"), limit=3)
    assert (page.items, page.total, page.total_exact, page.next_cursor) == ([], 0, True, None)
    other = stored.logs.query(scope=OTHER, filters=LogFilter(search="qzv"), limit=10)
    assert [e.message for e in other.items] == [f"common qzv {k}" for k in (9, 6, 3, 0)]
