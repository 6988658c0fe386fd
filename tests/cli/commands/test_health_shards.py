"""`health --all-tenants` with its tenants shared among worker processes (`--processes`,
services/health/shards.py, workers/health.py), on SQLite and Postgres: the same results in the
same order as one process, recorded once each under one correlation id, secrets masked in the
worker too, a check that prints in the worker never in its messages; a worker that dies costs
only the tenants it had not finished (exit 1, one line each, no traceback); a worker whose
parent closes its pipe stops and writes what ran."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from mercato_int.scope import TenantScope
from mercato_int.services.health.shards import auto_processes, split, spread

from ...conftest import enable_with_token, probe_provider

SECRET = "tok_SHARD_SECRET_4242"
TENANTS = [f"t{n}" for n in range(6)]  # in the order checked: t0-t2 here, t3-t5 in the worker
COMMAND = [sys.executable, "-m", "mercato_int"]

PROBE = probe_provider(
    "probe_fleet",
    """
import os
import time


def probe(credentials, ctx):
    tenant = ctx.scope.tenant_id
    if tenant == os.environ.get("PROBE_DOOMED"):
        if os.getpid() == int(os.environ["PROBE_PARENT_PID"]):
            return {"status": "unhealthy", "message": "would have ended the test's process"}
        os._exit(3)  # a worker that dies mid-run
    if os.environ.get("PROBE_PRINTS"):  # wherever it runs: print and the descriptor too
        print("printed by the check")
        os.write(1, b"written to descriptor 1 by the check\\n")
    if tenant == os.environ.get("PROBE_SLOW"):
        time.sleep(30)
    if os.getpid() != int(os.environ["PROBE_PARENT_PID"]):
        print("a check that prints: not a message to the parent")
    ctx.log.info("probe.ran", f"ran with {credentials['token']}")
    return {"status": "healthy", "message": f"pid {os.getpid()} with {credentials['token']}"}
""",
)


@pytest.fixture
def fleet(providers_dir, monkeypatch, db_url):
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    providers_dir({"probe_fleet": PROBE})  # before the settings are read: they name it
    monkeypatch.setenv("MERCATO_INT_DATABASE_URL", db_url)
    services = Services(Settings.load())
    monkeypatch.setenv("PROBE_PARENT_PID", str(os.getpid()))
    monkeypatch.delenv("PROBE_DOOMED", raising=False)
    monkeypatch.delenv("PROBE_SLOW", raising=False)
    monkeypatch.delenv("PROBE_PRINTS", raising=False)
    enable_with_token(services, "probe_fleet", SECRET, TENANTS)
    yield services
    services.close()


def _items(run) -> list[tuple[str, str, str]]:
    return [(i["tenantId"], i["id"], i["status"]) for i in run.json()["items"]]


def _recorded(svc) -> tuple[dict[str, str | None], list[tuple[str, str]]]:
    """Each tenant's stored health status, and the (tenant, correlation) of each log entry."""
    from sqlalchemy import text

    status = {
        t: svc.state.all_states(TenantScope("default", t))["probe_fleet"].health_status
        for t in TENANTS
    }
    with svc.store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT tenant_id, correlation_id FROM integration_logs "
                "WHERE operation = 'health.check' ORDER BY tenant_id"
            )
        ).all()
    return status, [(r[0], r[1]) for r in rows]


def test_shared_run_matches_one_process_and_records_each_check_once(fleet, cli) -> None:
    shared = cli("health", "--all-tenants", "--processes", "2", "--json")
    assert shared.exit_code == 0, shared.stderr
    assert _items(shared) == [(t, "probe_fleet", "healthy") for t in TENANTS]
    pids = [i["message"].split()[1] for i in shared.json()["items"]]
    assert pids[:3] == [str(os.getpid())] * 3  # the first share ran here
    assert len(set(pids[3:])) == 1 and pids[3] != str(os.getpid())  # the rest in one worker
    assert SECRET not in shared.stdout + shared.stderr  # masked in the worker as here
    assert all(i["message"].endswith("with ••••••••") for i in shared.json()["items"])
    assert "checking 6 integrations in all tenants" in shared.stderr
    assert "[6/6]" in shared.stderr  # progress counts the worker's checks too
    status, logs = _recorded(fleet)
    assert status == dict.fromkeys(TENANTS, "healthy")
    assert [t for t, _ in logs] == TENANTS  # one entry per check, none twice
    assert len({c for _, c in logs}) == 1  # one run: one correlation id

    alone = cli("health", "--all-tenants", "--processes", "1", "--json")
    assert alone.exit_code == 0, alone.stderr
    assert _items(alone) == _items(shared)
    assert {i["message"].split()[1] for i in alone.json()["items"]} == {str(os.getpid())}


def test_a_worker_that_dies_costs_only_the_tenants_it_had_not_finished(
    fleet, cli, monkeypatch
) -> None:
    monkeypatch.setenv("PROBE_DOOMED", "t4")
    # two checks at once in all: one in the worker, which takes t3, then t4 (and dies before
    # its recorder wrote t3's outcome: t3 ran, and is owed all the same)
    run = cli("health", "--all-tenants", "--processes", "2", "--concurrency", "2", "--json")
    assert run.exit_code == 1, run.stderr
    assert _items(run) == [(t, "probe_fleet", "healthy") for t in ["t0", "t1", "t2", "t3"]]
    assert run.json()["failedTenants"] == [
        {
            "organizationId": "default",
            "tenantId": t,
            "error": "its worker process ended (exit code 3) before all its checks were done: "
            "run the command again",
        }
        for t in ["t3", "t4", "t5"]
    ]
    lines = [line for line in run.stderr.splitlines() if "was not checked" in line]
    assert [line.split(" · ")[0] for line in lines] == [f"error: tenant t{n}" for n in (3, 4, 5)]
    assert "Traceback" not in run.stderr
    status, _ = _recorded(fleet)
    assert [status[t] for t in ["t0", "t1", "t2"]] == ["healthy"] * 3  # this share's, written
    assert status["t3"] is None  # shown as it ran, reported as owed: it was never stored


def test_a_dead_workers_tenants_are_owed_unless_all_their_outcomes_were_stored() -> None:
    from datetime import UTC, datetime

    from mercato_int.services.health.jobs import TenantFailure
    from mercato_int.services.health.result import HealthOutcome
    from mercato_int.services.health.shards import Share

    scopes = [TenantScope("o", t) for t in ["a", "b", "c", "d", "e"]]

    def outcome(tenant: str, error: str | None = None) -> HealthOutcome:
        now = datetime.now(UTC)
        scope = TenantScope("o", tenant)
        return HealthOutcome("x", ("x",), "x", scope, "healthy", "", None, 1, now, error)

    share = Share(scopes=scopes, proc=None)  # type: ignore[arg-type]
    share.per_tenant = {s: 1 for s in scopes[:4]}  # e: not planned (a failure of its own)
    share.failures = [TenantFailure(scopes[4], "cannot read it")]
    share.outcomes = {0: outcome("a"), 1: outcome("b"), 2: outcome("c", "key_problem")}
    share.stored = {0}  # a stored; b ran, not stored; c a key problem (never stored); d not run
    share.fatal = TenantFailure(scopes[0], "it died")
    assert [f.scope.tenant_id for f in share.unfinished()] == ["b", "d"]
    share.fatal = None  # it said done: nothing owed
    assert share.unfinished() == []


def test_a_worker_stops_when_its_parent_closes_the_pipe_and_writes_what_ran(
    fleet, db_url, monkeypatch
) -> None:
    from mercato_int.services.health.shard_messages import settings_spec
    from mercato_int.services.health.shards import WORKER

    monkeypatch.setenv("PROBE_SLOW", "t4")
    spec = {
        "settings": settings_spec(fleet.settings),
        "action": "mercato-int health",
        "actor": "tester",
        "timeout": 60.0,
        "concurrency": 1,
        "correlation": "health-stopped0001",
        "scopes": [["default", t] for t in ["t3", "t4", "t5"]],
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(json.dumps(spec).encode() + b"\n")
    worker.stdin.flush()
    planned = json.loads(worker.stdout.readline())["planned"]
    assert (planned["checks"], planned["failed"]) == (3, [])
    first = json.loads(worker.stdout.readline())["outcome"]
    assert (first[0], first[5], first[6]) == (0, "t3", "healthy")
    time.sleep(0.5)  # t4's check is sleeping
    started = time.monotonic()
    worker.stdin.close()
    assert worker.wait(timeout=20) == 130
    assert time.monotonic() - started < 15  # stopped, not waited out (t4 sleeps 30 s)
    status, logs = _recorded(fleet)
    assert (status["t3"], status["t4"], status["t5"]) == ("healthy", None, None)
    assert ("t3", "health-stopped0001") in logs  # what ran was written before it stopped


def test_processes_is_checked_before_anything_runs(fleet, cli) -> None:
    zero = cli("health", "--all-tenants", "--processes", "0")
    assert zero.exit_code == 2
    assert zero.stderr.splitlines()[0] == "error: --processes must be from 1 to 64, not 0"
    many = cli("health", "--all-tenants", "--processes", "65")
    assert many.exit_code == 2 and "not 65" in many.stderr.splitlines()[0]
    alone = cli("health", "--all", "--processes", "2")
    assert alone.exit_code == 2
    assert "use it with --all-tenants" in alone.stderr.splitlines()[0]
    status, logs = _recorded(fleet)
    assert set(status.values()) == {None} and logs == []


@pytest.mark.parametrize(
    ("tenants", "cores", "expected"),
    [(0, 8, 1), (199, 8, 1), (400, 8, 2), (1000, 2, 2), (1000, 1, 1), (100_000, 64, 8)],
)
def test_auto_processes_pays_for_a_worker_only_with_enough_tenants(
    tenants: int, cores: int, expected: int
) -> None:
    assert auto_processes(tenants, cores) == expected


def test_split_keeps_order_and_spread_keeps_the_total() -> None:
    assert split(list(range(7)), 3) == [[0, 1, 2], [3, 4], [5, 6]]
    assert split([1, 2], 5) == [[1], [2]]
    assert spread(16, 3) == [6, 5, 5] and sum(spread(16, 3)) == 16
    assert spread(1, 2) == [1, 1]  # never zero: each process runs at least one check


@pytest.mark.parametrize("processes", ["1", "2"])
def test_what_a_check_prints_never_reaches_the_commands_stdout(
    fleet, processes, monkeypatch
) -> None:
    """Here (the command's own share, or the only one) as in a worker: to stderr, by print
    and by the descriptor, so that --json stays one document."""
    monkeypatch.setenv("PROBE_PRINTS", "1")
    run = subprocess.run(
        [*COMMAND, "health", "--all-tenants", "--json", "--processes", processes],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)  # nothing else on stdout
    assert [i["tenantId"] for i in doc["items"]] == TENANTS
    assert "printed by the check" in run.stderr  # the command's own share's checks
    assert "written to descriptor 1 by the check" in run.stderr
