from __future__ import annotations

BUNDLE_IDS = [
    "sync_medusa_products",
    "sync_medusa_customers",
    "sync_medusa_orders",
    "sync_medusa_inventory",
    "sync_medusa_webhooks",
]


def test_list_shows_the_marketplace_with_zero_configuration(cli) -> None:
    run = cli("list")
    assert run.exit_code == 0, run.stderr
    assert "Integrations · tenant default · org default" in run.stdout
    assert "MedusaJS (sync_medusa)" in run.stdout
    assert "5 integrations, 0 enabled" in run.stdout
    for some_id in [*BUNDLE_IDS, "gateway_stripe", "carrier_dhl"]:
        assert some_id in run.stdout
    assert run.stderr == ""


def test_list_json_has_the_documented_shape(cli) -> None:
    data = cli("list", "--json").json()
    assert set(data) == {"items", "bundles", "total"}
    assert data["total"] == len(data["items"]) == 7
    ids = [i["id"] for i in data["items"]]
    assert ids == [*BUNDLE_IDS, "carrier_dhl", "gateway_stripe"]
    stripe = data["items"][-1]
    assert stripe["credentials"]["fields"][1] == {
        "key": "secretKey",
        "label": "Secret Key",
        "type": "secret",
        "required": True,
    }
    for key in ("isEnabled", "hasCredentials", "healthStatus", "lastHealthCheckAt"):
        assert key in stripe
    (bundle,) = data["bundles"]
    assert bundle["id"] == "sync_medusa"
    assert bundle["integrationCount"] == 5
    assert bundle["enabledCount"] == 0


def test_unknown_id_exits_3_with_suggestions(cli) -> None:
    run = cli("show", "gateway_strip")
    assert run.exit_code == 3
    assert run.stderr.splitlines()[0] == (
        "error: no integration or bundle with id 'gateway_strip' (did you mean gateway_stripe?)"
    )
    assert "Traceback" not in run.stderr
