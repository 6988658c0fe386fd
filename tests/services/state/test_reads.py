"""What every reader of the state shows (`state.get`, `state.all_states`, the marketplace):
`healthStatus` derived now from the registry and the credentials rows, credentials times, the
`list` filters and sorts, and the 30-day activity in one grouped query. SQLite and Postgres."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mercato_int.errors import InvalidInput
from mercato_int.scope import TenantScope
from mercato_int.shapes.catalog import MarketplaceShape
from mercato_int.shapes.state import StateShape

HERE = TenantScope()
ACME = TenantScope(organization_id="eu", tenant_id="acme")
STRIPE = {"publishableKey": "pk_test_1", "secretKey": "sk_test_123456", "webhookSecret": "whsec_1"}
MEDUSA = {
    "medusaApiUrl": "http://127.0.0.1:9/medusa",
    "medusaApiKey": "sk_medusa_123456",
    "medusaWebhookSecret": "whsec_medusa",
}
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def store_health(svc, ids: list[str], scope: TenantScope, status: str, at: datetime) -> None:
    """A stored health result, as `health` records it (the real writer, not a fake row)."""
    result = {
        "status": status,
        "message": f"{status} says the check",
        "details": None,
        "latencyMs": 12,
        "checkedAt": at.isoformat().replace("+00:00", "Z"),
    }
    with svc.store.session() as session:
        svc.state.store_health(session, ids, scope, result, at)


def statuses(svc, scope: TenantScope = HERE) -> dict[str, str | None]:
    """healthStatus per id as the state service and the marketplace say it: they must agree."""
    from_state = {i: s.health_status for i, s in svc.state.all_states(scope).items()}
    from_market = {
        i["id"]: i["healthStatus"]
        for i in MarketplaceShape.of(svc.marketplace.overview(scope)).document()["items"]
    }
    assert from_state == from_market
    return from_state


def test_unconfigured_until_credentials_are_set_and_again_right_after_unset(services) -> None:
    assert set(statuses(services).values()) == {"unconfigured"}  # nothing set anywhere
    services.credentials.save("gateway_stripe", STRIPE, HERE, actor="ann")
    assert statuses(services)["gateway_stripe"] is None  # configured, never checked
    store_health(services, ["gateway_stripe"], HERE, "healthy", NOW)
    assert statuses(services)["gateway_stripe"] == "healthy"
    assert services.state.get("gateway_stripe", HERE).health_status == "healthy"

    services.credentials.remove("gateway_stripe", HERE, actor="ann")
    # not the stale "healthy": what is true now
    assert statuses(services)["gateway_stripe"] == "unconfigured"
    state = services.state.get("gateway_stripe", HERE)
    assert (state.health_status, state.has_credentials) == ("unconfigured", False)
    # the last result stays readable as history
    assert StateShape.of(state).document()["lastHealthCheck"]["status"] == "healthy"


def test_a_bundles_credentials_configure_its_members(services) -> None:
    services.credentials.save("sync_medusa", MEDUSA, ACME, actor="ann")
    got = statuses(services, ACME)
    assert got["sync_medusa_orders"] is None
    assert got["gateway_stripe"] == "unconfigured"
    assert set(statuses(services, HERE).values()) == {"unconfigured"}  # another tenant
    orders = StateShape.of(services.state.get("sync_medusa_orders", ACME)).document()
    assert orders["hasCredentials"] is True
    assert orders["credentialsSource"] == "bundle"
    saved = services.state.credentials_times(ACME)["sync_medusa"]
    assert orders["credentialsUpdatedAt"] == saved.isoformat().replace("+00:00", "Z")


def test_no_check_is_unconfigured_and_no_required_fields_need_no_credentials(
    providers_dir, services
) -> None:
    providers_dir(
        {
            "nocheck": "integration = {'id': 'no_check', 'title': 'No check', 'category': 'crm',"
            " 'credentials': {'fields': [{'key': 'token', 'label': 'Token', 'type': 'secret',"
            " 'required': True}]}}\n",
            "optional": "def check(c, ctx):\n    return {'status': 'healthy', 'message': 'ok'}\n"
            "health_checks = {'optCheck': check}\n"
            "integration = {'id': 'optional_only', 'title': 'Optional', 'category': 'crm',"
            " 'healthCheck': {'service': 'optCheck'},"
            " 'credentials': {'fields': [{'key': 'note', 'label': 'Note', 'type': 'text'}]}}\n",
        }
    )
    services.credentials.save("no_check", {"token": "tok_123456"}, HERE, actor="ann")
    store_health(services, ["no_check"], HERE, "healthy", NOW)  # e.g. the check was removed
    got = statuses(services)
    assert got["no_check"] == "unconfigured"
    assert got["optional_only"] is None  # nothing required: configured as it is
    store_health(services, ["optional_only"], HERE, "degraded", NOW)
    assert statuses(services)["optional_only"] == "degraded"


def test_unconfigured_results_carry_no_latency(services) -> None:
    store_health(services, ["gateway_stripe"], HERE, "unconfigured", NOW)
    last = StateShape.of(services.state.get("gateway_stripe", HERE)).document()["lastHealthCheck"]
    assert (last["status"], last["latencyMs"]) == ("unconfigured", None)
    store_health(services, ["gateway_stripe"], HERE, "unhealthy", NOW)
    state = StateShape.of(services.state.get("gateway_stripe", HERE)).document()
    assert state["lastHealthCheck"]["latencyMs"] == 12


def _ids(market) -> list[str]:
    return [i["id"] for i in MarketplaceShape.of(market).document()["items"]]


def test_health_filter_and_sorts(services) -> None:
    services.credentials.save("gateway_stripe", STRIPE, HERE, actor="ann")
    services.credentials.save("sync_medusa", MEDUSA, HERE, actor="ann")
    store_health(services, ["gateway_stripe"], HERE, "degraded", NOW)
    store_health(services, ["sync_medusa_orders"], HERE, "healthy", NOW)
    overview = services.marketplace.overview
    assert _ids(overview(HERE, health_status="healthy")) == ["sync_medusa_orders"]
    assert _ids(overview(HERE, health_status="degraded")) == ["gateway_stripe"]
    assert _ids(overview(HERE, health_status="unconfigured")) == ["carrier_dhl"]
    assert _ids(overview(HERE, health_status="unchecked")) == [
        "sync_medusa_products",
        "sync_medusa_customers",
        "sync_medusa_inventory",
        "sync_medusa_webhooks",
    ]
    by_health = _ids(overview(HERE, sort="health"))
    assert by_health[:3] == ["sync_medusa_orders", "gateway_stripe", "carrier_dhl"]
    assert _ids(overview(HERE, sort="health", descending=True))[-3:] == [
        "carrier_dhl",
        "gateway_stripe",
        "sync_medusa_orders",
    ]
    assert _ids(overview(HERE, sort="title")) == [
        "carrier_dhl",  # DHL Parcel
        "sync_medusa_customers",  # MedusaJS — Customers
        "sync_medusa_inventory",
        "sync_medusa_orders",
        "sync_medusa_products",
        "sync_medusa_webhooks",
        "gateway_stripe",  # Stripe
    ]
    # updated: the latest change in the scope (state row or credentials), oldest first
    services.state.enable(["carrier_dhl"], HERE, actor="ann")
    assert _ids(overview(HERE, sort="updated", descending=True))[0] == "carrier_dhl"
    # with a sort, bundles come in the order of their first item
    market = overview(HERE, sort="title", descending=True)
    assert [b.bundle.id for b in market.bundles] == ["sync_medusa"]
    assert _ids(market)[:2] == ["gateway_stripe", "sync_medusa_webhooks"]
    assert [i.definition.id for i in market.standalone] == ["gateway_stripe", "carrier_dhl"]


@pytest.mark.parametrize(
    ("kw", "word"), [({"health_status": "sick"}, "health"), ({"sort": "x"}, "sort")]
)
def test_unknown_filter_or_sort_is_bad_input(services, kw: dict, word: str) -> None:
    with pytest.raises(InvalidInput) as bad:
        services.marketplace.overview(HERE, **kw)
    assert word in str(bad.value) and bad.value.exit_code == 2


def _log(svc, when: datetime, integration: str, level: str = "info", scope=HERE) -> None:
    svc.clock = lambda: when
    svc.__dict__.pop("logs", None)
    svc.logs.log(integration_id=integration, level=level, operation="op", message="m", scope=scope)


def test_activity_in_one_grouped_query(services) -> None:
    from sqlalchemy import event

    _log(services, NOW - timedelta(hours=3), "gateway_stripe")
    _log(services, NOW - timedelta(hours=1), "gateway_stripe", level="error")
    _log(services, NOW - timedelta(days=2), "gateway_stripe")
    _log(services, NOW - timedelta(days=40), "gateway_stripe")  # outside the 30 days
    _log(services, NOW - timedelta(days=1), "carrier_dhl", scope=ACME)  # another tenant
    services.clock = lambda: NOW
    services.__dict__.pop("marketplace", None)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(services.store.engine, "before_cursor_execute", seen)
    try:
        market = services.marketplace.overview(HERE, activity=True)
    finally:
        event.remove(services.store.engine, "before_cursor_execute", seen)
    assert sum("integration_logs" in s for s in statements) == 1  # not one per integration
    items = {i["id"]: i for i in MarketplaceShape.of(market).document()["items"]}
    stripe = items["gateway_stripe"]["analytics"]
    assert stripe["dailyCounts"][-1] == 2 and stripe["dailyCounts"][-3] == 1
    assert sum(stripe["dailyCounts"]) == stripe["totalCount"] == 3
    assert (stripe["errorCount"], stripe["errorRate"]) == (1, 1 / 3)
    assert stripe["lastActivityAt"] == "2026-11-26T11:00:00Z"
    assert items["carrier_dhl"]["analytics"]["totalCount"] == 0
    assert items["carrier_dhl"]["analytics"]["lastActivityAt"] is None
    # without activity=True (human `list`), no log query at all
    statements.clear()
    event.listen(services.store.engine, "before_cursor_execute", seen)
    try:
        plain = services.marketplace.overview(HERE)
    finally:
        event.remove(services.store.engine, "before_cursor_execute", seen)
    assert not any("integration_logs" in s for s in statements)
    assert "analytics" not in MarketplaceShape.of(plain).document()["items"][0]


def test_the_cli_tuples_match_the_services() -> None:
    import mercato_int.cli.app  # noqa: F401  (registers the command modules in order)
    from mercato_int.cli.commands import catalog
    from mercato_int.services.state import marketplace
    from mercato_int.services.state import reads as state_view

    assert catalog.HEALTH_FILTERS == state_view.HEALTH_FILTERS
    assert catalog.SORTS == marketplace.SORTS
