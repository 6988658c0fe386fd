"""`health --all-tenants` at fleet scale (issue 14, item 2): the same results as before (status
per tenant, stored state, `health.check` entries, events, exit code), each credentials row
decrypted once per run, a bounded number of transactions per chunk of outcomes, HTTP
connections reused, and a progress bar on a terminal's stderr only (never on stdout, never
with --json). Every test runs on SQLite and on Postgres."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mercato_int.scope import TenantScope

from ...conftest import load_fakes

SCRIPT = str(Path(sys.executable).parent / "mercato-int")
STRIPE_KEY = "sk_test_FLEET_4242"
STRIPE = {"publishableKey": "pk_test_1", "secretKey": STRIPE_KEY, "webhookSecret": "whsec_1"}
MEDUSA_KEY = "medusa_FLEET_4242"
MEMBERS = [
    "sync_medusa_products",
    "sync_medusa_customers",
    "sync_medusa_orders",
    "sync_medusa_inventory",
    "sync_medusa_webhooks",
]


fakes = load_fakes()


class KeepAliveStripe(fakes.FakeStripe):
    keep_alive = True


class KeepAliveMedusa(fakes.FakeMedusa):
    keep_alive = True


@pytest.fixture
def stripe(monkeypatch):
    server = KeepAliveStripe(STRIPE_KEY)
    monkeypatch.setenv("MERCATO_INT_STRIPE_API_BASE", server.url)
    yield server
    server.close()


@pytest.fixture
def medusa():
    server = KeepAliveMedusa(MEDUSA_KEY)
    yield server
    server.close()


def seed(svc, tenants: list[str], *, stripe_key: str = STRIPE_KEY, medusa=None) -> None:
    """Stripe (and the Medusa bundle, given its server) enabled with credentials in each."""
    for tenant in tenants:
        scope = TenantScope("default", tenant)
        svc.credentials.save(
            "gateway_stripe", {**STRIPE, "secretKey": stripe_key}, scope, actor="t"
        )
        ids = ["gateway_stripe"]
        if medusa is not None:
            values = {
                "medusaApiUrl": medusa.url,
                "medusaApiKey": MEDUSA_KEY,
                "medusaWebhookSecret": "mwh_1",
            }
            svc.credentials.save("sync_medusa", values, scope, actor="t")
            ids.append("sync_medusa")
        svc.state.enable(ids, scope, actor="t")


def health_rows(db_url: str) -> list[tuple[str, str, str, str]]:
    """(tenant, integration, level, message) of every `health.check` entry."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT tenant_id, integration_id, level, message FROM integration_logs "
                "WHERE operation = 'health.check' ORDER BY tenant_id, integration_id"
            )
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_every_tenant_gets_the_result_it_got_before(cli, services, stripe, medusa, db_url):
    seed(services, ["t-good"], medusa=medusa)
    seed(services, ["t-bad"], stripe_key="sk_test_WRONG_0000")
    services.state.enable(["gateway_stripe"], TenantScope("default", "t-none"), actor="t")
    run = cli("health", "--all-tenants", "--json")
    assert run.exit_code == 1, run.stderr  # one unhealthy check
    got = {(i["tenantId"], i["id"]): i["status"] for i in run.json()["items"]}
    assert got == {
        ("t-bad", "gateway_stripe"): "unhealthy",
        ("t-good", "gateway_stripe"): "healthy",
        ("t-good", "sync_medusa"): "healthy",
        ("t-none", "gateway_stripe"): "unconfigured",
    }
    fleet = {(i["tenantId"], i["id"]): i["message"] for i in run.json()["items"]}
    # what one tenant's own `health --all` says is what the fleet run said for it
    for tenant in ("t-bad", "t-good", "t-none"):
        alone = cli("--tenant", tenant, "health", "--all", "--json").json()["items"]
        assert {(tenant, i["id"]): i["message"] for i in alone} == {
            k: v for k, v in fleet.items() if k[0] == tenant
        }
    # stored on the state of every integration, the bundle's five members included
    listing = cli("--tenant", "t-good", "list", "--json").json()["items"]
    stored = {i["id"]: i["healthStatus"] for i in listing if i["lastHealthCheckAt"]}
    assert stored == {"gateway_stripe": "healthy", **dict.fromkeys(MEMBERS, "healthy")}
    # one entry per check per run (two runs), at the status's level
    rows = health_rows(db_url)
    assert sorted({r[:3] for r in rows}) == [
        ("t-bad", "gateway_stripe", "error"),
        ("t-good", "gateway_stripe", "info"),
        ("t-good", "sync_medusa", "info"),
        ("t-none", "gateway_stripe", "warning"),
    ]
    assert len(rows) == 8
    assert not any(STRIPE_KEY in r[3] or MEDUSA_KEY in r[3] for r in rows)
    events = cli("--tenant", "t-bad", "events", "--json").json()["items"]
    checked = [e for e in events if e["type"] == "integrations.health.checked"]
    assert len(checked) == 2
    assert checked[0]["payload"]["result"]["status"] == "unhealthy"
    # `other` was never touched
    assert cli("--tenant", "other", "events", "--json").json() == {"items": [], "total": 0}


def count_decrypts(monkeypatch) -> list[int]:
    """A spy on the envelope opener every credentials read goes through: the real function
    runs, and each call is counted."""
    from mercato_int.services.credentials import sealing

    calls = [0]
    real = sealing.open_envelope

    def spy(*args, **kwargs):
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(sealing, "open_envelope", spy)
    return calls


def test_each_credentials_row_is_decrypted_once_per_run(services, stripe, medusa, monkeypatch):
    tenants = [f"shop-{n}" for n in range(3)]
    seed(services, tenants, medusa=medusa)  # two rows a tenant: Stripe's and the bundle's
    decrypts = count_decrypts(monkeypatch)
    jobs, failed = services.health.plan_all_tenants()
    run = services.health.run(jobs, actor="t")
    assert failed == []
    assert run.counts() == {"healthy": 6}  # Stripe and the bundle (once for its 5) per tenant
    assert decrypts[0] == 6  # not once per member, nor again to mask the log entries
    decrypts[0] = 0
    run = services.health.run(
        services.health.plan_enabled(TenantScope("default", "shop-1")), actor="t"
    )
    assert run.counts() == {"healthy": 2}
    assert decrypts[0] == 2  # one tenant's run: its two rows


def test_outcomes_are_written_a_chunk_at_a_time(services, stripe, monkeypatch):
    from sqlalchemy import event

    from mercato_int.services.health import recorder

    monkeypatch.setattr(recorder, "CHUNK", 2)
    monkeypatch.setattr(recorder, "CHUNK_SECONDS", 3600.0)
    seed(services, [f"shop-{n}" for n in range(5)])
    counted = {"begin": 0, "commit": 0}

    def on(name):
        def count(conn):
            counted[name] += 1

        return count

    engine = services.store.engine
    event.listen(engine, "begin", on("begin"))
    event.listen(engine, "commit", on("commit"))
    jobs, _ = services.health.plan_all_tenants()
    planned = dict(counted)
    run = services.health.run(jobs, actor="t")
    assert run.counts() == {"healthy": 5}
    # planning reads a fixed number of times, whatever the number of tenants (no writes)
    assert planned["commit"] == 0 and planned["begin"] <= 6
    # three chunks (2 + 2 + 1), each: state and events, log entries, delivered: 3 commits
    assert counted["commit"] - planned["commit"] == 9
    assert len(services.events.query(TenantScope("default", "shop-4"))[0]) >= 1


def test_a_chunk_the_writer_thread_fails_to_write_fails_the_run(services, stripe, monkeypatch):
    import threading

    from mercato_int.services.health import recorder

    monkeypatch.setattr(recorder, "CHUNK", 2)
    monkeypatch.setattr(recorder, "CHUNK_SECONDS", 3600.0)
    seed(services, [f"shop-{n}" for n in range(5)])
    real = recorder.Recorder._state_and_events
    threads: list[str] = []

    def first_fails(self, items):
        threads.append(threading.current_thread().name)
        if len(threads) == 1:
            raise RuntimeError("store down")
        return real(self, items)

    monkeypatch.setattr(recorder.Recorder, "_state_and_events", first_fails)
    jobs, _ = services.health.plan_all_tenants()
    with pytest.raises(RuntimeError, match="store down"):
        services.health.run(jobs, actor="t")
    # the full chunk was written off the event loop's thread, and its error still ends the run
    assert threads[0].startswith("health-record")


def test_connections_are_reused_across_checks(cli, services, stripe):
    seed(services, [f"shop-{n:02d}" for n in range(30)])
    run = cli("health", "--all-tenants", "--json", "--concurrency", "4")
    assert run.exit_code == 0, run.stderr
    assert stripe.hits("/v1/balance") == 30
    # one pooled client for the run: a handful of keep-alive connections, not one per check
    assert 1 <= stripe.connections <= 10


def on_a_terminal(args: list[str]) -> tuple[int, str, str]:
    """Run the console script with stderr on a pseudo-terminal and stdout a pipe: (exit code,
    stdout, what the terminal got)."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "120"}
    env.pop("CI", None)
    proc = subprocess.Popen(
        [SCRIPT, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    stdout = proc.stdout.read().decode() if proc.stdout else ""
    code = proc.wait(timeout=60)
    os.close(master)
    return code, stdout, seen.decode(errors="replace")


def test_a_progress_bar_on_a_terminal_only_and_never_with_json(cli, services, stripe, db_url):
    seed(services, ["shop-a", "shop-b"])
    os.environ["MERCATO_INT_DATABASE_URL"] = db_url  # monkeypatched by the cli fixture
    code, stdout, terminal = on_a_terminal(["health", "--all-tenants"])
    assert code == 0, terminal
    assert "━" in terminal and "2/2" in terminal  # the bar, and how far it got
    assert "━" not in stdout and "2/2" not in stdout
    assert stdout.count("✓ healthy") == 2
    code, stdout, terminal = on_a_terminal(["health", "--all-tenants", "--json"])
    assert code == 0, terminal
    assert "━" not in terminal and "2/2" not in terminal
    assert json.loads(stdout)["counts"] == {"healthy": 2}
    # off a terminal (cron, a pipe): one line per check on stderr, no bar
    run = cli("health", "--all-tenants")
    assert "━" not in run.stderr + run.stdout
    assert sorted(line.split("]", 1)[0] for line in run.stderr.splitlines()[1:]) == [
        "[1/2",
        "[2/2",
    ]


ORM_PROBE = """import sys
from mercato_int.cli.app import main

sys.argv = ["mercato-int", *sys.argv[1:]]
try:
    main()
finally:
    orm = sorted(m for m in ("sqlmodel", "sqlalchemy.orm") if m in sys.modules)
    print("ORM imported:", orm, file=sys.stderr)
"""


def test_a_run_off_a_terminal_writes_through_core_and_its_lines_on_stderr(services, stripe, db_url):
    """A cron run (stderr a pipe): one progress line per check on stderr, written a batch at
    a time, none on stdout; states, events and log entries written without the ORM (which
    the command then never imports)."""
    tenants = ["shop-a", "shop-b", "shop-c"]
    seed(services, tenants)
    proc = subprocess.run(
        [sys.executable, "-c", ORM_PROBE, "--db", db_url, "health", "--all-tenants", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[-1] == "ORM imported: []"
    progress = sorted(line for line in lines if line.startswith("["))
    assert [line.split("]", 1)[0] for line in progress] == ["[1/3", "[2/3", "[3/3"]
    for tenant in tenants:
        assert sum(f"tenant {tenant} " in line for line in progress) == 1
    assert json.loads(proc.stdout)["counts"] == {"healthy": 3}
    assert "[1/3]" not in proc.stdout
    # what it wrote: the state of each tenant, its event and its log entry
    for tenant in tenants:
        scope = TenantScope("default", tenant)
        assert services.state.get("gateway_stripe", scope).health_status == "healthy"
        events, _ = services.events.query(scope, types=["integrations.health.checked"])
        assert len(events) == 1
    assert [(r[0], r[1], r[2]) for r in health_rows(db_url)] == [
        (tenant, "gateway_stripe", "info") for tenant in tenants
    ]
