"""`health` against real local HTTP servers on 127.0.0.1: statuses, exit codes, timeouts, the
bundle check running once, and no credential value in anything printed or stored. The tenant
`other` must stay untouched throughout."""

from __future__ import annotations

import re

import pytest

from ...conftest import load_fakes

fakes = load_fakes()

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
def stripe(cli, monkeypatch):
    """Stripe's API on a local server, with credentials set in the default tenant."""
    server = fakes.FakeStripe(STRIPE["secretKey"])
    monkeypatch.setenv("MERCATO_INT_STRIPE_API_BASE", server.url)
    run = cli("creds", "set", "gateway_stripe", *[f"{k}={v}" for k, v in STRIPE.items()])
    assert run.exit_code == 0, run.stderr
    yield server
    server.close()


@pytest.fixture
def medusa(cli):
    """Medusa 2.x on a local server, with the bundle's credentials set in the default tenant."""
    server = fakes.FakeMedusa(MEDUSA["medusaApiKey"])
    args = [f"medusaApiUrl={server.url}", *[f"{k}={v}" for k, v in MEDUSA.items()]]
    assert cli("creds", "set", "sync_medusa", *args).exit_code == 0
    yield server
    server.close()


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
    assert stripe.requests[0].headers["authorization"].startswith("Basic ")  # to Stripe only
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
    stripe.answer(
        "/v1/balance", 401, {"error": {"message": f"Invalid API Key {STRIPE['secretKey']}"}}
    )
    run = cli("health", "gateway_stripe")
    assert run.exit_code == 1
    assert run.stdout.splitlines()[1].startswith("✗ unhealthy    gateway_stripe  ")
    assert run.stdout.splitlines()[1].endswith(
        " ms  Stripe rejected the secret key (401: Invalid API Key ••••••••); set a valid secretKey"
    )
    data = cli("health", "gateway_stripe", "--json")
    assert data.exit_code == 1
    (item,) = data.json()["items"]
    assert (item["status"], item["details"]) == (
        "unhealthy",
        {"httpStatus": 401, "stripeErrorMessage": "Invalid API Key ••••••••"},
    )
    assert health_logs(db_url)[-1][:2] == ("gateway_stripe", "error")
    assert_no_secret(run.stdout, run.stderr, data.stdout, data.stderr, store_text(db_url))
    assert_other_tenant_untouched(cli, db_url)


@pytest.mark.parametrize(("code", "status"), [(429, "degraded"), (503, "degraded")])
def test_stripe_busy_is_degraded_and_exit_0(cli, stripe, db_url, code, status) -> None:
    stripe.answer("/v1/balance", code, {"error": {"message": "busy", "type": "api_error"}})
    run = cli("health", "gateway_stripe", "--json")
    assert run.exit_code == 0
    assert run.json()["items"][0]["status"] == status
    assert health_logs(db_url)[-1][1] == "warning"
    assert_other_tenant_untouched(cli, db_url)


def test_a_server_that_never_answers_is_cut_at_the_timeout(cli, stripe, db_url) -> None:
    stripe.hang("/v1/balance")
    run = cli("health", "gateway_stripe", "--timeout", "1", "--json")
    assert run.exit_code == 1
    (item,) = run.json()["items"]
    assert (item["status"], item["message"]) == ("unhealthy", "timed out: no answer within 1 s")
    assert 900 <= item["latencyMs"] < 9000  # cut at 1 s, not the 10 s default or never
    state = cli("show", "gateway_stripe", "--json").json()["state"]
    assert state["lastHealthCheck"]["message"] == "timed out: no answer within 1 s"
    assert_no_secret(run.stdout, run.stderr, store_text(db_url))
    assert_other_tenant_untouched(cli, db_url)


def test_a_bundle_check_runs_once_for_its_five_integrations(cli, medusa, db_url) -> None:
    run = cli("health", "sync_medusa", "--json")
    assert run.exit_code == 0, run.stderr
    (item,) = run.json()["items"]
    assert (item["id"], item["status"], item["integrationIds"]) == (
        "sync_medusa",
        "healthy",
        MEMBERS,
    )
    assert medusa.hits("/health") == 1 and medusa.hits("/admin/stores") == 1
    headers = medusa.requests[-1].headers
    assert "x-medusa-access-token" not in headers and headers["authorization"].startswith("Basic")
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
        "required credentials not set: apiKey; set them with "
        "`mercato-int creds set carrier_dhl apiKey=...`"
    )
    assert health_logs(db_url)[0][1] == "warning"
    assert_other_tenant_untouched(cli, db_url)


def test_all_checks_only_the_enabled_integrations(cli, stripe, db_url) -> None:
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
    # the progress lines name each check's tenant; nothing was measured for acme
    human = cli("health", "--all-tenants")
    progress = sorted(line.split("] ", 1)[1] for line in human.stderr.splitlines()[1:])
    assert progress[0] == "gateway_stripe · tenant acme · org default: unconfigured"
    assert re.fullmatch(
        r"gateway_stripe · tenant default · org default: healthy \(\d+ ms\)", progress[1]
    )
    acme = next(x for x in human.stdout.splitlines() if "tenant acme" in x)
    assert re.search(r"tenant acme · org default +–  required credentials not set", acme)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "error: name integrations or bundles to check, or use --all"),
        (["gateway_stripe", "--all"], "error: give integration ids or --all/--all-tenants"),
        (
            ["gateway_stripe", "--timeout", "0"],
            "error: --timeout must be more than 0 and at most 3600 seconds, not 0",
        ),
        (
            ["gateway_stripe", "--timeout", "1e400"],
            "error: --timeout must be more than 0 and at most 3600 seconds, not inf",
        ),
        (
            ["gateway_stripe", "--timeout", "nan"],
            "error: --timeout must be more than 0 and at most 3600 seconds, not nan",
        ),
        (
            ["gateway_stripe", "--timeout", "3601"],
            "error: --timeout must be more than 0 and at most 3600 seconds, not 3601",
        ),
        (["gateway_strip"], "error: no integration with id 'gateway_strip'"),
    ],
)
def test_usage_errors_are_one_line(cli, args, message) -> None:
    run = cli("health", *args)
    assert run.exit_code == (3 if "gateway_strip'" in message else 2)
    assert run.stderr.startswith(message)
    assert "Traceback" not in run.stderr


# --- hints carry the scope (issue 10 item 9) -------------------------------------------------
def test_hints_name_the_tenant_and_org_they_were_given_for(cli, db_url) -> None:
    run = cli("--tenant", "acme", "--org", "eu", "health", "carrier_dhl", "--json")
    assert run.exit_code == 0
    assert run.json()["items"][0]["message"] == (
        "required credentials not set: apiKey; set them with "
        "`mercato-int --tenant acme --org eu creds set carrier_dhl apiKey=...`"
    )
    none = cli("--tenant", "acme", "health", "--all")
    assert none.exit_code == 0
    assert none.stderr == (
        "no enabled integrations in tenant acme · org default; enable some with "
        "`mercato-int --tenant acme --org default enable ID`\n"
    )
    default = cli("health", "--all")
    assert "enable some with `mercato-int enable ID`" in default.stderr
    usage = cli("--tenant", "acme", "--org", "eu", "health")
    assert usage.exit_code == 2
    assert usage.stderr.splitlines()[0].endswith(
        "(e.g. `mercato-int --tenant acme --org eu health gateway_stripe` or "
        "`mercato-int --tenant acme --org eu health --all`)"
    )
    assert_other_tenant_untouched(cli, db_url)


# --- one undecryptable row is that item's error (issue 10 item 8, issue 11 item 15) ----------
def copy_ciphertext(db_url: str, *, into: tuple[str, str], source: tuple[str, str]) -> None:
    """Put the ciphertext of row `source` (integration, tenant) into row `into`: it no longer
    opens there (the envelope is bound to its row)."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE integration_credentials SET encrypted_values = (SELECT encrypted_values "
                "FROM integration_credentials WHERE integration_id = :si AND tenant_id = :st) "
                "WHERE integration_id = :ii AND tenant_id = :it"
            ),
            {"si": source[0], "st": source[1], "ii": into[0], "it": into[1]},
        )
    engine.dispose()


def test_an_undecryptable_row_fails_its_item_and_the_others_still_run(
    cli, stripe, medusa, db_url
) -> None:
    cli("enable", "gateway_stripe", "sync_medusa")
    copy_ciphertext(db_url, into=("gateway_stripe", "default"), source=("sync_medusa", "default"))
    run = cli("health", "--all", "--json")
    assert run.exit_code == 5
    items = {i["id"]: i for i in run.json()["items"]}
    assert {k: i["status"] for k, i in items.items()} == {
        "gateway_stripe": "unhealthy",
        "sync_medusa": "healthy",
    }
    bad = items["gateway_stripe"]
    assert bad["message"].startswith(
        "cannot decrypt the credentials of gateway_stripe in tenant default · org default with key "
    )
    assert bad["details"] == {"error": "key_problem"}
    (line,) = run.stderr.splitlines()[-1:]
    assert line == f"error: {bad['message']}"
    assert stripe.requests == []  # its check never ran
    assert medusa.hits("/admin/stores") == 1
    # Nothing recorded for it (the fault is the key here, not Stripe); the other one is.
    listing = {i["id"]: i["healthStatus"] for i in cli("list", "--json").json()["items"]}
    assert listing["gateway_stripe"] is None and listing["sync_medusa_orders"] == "healthy"
    assert [row[0] for row in health_logs(db_url)] == ["sync_medusa"]
    human = cli("health", "gateway_stripe", "sync_medusa")
    assert human.exit_code == 5
    assert "✓ healthy      sync_medusa" in human.stdout
    assert human.stderr.splitlines()[-1].startswith("error: cannot decrypt the credentials of ")
    assert "Traceback" not in human.stderr
    assert_other_tenant_untouched(cli, db_url)


def test_all_tenants_checks_every_tenant_beside_one_with_an_undecryptable_row(
    cli, stripe, db_url
) -> None:
    args = [f"{k}={v}" for k, v in STRIPE.items()]
    assert cli("--tenant", "acme", "creds", "set", "gateway_stripe", *args).exit_code == 0
    for tenant in ("acme", "default", "zeta"):
        cli("--tenant", tenant, "enable", "gateway_stripe")
    assert cli("--tenant", "zeta", "creds", "set", "gateway_stripe", *args).exit_code == 0
    copy_ciphertext(db_url, into=("gateway_stripe", "acme"), source=("gateway_stripe", "default"))
    run = cli("health", "--all-tenants", "--json")
    assert run.exit_code == 5
    data = run.json()
    got = {i["tenantId"]: (i["status"], i["details"]) for i in data["items"]}
    assert got == {
        "acme": ("unhealthy", {"error": "key_problem"}),
        "default": ("healthy", {"httpStatus": 200, "livemode": False}),
        "zeta": ("healthy", {"httpStatus": 200, "livemode": False}),
    }
    assert data["failedTenants"] == []
    assert stripe.hits("/v1/balance") == 2  # the first tenant did not stop the others
    assert run.stderr.splitlines()[-1].startswith(
        "error: cannot decrypt the credentials of gateway_stripe in tenant acme · org default"
    )
    assert_other_tenant_untouched(cli, db_url)


def test_all_tenants_reports_a_tenant_that_cannot_be_planned_and_checks_the_rest(
    cli, stripe, db_url, monkeypatch
) -> None:
    from mercato_int.services.health.service import HealthService

    for tenant in ("acme", "default"):
        cli("--tenant", tenant, "enable", "gateway_stripe")
    real = HealthService._plan_tenant

    def failing(self, scope, *args):  # a fault confined to one tenant's rows
        if scope.tenant_id == "acme":
            raise RuntimeError("acme's rows cannot be read")
        return real(self, scope, *args)

    monkeypatch.setattr(HealthService, "_plan_tenant", failing)
    run = cli("health", "--all-tenants", "--json")
    assert run.exit_code == 1
    data = run.json()
    assert [(i["tenantId"], i["status"]) for i in data["items"]] == [("default", "healthy")]
    assert data["failedTenants"] == [
        {
            "organizationId": "default",
            "tenantId": "acme",
            "error": "RuntimeError: acme's rows cannot be read",
        }
    ]
    assert run.stderr.splitlines()[-1] == (
        "error: tenant acme · org default was not checked: RuntimeError: acme's rows cannot be read"
    )


# --- a secret in any escaped form never leaves the check (issue 11 item 4) --------------------
def test_escaped_forms_of_a_secret_are_masked_everywhere(cli, monkeypatch, db_url) -> None:
    import json
    from urllib.parse import quote

    secret = 'sk_test_Q"u/o+t\\e é 4242'
    forms = [
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
        repr(secret.encode())[2:-1],
        quote(secret, safe=""),
    ]
    server = fakes.FakeStripe(secret)
    monkeypatch.setenv("MERCATO_INT_STRIPE_API_BASE", server.url)
    said = " | ".join(forms[1:])
    server.answer("/v1/balance", 402, {"error": {"message": said, "type": "card_error"}})
    values = {**STRIPE, "secretKey": secret}
    assert (
        cli("creds", "set", "gateway_stripe", *[f"{k}={v}" for k, v in values.items()]).exit_code
        == 0
    )
    run = cli("health", "gateway_stripe", "--json")
    human = cli("health", "gateway_stripe")
    shown = cli("show", "gateway_stripe", "--json")
    events = cli("events", "--json")
    server.close()
    (item,) = run.json()["items"]
    assert item["message"] == "Stripe answered 402: " + " | ".join(["••••••••"] * 5)
    texts = [run.stdout, run.stderr, human.stdout, human.stderr, shown.stdout, events.stdout]
    texts.append(store_text(db_url))
    for text in texts:
        for form in forms:
            assert form not in text


def test_an_undecryptable_bundle_row_is_one_error_for_its_members(cli, stripe, medusa, db_url):
    cli("enable", "sync_medusa")
    copy_ciphertext(db_url, into=("sync_medusa", "default"), source=("gateway_stripe", "default"))
    run = cli("health", "--all", "--json")
    assert run.exit_code == 5
    (item,) = run.json()["items"]
    assert (item["id"], item["integrationIds"], item["details"]) == (
        "sync_medusa",
        MEMBERS,
        {"error": "key_problem"},
    )
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: {item['message']}"]
    assert medusa.requests == []
