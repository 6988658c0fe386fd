"""Retention: per-tenant policy from settings, dry run, bounded batches, idempotence, a
one-off --older-than, and the SQLite file kept in check."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mercato_int.errors import InvalidInput, NotFound
from mercato_int.scope import TenantScope

from .conftest import left

A = TenantScope("default", "a")
B = TenantScope("default", "b")


def fill(services, scope: TenantScope, ages_days: dict[str, list[int]]) -> None:
    now = services.clock()
    with services.logs.writer(batch_size=500, flush_interval=None) as w:
        for level, ages in ages_days.items():
            for age in ages:
                w.write(
                    integration_id="gateway_stripe",
                    level=level,
                    operation="op",
                    message=f"{level} {age}d",
                    scope=scope,
                    created_at=now - timedelta(days=age, minutes=1),
                )


def test_settings_defaults_validation_and_upsert(services) -> None:
    ts = services.tenant_settings
    assert [(v.key, v.value, v.is_default) for v in ts.list(scope=A)] == [
        ("log.error_retention_days", 90, True),
        ("log.retention_days", 30, True),
    ]
    ts.set(scope=A, key="log.retention_days", value="7", actor="ops")
    stored = ts.set(scope=A, key="log.retention_days", value=14, actor="ops2")
    assert (stored.value, stored.is_default, stored.updated_by) == (14, False, "ops2")
    assert ts.value(scope=B, key="log.retention_days") == 30
    for bad in ("0", "-3", "1.5", "ten", "3651", True):
        with pytest.raises(InvalidInput):
            ts.set(scope=A, key="log.retention_days", value=bad, actor="ops")
    with pytest.raises(NotFound, match=r"no setting 'log\.nope'"):
        ts.get(scope=A, key="log.nope")


def test_prune_applies_each_tenants_policy(services) -> None:
    fill(services, A, {"info": [1, 10, 31], "debug": [40], "error": [31, 91]})
    fill(services, B, {"info": [1, 10, 31], "error": [31, 91]})
    services.tenant_settings.set(scope=B, key="log.retention_days", value=5, actor="ops")
    services.tenant_settings.set(scope=B, key="log.error_retention_days", value=20, actor="ops")

    dry = services.retention.prune(scopes=[A, B], dry_run=True)
    assert [(t.scope.tenant_id, t.by_level) for t in dry.tenants] == [
        ("a", {"info": 1, "debug": 1, "error": 1}),
        ("b", {"info": 2, "error": 2}),
    ]
    assert len(left(services, A)) == 6  # a dry run deletes nothing

    report = services.retention.prune(scopes=services.retention.all_scopes())
    assert not report.failed
    assert report.total == 7
    assert left(services, A) == ["error 31d", "info 10d", "info 1d"]
    assert left(services, B) == ["info 1d"]
    again = services.retention.prune(scopes=[A, B])
    assert again.total == 0 and not again.failed  # idempotent


def test_policies_read_at_once_keep_scopes_apart_and_ignore_bad_values(services) -> None:
    """The prune reads every tenant's policy in one query: a value stored for the same tenant
    id in another organization is not this tenant's, and a stored value that is not valid
    (written around the service) leaves the default in force, as `settings list` shows."""
    import uuid

    from mercato_int.store.schema import SETTINGS

    other_org = TenantScope("other", "a")
    fill(services, A, {"info": [10, 31], "error": [31, 91]})
    fill(services, other_org, {"info": [10, 31]})
    fill(services, B, {"info": [10, 31]})
    services.tenant_settings.set(scope=other_org, key="log.retention_days", value=5, actor="o")
    with services.store.engine.begin() as conn:
        conn.execute(
            SETTINGS.insert().values(
                id=uuid.uuid4(),
                key="log.retention_days",
                value="ten",
                organization_id=B.organization_id,
                tenant_id=B.tenant_id,
                updated_at=services.clock(),
            )
        )
    assert services.tenant_settings.value(scope=B, key="log.retention_days") == 30
    report = services.retention.prune(scopes=[A, other_org, B])
    assert [(t.retention_days, t.error_retention_days, t.by_level) for t in report.tenants] == [
        (30, 90, {"info": 1, "error": 1}),
        (5, 90, {"info": 2}),
        (30, 90, {"info": 1}),
    ]
    assert left(services, A) == ["error 31d", "info 10d"]
    assert left(services, B) == ["info 10d"]


def test_older_than_is_one_age_for_every_level(services) -> None:
    fill(services, A, {"info": [1, 3], "error": [3, 100]})
    report = services.retention.prune(scopes=[A], older_than=timedelta(days=2))
    assert report.tenants[0].by_level == {"info": 1, "error": 2}
    assert left(services, A) == ["info 1d"]


def test_prune_works_in_bounded_batches(services, monkeypatch) -> None:
    from mercato_int.services.retention import walks as retention

    monkeypatch.setattr(retention, "MIN_BATCH", 50)
    monkeypatch.setattr(retention, "MAX_BATCH", 50)
    monkeypatch.setattr(retention, "PG_BATCH_FACTOR", 1)
    pauses: list[float] = []
    services.retention.sleep = pauses.append
    fill(services, A, {"info": [40] * 230, "warning": [1]})
    batches: list[int] = []
    report = services.retention.prune(scopes=[A], on_progress=batches.append)
    assert report.total == 230
    # 230 rows, at most 50 a batch (Postgres: twice that, when the planner's estimate the
    # window was sized by is wrong, as it is here: the table was never analyzed)
    most = 50 if services.store.dialect == "sqlite" else 100
    assert max(batches) <= most and len(batches) >= 3
    if services.store.dialect == "sqlite":  # a pause between batches lets writers in
        assert len(pauses) >= 4
    else:  # a Postgres delete blocks no writer: no pause
        assert pauses == []
    assert left(services, A) == ["warning 1d"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # SQLite file housekeeping
def test_sqlite_prune_reclaims_space_and_checkpoints(services) -> None:
    assert services.store.dialect == "sqlite"
    fill(services, A, {"info": [40] * 3000})
    report = services.retention.prune(scopes=[A])
    assert report.reclaim["checkpoint"] is True
    assert report.reclaim["vacuum"] == "incremental"  # new stores have incremental vacuum
    assert report.reclaim["pagesAfter"] < report.reclaim["pagesBefore"]
    with services.store.engine.connect() as conn:
        free = conn.exec_driver_sql("PRAGMA freelist_count").scalar()
    assert free == 0


def test_old_sqlite_store_without_incremental_vacuum_is_vacuumed_once(tmp_path) -> None:
    import sqlite3

    from mercato_int.services import Services
    from mercato_int.settings import Settings

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # a store made before incremental vacuum
        conn.execute("PRAGMA auto_vacuum=NONE")
        conn.execute("CREATE TABLE keep_mode (x)")
    services = Services(Settings.load(database_url=f"sqlite:///{path}"))
    try:
        fill(services, A, {"info": [40] * 3000, "error": [1] * 200})
        report = services.retention.prune(scopes=[A])
        assert report.reclaim["vacuum"] == "full"
        assert report.reclaim["pagesAfter"] < report.reclaim["pagesBefore"] / 2
        with services.store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA auto_vacuum").scalar() == 2  # incremental now
        assert len(left(services, A)) == 200
    finally:
        services.close()


def test_two_prunes_at_once_do_no_harm(services, db_url: str) -> None:
    import threading

    from mercato_int.services import Services
    from mercato_int.settings import Settings

    fill(services, A, {"info": [40] * 3000, "error": [100] * 500, "warning": [1] * 10})
    others = [Services(Settings.load(database_url=db_url)) for _ in range(2)]
    reports: list = []

    def run(svc) -> None:
        reports.append(svc.retention.prune(scopes=[A]))

    threads = [threading.Thread(target=run, args=(svc,)) for svc in others]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for svc in others:
            svc.close()
    assert [r.failed for r in reports] == [False, False]
    assert sum(r.total for r in reports) == 3500  # every row deleted exactly once
    assert len(left(services, A)) == 10
