"""The marketplace read side over real rows: scope isolation, bundle credentials, counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from mercato_int.scope import TenantScope
from mercato_int.shapes.catalog import MarketplaceShape
from mercato_int.store.tables import IntegrationCredentials, IntegrationState

ACME = TenantScope(organization_id="eu", tenant_id="acme")
OTHER = TenantScope(organization_id="eu", tenant_id="other")
CHECKED_AT = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


@pytest.fixture
def acme(services):
    """In tenant acme: Stripe and Medusa orders enabled, Stripe healthy, credentials for
    Stripe and for the Medusa bundle."""
    with services.store.session() as session:
        session.add(
            IntegrationState(
                integration_id="gateway_stripe",
                is_enabled=True,
                enabled_at=CHECKED_AT,
                enabled_by="ann",
                last_health_check={"status": "healthy", "message": "ok"},
                last_health_check_at=CHECKED_AT,
                organization_id="eu",
                tenant_id="acme",
            )
        )
        session.add(
            IntegrationState(
                integration_id="sync_medusa_orders",
                is_enabled=True,
                organization_id="eu",
                tenant_id="acme",
            )
        )
        for owner in ("gateway_stripe", "sync_medusa"):
            session.add(
                IntegrationCredentials(
                    integration_id=owner,
                    encrypted_values={"v": 1, "ct": "opaque"},
                    organization_id="eu",
                    tenant_id="acme",
                )
            )
    return services


def _items(market) -> dict[str, dict]:
    return {i["id"]: i for i in MarketplaceShape.of(market).document()["items"]}


def test_state_and_credentials_in_the_scope(acme) -> None:
    data = MarketplaceShape.of(acme.marketplace.overview(ACME)).document()
    items = {i["id"]: i for i in data["items"]}
    stripe = items["gateway_stripe"]
    assert (stripe["isEnabled"], stripe["hasCredentials"], stripe["healthStatus"]) == (
        True,
        True,
        "healthy",
    )
    assert stripe["lastHealthCheckAt"] == "2026-11-20T08:30:00Z"
    assert (stripe["enabledBy"], stripe["enabledAt"]) == ("ann", "2026-11-20T08:30:00Z")
    # a bundle's credentials count for its members
    assert items["sync_medusa_products"]["hasCredentials"] is True
    assert items["carrier_dhl"]["hasCredentials"] is False
    (bundle,) = data["bundles"]
    assert (bundle["enabledCount"], bundle["integrationCount"], bundle["hasCredentials"]) == (
        1,
        5,
        True,
    )


def test_another_tenant_sees_none_of_it(acme) -> None:
    data = MarketplaceShape.of(acme.marketplace.overview(OTHER)).document()
    assert not any(i["isEnabled"] or i["hasCredentials"] for i in data["items"])
    assert data["bundles"][0]["enabledCount"] == 0
    assert acme.marketplace.configured_ids(OTHER) == set()
    assert acme.marketplace.configured_ids(ACME) == {"gateway_stripe", "sync_medusa"}


def test_enabled_filter_keeps_whole_bundle_counts(acme) -> None:
    enabled = MarketplaceShape.of(acme.marketplace.overview(ACME, enabled=True)).document()
    assert [i["id"] for i in enabled["items"]] == ["sync_medusa_orders", "gateway_stripe"]
    disabled = MarketplaceShape.of(acme.marketplace.overview(ACME, enabled=False)).document()
    assert "gateway_stripe" not in {i["id"] for i in disabled["items"]}
    assert disabled["bundles"][0]["enabledCount"] == 1
    assert disabled["bundles"][0]["integrationIds"] == [
        "sync_medusa_products",
        "sync_medusa_customers",
        "sync_medusa_inventory",
        "sync_medusa_webhooks",
    ]


def test_state_service_reads_the_same(acme) -> None:
    assert acme.state.get("gateway_stripe", ACME).health_status == "healthy"
    assert acme.state.get("gateway_stripe", OTHER).is_enabled is False
    states = acme.state.all_states(ACME)
    assert sorted(i for i, s in states.items() if s.is_enabled) == [
        "gateway_stripe",
        "sync_medusa_orders",
    ]


def test_the_cli_renders_it(acme, db_url: str) -> None:
    from mercato_int.cli.app import app

    result = CliRunner().invoke(
        app, ["--db", db_url, "--tenant", "acme", "--org", "eu", "list"], env={"COLUMNS": "100"}
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Integrations · tenant acme · org eu"
    assert "5 integrations, 1 enabled" in result.stdout
    assert "credentials: set" in result.stdout
    stripe = next(line for line in lines if "gateway_stripe" in line)
    assert stripe.split("│")[1].split() == [
        "●",
        "Enabled",
        "Stripe",
        "gateway_stripe",
        "Payment",
        "creds",
        "✓",
        "healthy",
    ]


def test_default_enabled_applies_without_a_row(providers_dir, services) -> None:
    providers_dir(
        {
            "onbydefault": "integration = {'id': 'on_default', 'title': 'On', "
            "'category': 'other', 'defaultEnabled': True}\n"
        }
    )
    items = _items(services.marketplace.overview(ACME))
    assert items["on_default"]["isEnabled"] is True
    assert services.state.get("on_default", ACME).is_enabled is True
