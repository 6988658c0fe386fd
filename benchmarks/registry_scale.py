"""Commands over a big registry (issue 14): `list`, `list --json`, `validate`, `show ID` and
`logs` as whole processes with 2,000 integrations in 400 bundles, against the same command
with the 7 bundled integrations, in the same run:

    aim: each within 1.5x of its 7-integration run

Each size has its own data dir and SQLite store (migrated, one log entry), made beforehand.
Each round runs every (command, size) once, in a rotating order, so a busy machine slows them
alike; the verdict is the median of the per-round ratios of CPU time (user + system of the
child: the steadiest figure on a shared machine), with the ratio of the median wall times
beside it. `list (cold)` deletes the discovery cache before each run: what the first run
after a change to a provider costs.

    python benchmarks/registry_scale.py [--rounds N] [--integrations N] [--bundles N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _big_registry import make_registry

AIM = 1.5


def _mercato_int() -> list[str]:
    script = Path(sys.executable).parent / "mercato-int"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mercato_int"]


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `cmd`, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--integrations", type=int, default=2000)
    parser.add_argument("--bundles", type=int, default=400)
    args = parser.parse_args()
    exe = _mercato_int()
    tmp = Path(tempfile.mkdtemp(prefix="mi-registry-scale-"))
    try:
        providers = make_registry(tmp, args.integrations, args.bundles)
        base = {k: v for k, v in os.environ.items() if not k.startswith("MERCATO_INT_")}
        envs = {}
        for size, path in (("7", ""), (str(args.integrations), str(providers))):
            home = tmp / f"home-{size}"
            envs[size] = {
                **base,
                "MERCATO_INT_HOME": str(home),
                "MERCATO_INT_PROVIDERS_PATH": path,
                "MERCATO_INT_ACTOR": "bench",
                "NO_COLOR": "1",
            }
        time.sleep(2.5)  # files changed in the last 2 s are not cached (registry/cache.py)
        for env in envs.values():  # migrate the store, write the cache, one log entry
            _run([*exe, "logs", "write", "gateway_stripe", "--level", "info", "--operation",
                  "bench", "--message", "one"], env)  # fmt: skip
        show_id = {"7": "gateway_stripe", str(args.integrations): "int_01000"}
        commands = {
            "list": ["list"],
            "list --json": ["list", "--json"],
            "validate": ["validate"],
            "show ID": ["show", "ID"],
            "logs": ["logs"],
            "list (cold)": ["list"],
        }
        runs = [(name, size) for name in commands for size in envs]
        walls: dict[tuple[str, str], list[float]] = {r: [] for r in runs}
        cpus: dict[tuple[str, str], list[float]] = {r: [] for r in runs}
        for n in range(args.rounds + 1):  # the first round warms the caches and is not counted
            order = runs[n % len(runs) :] + runs[: n % len(runs)]
            for name, size in order:
                env = envs[size]
                if name == "list (cold)":
                    shutil.rmtree(Path(env["MERCATO_INT_HOME"]) / "cache", ignore_errors=True)
                argv = [show_id[size] if a == "ID" else a for a in commands[name]]
                wall, cpu = _run([*exe, *argv], env)
                if n:
                    walls[(name, size)].append(wall)
                    cpus[(name, size)].append(cpu)
        big = str(args.integrations)
        print(
            f"{args.rounds} rounds, {args.integrations} integrations in {args.bundles} bundles "
            f"against the 7 bundled ones ({sys.executable})"
        )
        print(
            f"  {'command':<14}{'7 wall':>10}{'7 CPU':>10}{big + ' wall':>12}{big + ' CPU':>11}"
            f"{'ratio CPU':>11}{'ratio wall':>12}"
        )
        for name in commands:
            small_c, big_c = cpus[(name, "7")], cpus[(name, big)]
            per_round = statistics.median(b / s for b, s in zip(big_c, small_c, strict=True))
            wall_ratio = statistics.median(walls[(name, big)]) / statistics.median(
                walls[(name, "7")]
            )
            verdict = "meets" if per_round <= AIM else "misses"
            verdict = "" if name == "list (cold)" else f"  (aim {AIM}x: {verdict})"
            print(
                f"  {name:<14}"
                f"{statistics.median(walls[(name, '7')]) * 1000:>8.0f}ms"
                f"{statistics.median(small_c) * 1000:>8.0f}ms"
                f"{statistics.median(walls[(name, big)]) * 1000:>10.0f}ms"
                f"{statistics.median(big_c) * 1000:>9.0f}ms"
                f"{per_round:>10.2f}x{wall_ratio:>11.2f}x{verdict}"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
