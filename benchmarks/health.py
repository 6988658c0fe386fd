"""Benchmark: `health --all` over twenty integrations whose checks each take one second.

Twenty integrations come from a temporary providers folder; each check is a real HTTP call to
a local server on 127.0.0.1 that answers after one second. The baseline is one such check
(`health bench_01`), measured in the same run the same way (a fresh `mercato-int` process),
so start-up cost is in both. Checks run concurrently with a bound (`--concurrency`, default
16), so the aim is about the slowest few (two waves of one second), not twenty seconds.

    .venv/bin/python benchmarks/health.py [--count 20] [--delay 1.0]
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROVIDER_MODULE = '''
"""Benchmark provider {name}: one integration whose check waits on a slow local server."""
import os


def slow_check(credentials, ctx):
    response = ctx.http.get(os.environ["BENCH_SLOW_URL"])
    status = "healthy" if response.status_code == 200 else "unhealthy"
    return {{"status": status, "message": f"answered {{response.status_code}}"}}


integration = {{
    "id": "{name}",
    "title": "Bench {name}",
    "category": "benchmark",
    "healthCheck": {{"service": "slowCheck"}},
}}
health_checks = {{"slowCheck": slow_check}}
'''


def slow_server(delay: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(delay)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # the default backlog (5) would drop concurrent connects

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def in_process(env: dict[str, str], ids: list[str]) -> tuple[float, float, float]:
    """(one check, all enabled) timed around HealthService.run alone: no start-up, no plan."""
    os.environ.update(env)
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    svc = Services(Settings.load())
    try:
        one = svc.health.plan([ids[0]], svc.scope)
        every = svc.health.plan_enabled(svc.scope)
        started = time.perf_counter()
        svc.health.run(one, actor="bench")
        single = time.perf_counter() - started
        started = time.perf_counter()
        svc.health.run(every, actor="bench")
        bounded = time.perf_counter() - started
        started = time.perf_counter()
        svc.health.run(every, actor="bench", concurrency=len(every))
        return single, bounded, time.perf_counter() - started
    finally:
        svc.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--delay", type=float, default=1.0)
    args = parser.parse_args()

    exe = str(Path(sys.executable).with_name("mercato-int"))
    server = slow_server(args.delay)
    host, port = server.server_address[:2]
    with tempfile.TemporaryDirectory(prefix="mercato-bench-") as tmp:
        root = Path(tmp)
        providers = root / "providers"
        ids = [f"bench_{n:02d}" for n in range(1, args.count + 1)]
        for name in ids:
            folder = providers / name
            folder.mkdir(parents=True)
            (folder / "integration.py").write_text(PROVIDER_MODULE.format(name=name))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("MERCATO_INT_")},
            "MERCATO_INT_HOME": str(root / "home"),
            "MERCATO_INT_PROVIDERS_PATH": str(providers),
            "MERCATO_INT_MASTER_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "BENCH_SLOW_URL": f"http://{host}:{port}/slow",
            "NO_COLOR": "1",
        }

        def run(*argv: str) -> float:
            started = time.perf_counter()
            proc = subprocess.run([exe, *argv], env=env, capture_output=True, text=True)
            elapsed = time.perf_counter() - started
            if proc.returncode != 0:
                sys.exit(f"`mercato-int {' '.join(argv)}` failed:\n{proc.stderr}")
            return elapsed

        run("enable", *ids)
        run("health", ids[0])  # warm-up: store created, bytecode compiled
        startup = min(run("list", "--json") for _ in range(3))
        single = min(run("health", ids[0]) for _ in range(3))
        all_default = run("health", "--all")
        all_wide = run("health", "--all", "--concurrency", str(args.count))
        sequential = args.count * args.delay
        in_single, in_all, in_wide = in_process(env, ids)

    server.shutdown()
    print(f"health benchmark: {args.count} integrations, each check {args.delay:g} s")
    print(f"  start-up (list --json)             {startup:6.2f} s")
    print(f"  baseline: health {ids[0]} (1 check)  {single:6.2f} s")
    print(
        f"  health --all (concurrency 16)      {all_default:6.2f} s"
        f"   ratio to baseline {all_default / single:4.2f}"
    )
    print(
        f"  health --all --concurrency {args.count:<3}     {all_wide:6.2f} s"
        f"   ratio to baseline {all_wide / single:4.2f}"
    )
    print(
        f"  in-process, checks only: 1 check {in_single:5.2f} s; all {args.count}: {in_all:5.2f} s"
        f" (ratio {in_all / in_single:4.2f}), unbounded {in_wide:5.2f} s"
        f" (ratio {in_wide / in_single:4.2f})"
    )
    print(
        f"  one after another would be        ≥{sequential + startup:6.2f} s"
        f"   ratio to baseline ≥{(sequential + startup) / single:4.2f}"
    )


if __name__ == "__main__":
    main()
