"""--search on SQLite MATCHes only the rarest trigrams of the text (a trigram in every message
narrows nothing and costs a read of its whole doclist), and finds what the substring test
finds all the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mercato_int.scope import TenantScope
from mercato_int.services.logs import query as log_query
from mercato_int.services.logs.query import LogFilter, rare_terms

SCOPE = TenantScope("default", "default")
# "batch" in every message; "h q" in 3, " qz" and "qzv" in 3 + 5
MESSAGES = (
    [f"batch common {k}" for k in range(30)]
    + [f"batch qzv {k}" for k in range(3)]
    + [f"only qzv {k}" for k in range(5)]
)


@pytest.fixture
def stored(services, monkeypatch):
    monkeypatch.setattr(log_query, "RARITY_CAP", 20)  # "common": in 20 messages or more
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with services.logs.writer(flush_interval=None) as w:
        for k, message in enumerate(MESSAGES):
            w.write(
                integration_id="gateway_stripe",
                level="info",
                operation="op",
                message=message,
                scope=SCOPE,
                created_at=start + timedelta(minutes=k),
            )
    return services


def _terms(services, text: str) -> list[str]:
    with services.store.engine.connect() as conn:
        return rare_terms(conn, text)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the FTS5 table is SQLite's
def test_the_rarest_trigrams_are_matched_and_the_common_left_out(stored, monkeypatch) -> None:
    assert _terms(stored, "batch qzv") == ["h q", " qz", "qzv"]  # not bat, atc, tch, "ch "
    assert _terms(stored, "BATCH QZV") == ["H Q", " QZ", "QZV"]  # counted case-folded
    monkeypatch.setattr(log_query, "RARE_TERMS", 2)
    assert _terms(stored, "batch qzv") == ["h q", " qz"]  # " qz", "qzv": 8 each, text order
    assert _terms(stored, "qzv 1") == ["v 1", "qzv"]  # 2, then 8 and 8: the first in the text
    # in every message: no trigram at all (the substring test over the scope's newest
    # entries finds a page sooner than a list of every entry from the FTS table)
    assert _terms(stored, "batch") == []
    assert _terms(stored, "batch common") == []  # "com" is in 30 of the 38: past 20%


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_trigrams_more_common_than_the_spread_are_left_out(stored, monkeypatch) -> None:
    """ "h q" is in 3 messages, " qz" and "qzv" in 8: within 8x of the rarest, not 2x."""
    assert _terms(stored, "batch qzv") == ["h q", " qz", "qzv"]
    monkeypatch.setattr(log_query, "RARE_SPREAD", 2)
    assert _terms(stored, "batch qzv") == ["h q"]
    assert _terms(stored, "qzv") == ["qzv"]  # one trigram: itself, whatever its count


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_count_past_the_cap_is_estimated_from_where_the_cap_was_reached(stored) -> None:
    """Counted up to RARITY_CAP (20 here); past it, the cap over the share of the entries
    (by seq) read to reach it: "bat" reaches 20 at the 20th of 38 entries -> 38; "atc" is
    counted once with "BAT" (the tokenizer folds case); below the cap, exact."""
    with stored.store.engine.connect() as conn:
        counts, entries = log_query.trigram_counts(conn, ["bat", "BAT", "qzv", "h q", "xyz"])
    assert entries == len(MESSAGES)
    assert counts == {"bat": 38.0, "qzv": 8, "h q": 3, "xyz": 0}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_text_in_most_messages_is_tested_without_the_fts_table(stored) -> None:
    f = LogFilter(search="batch")
    with stored.store.engine.connect() as conn:
        terms = rare_terms(conn, f.search)
    where = log_query.conditions(SCOPE, f, "sqlite", search_terms=terms)
    sql = " ".join(str(c.compile(compile_kwargs={"literal_binds": True})) for c in where)
    assert "MATCH" not in sql and "LIKE" in sql.upper(), sql
    rare = log_query.conditions(SCOPE, LogFilter(search="qzv 1"), "sqlite", search_terms=["v 1"])
    assert "MATCH" in " ".join(str(c.compile()) for c in rare)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "text", ["batch qzv", "BATCH QZV 2", "qzv", "batch", "batch common", "zv 4", "nowhere"]
)
def test_the_rare_terms_find_what_the_substring_test_finds(stored, text: str) -> None:
    page = stored.logs.query(scope=SCOPE, filters=LogFilter(search=text), limit=1000)
    expected = [m for m in reversed(MESSAGES) if text.casefold() in m.casefold()]
    assert [e.message for e in page.items] == expected
    assert page.total == len(expected)
