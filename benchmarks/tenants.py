"""The fleet views at scale: `tenants --json` and `list --all-tenants --json` on a store of
1,000 tenants × 7 integrations (the bundled providers), against `list --json` for one tenant,
measured in the same run on the same store, on SQLite and on Postgres.

Seeding: a state row for every (tenant, integration) (about 60% enabled, a stored health
result on a third of them, some unhealthy), credentials saved through the service (encrypted,
audited) for every 4th tenant (the Medusa bundle's, or Stripe's), and 50 log entries per tenant
spread over the last 48 h (so half fall in the 24 h the `tenants` count covers). Postgres is
ANALYZEd after seeding, as autovacuum would; SQLite is left as a store is in use (no ANALYZE).

Each round runs every command once, in a rotating order, as separate processes (the wall time
an operator sees, start-up included, and the CPU time of the process); the figures are medians
over the rounds, and the ratios the median of each round's ratio to `list --json` for one
tenant in the same round. The in-process service call (the queries and the derivation, no
start-up) is timed too.

    .venv/bin/python benchmarks/tenants.py [--tenants 1000] [--rounds 5] [--logs 50]
        [--sqlite-only] [--pg-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _fixtures import create_pg_database, drop_pg_database

STRIPE = {"publishableKey": "pk_test_1", "secretKey": "sk_test_123456", "webhookSecret": "whsec_1"}
MEDUSA = {
    "medusaApiUrl": "http://127.0.0.1:9/medusa",
    "medusaApiKey": "sk_medusa_123456",
    "medusaWebhookSecret": "whsec_medusa",
}
STATUSES = ("healthy", "healthy", "degraded", "unhealthy")


def seed(url: str, tenants: int, logs_per_tenant: int) -> None:
    import sqlalchemy as sa

    from mercato_int.scope import TenantScope
    from mercato_int.services import Services
    from mercato_int.settings import Settings
    from mercato_int.store.schema import LOGS, STATES

    os.environ["MERCATO_INT_DATABASE_URL"] = url
    if not url.startswith("sqlite"):
        exe = str(Path(sys.executable).parent / "mercato-int")
        subprocess.run([exe, "--db", url, "db", "upgrade"], check=True, capture_output=True)
    svc = Services(Settings.load())
    rnd = random.Random(45)
    now = datetime.now(UTC)
    ids = list(svc.registry.integrations)
    states, entries = [], []
    for n in range(tenants):
        org, tenant = f"org{n % 10}", f"shop-{n:04d}"
        for i in ids:
            checked = rnd.random() < 0.33
            status = rnd.choice(STATUSES) if checked else None
            states.append(
                {
                    "id": uuid.uuid4(),
                    "integration_id": i,
                    "is_enabled": rnd.random() < 0.6,
                    "last_health_check": {"status": status, "message": status} if checked else None,
                    "last_health_check_at": now if checked else None,
                    "enabled_at": now,
                    "enabled_by": "bench",
                    "organization_id": org,
                    "tenant_id": tenant,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        for k in range(logs_per_tenant):
            entries.append(
                {
                    "id": uuid.uuid4(),
                    "integration_id": rnd.choice(ids),
                    "level": rnd.choice(("info", "info", "info", "error")),
                    "operation": "sync.import.batch",
                    "message": f"batch {k}",
                    "organization_id": org,
                    "tenant_id": tenant,
                    "created_at": now - timedelta(minutes=rnd.randrange(48 * 60)),
                }
            )
    with svc.store.engine.begin() as conn:
        conn.execute(sa.insert(STATES), states)
        for start in range(0, len(entries), 10_000):
            conn.execute(sa.insert(LOGS), entries[start : start + 10_000])
    for n in range(0, tenants, 4):
        scope = TenantScope(f"org{n % 10}", f"shop-{n:04d}")
        some, values = ("sync_medusa", MEDUSA) if n % 8 else ("gateway_stripe", STRIPE)
        svc.credentials.save(some, values, scope, actor="bench")
    if svc.store.dialect == "postgresql":
        with svc.store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    svc.close()


def in_process(url: str, one: tuple[str, str]) -> dict[str, tuple[float, float]]:
    """Median (wall ms, CPU ms) of the service calls themselves (no process start-up)."""
    from mercato_int.scope import TenantScope
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    os.environ["MERCATO_INT_DATABASE_URL"] = url
    svc = Services(Settings.load())
    scope = TenantScope(one[1], one[0])
    calls = {
        "fleet.tenants()": svc.fleet.tenants,
        "fleet.matrix()": svc.fleet.matrix,
        "marketplace.overview(1 tenant)": lambda: svc.marketplace.overview(scope, activity=True),
    }
    out = {}
    for name, call in calls.items():
        call()
        walls, cpus = [], []
        for _ in range(7):
            start, cpu = time.perf_counter(), time.process_time()
            call()
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)  # this process only: not the Postgres server
        out[name] = (statistics.median(walls) * 1000, statistics.median(cpus) * 1000)
    svc.close()
    return out


def count_plan(url: str) -> list[str]:
    """Postgres: the plan of the logs query (which index the 24 h count uses)."""
    from sqlalchemy import create_engine, text

    from mercato_int.services.fleet.reads import _log_scopes_query

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        lines = conn.execute(
            text("EXPLAIN " + str(_log_scopes_query(True))),
            {"since": datetime.now(UTC) - timedelta(hours=24)},
        ).scalars()
        found = [ln.strip() for ln in lines if "Index" in ln or "Scan" in ln]
    engine.dispose()
    return found


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run of `cmd`, which must succeed."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read() if proc.stderr else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"{' '.join(cmd)} failed: {stderr.decode()[-400:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def measure(url: str, rounds: int, one: tuple[str, str]) -> dict[str, list[tuple[float, float]]]:
    exe = str(Path(sys.executable).parent / "mercato-int")
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": url}
    commands = {
        "list --json (1 tenant)": [exe, "--tenant", one[0], "--org", one[1], "list", "--json"],
        "tenants --json": [exe, "tenants", "--json"],
        "list --all-tenants --json": [exe, "list", "--all-tenants", "--json"],
        "tenants (table)": [exe, "tenants"],
        "list --all-tenants (page 1)": [exe, "list", "--all-tenants"],
    }
    walls: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    names = list(commands)
    for name in names:  # warm the caches once
        run(commands[name], env)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            walls[name].append(run(commands[name], env))
    return walls


def report(label: str, runs: dict[str, list[tuple[float, float]]], calls: dict[str, float]) -> None:
    """Median wall and CPU per command, and the median of the per-round ratios to `list` for
    one tenant (each against the baseline of its own round: the steadiest figure when the
    machine is shared)."""
    baseline = runs["list --json (1 tenant)"]
    print(f"\n{label}")
    print(
        f"  {'command':30s} {'wall':>9s} {'min':>8s} {'cpu':>8s}"
        f" {'× list wall':>12s} {'× list cpu':>11s}"
    )
    for name, samples in runs.items():
        wall = statistics.median(w for w, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        ratio = statistics.median(w / b[0] for (w, _), b in zip(samples, baseline, strict=True))
        ratio_cpu = statistics.median(c / b[1] for (_, c), b in zip(samples, baseline, strict=True))
        print(
            f"  {name:30s} {wall * 1000:6.0f} ms {min(w for w, _ in samples) * 1000:5.0f} ms"
            f" {cpu * 1000:5.0f} ms {ratio:11.2f}× {ratio_cpu:10.2f}×"
        )
    print("  in-process service call (no start-up):")
    for name, (wall_ms, cpu_ms) in calls.items():
        print(f"    {name:34s} {wall_ms:8.1f} ms wall {cpu_ms:8.1f} ms cpu")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--logs", type=int, default=50, help="log entries per tenant")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="mercato-bench-tenants-"))
    os.environ["MERCATO_INT_HOME"] = str(home)
    os.environ["MERCATO_INT_ACTOR"] = "bench"
    one = (f"shop-{args.tenants // 2:04d}", f"org{(args.tenants // 2) % 10}")
    print(
        f"{args.tenants} tenants × 7 integrations, {args.logs} log entries per tenant, "
        f"credentials in every 4th tenant; {args.rounds} rounds"
    )
    stores = [("SQLite", f"sqlite:///{home / 'bench.db'}", False)]
    if not args.sqlite_only:
        stores.append(("Postgres", create_pg_database(args.pg_url, "tenants"), True))
    try:
        for label, url, _ in stores:
            start = time.perf_counter()
            seed(url, args.tenants, args.logs)
            print(f"{label}: seeded in {time.perf_counter() - start:.1f} s")
            calls = in_process(url, one)
            report(label, measure(url, args.rounds, one), calls)
            if label == "Postgres":
                print("  logs query plan:", *count_plan(url), sep="\n    ")
    finally:
        for _, url, pg in stores:
            if pg:
                drop_pg_database(url)


if __name__ == "__main__":
    main()
