"""HTTP API benchmark: a real `mercato-int serve` under a real load generator (`hey`).

For each store (SQLite with one worker, Postgres with two): N log entries (default 1,000,000,
over 20 integrations and 5 tenants) are bulk-written through the store's batched log writer,
the server is started, and `hey` measures requests/s and p50/p99 latency of

- `GET /healthz` (the baseline: a trivial endpoint of the same app, same server, same run),
- `GET /api/integrations` (the marketplace: token, policy, registry, states, health),
- `GET /api/integrations/bench_07/logs?level=error&limit=50` (a filtered page and its total),

each with the ratio to the baseline (aim: >= 0.5x); then `PUT /api/integrations/bench_07/state`
from 32 connections at once (16 enabling, 16 disabling), checked afterwards: every answer 200,
and no lost update (the enabled/disabled events of bench_07 alternate, one per transition, the
state's version counts exactly those transitions, and the last one is the state that stayed).

    python benchmarks/api.py [--entries 1000000] [--duration 10] [--connections 16]
                             [--pg postgresql://postgres@127.0.0.1:5432/test] [--skip-sqlite]

`hey` comes from Debian's package (installed with apt-get when missing and allowed); `wrk` is
not used. The seed runs before the server starts, so it does not compete with the measurement.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _fixtures import LEVEL_WEIGHTS, OPERATIONS, drop_pg_schema, pg_schema, providers_home

TENANTS = [f"t{i}" for i in range(5)]
TENANT = "t2"  # the token's tenant: a fifth of the entries
LOGS_PATH = "/api/integrations/bench_07/logs?level=error&limit=50"
STATE_PATH = "/api/integrations/bench_07/state"
BIN = Path(sys.executable).parent


# --- the load generator ----------------------------------------------------------------------
def ensure_hey() -> str:
    found = shutil.which("hey")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing hey (apt-get install -y hey) ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "hey"], check=True, capture_output=True)
        found = shutil.which("hey")
    if not found:
        sys.exit("hey not found: install it (Debian/Ubuntu: apt-get install hey) and run again")
    return found


def hey(url: str, *, token: str | None, duration: float, connections: int, **kw: Any) -> dict:
    """Run hey against `url`; returns {rps, p50, p99 (ms), statuses {code: n}, errors}."""
    cmd = [ensure_hey(), "-c", str(connections)]
    cmd += ["-n", str(kw["requests"])] if "requests" in kw else ["-z", f"{duration}s"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if "method" in kw:
        cmd += ["-m", kw["method"], "-T", "application/json", "-d", kw["body"]]
    out = subprocess.run([*cmd, url], check=True, capture_output=True, text=True).stdout
    return parse_hey(out)


def parse_hey(out: str) -> dict:
    def number(pattern: str) -> float:
        m = re.search(pattern, out)
        return float(m.group(1)) if m else float("nan")

    statuses = {int(c): int(n) for c, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
    errors = re.findall(r"Error distribution:\n((?:\s+\[\d+\].*\n?)+)", out)
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50": number(r"50%+ in ([\d.]+) secs") * 1000,
        "p99": number(r"99%+ in ([\d.]+) secs") * 1000,
        "statuses": statuses,
        "errors": errors[0].strip() if errors else "",
    }


# --- the store -------------------------------------------------------------------------------
def rows(n: int, integrations: list[str], seed: int = 7) -> Iterator[dict[str, Any]]:
    """`n` entries, spread evenly over 20 days, round-robin over integrations and tenants."""
    rnd = random.Random(seed)
    levels = [lv for lv, w in LEVEL_WEIGHTS for _ in range(w)]
    span = timedelta(days=20)
    start = datetime.now(UTC) - span
    step = span / max(n, 1)
    for k in range(n):
        yield {
            "integration_id": integrations[k % len(integrations)],
            "tenant": TENANTS[(k // len(integrations)) % len(TENANTS)],
            "level": levels[rnd.randrange(len(levels))],
            "operation": OPERATIONS[k % len(OPERATIONS)],
            "message": f"Processed batch {k}: {rnd.randrange(1000)} imported, 0 failed",
            "details": {"imported": rnd.randrange(1000), "cursor": f"c_{k:08d}"},
            "correlation_id": f"run_{k // 500}",
            "duration_ms": rnd.randrange(5000),
            "created_at": start + step * k,
        }


def seed(svc: Any, n: int, integrations: list[str]) -> float:
    """Bulk-write `n` entries through the store's batched writer (executemany on SQLite,
    COPY on Postgres) and ANALYZE; returns the seconds it took."""
    from mercato_int.scope import TenantScope

    scopes = {t: TenantScope("default", t) for t in TENANTS}
    t0 = time.perf_counter()
    with svc.logs.writer(batch_size=10_000, flush_interval=None) as w:
        for k, e in enumerate(rows(n, integrations)):
            tenant = e.pop("tenant")
            w.write(scope=scopes[tenant], **e)
            if k and k % 200_000 == 0:
                print(f"  seeded {k:,} ({time.perf_counter() - t0:.0f} s)", flush=True)
    if svc.store.dialect == "sqlite":
        with svc.store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        autocommit = svc.store.engine.execution_options(isolation_level="AUTOCOMMIT")
        with autocommit.connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE integration_logs")
    return time.perf_counter() - t0


def cli(*args: str, env: dict[str, str]) -> str:
    run = subprocess.run(
        [str(BIN / "mercato-int"), *args], env=env, capture_output=True, text=True, check=False
    )
    if run.returncode:
        sys.exit(f"mercato-int {' '.join(args)} failed ({run.returncode}): {run.stderr.strip()}")
    return run.stdout


# --- the server ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    """`mercato-int serve` on a free port, its output (the access log: a line a request) to
    the file `log`, not a pipe nobody drains."""
    port = free_port()
    cmd = [str(BIN / "mercato-int"), "serve", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, env=env, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"serve exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("serve did not become ready within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def get_json(url: str, token: str) -> Any:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


# --- one store -------------------------------------------------------------------------------
def bench(label: str, url: str, workers: int, args: argparse.Namespace, ids: list[str]) -> None:
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    env = {**os.environ, "MERCATO_INT_DATABASE_URL": url, "MERCATO_INT_ACTOR": "bench"}
    svc = Services(Settings.load(database_url=url))
    secs = seed(svc, args.entries, ids)
    print(f"{label}: seeded {args.entries:,} entries in {secs:.0f} s", flush=True)
    token = json.loads(cli("--tenant", TENANT, "tokens", "create", "bench", "--json", env=env))
    proc, base = start_server(env, workers, Path(os.environ["MERCATO_INT_HOME"]) / f"{label}.log")
    try:
        page = get_json(base + LOGS_PATH, token["token"])
        listing = get_json(base + "/api/integrations", token["token"])
        print(
            f"{label} ({workers} worker{'s' * (workers > 1)}): {args.entries:,} entries, "
            f"the filtered page holds {len(page['items'])} of {page['total']:,}; "
            f"{listing['total']} integrations listed",
            flush=True,
        )
        run = {"duration": args.duration, "connections": args.connections}
        for path in ("/healthz", LOGS_PATH, "/api/integrations"):  # warm every worker
            hey(base + path, token=token["token"], requests=200, **run)
        results = {}
        for name, path, auth in (
            ("GET /healthz (baseline)", "/healthz", False),
            ("GET /api/integrations", "/api/integrations", True),
            ("GET filtered logs page", LOGS_PATH, True),
        ):
            results[name] = r = hey(base + path, token=token["token"] if auth else None, **run)
            base_rps = results["GET /healthz (baseline)"]["rps"]
            bad = {c: n for c, n in r["statuses"].items() if c != 200}
            print(
                f"  {name:28s} {r['rps']:8.0f} req/s  p50 {r['p50']:6.1f} ms  "
                f"p99 {r['p99']:6.1f} ms  ratio {r['rps'] / base_rps:4.2f}x"
                + (f"  NON-200: {bad}" if bad else "")
                + (f"  ERRORS: {r['errors']}" if r["errors"] else ""),
                flush=True,
            )
        concurrent_state(label, base, token["token"], svc, args)
    finally:
        stop_server(proc)
        svc.close()


def concurrent_state(label: str, base: str, token: str, svc: Any, args: argparse.Namespace) -> None:
    """32 connections PUT the state of bench_07 at once, half enabling and half disabling;
    then every answer must be 200 and no transition lost."""
    import concurrent.futures

    from mercato_int.scope import TenantScope
    from mercato_int.services import events as ev

    scope = TenantScope("default", TENANT)
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        runs = [
            pool.submit(
                hey,
                base + STATE_PATH,
                token=token,
                duration=0,
                connections=16,
                requests=args.state_requests,
                method="PUT",
                body=json.dumps({"isEnabled": enabled}),
            )
            for enabled in (True, False)
        ]
        results = [r.result() for r in runs]
    secs = time.perf_counter() - t0
    statuses: dict[int, int] = {}
    for r in results:
        for code, n in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    errors = [r["errors"] for r in results if r["errors"]]
    events, _ = svc.events.query(
        scope, types=[ev.INTEGRATION_ENABLED, ev.INTEGRATION_DISABLED], subject_ids=["bench_07"]
    )
    kinds = [e.type == ev.INTEGRATION_ENABLED for e in events]
    alternating = all(a != b for a, b in itertools.pairwise(kinds))
    final = svc.state.get("bench_07", scope)
    last_ok = not kinds or kinds[-1] == final.is_enabled
    # one version per transition: a lost update would be a change with no bump or no event
    counted = final.version == len(events)
    sent = sum(statuses.values())
    good = set(statuses) == {200} and not errors and alternating and last_ok and counted
    verdict = "ok" if good else "FAIL"
    print(
        f"  PUT state, 32 connections: {sent:,} requests in {secs:.1f} s "
        f"({sent / secs:.0f} req/s, p50 {max(r['p50'] for r in results):.1f} ms, "
        f"p99 {max(r['p99'] for r in results):.1f} ms), statuses {statuses}"
        + (f", errors {errors}" if errors else "")
        + f"; {len(events)} transitions recorded, alternating: {alternating}, last = final "
        f"state ({final.is_enabled}): {last_ok}, version {final.version} = transitions: "
        f"{counted}: {verdict}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=1_000_000, help="log entries to seed")
    ap.add_argument("--duration", type=float, default=10, help="seconds of load per endpoint")
    ap.add_argument("--connections", type=int, default=16, help="hey's concurrent connections")
    ap.add_argument("--state-requests", type=int, default=1600, help="PUTs per side (x2)")
    ap.add_argument("--pg", default=None, help="Postgres admin URL (a schema is made and dropped)")
    ap.add_argument("--skip-sqlite", action="store_true")
    args = ap.parse_args()
    ensure_hey()
    root, ids = providers_home("api", 20)
    if not args.skip_sqlite:
        bench("sqlite", f"sqlite:///{root / 'api.db'}", 1, args, ids)
    if args.pg:
        name, url = pg_schema(args.pg, "api")
        try:
            bench("postgres", url, 2, args, ids)
        finally:
            drop_pg_schema(args.pg, name)


if __name__ == "__main__":
    main()
