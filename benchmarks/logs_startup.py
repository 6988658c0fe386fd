"""A filtered `logs` page against `list`, fresh processes on the same SQLite store holding
300,000 log entries, measured in the same run (issue 10 item 22; aim: within 1.1x):

    mercato-int logs gateway_stripe --level error   vs  mercato-int list

Also shown: other `logs` pages (whole scope, --min-level with --since, --json, a bundle), and
the same filtered page with the ORM imported first (`store/tables.py`, as `logs` did before it
read through Core), for comparison. The store is the default SQLite file of a temporary
MERCATO_INT_HOME, created and filled beforehand; commands run round-robin so a busy machine
slows each alike; figures are the median (and fastest) wall time of N processes, and their
median CPU time (user + system), which a machine shared with other work disturbs less.

    python benchmarks/logs_startup.py [--rows 300000] [--runs 21] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _fixtures import entries, fill
from startup import _compile_bytecode, _mercato_int, _time

AIM = 1.1
INTEGRATIONS = [
    "gateway_stripe",
    "carrier_dhl",
    "sync_medusa_products",
    "sync_medusa_orders",
    "sync_medusa_customers",
    "sync_medusa_inventory",
    "sync_medusa_fulfillment",
]
MAIN = "logs gateway_stripe --level error"
BEFORE = f"{MAIN} (+ORM import, as before)"
_WITH_ORM = (
    "import sys; import mercato_int.store.tables; from mercato_int.cli.app import main; "
    "sys.argv = ['mercato-int', *sys.argv[1:]]; main()"
)


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one process running `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode})")
    return wall, usage.ru_utime + usage.ru_stime


def _fill(env: dict[str, str], rows: int) -> float:
    """`rows` entries over the last 30 days, written in-process into the store `env` uses."""
    from datetime import timedelta

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        from mercato_int.services import Services
        from mercato_int.settings import Settings

        svc = Services(Settings.load())
        ids = [i for i in INTEGRATIONS if i in svc.registry.integrations]
        data = entries(rows, ids, ["default"], span=timedelta(days=30))
        start = time.perf_counter()
        fill(svc, data)
        with svc.store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        svc.close()
        return time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000, help="log entries (300,000)")
    parser.add_argument("--runs", type=int, default=21, help="processes per command (21)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="mercato-int-bench-logs-"))
    # both commands on one store in one folder (startup.py measures the user dirs' cost)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERCATO_INT_")}
    env.update({"MERCATO_INT_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "100"})
    cli = _mercato_int()
    commands = {
        "list": [*cli, "list"],
        MAIN: [*cli, "logs", "gateway_stripe", "--level", "error"],
        "logs gateway_stripe --level error --json": [
            *cli,
            *("logs", "gateway_stripe", "--level", "error", "--json"),
        ],
        "logs": [*cli, "logs"],
        "logs --min-level warning --since 7d": [
            *cli,
            *("logs", "--min-level", "warning", "--since", "7d"),
        ],
        "logs sync_medusa --level error": [*cli, "logs", "sync_medusa", "--level", "error"],
        BEFORE: [sys.executable, "-c", _WITH_ORM, "logs", "gateway_stripe", "--level", "error"],
    }
    _compile_bytecode()
    try:
        _time([*cli, "list"], env)  # create and migrate the store
        fill_s = _fill(env, args.rows)
        for cmd in commands.values():  # warm the bytecode and page caches
            _time(cmd, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                wall, used = _run(cmd, env)
                times[name].append(wall)
                cpu[name].append(used)
    finally:
        shutil.rmtree(home, ignore_errors=True)

    median = {name: statistics.median(t) * 1000 for name, t in times.items()}
    best = {name: min(t) * 1000 for name, t in times.items()}
    cpu_ms = {name: statistics.median(t) * 1000 for name, t in cpu.items()}
    ratios = {
        name: {
            "ratio": median[name] / median["list"],
            "minRatio": best[name] / best["list"],
            "cpuRatio": cpu_ms[name] / cpu_ms["list"],
        }
        for name in commands
        if name != "list"
    }
    if args.json:
        doc = {"rows": args.rows, "runs": args.runs, "medianMs": median, "minMs": best}
        print(json.dumps({**doc, "cpuMs": cpu_ms, "ratios": ratios, "aim": AIM}, indent=2))
        return
    print(
        f"{args.rows:,} entries (written in {fill_s:.0f} s); {args.runs} runs each: "
        "median wall time (fastest), median CPU time, ratios to list"
    )
    for name, ms in median.items():
        line = f"  {name:<58} {ms:6.0f} ms ({best[name]:4.0f})  CPU {cpu_ms[name]:4.0f} ms"
        if name != "list":
            r = ratios[name]
            line += f"  {r['ratio']:.2f}x (CPU {r['cpuRatio']:.2f}x)"
        print(line)
    r = ratios[MAIN]
    verdict = "meets" if r["ratio"] <= AIM else "MISSES"
    print(
        f"{MAIN} / list = {r['ratio']:.2f}x  (aim {AIM}x: {verdict}; "
        f"fastest runs {r['minRatio']:.2f}x; CPU {r['cpuRatio']:.2f}x)"
    )


if __name__ == "__main__":
    main()
