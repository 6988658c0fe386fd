"""Log queries ride the composite indexes (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on Postgres):
no table scan, and pages come out of the index in order (no sort) so they stop after LIMIT."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from mercato_int.scope import TenantScope
from mercato_int.services.follow import fresh_statement
from mercato_int.services.logs.query import (
    LogFilter,
    conditions,
    count_statement,
    encode_cursor,
    explain,
    page_statement,
)
from mercato_int.store.schema import LOGS

from ...conftest import fill_logs, pick, seq_scans

SCOPE = TenantScope("default", "t1")
IDS = ["gateway_stripe", "carrier_dhl", "sync_medusa_products", "sync_medusa_orders"]
CURSOR = encode_cursor(datetime(2026, 1, 15, tzinfo=UTC), "1361efb6-bd02-495e-b3dd-07e9b9d973c5")

CASES = {
    "page": (
        page_statement(SCOPE, LogFilter(integration_id="gateway_stripe")),
        "integration_created",
    ),
    "page by cursor": (
        page_statement(SCOPE, LogFilter(integration_id="gateway_stripe"), cursor=CURSOR),
        "integration_created",
    ),
    "level page": (
        page_statement(SCOPE, LogFilter(integration_id="gateway_stripe", level="error")),
        "integration_level_created",
    ),
    "level page by cursor": (
        page_statement(
            SCOPE, LogFilter(integration_id="gateway_stripe", level="error"), cursor=CURSOR
        ),
        "integration_level_created",
    ),
    "level total": (
        count_statement(SCOPE, LogFilter(integration_id="gateway_stripe", level="error")),
        "integration_level_created",
    ),
    "tenant page": (page_statement(SCOPE, LogFilter()), "created"),
    "tenant page by cursor": (page_statement(SCOPE, LogFilter(), cursor=CURSOR), "created"),
}


@pytest.fixture(scope="module")
def filled(module_services):
    """20,000 entries in one INSERT … SELECT (the plans are the point here, not the writer),
    made once per engine for the module: the tests only read plans."""
    fill_logs(
        module_services.store.engine,
        20_000,
        "2026-01-01 00:00:00",
        30,
        integration_id=pick(IDS, "k % 4"),
        level=pick(["info"] * 7 + ["debug", "warning", "error"], "k % 10"),
        operation="'sync.import.batch'",
        message="'entry ' || k",
        organization_id="'default'",
        tenant_id="'t' || (k % 5)",
        details_k="",
    )
    return module_services


@pytest.mark.parametrize("case", list(CASES))
def test_query_uses_the_composite_index(filled, case: str) -> None:
    stmt, index = CASES[case]
    with filled.store.engine.connect() as conn:
        plan = explain(conn, stmt)
    # Postgres: the index of each month's partition is named after it (`…_2026_12`)
    month = r"(_\d{4}_\d{2}|_default)?"
    assert re.search(rf"\bix_logs_scope_{index}{month}\b", plan), plan
    if conn.dialect.name == "sqlite":
        assert "SCAN integration_logs" not in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        assert not seq_scans(plan), plan
        # no Sort node (a Merge Append of the months, index-ordered, names its "Sort Key")
        assert not re.search(r"\bSort\s+\(cost", plan), plan


@pytest.mark.parametrize(
    "f",
    [LogFilter(), LogFilter(integration_id="gateway_stripe", level="error")],
    ids=["scope", "integration and level"],
)
def test_following_reads_only_the_new_rows_by_seq(filled, f: LogFilter) -> None:
    """`logs -f` reads a range of the primary key, whatever the filters: a scope index would
    walk every entry of the tenant at each poll."""
    stmt = fresh_statement(LOGS, conditions(SCOPE, f), 19_990, 20_000)
    with filled.store.engine.connect() as conn:
        plan = explain(conn, stmt)
    if conn.dialect.name == "sqlite":
        assert "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)" in plan, plan
    else:
        # the primary key of the table, or of each month's partition
        assert re.search(r"\bintegration_logs(_\d{4}_\d{2}|_default)?_pkey\b", plan), plan
        assert not seq_scans(plan), plan
