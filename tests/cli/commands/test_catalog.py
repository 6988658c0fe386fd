"""`list`, `show` and `validate` as a user sees them: exact lines, exit codes, JSON shapes."""

from __future__ import annotations

import pytest

MEDUSA = [
    "sync_medusa_products",
    "sync_medusa_customers",
    "sync_medusa_orders",
    "sync_medusa_inventory",
    "sync_medusa_webhooks",
]
ALL_IDS = [*MEDUSA, "carrier_dhl", "gateway_stripe"]

ORPHAN = (
    "integration = {'id': 'orphan_one', 'title': 'Orphan', 'category': 'crm',"
    " 'bundleId': 'ghost'}\n"
)
SYNTAX = "integration = {\n    'id': 'broken',,\n}\n"
GOOD = "integration = {'id': 'good_extra', 'title': 'Good Extra', 'category': 'crm'}\n"


STRIPE_ARGS = ["publishableKey=pk_1", "secretKey=sk_test_123456", "webhookSecret=whsec_1"]


def plain(text: str) -> str:
    """`text` without the terminal's style codes (bold, dim: NO_COLOR keeps those)."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _ids(run) -> list[str]:
    assert run.exit_code == 0, run.stderr
    return [i["id"] for i in run.json()["items"]]


# --- list ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--category", "shipping"], ["carrier_dhl"]),
        (["--category", "data_sync"], MEDUSA[:4]),
        (["--search", "stripe"], ["gateway_stripe"]),  # id and title
        (["--search", "Apple Pay"], ["gateway_stripe"]),  # description
        (["--search", "tracking"], ["carrier_dhl"]),  # tag
        (["--search", "ORDERS"], ["sync_medusa_orders"]),
        (["--bundle", "sync_medusa"], MEDUSA),
        (["--bundle", "sync_medusa", "--search", "webhook"], ["sync_medusa_webhooks"]),
        (["--disabled"], ALL_IDS),
        (["--enabled"], []),
    ],
)
def test_list_filters(cli, args: list[str], expected: list[str]) -> None:
    run = cli("list", *args, "--json")
    assert _ids(run) == expected
    assert run.json()["total"] == len(expected)


def test_list_filters_keep_the_bundle_counts_whole(cli) -> None:
    data = cli("list", "--search", "orders", "--json").json()
    (bundle,) = data["bundles"]
    assert bundle["integrationIds"] == ["sync_medusa_orders"]
    assert (bundle["integrationCount"], bundle["enabledCount"]) == (5, 0)
    assert bundle["hasCredentials"] is False


def test_list_unknown_bundle_exits_3(cli) -> None:
    run = cli("list", "--bundle", "sync_medusa_x")
    assert run.exit_code == 3
    assert run.stderr.splitlines() == [
        "error: no bundle with id 'sync_medusa_x' (did you mean sync_medusa?)"
    ]
    assert run.stdout == ""


def test_list_unknown_category_warns_and_shows_nothing(cli) -> None:
    run = cli("list", "--category", "payments")
    assert run.exit_code == 0
    assert run.stderr.splitlines() == [
        "warning: no integration has category 'payments'; known: data_sync, payment, "
        "shipping, webhook"
    ]
    assert "No integration matches." in run.stdout


def test_list_human_output_names_scope_and_states(cli) -> None:
    run = cli("--tenant", "acme", "--org", "eu", "list", "--bundle", "sync_medusa")
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert lines[0] == "Integrations · tenant acme · org eu"
    assert "MedusaJS (sync_medusa)" in lines[1]
    assert "5 integrations, 0 enabled" in run.stdout
    assert "@open-mercato/sync-medusa v1.0.0 · credentials: not set" in run.stdout
    row = next(line for line in lines if "sync_medusa_orders" in line)
    assert "○ Disabled" in row and "Orders" in row and "Data Sync" in row
    assert "Standalone" not in run.stdout


def test_list_json_items_carry_the_state_keys(cli) -> None:
    data = cli("list", "--json").json()
    for item in data["items"]:
        assert item["isEnabled"] is False
        assert item["hasCredentials"] is False
        assert item["credentialsUpdatedAt"] is None
        # each has a check and required credentials, none set: unconfigured, not "unknown"
        assert item["healthStatus"] == "unconfigured"
        assert item["lastHealthCheckAt"] is None
        assert item["analytics"] == {
            "lastActivityAt": None,
            "totalCount": 0,
            "errorCount": 0,
            "errorRate": 0,
            "dailyCounts": [0] * 30,
        }
    dhl = next(i for i in data["items"] if i["id"] == "carrier_dhl")
    assert [f["key"] for f in dhl["credentials"]["fields"]] == [
        "apiKey",
        "username",
        "password",
        "accountNumber",
        "environment",
    ]
    assert dhl["credentials"]["fields"][4]["options"] == [
        {"value": "sandbox", "label": "Sandbox"},
        {"value": "production", "label": "Production"},
    ]


# --- broken providers ------------------------------------------------------------------------
def test_validate_names_both_broken_files_and_exits_1(cli, providers_dir) -> None:
    root = providers_dir({"orphan": ORPHAN, "syntax": SYNTAX, "good": GOOD}).resolve()
    run = cli("validate")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        f"✗ {root}/syntax/integration.py:2: syntax error: invalid syntax; fix the file",
        f"✗ {root}/orphan/integration.py: [orphan_one] bundleId: bundle 'ghost' is not "
        "declared by any provider; declare it or remove bundleId",
        "2 problems; 9 integrations and 1 bundle from 5 providers",
    ]


def test_validate_json_for_ci(cli, providers_dir) -> None:
    root = providers_dir({"orphan": ORPHAN, "syntax": SYNTAX}).resolve()
    run = cli("validate", "--json")
    assert run.exit_code == 1
    assert run.stderr == ""
    assert run.json() == {
        "ok": False,
        "integrations": 8,
        "bundles": 1,
        "providers": 4,
        "problems": [
            {
                "file": f"{root}/syntax/integration.py",
                "line": 2,
                "id": None,
                "field": None,
                "message": "syntax error: invalid syntax; fix the file",
            },
            {
                "file": f"{root}/orphan/integration.py",
                "line": None,
                "id": "orphan_one",
                "field": "bundleId",
                "message": "bundle 'ghost' is not declared by any provider; "
                "declare it or remove bundleId",
            },
        ],
    }


def test_validate_clean(cli) -> None:
    run = cli("validate")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout == "ok: 7 integrations and 1 bundle from 3 providers, no problems\n"
    data = cli("validate", "--json").json()
    assert data == {"ok": True, "integrations": 7, "bundles": 1, "providers": 3, "problems": []}


def test_list_shows_every_good_provider_and_warns(cli, providers_dir) -> None:
    root = providers_dir({"orphan": ORPHAN, "syntax": SYNTAX, "good": GOOD}).resolve()
    run = cli("list", "--json")
    assert run.exit_code == 0
    assert _ids(run) == [*MEDUSA, "carrier_dhl", "gateway_stripe", "good_extra", "orphan_one"]
    assert run.stderr.splitlines() == [
        f"warning: {root}/syntax/integration.py:2: syntax error: invalid syntax; fix the file",
        f"warning: {root}/orphan/integration.py: [orphan_one] bundleId: bundle 'ghost' is not "
        "declared by any provider; declare it or remove bundleId",
        "warning: run `mercato-int validate` for every problem with what to change",
    ]
    human = cli("list")
    assert human.exit_code == 0
    for some_id in ["gateway_stripe", "carrier_dhl", "good_extra", *MEDUSA]:
        assert some_id in human.stdout
    assert human.stderr == run.stderr


# --- show ------------------------------------------------------------------------------------
def test_show_integration(cli) -> None:
    from mercato_int.bundled import provider_dirs

    (bundled,) = provider_dirs()
    run = cli("show", "gateway_stripe")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout.splitlines() == [
        "Stripe (gateway_stripe) · integration · tenant default · org default",
        "Accept card payments, Apple Pay, and Google Pay via Stripe Checkout.",
        "category       payment",
        "hub            payment_gateways",
        "provider key   stripe",
        "package        @open-mercato/gateway-stripe",
        "version        1.0.0",
        "author         Open Mercato Team",
        "license        MIT",
        "docs           https://docs.stripe.com",
        "tags           cards, apple-pay, google-pay, checkout",
        "health check   stripeHealthCheck (gateway_stripe)",
        f"provider file  {bundled.resolve() / 'gateway_stripe' / 'integration.py'}",
        "",
        "Credentials",
        "  key             label             type     required  options",
        "  publishableKey  Publishable Key   text     yes",
        "  secretKey       Secret Key        secret   yes",
        "  webhookSecret   Webhook Secret    secret   yes",
        "  captureMethod   Capture Method    select             automatic, manual",
        "  enableApplePay  Enable Apple Pay  boolean",
        "",
        "State: ○ Disabled",
        "Health: unconfigured · required credentials are not set",
        "Credentials: not set",
        "Last changes: none",
    ]


def test_show_integration_json(cli) -> None:
    data = cli("--tenant", "acme", "show", "sync_medusa_orders", "--json").json()
    assert data["kind"] == "integration"
    assert data["id"] == "sync_medusa_orders"
    assert data["bundleId"] == "sync_medusa"
    assert data["scope"] == {"organizationId": "default", "tenantId": "acme"}
    assert data["state"] == {
        "isEnabled": False,
        "enabledAt": None,
        "enabledBy": None,
        "healthStatus": "unconfigured",
        "lastHealthCheck": None,
        "lastHealthCheckAt": None,
        "hasCredentials": False,
        "credentialsSource": "none",
        "credentialsUpdatedAt": None,
        "version": 0,
    }
    assert (data["hasCredentials"], data["credentialsUpdatedAt"]) == (False, None)
    assert data["bundle"]["id"] == "sync_medusa"
    assert [f["key"] for f in data["bundle"]["credentials"]["fields"]] == [
        "medusaApiUrl",
        "medusaApiKey",
        "medusaWebhookSecret",
    ]


def test_show_bundle(cli) -> None:
    run = cli("show", "sync_medusa")
    assert run.exit_code == 0, run.stderr
    lines = [line.rstrip() for line in run.stdout.splitlines()]
    assert lines[0] == "MedusaJS (sync_medusa) · bundle · tenant default · org default"
    for member in MEDUSA:
        assert any(member in line and "○ Disabled" in line for line in lines)
    data = cli("show", "sync_medusa", "--json").json()
    assert data["kind"] == "bundle"
    assert [m["id"] for m in data["integrations"]] == MEDUSA
    assert data["integrations"][0]["isEnabled"] is False


def test_show_a_member_points_at_its_bundle_credentials(cli) -> None:
    run = cli("show", "sync_medusa_orders")
    assert "Credentials: shared with bundle sync_medusa (`mercato-int show sync_medusa`)" in (
        run.stdout
    )


def test_show_unknown_id_exits_3(cli) -> None:
    run = cli("show", "carrier_dh1", "--json")
    assert (run.exit_code, run.stdout) == (3, "")
    assert run.stderr == (
        "error: no integration or bundle with id 'carrier_dh1' (did you mean carrier_dhl?)\n"
    )


@pytest.mark.parametrize("columns", ["80", "72"])
def test_list_fits_a_narrow_terminal_without_losing_words(cli, columns: str) -> None:
    # TTY_COMPATIBLE=1: Rich takes stdout for a terminal of COLUMNS (off a terminal, no limit)
    run = cli("list", env={"COLUMNS": columns, "TTY_COMPATIBLE": "1"})
    assert run.exit_code == 0
    lines = plain(run.stdout).splitlines()
    assert max(len(line) for line in lines) <= int(columns)
    text = " ".join(line.strip("│ ") for line in lines)
    assert "products, customers, orders, and inventory." in " ".join(text.split())
    for some_id in ["gateway_stripe", "carrier_dhl", "sync_medusa_webhooks"]:
        assert some_id in run.stdout


@pytest.mark.parametrize("columns", ["80", "72"])
def test_polish_labels_fit_a_narrow_terminal_without_an_ellipsis(cli, columns: str) -> None:
    run = cli("--lang", "pl", "list", env={"COLUMNS": columns, "TTY_COMPATIBLE": "1"})
    assert run.exit_code == 0
    text = plain(run.stdout)
    assert max(len(line) for line in text.splitlines()) <= int(columns)
    assert "…" not in text  # a long word folds onto the next line, never cut
    for some_id in ["gateway_stripe", "carrier_dhl", "sync_medusa_webhooks"]:
        assert some_id in text
    assert "Synchroni" in text and "Wysyłka" in text and "Płatności" in text


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_list_at_80_columns_wraps_only_at_spaces(cli, lang: str) -> None:
    """Every word of the 80-column output is a whole word of the unlimited (piped) one: no
    label is broken mid-word, none is cut; piped output keeps one line per row."""
    cli("enable", "carrier_dhl")
    cli("creds", "set", "gateway_stripe", *STRIPE_ARGS)

    def words(text: str) -> set[str]:
        return {w for w in plain(text).replace("│", " ").split() if w.strip("╭╮╰╯─")}

    piped = cli("--lang", lang, "list").stdout
    wide = words(piped)
    narrow = cli("--lang", lang, "list", env={"COLUMNS": "80", "TTY_COMPATIBLE": "1"}).stdout
    assert max(len(line) for line in plain(narrow).splitlines()) <= 80
    assert words(narrow) - wide == set()
    assert wide - words(narrow) == set()
    label = {"en": "unconfigured", "pl": "konfiguracji"}[lang]
    assert any(label in line and "sync_medusa_orders" in line for line in piped.splitlines())


# --- health status now, filters and sorts (issue 10, items 6, 7, 12) -------------------------


def _store_health(db_url: str, integration_id: str, status: str, message: str) -> None:
    """A stored result as `health` records it, through the state service."""
    from datetime import UTC, datetime

    from mercato_int.scope import TenantScope
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    at = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    result = {"status": status, "message": message, "details": None, "latencyMs": 5}
    svc = Services(Settings.load(database_url=db_url))
    try:
        with svc.store.session() as session:
            svc.state.store_health(session, [integration_id], TenantScope(), result, at)
    finally:
        svc.close()


def test_list_health_status_follows_creds_unset_at_once(cli, db_url) -> None:
    cli("creds", "set", "gateway_stripe", *STRIPE_ARGS)
    _store_health(db_url, "gateway_stripe", "healthy", "balance readable")
    assert _ids(cli("list", "--health-status", "healthy", "--json")) == ["gateway_stripe"]
    assert cli("creds", "unset", "gateway_stripe", "--yes").exit_code == 0
    assert _ids(cli("list", "--health-status", "healthy", "--json")) == []
    assert "gateway_stripe" in _ids(cli("list", "--health-status", "unconfigured", "--json"))
    stripe = cli("show", "gateway_stripe", "--json").json()
    assert (stripe["state"]["healthStatus"], stripe["hasCredentials"]) == ("unconfigured", False)
    assert "Health: unconfigured · required credentials are not set" in (
        cli("show", "gateway_stripe").stdout
    )


def test_list_unknown_health_status_or_sort_exits_2(cli) -> None:
    bad = cli("list", "--health-status", "sick")
    assert (bad.exit_code, bad.stdout) == (2, "")
    assert bad.stderr == (
        "error: unknown health status 'sick'; use one of healthy, degraded, unhealthy, "
        "unconfigured, unchecked\n"
    )
    wrong = cli("--lang", "pl", "list", "--sort", "name")
    assert wrong.exit_code == 2
    assert wrong.stderr == (
        "błąd: nieznane sortowanie 'name'; użyj jednego z: title, category, health, updated\n"
    )


def test_list_sort_and_desc(cli, db_url) -> None:
    cli("creds", "set", "gateway_stripe", *STRIPE_ARGS)
    _store_health(db_url, "gateway_stripe", "degraded", "slow")
    by_health = _ids(cli("list", "--sort", "health", "--json"))
    assert by_health[0] == "gateway_stripe"  # the only one with a result
    assert _ids(cli("list", "--sort", "health", "--desc", "--json"))[-1] == "gateway_stripe"
    assert _ids(cli("list", "--desc", "--json"))[:2] == ["gateway_stripe", "sync_medusa_webhooks"]
    assert _ids(cli("list", "--sort", "category", "--json")) == [
        "sync_medusa_customers",  # data_sync, then by title
        "sync_medusa_inventory",
        "sync_medusa_orders",
        "sync_medusa_products",
        "gateway_stripe",  # payment
        "carrier_dhl",  # shipping
        "sync_medusa_webhooks",  # webhook
    ]
    cli("enable", "carrier_dhl")
    assert _ids(cli("list", "--sort", "updated", "--desc", "--json"))[0] == "carrier_dhl"
    # the human view groups by bundle, each group in the sorted order
    human = cli("list", "--sort", "title", "--desc").stdout
    assert human.index("Standalone") < human.index("MedusaJS (sync_medusa)")
    assert human.index("gateway_stripe") < human.index("carrier_dhl")


def test_show_prints_local_times_the_last_message_and_credentials(cli, db_url, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Europe/Warsaw")
    time.tzset()
    try:
        cli("creds", "set", "gateway_stripe", *STRIPE_ARGS)
        cli("--actor", "ann", "enable", "gateway_stripe")
        _store_health(db_url, "gateway_stripe", "degraded", "Stripe answered 429: slow down")
        data = cli("show", "gateway_stripe", "--json").json()
        lines = cli("show", "gateway_stripe").stdout.splitlines()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    from datetime import datetime
    from zoneinfo import ZoneInfo

    def local(iso: str) -> str:
        when = datetime.fromisoformat(iso).astimezone(ZoneInfo("Europe/Warsaw"))
        return when.strftime("%Y-%m-%d %H:%M:%S")

    state = data["state"]
    assert f"State: ● Enabled  by ann at {local(state['enabledAt'])}" in lines
    # 08:30 UTC on 20 November is 09:30 in Warsaw
    assert "Health: degraded at 2026-11-20 09:30:00 · Stripe answered 429: slow down" in lines
    assert f"Credentials: set at {local(data['credentialsUpdatedAt'])}" in lines
    assert data["hasCredentials"] is True and data["credentialsUpdatedAt"].endswith("Z")
    member = cli("show", "sync_medusa_orders").stdout.splitlines()
    assert "Credentials: not set" in member
    medusa = ["medusaApiUrl=https://m.example", "medusaApiKey=k1", "medusaWebhookSecret=w1"]
    assert cli("creds", "set", "sync_medusa", *medusa).exit_code == 0
    member = cli("show", "sync_medusa_orders").stdout.splitlines()
    assert any(line.startswith("Credentials: set on bundle sync_medusa at ") for line in member)
    assert "Health: not checked yet" in member
    bundle = cli("show", "sync_medusa", "--json").json()
    assert bundle["hasCredentials"] is True
    assert all(m["hasCredentials"] for m in bundle["integrations"])


def test_an_unconfigured_check_result_has_no_latency(cli) -> None:
    run = cli("health", "carrier_dhl", "--json")
    (item,) = run.json()["items"]
    assert (item["status"], item["latencyMs"]) == ("unconfigured", None)
    stored = cli("show", "carrier_dhl", "--json").json()["state"]["lastHealthCheck"]
    assert (stored["status"], stored["latencyMs"]) == ("unconfigured", None)


def test_a_stale_unconfigured_result_reads_as_never_checked_after_creds_set(cli) -> None:
    assert cli("enable", "gateway_stripe").exit_code == 0
    cli("health", "gateway_stripe")
    assert cli("show", "gateway_stripe", "--json").json()["state"]["healthStatus"] == (
        "unconfigured"
    )
    assert cli("creds", "set", "gateway_stripe", *STRIPE_ARGS).exit_code == 0
    stripe = cli("show", "gateway_stripe", "--json").json()["state"]
    assert (stripe["healthStatus"], stripe["lastHealthCheck"]) == (None, None)
    listed = [i for i in cli("list", "--json").json()["items"] if i["id"] == "gateway_stripe"]
    assert listed[0]["healthStatus"] is None
    assert "gateway_stripe" in _ids(cli("list", "--health-status", "unchecked", "--json"))
    assert "gateway_stripe" not in _ids(cli("list", "--health-status", "unconfigured", "--json"))
    shown = cli("show", "gateway_stripe").stdout
    health = [line for line in shown.splitlines() if line.startswith("Health")]
    assert health == ["Health: not checked yet"]
    assert "unconfigured" not in cli("list").stdout.split("gateway_stripe")[1].splitlines()[0]
    # the next check's event says it was never checked before
    cli("health", "gateway_stripe", "--timeout", "0.5")
    events = cli("events", "--type", "integrations.health.checked", "--json").json()["items"]
    assert events[-1]["payload"]["changes"]["status"]["from"] is None
