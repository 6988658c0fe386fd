"""The filters that had no index now ride one (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on
Postgres after ANALYZE): correlation, entity id, an operation glob's literal prefix, text
search (the FTS5 trigram table on SQLite, the pg_trgm index on Postgres), and the tenant-wide
level page; a capped total stops counting at TOTAL_CAP + 1."""

from __future__ import annotations

import re

import pytest

from mercato_int.scope import TenantScope
from mercato_int.services.logs.query import (
    TOTAL_CAP,
    LogFilter,
    conditions,
    count_statement,
    explain,
    page_statement,
)

from ...conftest import fill_logs, pick, seq_scans

SCOPE = TenantScope("default", "t1")
IDS = ["gateway_stripe", "carrier_dhl", "sync_medusa_products", "sync_medusa_orders"]
OPERATIONS = ["sync.import.batch", "webhook.received", "health.check", "sync.export.batch"]

# filter -> the index it must ride (SQLite; Postgres below)
CASES = {
    "correlation": (LogFilter(correlation_id="run_7"), "ix_logs_scope_correlation"),
    "entity": (LogFilter(entity_id="prod_77"), "ix_logs_scope_entity"),
    "operation glob": (LogFilter(operation="sync.import.*"), "ix_logs_scope_operation"),
    "operation exact": (LogFilter(operation="sync.import.batch"), "ix_logs_scope_operation"),
    "tenant level": (LogFilter(level="error"), "ix_logs_scope_level_created"),
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
        # rare enough in the tenant for an index to beat a walk of the newest entries
        operation=f"CASE WHEN k % 50 = 0 THEN {pick(OPERATIONS, 'k % 4')} "
        "ELSE 'sync.other.item' END",
        message="'entry ' || k || ' of the batch'",
        organization_id="'default'",
        tenant_id="'t' || (k % 5)",
        correlation_id="'run_' || (k / 100)",
        entity_type="'catalog.product'",
        entity_id="'prod_' || k",
    )
    return module_services


def _plan(services, stmt) -> str:
    with services.store.engine.connect() as conn:
        return explain(conn, stmt)


@pytest.mark.parametrize("case", list(CASES))
def test_the_filter_rides_its_index(filled, case: str) -> None:
    f, index = CASES[case]
    dialect = filled.store.dialect
    where = conditions(SCOPE, f, dialect)
    for stmt in (
        page_statement(SCOPE, f, where=where),
        count_statement(SCOPE, f, where, cap=TOTAL_CAP),
    ):
        plan = _plan(filled, stmt)
        if dialect == "sqlite":
            assert re.search(rf"\b{index}\b", plan), plan
            assert "SCAN integration_logs" not in plan, plan
        else:
            assert not seq_scans(plan), plan
            assert re.search(r"\bix_logs_scope_\w+", plan), plan


def test_search_rides_the_text_index(filled) -> None:
    f = LogFilter(search="ENTRY 1234 OF")
    dialect = filled.store.dialect
    where = conditions(SCOPE, f, dialect)
    for stmt in (page_statement(SCOPE, f, where=where), count_statement(SCOPE, f, where)):
        if dialect == "sqlite":
            plan = _plan(filled, stmt)
            assert "integration_logs_fts VIRTUAL TABLE INDEX" in plan, plan
            assert "USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
            assert "SCAN integration_logs " not in plan + " ", plan
            continue
        # 4,000 entries a tenant: the planner rightly reads them by the scope's index; with
        # the scope's indexes out of the way (dropped in a transaction rolled back) and no
        # scan preferred, the search rides the trigram index
        with filled.store.engine.connect() as conn, conn.begin() as tx:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # 20,000 rows: cheap to scan
            for name in ("created", "integration_created", "integration_level_created"):
                conn.exec_driver_sql(f"DROP INDEX ix_logs_scope_{name}")
            for name in ("level_created", "correlation", "entity", "operation"):
                conn.exec_driver_sql(f"DROP INDEX ix_logs_scope_{name}")
            plan = explain(conn, stmt)
            tx.rollback()
        assert "ix_logs_message_trgm" in plan, plan
        assert not seq_scans(plan), plan


def test_a_glob_prefix_is_a_range_on_sqlite() -> None:
    sql = " ".join(
        str(c.compile(compile_kwargs={"literal_binds": True}))
        for c in conditions(SCOPE, LogFilter(operation="sync.import.*"), "sqlite")
    )
    assert "operation >= 'sync.import.'" in sql and "operation < 'sync.import/'" in sql, sql
    # no literal prefix: no range
    sql = " ".join(
        str(c.compile(compile_kwargs={"literal_binds": True}))
        for c in conditions(SCOPE, LogFilter(operation="*.import"), "sqlite")
    )
    assert ">=" not in sql, sql


def test_the_capped_count_stops_after_the_cap(filled) -> None:
    """The count reads at most TOTAL_CAP + 1 entries (a LIMIT inside), whatever matches."""
    stmt = count_statement(SCOPE, LogFilter(), cap=TOTAL_CAP)
    compiled = str(stmt.compile(compile_kwargs={"literal_binds": True}))
    assert f"LIMIT {TOTAL_CAP + 1}" in compiled, compiled
    with filled.store.engine.connect() as conn:
        assert conn.execute(count_statement(SCOPE, LogFilter(), cap=10)).scalar_one() == 11
        assert conn.execute(count_statement(SCOPE, LogFilter())).scalar_one() == 4000
