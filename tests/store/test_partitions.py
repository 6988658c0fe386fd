"""Postgres: integration_logs partitioned by month (created ahead, a default partition as the
safety net), prune dropping whole expired months and deleting in batches only where a cutoff
falls, and the logs queries' plans touching only the months in range."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mercato_int.scope import TenantScope
from mercato_int.services.logs.model import LogFilter
from mercato_int.services.logs.query import page_statement
from mercato_int.store import partitions
from mercato_int.store.engine import create_store_engine
from mercato_int.store.migrate import upgrade
from mercato_int.store.schema import LOGS

pytestmark = pytest.mark.postgres
A = TenantScope("default", "a")
B = TenantScope("default", "b")


@pytest.fixture
def engine(pg_url: str):
    engine = create_store_engine(pg_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def services(engine, pg_url: str, monkeypatch: pytest.MonkeyPatch):
    """The services container on a migrated Postgres store."""
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    monkeypatch.setenv("MERCATO_INT_DATABASE_URL", pg_url)
    svc = Services(Settings.load())
    yield svc
    svc.close()


def insert(engine: sa.Engine, scope: TenantScope, when: datetime, level: str = "info") -> None:
    row = {
        "id": uuid.uuid4(),
        "integration_id": "gateway_stripe",
        "level": level,
        "operation": "op",
        "message": f"{level} {when:%Y-%m-%d}",
        "organization_id": scope.organization_id,
        "tenant_id": scope.tenant_id,
        "created_at": when,
    }
    with engine.begin() as conn:
        conn.execute(sa.insert(LOGS).values(**row))


def where(engine: sa.Engine) -> dict[str, str]:
    """message -> the partition its row is in."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT message, tableoid::regclass::text FROM integration_logs"
        )
        return dict(rows.all())


def test_a_new_store_has_the_months_ahead_and_a_default_partition(engine) -> None:
    now = datetime.now(UTC)
    with engine.connect() as conn:
        assert partitions.is_partitioned(conn)
        names = [p.name for p in partitions.partitions(conn)]
    month = partitions.month_of(now)
    ahead = [partitions.name_of(partitions.add_months(month, n)) for n in range(-1, 4)]
    assert names[:5] == ahead
    assert names[-1] == "integration_logs_default"


def test_an_insert_into_a_month_without_a_partition_lands_in_the_default_one(engine) -> None:
    insert(engine, A, datetime(1999, 12, 31, 23, 59, tzinfo=UTC))
    insert(engine, A, datetime(2100, 1, 2, tzinfo=UTC))
    insert(engine, A, datetime.now(UTC))
    found = where(engine)
    assert found["info 1999-12-31"] == found["info 2100-01-02"] == "integration_logs_default"
    assert found[f"info {datetime.now(UTC):%Y-%m-%d}"] == partitions.name_of(
        partitions.month_of(datetime.now(UTC))
    )
    # creating the month moves its rows out of the default partition
    with engine.connect() as conn:
        created = partitions.ensure_months(conn, [datetime(2100, 1, 1, tzinfo=UTC)])
    assert created == ["integration_logs_2100_01"]
    assert where(engine)["info 2100-01-02"] == "integration_logs_2100_01"
    assert where(engine)["info 1999-12-31"] == "integration_logs_default"


def test_prune_of_all_tenants_drops_an_expired_month_and_batch_deletes_where_a_cutoff_falls(
    services,
) -> None:
    engine = services.store.engine
    now = services.clock()
    old = partitions.add_months(partitions.month_of(now), -6)  # past 30 and 90 days
    newer, kept = partitions.add_months(old, 1), partitions.add_months(old, 3)  # 3 months back
    with engine.connect() as conn:
        partitions.ensure_months(conn, [old, newer, kept])
    for scope in (A, B):
        insert(engine, scope, old + timedelta(days=3), "info")
        insert(engine, scope, old + timedelta(days=4), "error")
    # a month that straddles the cutoffs: 40 days old info goes, 40 days old error stays
    insert(engine, A, now - timedelta(days=40), "info")
    insert(engine, A, now - timedelta(days=40, minutes=1), "error")
    insert(engine, A, now - timedelta(days=1), "info")
    dry = services.retention.prune(scopes=None, dry_run=True)
    assert dry.partitions == [] and dry.total == 5
    report = services.retention.prune(scopes=None)
    # the month after (5 months back, empty) has expired too
    assert report.partitions == [partitions.name_of(old), partitions.name_of(newer)]
    assert {t.scope: t.by_level for t in report.tenants} == {
        A: {"info": 2, "error": 1},
        B: {"info": 1, "error": 1},
    }
    with engine.connect() as conn:
        names = [p.name for p in partitions.partitions(conn)]
    assert partitions.name_of(old) not in names
    # a month less than 90 days past its end is kept even though it is empty
    assert partitions.name_of(kept) in names
    left = sorted(where(engine))
    assert left == sorted(
        [
            f"error {now - timedelta(days=40, minutes=1):%Y-%m-%d}",
            f"info {now - timedelta(days=1):%Y-%m-%d}",
        ]
    )


def test_a_month_a_tenant_still_keeps_is_not_dropped(services) -> None:
    engine = services.store.engine
    now = services.clock()
    old = partitions.add_months(partitions.month_of(now), -6)
    with engine.connect() as conn:
        partitions.ensure_months(conn, [old])
    insert(engine, A, old + timedelta(days=3), "error")
    insert(engine, B, old + timedelta(days=3), "info")
    services.tenant_settings.set(scope=B, key="log.error_retention_days", value=400, actor="t")
    report = services.retention.prune(scopes=None)
    assert report.partitions == []  # B keeps its errors 400 days: the month stays
    assert {t.scope: t.by_level for t in report.tenants} == {A: {"error": 1}, B: {"info": 1}}


def _relations(plan: object) -> set[str]:
    found: set[str] = set()
    if isinstance(plan, dict):
        if "Relation Name" in plan:
            found.add(plan["Relation Name"])
        for value in plan.values():
            found |= _relations(value)
    elif isinstance(plan, list):
        for value in plan:
            found |= _relations(value)
    return found


@pytest.mark.parametrize("level", [None, "error"])
def test_a_page_in_a_date_range_reads_only_the_months_in_range(engine, level) -> None:
    now = datetime.now(UTC)
    month = partitions.month_of(now)
    months = [partitions.add_months(month, -n) for n in range(6)]
    with engine.connect() as conn:
        partitions.ensure_months(conn, months)
    for m in months:
        insert(engine, A, m + timedelta(days=2), "error")
    since = months[2] + timedelta(days=1)  # within the month two before this one
    f = LogFilter(since=since, until=months[1] + timedelta(days=5), level=level)
    stmt = page_statement(A, f, limit=50)
    sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").scalar()
        rows = conn.execute(stmt).all()
    touched = _relations(json.loads(plan) if isinstance(plan, str) else plan)
    assert touched == {partitions.name_of(months[2]), partitions.name_of(months[1])}
    assert len(rows) == 2  # the second day of each month in range
