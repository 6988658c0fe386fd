"""Text search through the FTS5 trigram table (SQLite) finds what the substring test finds
without it, on awkward input; totals are exact up to 10,000 and say so past it; migration
0006 indexes the entries a store already holds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mercato_int.scope import TenantScope
from mercato_int.services.logs.query import LogFilter, conditions, page_statement

SCOPE = TenantScope("default", "default")
MESSAGES = [
    'said "hello" twice',
    "it's done",
    "glob * star and a*b",
    "100% sure",
    "under_score and underXscore",
    "back\\slash",
    "Zażółć gęślą jaźń",
    "ZAŻÓŁĆ GĘŚLĄ JAŹŃ",
    "école ÉCOLE",
    "x AND y OR z NEAR(a b)",
    "emoji 🙂 ok",
    "tab\there",
    "Processed batch 4242: 12 imported, 0 failed",
    "Processed batch 42420: 7 imported, 0 failed",
    "PROCESSED BATCH 4243",
    "ab",
    "a long message " + "with many words " * 10 + "and an end",
]
SEARCHES = [
    '"hello"',
    '"',
    "'s",
    "*",
    "a*b",
    "100%",
    "%",
    "_",
    "under_score",
    "\\",
    "żółć",
    "ŻÓŁĆ",
    "école",
    "ÉCOLE",
    "AND",
    "NEAR(",
    "OR z",
    "🙂 ok",
    "\there",
    "batch 4242",
    "BATCH 424",
    "ab",
    "b",
    "with many words " * 5,
    "words with many words with many words with many words with many words and an end",
    "nowhere to be found",
]


@pytest.fixture
def stored(services):
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


def _ids(services, where) -> list[str]:
    stmt = page_statement(SCOPE, LogFilter(), limit=1000, where=where)
    with services.store.engine.connect() as conn:
        return [r.message for r in conn.execute(stmt)]


@pytest.mark.parametrize("text", SEARCHES)
def test_search_finds_what_the_substring_test_finds(stored, text: str) -> None:
    f = LogFilter(search=text)
    plain = _ids(stored, conditions(SCOPE, f))  # the substring test alone, as before
    indexed = _ids(stored, conditions(SCOPE, f, stored.store.dialect))
    assert indexed == plain
    assert [e.message for e in stored.logs.query(scope=SCOPE, filters=f, limit=1000).items] == (
        plain
    )


def test_the_search_is_a_substring_test_with_literal_wildcards(stored) -> None:
    def found(text: str) -> list[str]:
        page = stored.logs.query(scope=SCOPE, filters=LogFilter(search=text), limit=1000)
        return sorted(e.message for e in page.items)

    assert found("100%") == ["100% sure"]
    assert found("under_score") == ["under_score and underXscore"]
    assert found("a*b") == ["glob * star and a*b"]
    assert found("batch 4242") == [
        "Processed batch 42420: 7 imported, 0 failed",
        "Processed batch 4242: 12 imported, 0 failed",
    ]
    assert "PROCESSED BATCH 4243" in found("batch 424")  # any case (ASCII on SQLite)
    assert found('"hello"') == ['said "hello" twice']


def test_totals_are_exact_up_to_10000_and_say_so_past_it(cli, services) -> None:
    start = datetime.now(UTC) - timedelta(days=1)
    with services.logs.writer(batch_size=5000, flush_interval=None) as w:
        for k in range(10_001):
            w.write(
                integration_id="gateway_stripe",
                level="info",
                operation="op",
                message=f"entry {k}",
                scope=SCOPE,
                created_at=start + timedelta(seconds=k),
            )
    capped = cli("logs", "--json", "--limit", "10").json()
    assert (capped["total"], capped["totalExact"], capped["totalPages"]) == (10_000, False, 1000)
    exact = cli("logs", "--json", "--limit", "10", "--count").json()
    assert (exact["total"], exact["totalExact"], exact["totalPages"]) == (10_001, True, 1001)
    human = cli("logs", "--limit", "1")
    assert human.stdout.splitlines()[-1] == (
        "── Showing 1 of 10,000+ entries · tenant default · org default ──"
    )
    counted = cli("logs", "--limit", "1", "--count")
    assert counted.stdout.splitlines()[-1] == (
        "── Showing 1 of 10,001 entries · tenant default · org default ──"
    )
    fewer = cli("logs", "--json", "--limit", "1", "--search", "entry 999").json()
    assert (fewer["total"], fewer["totalExact"]) == (11, True)  # 999, 9990-9999


def test_migration_0006_indexes_the_entries_already_stored(db_url) -> None:
    from alembic import command

    from mercato_int.store.engine import create_store_engine
    from mercato_int.store.migrate import _config, upgrade

    before = "0005_api_tokens_state_version"
    engine = create_store_engine(db_url)
    try:
        if engine.dialect.name == "postgresql":  # the fixture migrated it: back to 0005
            with engine.begin() as conn:
                command.downgrade(_config(conn), before)
        else:
            upgrade(engine, before)
        with engine.begin() as conn:
            for k, message in enumerate(["Old entry about Stripe", "another one", "stripe!"]):
                conn.execute(
                    sa.text(
                        "INSERT INTO integration_logs (id, integration_id, level, operation, "
                        "message, organization_id, tenant_id, created_at) VALUES "
                        "(:id, 'gateway_stripe', 'info', 'op', :m, 'default', 'default', :at)"
                    ),
                    {"id": uuid.uuid4().hex, "m": message, "at": f"2026-01-0{k + 1} 00:00:00"},
                )
        upgrade(engine)
        with engine.connect() as conn:
            where = conditions(SCOPE, LogFilter(search="STRIPE"), engine.dialect.name)
            stmt = page_statement(SCOPE, LogFilter(), where=where)
            assert sorted(r.message for r in conn.execute(stmt)) == [
                "Old entry about Stripe",
                "stripe!",
            ]
            if engine.dialect.name == "sqlite":  # the FTS table itself holds them
                fts = "SELECT count(*) FROM integration_logs_fts WHERE integration_logs_fts MATCH"
                assert conn.exec_driver_sql(fts + " '\"tri\"'").scalar_one() == 2
            else:
                indexes = {i["name"] for i in sa.inspect(conn).get_indexes("integration_logs")}
                assert "ix_logs_message_trgm" in indexes
        with engine.begin() as conn:  # and back down, and up again
            command.downgrade(_config(conn), before)
        upgrade(engine)
    finally:
        engine.dispose()
