"""The fleet (`tenants`, `list --all-tenants`): every tenant the store knows, from each table,
with counts derived by `list`'s own rule; filtered by each tenant's policy; in a fixed number
of queries whatever the number of tenants; the logs counted on the (tenant, org, created_at)
index. SQLite and Postgres."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, text

from mercato_int.errors import InvalidInput
from mercato_int.scope import TenantScope
from mercato_int.services.events import ACCESS_DENIED
from mercato_int.shapes.catalog import MarketplaceShape
from mercato_int.shapes.fleet import FleetMatrixShape, FleetShape

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ACME = TenantScope("eu", "acme")
BETA = TenantScope("us", "beta")
GAMMA = TenantScope("eu", "gamma")
LOGS_ONLY = TenantScope("eu", "quiet")
LOCKED = TenantScope("eu", "locked")
ACME_US = TenantScope("us", "acme")  # the same tenant id in another org
STRIPE = {"publishableKey": "pk_test_1", "secretKey": "sk_test_123456", "webhookSecret": "whsec_1"}
MEDUSA = {
    "medusaApiUrl": "http://127.0.0.1:9/medusa",
    "medusaApiKey": "sk_medusa_123456",
    "medusaWebhookSecret": "whsec_medusa",
}


@pytest.fixture
def svc(services):
    services.clock = lambda: NOW
    return services


def matrix_json(svc, **filters) -> dict:
    return FleetMatrixShape.of(svc.fleet.matrix(**filters)).document()


def store_health(svc, ids: list[str], scope: TenantScope, status: str) -> None:
    result = {"status": status, "message": status, "details": None, "latencyMs": 3}
    with svc.store.session() as session:
        svc.state.store_health(session, ids, scope, result, NOW)


def log(svc, scope: TenantScope, n: int, *, age: timedelta) -> None:
    for _ in range(n):
        svc.logs.log(
            integration_id="carrier_dhl",
            level="info",
            operation="sync",
            message="ok",
            scope=scope,
            created_at=NOW - age,
        )


def seed(svc) -> None:
    """acme: states, credentials, health; beta: a setting; gamma: a grant (tester is an
    employee); quiet: only logs; locked: a policy without tester."""
    svc.state.enable(["gateway_stripe", "carrier_dhl", "sync_medusa"], ACME, actor="ann")
    svc.credentials.save("gateway_stripe", STRIPE, ACME, actor="ann")
    svc.credentials.save("sync_medusa", MEDUSA, ACME, actor="ann")
    store_health(svc, ["gateway_stripe", "sync_medusa_orders"], ACME, "unhealthy")
    store_health(svc, ["sync_medusa_products"], ACME, "healthy")
    store_health(svc, ["carrier_dhl"], ACME, "unhealthy")  # no credentials: unconfigured
    svc.tenant_settings.set(scope=BETA, key="log.retention_days", value=7, actor="ann")
    svc.acl.grant(GAMMA, "boss", "admin", by="boss")
    svc.acl.grant(GAMMA, "tester", "employee", by="boss")
    log(svc, ACME, 3, age=timedelta(hours=1))
    log(svc, ACME, 2, age=timedelta(hours=25))  # older than 24 h: known, not counted
    log(svc, LOGS_ONLY, 4, age=timedelta(minutes=5))
    log(svc, ACME_US, 1, age=timedelta(minutes=5))
    svc.state.enable(["carrier_dhl"], LOCKED, actor="boss")
    log(svc, LOCKED, 1, age=timedelta(minutes=5))
    svc.acl.grant(LOCKED, "boss", "admin", by="boss")


def test_every_tenant_from_every_table_with_its_counts(svc) -> None:
    seed(svc)
    fleet = svc.fleet.tenants()
    got = {
        (s["tenantId"], s["organizationId"]): s for s in FleetShape.of(fleet).document()["tenants"]
    }
    assert list(got) == [
        ("acme", "eu"),
        ("acme", "us"),
        ("beta", "us"),
        ("gamma", "eu"),
        ("quiet", "eu"),
    ]
    assert (got[("acme", "us")]["sources"], got[("acme", "us")]["logEntries24h"]) == (["logs"], 1)
    acme = got[("acme", "eu")]
    assert acme["sources"] == ["states", "credentials", "logs"]
    # 7 integrations: stripe, dhl and the 5 medusa members enabled; stripe and the members
    # configured (the bundle's row); stripe and orders unhealthy, dhl unconfigured (no creds)
    assert (acme["integrations"], acme["enabled"], acme["withCredentials"]) == (7, 7, 6)
    assert acme["unhealthy"] == 2
    assert acme["logEntries24h"] == 3
    assert got[("beta", "us")]["sources"] == ["settings"]
    assert got[("gamma", "eu")] | {} == {
        "tenantId": "gamma",
        "organizationId": "eu",
        "sources": ["grants"],
        "hasPolicy": True,
        "integrations": 7,
        "enabled": 0,
        "withCredentials": 0,
        "unhealthy": 0,
        "logEntries24h": 0,
    }
    assert got[("quiet", "eu")]["sources"] == ["logs"]
    assert got[("quiet", "eu")]["logEntries24h"] == 4
    assert fleet.hidden == 1  # locked: counted, never named
    assert "locked" not in str(FleetShape.of(fleet).document())


def test_unhealthy_is_the_health_status_list_shows(svc) -> None:
    seed(svc)
    matrix = svc.fleet.matrix()
    for n, scope in enumerate(matrix.columns):
        listed = {
            i["id"]: i
            for i in MarketplaceShape.of(svc.marketplace.overview(scope)).document()["items"]
        }
        for row in matrix.rows:
            cell = row.cells[n]
            item = listed[row.definition.id]
            assert cell is not None
            assert (cell.is_enabled, cell.health_status, cell.has_credentials) == (
                item["isEnabled"],
                item["healthStatus"],
                item["hasCredentials"],
            ), (scope, row.definition.id)
        unhealthy = sum(i["healthStatus"] == "unhealthy" for i in listed.values())
        summary = next(s for s in svc.fleet.tenants().tenants if s.scope == scope)
        assert summary.unhealthy == unhealthy


def test_hidden_tenants_are_not_audited_and_an_admin_sees_them(svc, monkeypatch) -> None:
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    seed(svc)
    svc.fleet.tenants()
    svc.fleet.matrix()
    with svc.store.connect() as conn:
        refusals = conn.execute(
            text("SELECT count(*) FROM integration_events WHERE type = :t"), {"t": ACCESS_DENIED}
        ).scalar()
    assert refusals == 0
    monkeypatch.setenv("MERCATO_INT_ACTOR", "boss")
    as_boss = Services(Settings.load(), clock=lambda: NOW)
    boss = as_boss.fleet.tenants()
    as_boss.close()
    assert [s.scope.tenant_id for s in boss.tenants] == [
        "acme",
        "acme",
        "beta",
        "gamma",
        "locked",
        "quiet",
    ]
    assert boss.hidden == 0


def test_the_matrix_filters_rows_by_definition_and_cells_by_state(svc) -> None:
    seed(svc)
    data = matrix_json(svc, health_status="unhealthy")
    assert data["tenants"] == [{"organizationId": "eu", "tenantId": "acme"}]
    assert [(r["id"], r["cells"]) for r in data["integrations"]] == [
        (
            "sync_medusa_orders",
            [{"isEnabled": True, "healthStatus": "unhealthy", "hasCredentials": True}],
        ),
        (
            "gateway_stripe",
            [{"isEnabled": True, "healthStatus": "unhealthy", "hasCredentials": True}],
        ),
    ]
    enabled = matrix_json(svc, search="stripe", enabled=True)
    assert [t["tenantId"] for t in enabled["tenants"]] == ["acme"]
    assert [r["id"] for r in enabled["integrations"]] == ["gateway_stripe"]
    everything = matrix_json(svc, category="payment")
    assert [r["id"] for r in everything["integrations"]] == ["gateway_stripe"]
    assert len(everything["integrations"][0]["cells"]) == everything["tenantCount"] == 5
    assert everything["hidden"] == 1
    titles = [r["id"] for r in matrix_json(svc, sort="title", descending=True)["integrations"]]
    assert titles[0] == "gateway_stripe" and titles[-1] == "carrier_dhl"
    with pytest.raises(InvalidInput):
        svc.fleet.matrix(sort="health")
    with pytest.raises(InvalidInput):
        svc.fleet.matrix(health_status="sick")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("a", ["acme/eu", "acme/us", "beta/us", "gamma/eu"]),
        ("US", ["acme/us", "beta/us"]),
        ("*a", ["beta/us", "gamma/eu"]),
        ("acme/eu", ["acme/eu"]),
        ("g?mma", ["gamma/eu"]),
    ],
)
def test_tenant_filter_is_a_substring_or_a_glob(svc, pattern, expected) -> None:
    seed(svc)
    found = svc.fleet.tenants(tenant_filter=pattern).tenants
    assert [f"{s.scope.tenant_id}/{s.scope.organization_id}" for s in found] == expected
    columns = svc.fleet.matrix(tenant_filter=pattern).columns
    assert [f"{c.tenant_id}/{c.organization_id}" for c in columns] == expected


def _statements(svc, call) -> int:
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(svc.store.engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(svc.store.engine, "before_cursor_execute", count)
    return len([s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))])


def test_a_fixed_number_of_queries_whatever_the_number_of_tenants(svc) -> None:
    seed(svc)
    few = _statements(svc, svc.fleet.tenants), _statements(svc, svc.fleet.matrix)
    for n in range(12):
        scope = TenantScope("bulk", f"t{n:02}")
        svc.state.enable(["carrier_dhl"], scope, actor="ann")
        log(svc, scope, 1, age=timedelta(minutes=1))
    many = _statements(svc, svc.fleet.tenants), _statements(svc, svc.fleet.matrix)
    assert few == many
    assert many[0] <= 6
    assert len(svc.fleet.tenants().tenants) == 17


def test_the_logs_are_counted_on_the_scope_index(svc) -> None:
    """The distinct scopes of the logs and their 24 h counts come from ix_logs_scope_created
    (a seek per scope), never from a scan of the table."""
    from mercato_int.services.fleet.reads import _log_scopes_query

    seed(svc)
    with svc.store.connect() as conn:
        query = _log_scopes_query(True, conn.dialect.name)
        since = NOW - timedelta(hours=24)
        if conn.dialect.name == "sqlite":
            compiled = str(query.compile(conn))
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + compiled.replace(":since", "?"),
                (since.replace(tzinfo=None).isoformat(sep=" "),),
            ).all()
            details = [row[-1] for row in plan]
            # the 24 h count: a range on (tenant, org, created_at); the next scope: a seek
            assert (
                "SEARCH c USING COVERING INDEX ix_logs_scope_created "
                "(tenant_id=? AND organization_id=? AND created_at>?)"
            ) in details, details
            assert any(
                d.startswith("SEARCH n USING COVERING INDEX ix_logs_scope_created") for d in details
            ), details
            logs_scans = [
                d for d in details if d.startswith(("SCAN integration_logs", "SCAN c", "SCAN n"))
            ]
            # only the first scope's LIMIT 1 reads the index from its start
            assert logs_scans == [
                "SCAN integration_logs USING COVERING INDEX ix_logs_scope_created"
            ]
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")  # tiny tables: ask what it could use
            plan = conn.execute(text("EXPLAIN " + str(query)), {"since": since}).scalars().all()
            # any index led by (tenant, org) serves; on tables this small the planner may pick
            # a wider one (benchmarks/tenants.py shows ix_logs_scope_created at scale)
            assert not any("Seq Scan" in line for line in plan), plan
            assert any(
                "Index Cond: ((tenant_id = s.tenant_id) AND (organization_id = s.organization_id)"
                " AND (created_at >= " in line
                for line in plan
            ), plan
