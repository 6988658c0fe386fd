"""Benchmark: `health --all-tenants` at 1,000 tenants × 7 integrations (the bundled providers:
Stripe, DHL and the five Medusa members sharing their bundle's check, so 3 checks and 4 HTTP
calls per tenant) against the floor of the same HTTP calls made directly with one httpx
client at the same concurrency, in the same run, on SQLite and on Postgres.

The providers answer from a local keep-alive HTTP server in its own process
(benchmarks/_health_server.py; `MERCATO_INT_STRIPE_API_BASE`, `MERCATO_INT_DHL_API_BASE` and the
Medusa bundle's `medusaApiUrl` point at it). The store holds every integration enabled and
credentials for Stripe, DHL and the Medusa bundle in every tenant, sealed under one master key.

Timed: the in-process service call the CLI makes (`svc.health_fleet.run`), in one process and
with the tenants shared among worker processes as the command does by default (one per core,
services/health/shards.py: the workers' start-up included), and the whole command (`python -m
mercato_int health --all-tenants --json`, start-up included). The floor is
the same calls (same methods, paths, headers, bodies) made directly at the same concurrency,
two ways: one `httpx.AsyncClient`, and one `httpx.Client` shared by N threads (the bundled
Stripe and DHL checks are sync, run in threads); ratios are to the faster of the two. Each
figure is the best of `--rounds` (and their median), floors and service alternating.
With several processes (auto), also a floor of the same calls shared among as many processes
(each one httpx.Client and its share of the threads, start-up included), and the shared
service and the command against it. Counted during one in-process run in one process:
credentials decrypted (a spy on the envelope opener the credentials service calls),
transactions begun and committed (SQLAlchemy engine events), TCP connections the server
accepted.

    .venv/bin/python benchmarks/health_fleet.py [--tenants 1000] [--concurrency 16]
        [--rounds 3] [--sqlite-only] [--pg-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _fixtures import create_pg_database, drop_pg_database

HERE = Path(__file__).resolve().parent

STRIPE = {
    "publishableKey": "pk_test_1",
    "secretKey": "sk_test_bench_123456",
    "webhookSecret": "whsec_bench_1",
}
DHL = {"apiKey": "dhl_bench_key_123456", "environment": "sandbox"}


def start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_health_server.py")], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}"


def server_stats(base: str) -> dict[str, int]:
    import httpx

    return httpx.get(f"{base}/__stats", headers={"Connection": "close"}).json()


def seed(url: str, tenants: int, base: str) -> None:
    """Every integration enabled in every tenant; Stripe, DHL and Medusa bundle credentials."""
    import sqlalchemy as sa

    from mercato_int.keys.envelope import associated_data, seal
    from mercato_int.services import Services
    from mercato_int.settings import Settings
    from mercato_int.store.schema import CREDENTIALS, STATES
    from mercato_int.store.types import utcnow

    svc = Services(Settings.load(database_url=url))
    key, _ = svc.master_keys.create()
    now = utcnow()
    ids = list(svc.registry.integrations)
    states, creds = [], []
    medusa = {
        "medusaApiUrl": f"{base}/medusa",
        "medusaApiKey": "sk_medusa_bench_123456",
        "medusaWebhookSecret": "whsec_medusa_1",
    }
    for n in range(tenants):
        org, tenant = f"org{n % 10}", f"shop-{n:04d}"
        for i in ids:
            states.append(
                {
                    "id": uuid.uuid4(),
                    "integration_id": i,
                    "is_enabled": True,
                    "enabled_at": now,
                    "enabled_by": "bench",
                    "organization_id": org,
                    "tenant_id": tenant,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        for owner, values in (
            ("gateway_stripe", STRIPE),
            ("carrier_dhl", DHL),
            ("sync_medusa", medusa),
        ):
            creds.append(
                {
                    "id": uuid.uuid4(),
                    "integration_id": owner,
                    "encrypted_values": seal(
                        values,
                        key=key.material,
                        kid=key.kid,
                        aad=associated_data(owner, org, tenant),
                    ),
                    "key_id": key.kid,
                    "organization_id": org,
                    "tenant_id": tenant,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    with svc.store.engine.begin() as conn:
        conn.execute(sa.insert(STATES), states)
        conn.execute(sa.insert(CREDENTIALS), creds)
    if svc.store.dialect == "postgresql":
        with svc.store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    svc.close()


class Counters:
    """Decrypts (the envelope opener the credentials service calls) and transactions."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        from mercato_int.services.credentials import sealing

        self.decrypts = self.begins = self.commits = 0
        real = sealing.open_envelope

        def spy(*args: Any, **kwargs: Any) -> Any:
            self.decrypts += 1
            return real(*args, **kwargs)

        sealing.open_envelope = spy  # type: ignore[assignment]
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "commit", self._commit)

    def _begin(self, conn: Any) -> None:
        self.begins += 1

    def _commit(self, conn: Any) -> None:
        self.commits += 1


def service_run(
    url: str, concurrency: int, counters: bool = False, processes: int | None = 1
) -> dict[str, Any]:
    """One in-process `health --all-tenants` (the service call the command makes): plan and
    run, timed; `processes` None: shared among worker processes as the command does."""
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    svc = Services(Settings.load(database_url=url))
    _ = svc.registry  # discovery is start-up, not the run
    count = Counters(svc.store.engine) if counters else None
    started = time.perf_counter()
    run = svc.health_fleet.run(
        actor="bench", timeout=10.0, concurrency=concurrency, processes=processes
    )
    elapsed = time.perf_counter() - started
    svc.close()
    checks = len(run.outcomes) + len(run.failed_tenants or [])
    out: dict[str, Any] = {"seconds": elapsed, "checks": checks}
    failed = run.failed_tenants or []
    if failed or run.counts() != {"healthy": checks}:  # reported, not fatal (a busy host)
        out["unexpected"] = f"{run.counts()} {len(failed)} tenants failed"
    if count is not None:
        out.update(decrypts=count.decrypts, begins=count.begins, commits=count.commits)
    return out


def _checks(base: str) -> list[list[tuple[str, str, dict[str, Any]]]]:
    """The HTTP calls of one tenant's three checks, as the bundled checks make them."""
    import base64

    sys.path.insert(0, str(HERE.parent / "providers" / "carrier_dhl"))
    try:
        from health import dry_run_order  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    login = base64.b64encode(b"user-valid:SandboxPasswort2023!").decode()
    medusa = base64.b64encode(b"sk_medusa_bench_123456:").decode()
    stripe = ("GET", f"{base}/v1/balance", {"auth": (STRIPE["secretKey"], "")})
    dhl = (
        "POST",
        f"{base}/parcel/de/shipping/v2/orders",
        {
            "params": {"validate": "true"},
            "headers": {
                "dhl-api-key": DHL["apiKey"],
                "Authorization": f"Basic {login}",
                "Accept": "application/json",
                "Accept-Language": "en-US",
            },
            "json": dry_run_order("33333333330101"),
        },
    )
    health = ("GET", f"{base}/medusa/health", {})
    stores = (
        "GET",
        f"{base}/medusa/admin/stores",
        {"params": {"fields": "id", "limit": "1"}, "headers": {"Authorization": f"Basic {medusa}"}},
    )
    return [[stripe], [dhl], [health, stores]]


def _client_options(concurrency: int) -> dict[str, Any]:
    import httpx

    from mercato_int.services.health.context import USER_AGENT

    return {
        "timeout": 10.0,
        "limits": httpx.Limits(max_connections=max(concurrency * 2, 10)),
        "headers": {"User-Agent": USER_AGENT},
    }


async def _async_floor(base: str, tenants: int, concurrency: int) -> float:
    """The same HTTP calls as the checks make, with one AsyncClient, `concurrency` at once."""
    import httpx

    checks = _checks(base) * tenants
    bound = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(**_client_options(concurrency)) as client:

        async def one(calls: list[tuple[str, str, dict[str, Any]]]) -> None:
            async with bound:
                for method, url, kw in calls:
                    (await client.request(method, url, **kw)).json()

        started = time.perf_counter()
        await asyncio.gather(*(one(c) for c in checks))
        return time.perf_counter() - started


def _thread_floor(base: str, tenants: int, concurrency: int) -> float:
    """The same calls with one httpx.Client shared by `concurrency` threads."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    checks = _checks(base) * tenants
    with httpx.Client(**_client_options(concurrency)) as client:

        def one(calls: list[tuple[str, str, dict[str, Any]]]) -> None:
            for method, url, kw in calls:
                client.request(method, url, **kw).json()

        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, checks))
        return time.perf_counter() - started


def _processes_floor(base: str, tenants: int, concurrency: int, processes: int) -> float:
    """The same calls shared among `processes` processes as the command shares its tenants
    (each a `_thread_floor` of its share, `concurrency` in all), their start-up included:
    what the calls cost made directly with as many cores as the command uses."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import health_fleet as h; "
        "h._thread_floor(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))"
    )
    shares = [tenants // processes + (k < tenants % processes) for k in range(processes)]
    each = [concurrency // processes + (k < concurrency % processes) for k in range(processes)]
    started = time.perf_counter()
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(HERE), base, str(n), str(c)])
        for n, c in zip(shares, each, strict=True)
    ]
    if any(proc.wait() != 0 for proc in procs):
        sys.exit("the processes floor failed")
    return time.perf_counter() - started


def command_run(url: str, env: dict[str, str], concurrency: int) -> float:
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mercato_int",
            "--db",
            url,
            "health",
            "--all-tenants",
            "--json",
            "--concurrency",
            str(concurrency),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"health --all-tenants exited {proc.returncode}: {proc.stderr[-2000:]}")
    if proc.returncode != 0:  # an unhealthy check (a busy host): reported, not fatal
        print(f"  (command exit {proc.returncode}: {json.loads(proc.stdout)['counts']})")
    return elapsed


def measure(label: str, url: str, args: argparse.Namespace, base: str) -> list[str]:
    started = time.perf_counter()
    seed(url, args.tenants, base)
    lines = [f"{label}: seeded {args.tenants} tenants in {time.perf_counter() - started:.1f} s"]
    before = server_stats(base)["connections"]
    counted = service_run(url, args.concurrency, counters=True)
    connections = server_stats(base)["connections"] - before - 1  # not the stats call
    checks = counted["checks"]
    from mercato_int.services.health.shards import auto_processes

    processes = auto_processes(args.tenants)
    floors, threads, services, shared, commands = [], [], [counted["seconds"]], [], []
    many: list[float] = []
    notes = [counted["unexpected"]] if "unexpected" in counted else []
    for _ in range(args.rounds):
        floors.append(asyncio.run(_async_floor(base, args.tenants, args.concurrency)))
        threads.append(_thread_floor(base, args.tenants, args.concurrency))
        if processes > 1:
            many.append(_processes_floor(base, args.tenants, args.concurrency, processes))
        once = service_run(url, args.concurrency)
        services.append(once["seconds"])
        notes += [once["unexpected"]] if "unexpected" in once else []
        both = service_run(url, args.concurrency, processes=None)
        shared.append(both["seconds"])
        notes += [both["unexpected"]] if "unexpected" in both else []
        if not args.no_command:
            commands.append(command_run(url, dict(os.environ), args.concurrency))
    # the floor is the faster way of making the same calls directly (the stricter ratio)
    floor = min(floors + threads)

    # medians too (a busy host): of the rounds, floors against the faster floor's median
    faster = threads if min(threads) <= min(floors) else floors
    mid_floor = statistics.median(faster)

    def row(name: str, times: list[float]) -> str:
        seconds, mid = min(times), statistics.median(times)
        return (
            f"  {name:<34} {seconds:7.2f} s  {checks / seconds:7.0f} checks/s  "
            f"{seconds * 1000 / checks:6.2f} ms/check  ratio {seconds / floor:5.2f}  "
            f"(median {mid:6.2f} s, ratio {mid / mid_floor:5.2f})"
        )

    lines.append(f"  {checks} checks, concurrency {args.concurrency}, best of {args.rounds} rounds")
    lines.append(row("floor: one httpx.AsyncClient", floors))
    lines.append(row("floor: one httpx.Client, N threads", threads))
    lines.append(row("service, one process", services[1:] or services))
    lines.append(row(f"service, {processes} processes (auto)", shared))
    if commands:
        lines.append(row("command: health --all-tenants", commands))
    if many:  # like with like: the direct calls with as many processes as the command uses
        m, m_mid = min(many), statistics.median(many)
        label = f"floor: {processes} processes × httpx.Client"
        lines.append(f"  {label:<34} {m:7.2f} s  (median {m_mid:6.2f} s)")
        for name, times in (("service, shared", shared), ("command", commands)):
            if times:
                best, mid = min(times), statistics.median(times)
                lines.append(
                    f"    {name} against it: ratio {best / m:5.2f} (median {mid / m_mid:5.2f})"
                )
    lines.append(
        f"  one run: {counted['decrypts']} decrypts ({counted['decrypts'] / checks:.2f}/check), "
        f"{counted['begins']} transactions begun ({counted['begins'] / checks:.2f}/check), "
        f"{counted['commits']} commits, {connections} TCP connections"
    )
    lines += [f"  unexpected outcomes (a timeout on a busy host?): {n}" for n in notes]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--no-command", action="store_true", help="time the service call only")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="mercato-bench-fleet-"))
    server, base = start_server()
    os.environ.update(
        {
            "MERCATO_INT_HOME": str(home),
            "MERCATO_INT_ACTOR": "bench",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "MERCATO_INT_STRIPE_API_BASE": base,
            "MERCATO_INT_DHL_API_BASE": base,
            "NO_COLOR": "1",
        }
    )
    os.environ.pop("MERCATO_INT_MASTER_KEY", None)
    stores: list[tuple[str, str, bool]] = [("SQLite", f"sqlite:///{home / 'bench.db'}", False)]
    if not args.sqlite_only:
        url = create_pg_database(args.pg_url, "fleet")
        stores.append(("Postgres", url, True))
        subprocess.run(
            [sys.executable, "-m", "mercato_int", "--db", url, "db", "upgrade"],
            check=True,
            capture_output=True,
        )
    print(f"health --all-tenants: {args.tenants} tenants × 7 integrations")
    try:
        for label, url, _ in stores:
            print(*measure(label, url, args, base), sep="\n", flush=True)
    finally:
        server.terminate()
        for _, url, pg in stores:
            if pg:
                drop_pg_database(url)


if __name__ == "__main__":
    main()
