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
# "batch" in every message; " qz" and "h q" in 3, "qzv" in 3 + 5
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
    assert _terms(stored, "batch qzv") == ["h q", " qz"]  # "qzv" is in 8: left out
    assert _terms(stored, "qzv 1") == ["v 1", "qzv"]  # 2, then 8 and 8: the first in the text
    # all common: the first and the last trigram, as the text narrows nothing better
    assert _terms(stored, "batch") == ["bat", "tch"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("text", ["batch qzv", "BATCH QZV 2", "qzv", "batch", "zv 4", "nowhere"])
def test_the_rare_terms_find_what_the_substring_test_finds(stored, text: str) -> None:
    page = stored.logs.query(scope=SCOPE, filters=LogFilter(search=text), limit=1000)
    expected = [m for m in reversed(MESSAGES) if text.casefold() in m.casefold()]
    assert [e.message for e in page.items] == expected
    assert page.total == len(expected)
