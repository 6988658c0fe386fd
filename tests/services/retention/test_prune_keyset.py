"""The prune walks each tenant by (created_at, id) after the last entry it reached: exactly the
expired entries go, whatever the batch size and however many share a timestamp; an entry
written back-dated after a run is deleted by the next; on Postgres a tenant another prune
holds (advisory lock) is skipped and said so."""

from __future__ import annotations

import pytest

from mercato_int.scope import TenantScope
from mercato_int.services.retention import walks as prune_module
from mercato_int.services.retention.prune import tenant_lock
from mercato_int.store.engine import Store, create_store_engine

from .conftest import left, write

A = TenantScope("default", "a")
B = TenantScope("default", "b")


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 7, so every level takes many, with timestamps shared across batch edges."""
    monkeypatch.setattr(prune_module, "MIN_BATCH", 7)
    monkeypatch.setattr(prune_module, "MAX_BATCH", 7)
    monkeypatch.setattr(prune_module, "PG_BATCH_FACTOR", 1)  # Postgres walks in 7s as well
    monkeypatch.setattr(prune_module, "PAUSE_SECONDS", 0)


def test_keyset_batches_delete_exactly_the_expired_entries(services, small_batches) -> None:
    rows = []
    for level in ("debug", "info", "warning", "error"):
        # 40 entries at each age: 95 d past every cutoff, 31 d and 89 d past all but the
        # errors' (90 d), 29 d inside every one
        for days in (95, 31, 29, 89):
            rows += [(level, days)] * 40
    write(services, A, rows)
    write(services, B, [("info", 31)] * 3)
    expected = sorted(
        f"{level} {days} {k}"
        for k, (level, days) in enumerate(rows)
        if days < 30 or (level == "error" and days < 90)
    )
    report = services.retention.prune(scopes=[A])
    assert report.tenants[0].by_level == {"debug": 120, "info": 120, "warning": 120, "error": 40}
    assert left(services, A) == expected
    assert len(left(services, B)) == 3  # another tenant: untouched

    # written after the run, dated before its cutoff: the next run deletes it
    write(services, A, [("info", 45), ("error", 120)])
    again = services.retention.prune(scopes=[A])
    assert again.tenants[0].by_level == {"info": 1, "error": 1}
    assert left(services, A) == expected


def test_a_tenant_another_prune_holds_is_skipped_and_said_so(services, cli) -> None:
    write(services, A, [("info", 40)] * 5)
    write(services, B, [("info", 40)] * 5)
    url = services.store.engine.url.render_as_string(hide_password=False)
    other = Store(create_store_engine(url))  # another host's prune: its own session
    try:
        with tenant_lock(other, A) as held:
            assert held
            with tenant_lock(services.store, A) as second:
                # Postgres: taken by the other session; SQLite has one writer anyway
                assert second is (services.store.dialect != "postgresql")
            run = cli("prune", "--all-tenants", "--json")
    finally:
        other.engine.dispose()
    doc = run.json()
    assert run.exit_code == 0, run.stderr
    by_tenant = {t["tenantId"]: t for t in doc["tenants"]}
    if services.store.dialect == "postgresql":
        assert (by_tenant["a"]["skipped"], by_tenant["a"]["total"]) == (True, 0)
        assert doc["skipped"] == [{"organizationId": "default", "tenantId": "a"}]
        assert "skipped tenant a · org default: another prune is working on it" in run.stderr
        assert len(left(services, A)) == 5
    else:
        assert (by_tenant["a"]["skipped"], by_tenant["a"]["total"]) == (False, 5)
        assert doc["skipped"] == []
    assert (by_tenant["b"]["skipped"], by_tenant["b"]["total"]) == (False, 5)
    # the lock was let go: the next run takes the tenant
    assert services.retention.prune(scopes=[A]).tenants[0].skipped is False
    assert left(services, A) == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # Postgres: autovacuum analyzes
def test_sqlite_has_planner_statistics_after_a_prune(services) -> None:
    write(services, A, [("info", 1)] * 3)  # a small writer: no ANALYZE of its own
    with services.store.engine.begin() as conn:  # no statistics, as a store written by the API
        conn.exec_driver_sql("DELETE FROM sqlite_stat1")
    services.retention.prune(scopes=[A])  # nothing to delete: still analyzed
    with services.store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'integration_logs'"
        ).scalar_one()
    assert rows == 8  # one an index of the logs table (7 and the unique id)
