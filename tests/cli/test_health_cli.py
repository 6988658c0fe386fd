"""`health` against real local HTTP servers on 127.0.0.1: statuses, exit codes, timeouts, the
bundle check running once, and no credential value in anything printed or stored. The tenant
`other` must stay untouched throughout."""

from __future__ import annotations

import re

import pytest

STRIPE = {
    "publishableKey": "pk_test_PUBLISHABLE_4242",
    "secretKey": "sk_test_TOPSECRET_4242",
    "webhookSecret": "whsec_WEBHOOK_4242",
}
MEDUSA = {"medusaApiKey": "medusa_APIKEY_4242", "medusaWebhookSecret": "mwh_SECRET_4242"}
MEMBERS = [
    "sync_medusa_products",
    "sync_medusa_customers",
    "sync_medusa_orders",
    "sync_medusa_inventory",
    "sync_medusa_webhooks",
]


@pytest.fixture
def stripe(cli, local_server, monkeypatch):
    """Stripe's API on a local server, with credentials set in the default tenant."""
    monkeypatch.setenv("MERCATO_INT_STRIPE_API_BASE", local_server.url)
    run = cli("creds", "set", "gateway_stripe", *[f"{k}={v}" for k, v in STRIPE.items()])
    assert run.exit_code == 0, run.stderr
    return local_server


def store_text(db_url: str) -> str:
    """Every row of the state, log and event tables, as text."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        text = "".join(
            repr(conn.execute(sa.text(f"SELECT * FROM {t}")).all())
            for t in ("integration_states", "integration_logs", "integration_events")
        )
    engine.dispose()
    return text


def health_logs(db_url: str, tenant: str = "default") -> list[tuple[str, str, str]]:
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT integration_id, level, message FROM integration_logs "
                "WHERE operation = 'health.check' AND tenant_id = :t ORDER BY created_at"
            ),
            {"t": tenant},
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for value in [*STRIPE.values(), *MEDUSA.values()]:
            assert value not in text


def assert_other_tenant_untouched(cli, db_url: str) -> None:
    listing = cli("--tenant", "other", "list", "--json").json()
    assert [i["id"] for i in listing["items"] if i["lastHealthCheckAt"] or i["isEnabled"]] == []
    assert cli("--tenant", "other", "events", "--json").json() == {"items": [], "total": 0}
    assert health_logs(db_url, "other") == []


def test_stripe_200_is_healthy_and_stored_logged_emitted(cli, stripe, db_url) -> None:
    stripe.route("/v1/balance", 200, {"object": "balance", "livemode": False})
    run = cli("health", "gateway_stripe")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Health · tenant default · org default"
    assert re.fullmatch(
        r"✓ healthy      gateway_stripe  \d+ ms  Stripe API reachable \(test mode\)", lines[1]
    )
    assert lines[2:] == ["1 check: 1 healthy"]
    assert "checking 1 integration in tenant default · org default (timeout 10 s)" in run.stderr
    assert "[1/1] gateway_stripe: healthy" in run.stderr
    (_, _, headers) = stripe.requests[0]
    assert headers["Authorization"].startswith("Basic ")  # the key went to Stripe, not to us
    item = next(i for i in cli("list", "--json").json()["items"] if i["id"] == "gateway_stripe")
    assert item["healthStatus"] == "healthy"
    state = cli("show", "gateway_stripe", "--json").json()["state"]
    assert state["lastHealthCheck"]["status"] == "healthy"
    assert set(state["lastHealthCheck"]) == {
        "status",
        "message",
        "details",
        "latencyMs",
        "checkedAt",
    }
    assert health_logs(db_url) == [
        ("gateway_stripe", "info", "gateway_stripe: healthy: Stripe API reachable (test mode)")
    ]
    events = cli("events", "--type", "health.checked", "--json").json()["items"]
    assert [(e["subjectId"], e["payload"]["result"]["status"]) for e in events] == [
        ("gateway_stripe", "healthy")
    ]
    assert events[0]["payload"]["changes"] == {"status": {"from": None, "to": "healthy"}}
    assert_no_secret(run.stdout, run.stderr, store_text(db_url))
    assert_other_tenant_untouched(cli, db_url)


def test_stripe_401_is_unhealthy_with_a_clear_message_and_exit_1(cli, stripe, db_url) -> None:
    stripe.route(
        "/v1/balance", 401, {"error": {"message": f"Invalid API Key {STRIPE['secretKey']}"}}
    )
    run = cli("health", "gateway_stripe")
    assert run.exit_code == 1
    assert run.stdout.splitlines()[1].startswith("✗ unhealthy    gateway_stripe  ")
    assert run.stdout.splitlines()[1].endswith(
        " ms  Stripe rejected the secret key (401 invalid API key); set a valid secretKey"
    )
    data = cli("health", "gateway_stripe", "--json")
    assert data.exit_code == 1
    (item,) = data.json()["items"]
    assert (item["status"], item["details"]) == ("unhealthy", {"httpStatus": 401})
    assert health_logs(db_url)[-1][:2] == ("gateway_stripe", "error")
    assert_no_secret(run.stdout, run.stderr, data.stdout, data.stderr, store_text(db_url))
    assert_other_tenant_untouched(cli, db_url)


@pytest.mark.parametrize(("code", "status"), [(429, "degraded"), (503, "degraded")])
def test_stripe_busy_is_degraded_and_exit_0(cli, stripe, db_url, code, status) -> None:
    stripe.route("/v1/balance", code)
    run = cli("health", "gateway_stripe", "--json")
    assert run.exit_code == 0
    assert run.json()["items"][0]["status"] == status
    assert health_logs(db_url)[-1][1] == "warning"
    assert_other_tenant_untouched(cli, db_url)


def test_a_server_that_never_answers_is_cut_at_the_timeout(cli, stripe, db_url) -> None:
    stripe.route("/v1/balance", hang=True)
    run = cli("health", "gateway_stripe", "--timeout", "1", "--json")
    assert run.exit_code == 1
    (item,) = run.json()["items"]
    assert (item["status"], item["message"]) == ("unhealthy", "timed out: no answer within 1 s")
    assert 900 <= item["latencyMs"] < 9000  # cut at 1 s, not the 10 s default or never
    state = cli("show", "gateway_stripe", "--json").json()["state"]
    assert state["lastHealthCheck"]["message"] == "timed out: no answer within 1 s"
    assert_no_secret(run.stdout, run.stderr, store_text(db_url))
    assert_other_tenant_untouched(cli, db_url)


def test_a_bundle_check_runs_once_for_its_five_integrations(cli, local_server, db_url) -> None:
    local_server.route("/health", 200, {"status": "ok"})
    local_server.route("/admin/users/me", 200, {"user": {"id": "usr_1"}})
    args = [f"medusaApiUrl={local_server.url}", *[f"{k}={v}" for k, v in MEDUSA.items()]]
    assert cli("creds", "set", "sync_medusa", *args).exit_code == 0
    run = cli("health", "sync_medusa", "--json")
    assert run.exit_code == 0, run.stderr
    (item,) = run.json()["items"]
    assert (item["id"], item["status"], item["integrationIds"]) == (
        "sync_medusa",
        "healthy",
        MEMBERS,
    )
    assert local_server.hits("/health") == 1 and local_server.hits("/admin/users/me") == 1
    _, _, headers = local_server.requests[-1]
    assert headers["x-medusa-access-token"] == MEDUSA["medusaApiKey"]
    listing = cli("list", "--json").json()["items"]
    assert {i["id"]: i["healthStatus"] for i in listing if i["id"] in MEMBERS} == dict.fromkeys(
        MEMBERS, "healthy"
    )
    assert health_logs(db_url) == [
        (
            "sync_medusa",
            "info",
            "sync_medusa: healthy: Medusa reachable and the API key is accepted",
        )
    ]
    human = cli("health", "sync_medusa")
    assert "sync_medusa (5 integrations)" in human.stdout
    assert_no_secret(run.stdout, human.stdout, human.stderr, store_text(db_url))
    assert_other_tenant_untouched(cli, db_url)


def test_missing_credentials_are_unconfigured_and_name_the_command(cli, db_url) -> None:
    run = cli("health", "carrier_dhl", "--json")
    assert run.exit_code == 0
    (item,) = run.json()["items"]
    assert item["status"] == "unconfigured"
    assert item["message"] == (
        "required credentials not set: apiKey, accountNumber; set them with "
        "`mercato-int creds set carrier_dhl apiKey=... accountNumber=...`"
    )
    assert health_logs(db_url)[0][1] == "warning"
    assert_other_tenant_untouched(cli, db_url)


def test_all_checks_only_the_enabled_integrations(cli, stripe, db_url) -> None:
    stripe.route("/v1/balance", 200, {"livemode": False})
    none = cli("health", "--all")
    assert none.exit_code == 0
    assert "no enabled integrations in tenant default · org default" in none.stderr
    cli("enable", "gateway_stripe", "carrier_dhl")
    run = cli("health", "--all", "--json")
    assert run.exit_code == 0, run.stderr
    assert {i["id"]: i["status"] for i in run.json()["items"]} == {
        "carrier_dhl": "unconfigured",
        "gateway_stripe": "healthy",
    }
    assert run.json()["counts"] == {"unconfigured": 1, "healthy": 1}
    assert_other_tenant_untouched(cli, db_url)


def test_all_tenants_checks_each_tenant_with_its_own_credentials(cli, stripe, db_url) -> None:
    stripe.route("/v1/balance", 200, {"livemode": True})
    cli("enable", "gateway_stripe")
    cli("--tenant", "acme", "enable", "gateway_stripe")
    run = cli("health", "--all-tenants", "--json")
    assert run.exit_code == 0, run.stderr
    got = {(i["tenantId"], i["id"]): i["status"] for i in run.json()["items"]}
    assert got == {
        ("acme", "gateway_stripe"): "unconfigured",
        ("default", "gateway_stripe"): "healthy",
    }
    assert stripe.hits("/v1/balance") == 1  # acme has no key: nothing was sent for it
    assert_other_tenant_untouched(cli, db_url)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "error: name integrations or bundles to check, or use --all"),
        (["gateway_stripe", "--all"], "error: give integration ids or --all/--all-tenants"),
        (["gateway_stripe", "--timeout", "0"], "error: --timeout must be more than 0 seconds"),
        (["gateway_strip"], "error: no integration with id 'gateway_strip'"),
    ],
)
def test_usage_errors_are_one_line(cli, args, message) -> None:
    run = cli("health", *args)
    assert run.exit_code == (3 if "gateway_strip'" in message else 2)
    assert run.stderr.startswith(message)
    assert "Traceback" not in run.stderr
