"""`enable`, `disable`, `events` and `show`'s last changes, as a user sees them; the tenant
`other` must stay untouched throughout."""

from __future__ import annotations

import sys
import textwrap

MEDUSA = [
    "sync_medusa_products",
    "sync_medusa_customers",
    "sync_medusa_orders",
    "sync_medusa_inventory",
    "sync_medusa_webhooks",
]


def assert_other_tenant_untouched(cli) -> None:
    listing = cli("--tenant", "other", "list", "--json").json()
    assert [i["id"] for i in listing["items"] if i["isEnabled"] or i["enabledBy"]] == []
    assert cli("--tenant", "other", "events", "--json").json() == {"items": [], "total": 0}


def test_enable_bundle_enables_five_with_events_and_list_agrees(cli) -> None:
    run = cli("--actor", "alice", "enable", "sync_medusa")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "Enabled in tenant default · org default by alice (bundle sync_medusa):",
        *[f"  {i}" for i in MEDUSA],
    ]
    assert run.stderr == (
        "warning: sync_medusa (5 integrations): required credentials not set: medusaApiUrl, "
        "medusaApiKey, medusaWebhookSecret; set them with `mercato-int creds set sync_medusa "
        "medusaApiUrl=... medusaApiKey=... medusaWebhookSecret=...`\n"
    )
    listing = cli("list", "--json").json()
    enabled = {i["id"]: i["enabledBy"] for i in listing["items"] if i["isEnabled"]}
    assert enabled == dict.fromkeys(MEDUSA, "alice")
    assert listing["bundles"][0]["enabledCount"] == 5
    events = cli("events", "--json").json()
    assert events["total"] == 6
    assert [(e["type"], e["subjectId"], e["actor"]) for e in events["items"]] == [
        ("integrations.bundle.enabled", "sync_medusa", "alice"),
        *[("integrations.integration.enabled", i, "alice") for i in MEDUSA],
    ]
    for e in events["items"]:
        assert (e["organizationId"], e["tenantId"]) == ("default", "default")
        assert e["createdAt"].endswith("Z")
        assert e["payload"]["changes"] == {"isEnabled": {"from": False, "to": True}}
    assert_other_tenant_untouched(cli)


def test_enable_warns_only_about_credentials_still_missing(cli) -> None:
    keys = ["publishableKey=pk_1", "secretKey=sk_test_1", "webhookSecret=whsec_1"]
    assert cli("creds", "set", "gateway_stripe", *keys).exit_code == 0
    run = cli("enable", "gateway_stripe", "sync_medusa_orders")
    assert run.exit_code == 0
    assert run.stderr.splitlines() == [
        "warning: sync_medusa_orders (credentials of bundle sync_medusa): required credentials "
        "not set: medusaApiUrl, medusaApiKey, medusaWebhookSecret; set them with `mercato-int "
        "creds set sync_medusa medusaApiUrl=... medusaApiKey=... medusaWebhookSecret=...`",
    ]
    cli(
        "creds",
        "set",
        "sync_medusa",
        "medusaApiUrl=https://m.example",
        "medusaApiKey=k1",
        "medusaWebhookSecret=w1",
    )
    quiet = cli("enable", "sync_medusa_orders", "gateway_stripe", "--json")
    assert (quiet.stderr, quiet.json()["missingCredentials"]) == ("", [])
    assert_other_tenant_untouched(cli)


def test_enable_twice_and_disable_say_what_happened(cli) -> None:
    cli("enable", "gateway_stripe")
    again = cli("enable", "gateway_stripe", "carrier_dhl")
    assert again.stdout.splitlines() == [
        "Enabled in tenant default · org default by tester:",
        "  carrier_dhl",
        "Already enabled in tenant default · org default: gateway_stripe",
    ]
    off = cli("disable", "gateway_stripe", "--json").json()
    assert (off["isEnabled"], off["changed"], off["actor"]) == (False, ["gateway_stripe"], "tester")
    assert [e["type"] for e in off["events"]] == ["integrations.integration.disabled"]
    assert_other_tenant_untouched(cli)


def test_unknown_id_exits_3_and_changes_nothing(cli) -> None:
    run = cli("enable", "carrier_dhl", "gateway_strip")
    assert run.exit_code == 3
    first = run.stderr.splitlines()[0]
    assert first.startswith("error: no integration with id 'gateway_strip' (did you mean ")
    assert "gateway_stripe" in first
    assert cli("events", "--json").json()["total"] == 0
    assert_other_tenant_untouched(cli)


def test_events_filters_by_type_and_since(cli) -> None:
    cli("enable", "sync_medusa")
    cli("disable", "sync_medusa_orders")
    only = cli("events", "--type", "integration.disabled", "--json").json()
    assert [e["subjectId"] for e in only["items"]] == ["sync_medusa_orders"]
    assert cli("events", "--since", "1h", "--json").json()["total"] == 7
    assert cli("events", "--since", "2999-01-01", "--json").json()["total"] == 0
    human = cli("events", "--type", "integrations.bundle.enabled")
    assert human.stdout.splitlines()[0] == "Events · tenant default · org default"
    assert "integrations.bundle.enabled  sync_medusa  by tester  isEnabled: false → true" in (
        human.stdout
    )
    bad = cli("events", "--since", "yesterday")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: not a time or age: 'yesterday'")
    assert_other_tenant_untouched(cli)


def test_show_lists_the_last_changes_of_the_id(cli) -> None:
    cli("enable", "gateway_stripe")
    cli("--actor", "bob", "disable", "gateway_stripe")
    cli("enable", "carrier_dhl")
    run = cli("show", "gateway_stripe")
    tail = run.stdout.split("Last changes:\n", 1)[1].splitlines()
    assert len(tail) == 2
    assert tail[0].endswith(
        "integrations.integration.enabled  gateway_stripe  by tester  isEnabled: false → true"
    )
    assert "integrations.integration.disabled  gateway_stripe  by bob" in tail[1]
    data = cli("show", "sync_medusa", "--json").json()
    assert data["recentEvents"] == []
    assert "Last changes: none" in cli("--tenant", "other", "show", "gateway_stripe").stdout


SUBSCRIBER = """
def boom(event):
    raise RuntimeError("audit sink is down")
"""


def test_a_failing_subscriber_is_reported_and_the_change_kept(cli, tmp_path, monkeypatch):
    # A real entry point in the `mercato_int.subscribers` group, from a dist-info on sys.path.
    site = tmp_path / "site"
    dist = site / "boom_subscriber-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: boom-subscriber\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[mercato_int.subscribers]\nboom = boom_subscriber_mod:boom\n"
    )
    (site / "boom_subscriber_mod.py").write_text(textwrap.dedent(SUBSCRIBER))
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "boom_subscriber_mod", raising=False)
    run = cli("enable", "gateway_stripe")
    assert run.exit_code == 0
    assert (
        "warning: subscriber boom failed on integrations.integration.enabled for gateway_stripe: "
        "RuntimeError: audit sink is down (the change was kept)"
    ) in run.stderr.replace("\n", " ")
    assert cli("list", "--json").json()["items"][-1]["isEnabled"] is True
    assert_other_tenant_untouched(cli)


def test_events_follow_prints_new_events_until_interrupted(cli, interruptible) -> None:
    import json
    import os
    import queue
    import signal
    import subprocess
    import threading

    cli("enable", "carrier_dhl")  # the backlog: its line shows the follower is running
    proc = subprocess.Popen(
        [sys.executable, "-m", "mercato_int", "events", "-f", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
        preexec_fn=interruptible,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    try:
        first = json.loads(lines.get(timeout=60))
        assert (first["type"], first["subjectId"]) == (
            "integrations.integration.enabled",
            "carrier_dhl",
        )
        cli("--actor", "dana", "disable", "carrier_dhl")
        cli("--tenant", "other", "enable", "gateway_stripe")  # another tenant: not shown
        second = json.loads(lines.get(timeout=60))
        assert (second["type"], second["subjectId"], second["actor"]) == (
            "integrations.integration.disabled",
            "carrier_dhl",
            "dana",
        )
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert lines.empty()
    assert "Traceback" not in stderr


def test_access_control_guards_enable_health_and_events(cli) -> None:
    assert cli("acl", "grant", "tester", "admin").exit_code == 0
    assert cli("acl", "grant", "eve", "employee").exit_code == 0
    for args in (["enable", "gateway_stripe"], ["disable", "sync_medusa"], ["health", "--all"]):
        run = cli("--actor", "eve", *args)
        assert run.exit_code == 6, args
        assert run.stderr.startswith("error: not allowed: eve lacks integrations.manage in ")
    assert cli("--actor", "eve", "events", "--type", "integration.enabled", "--json").json() == {
        "items": [],
        "total": 0,
    }
    assert cli("enable", "gateway_stripe").exit_code == 0  # tester is an admin
    denied = cli("events", "--type", "access.denied", "--json").json()["items"]
    assert [(e["actor"], e["payload"]["feature"]) for e in denied] == [
        ("eve", "integrations.manage")
    ] * 3
    assert cli("--tenant", "other", "--actor", "eve", "enable", "carrier_dhl").exit_code == 0


def test_events_show_what_matters_in_the_payload(cli) -> None:
    """Changed field keys (never values), the refused feature and command, the grant."""
    keys = ["publishableKey=pk_1", "secretKey=sk_test_123456", "webhookSecret=whsec_1"]
    cli("creds", "set", "gateway_stripe", *keys)
    cli("--actor", "alice", "acl", "grant", "alice", "admin")
    cli("--actor", "alice", "acl", "grant", "bob", "employee")
    assert cli("--actor", "bob", "disable", "gateway_stripe").exit_code == 6
    run = cli("--actor", "alice", "events")
    assert run.exit_code == 0
    lines = [line.split("  ", 1)[1] for line in run.stdout.splitlines()[1:]]  # without times
    assert lines == [
        "integrations.credentials.updated  gateway_stripe  by tester  "
        "fields: publishableKey, secretKey, webhookSecret",
        "integrations.access.granted  -  by alice  admin for alice",
        "integrations.access.granted  -  by alice  employee for bob",
        "integrations.access.denied  -  by bob  "
        "refused: integrations.manage for `mercato-int disable`",
    ]
    assert "sk_test_123456" not in run.stdout
    polish = cli("--lang", "pl", "--actor", "alice", "events").stdout
    assert "pola: publishableKey, secretKey, webhookSecret" in polish
    assert "odmowa: integrations.manage dla `mercato-int disable`" in polish
    assert "employee dla bob" in polish


def test_events_times_are_local_as_in_logs(cli, monkeypatch) -> None:
    import time
    from datetime import datetime
    from zoneinfo import ZoneInfo

    cli("enable", "gateway_stripe")
    created = cli("events", "--json").json()["items"][0]["createdAt"]
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        line = cli("events").stdout.splitlines()[1]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    tokyo = datetime.fromisoformat(created).astimezone(ZoneInfo("Asia/Tokyo"))
    assert line.startswith(tokyo.strftime("%Y-%m-%d %H:%M:%S") + "  ")


def test_if_version_makes_enable_and_disable_conditional(cli) -> None:
    def state_version() -> int:
        return cli("show", "gateway_stripe", "--json").json()["state"]["version"]

    assert state_version() == 0
    won = cli("enable", "gateway_stripe", "--if-version", "0", "--json")
    assert won.exit_code == 0, won.stderr
    assert won.json()["versions"] == {"gateway_stripe": 1}
    stale = cli("disable", "gateway_stripe", "--if-version", "0")
    assert stale.exit_code == 1
    assert stale.stderr.splitlines() == [
        "error: the state of gateway_stripe in tenant default · org default is at version 1, "
        "not 0: someone changed it since you read it (`mercato-int show gateway_stripe --json` "
        "gives the current state.version: read it again before you decide)"
    ]
    assert stale.stdout == ""
    assert cli("show", "gateway_stripe", "--json").json()["state"]["isEnabled"] is True
    assert cli("disable", "gateway_stripe", "--if-version", "1").exit_code == 0
    assert state_version() == 2
    bundle = cli("enable", "sync_medusa", "--if-version", "0")
    assert bundle.exit_code == 2
    assert "one integration" in bundle.stderr
    assert cli("enable", "gateway_stripe", "--if-version", "-1").exit_code == 2
