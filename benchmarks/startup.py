"""Start-up time of `mercato-int --help` and `mercato-int list`, as ratios to a baseline
measured in the same run:

    --help  vs  python -c "import typer"                        aim: within 1.3x
    list    vs  python -c "import typer, rich.table, sqlmodel"  aim: within 1.15x

`list` runs against the default SQLite store, created beforehand in temporary user dirs (so
the first-use migration is not measured). Each round runs every command once, in a rotating
order, so a busy machine slows each of them alike. The verdict uses the median of the per-round
ratios (each command against its baseline from the same round), which is the steadiest figure
on a shared machine; the ratio of the median wall times, of the fastest runs and of the median
CPU times (user + system of the child) are printed beside it.

`--instructions` also counts the instructions each command executes, once, under valgrind's
callgrind: a figure that does not depend on what else the machine is doing.

    python benchmarks/startup.py [--runs N] [--json] [--instructions]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AIMS = {"help": ("import typer", 1.3), "list": ("import typer, rich.table, sqlmodel", 1.15)}


def _mercato_int() -> list[str]:
    script = Path(sys.executable).parent / "mercato-int"
    if script.exists():
        return [str(script)]
    found = shutil.which("mercato-int")
    return [found] if found else [sys.executable, "-m", "mercato_int"]


def _compile_bytecode() -> None:
    """Byte-compile mercato-int and its bundled providers, as installing a wheel does: with
    PYTHONDONTWRITEBYTECODE set (or an editable install) every run would otherwise compile
    our sources afresh while the dependencies load from their .pyc files."""
    import compileall

    import mercato_int
    from mercato_int.bundled import provider_dirs

    for folder in [Path(mercato_int.__file__).parent, *provider_dirs()]:
        compileall.compile_dir(str(folder), quiet=1)


def _time(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `cmd`, which must succeed."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read() if proc.stderr else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {stderr.decode()[-400:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def _instructions(cmd: list[str], env: dict[str, str]) -> int | None:
    """Instructions `cmd` executes (valgrind's callgrind), or None without valgrind."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    proc = subprocess.run(
        [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", proc.stderr)
    return int(found.group(1)) if found and proc.returncode == 0 else None


def _quartiles(values: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=41, help="rounds (41)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions (valgrind)"
    )
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="mercato-int-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERCATO_INT_")}
    # the platform's default dirs, as a user has them (not MERCATO_INT_HOME), inside `home`
    env.update(
        {
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "NO_COLOR": "1",
            "COLUMNS": "100",
        }
    )
    if not sys.platform.startswith("linux"):  # elsewhere the user dirs ignore XDG_*
        env["MERCATO_INT_HOME"] = str(home)
    cli = _mercato_int()
    commands = {
        "import typer": [sys.executable, "-c", "import typer"],
        "import typer, rich.table, sqlmodel": [
            sys.executable,
            "-c",
            "import typer, rich.table, sqlmodel",
        ],
        "help": [*cli, "--help"],
        "list": [*cli, "list"],
        "list --json": [*cli, "list", "--json"],
    }
    _compile_bytecode()
    names = list(commands)
    try:
        _time([*cli, "list"], env)  # create and migrate the store; warm the bytecode caches
        for cmd in commands.values():
            _time(cmd, env)
        wall: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for round_ in range(args.runs):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:  # a rotating order
                elapsed, used = _time(commands[name], env)
                wall[name].append(elapsed * 1000)
                cpu[name].append(used * 1000)
        counted = {}
        if args.instructions:
            counted = {name: _instructions(cmd, env) for name, cmd in commands.items()}
    finally:
        shutil.rmtree(home, ignore_errors=True)

    median = {name: statistics.median(t) for name, t in wall.items()}
    best = {name: min(t) for name, t in wall.items()}
    cpu_median = {name: statistics.median(t) for name, t in cpu.items()}
    ratios = {}
    for name, (base, aim) in AIMS.items():
        paired = [a / b for a, b in zip(wall[name], wall[base], strict=True)]
        low, high = _quartiles(paired)
        ratios[name] = {
            "baseline": base,
            # the verdict: each run against its baseline run of the same round
            "pairedRatio": statistics.median(paired),
            "pairedQuartiles": [low, high],
            "ratio": median[name] / median[base],
            # the fastest runs: steadier than the median on a machine shared with other work
            "minRatio": best[name] / best[base],
            "cpuRatio": cpu_median[name] / cpu_median[base],
            "aim": aim,
        }
        if counted.get(name) and counted.get(base):
            ratios[name]["instructionsRatio"] = counted[name] / counted[base]
    if args.json:
        figures = {"medianMs": median, "minMs": best, "cpuMedianMs": cpu_median}
        if counted:
            figures["instructions"] = counted
        print(json.dumps({"runs": args.runs, **figures, "ratios": ratios}, indent=2))
        return
    print(f"{args.runs} rounds, every command once a round ({sys.executable})")
    print(f"  {'':<40} {'median':>9} {'fastest':>9} {'CPU':>9}")
    for name, ms in median.items():
        label = f"mercato-int {name}" if name in ("help", "list", "list --json") else name
        label = label.replace("mercato-int help", "mercato-int --help")
        print(f"  {label:<40} {ms:6.1f} ms {best[name]:6.1f} ms {cpu_median[name]:6.1f} ms")
    for name, r in ratios.items():
        verdict = "meets" if r["pairedRatio"] <= r["aim"] else "MISSES"
        shown = "--help" if name == "help" else name
        low, high = r["pairedQuartiles"]
        print(
            f"mercato-int {shown:<6} / {r['baseline']:<36} = {r['pairedRatio']:.2f}x "
            f"(aim {r['aim']}x: {verdict}; middle half {low:.2f}-{high:.2f}x; medians "
            f"{r['ratio']:.2f}x, fastest {r['minRatio']:.2f}x, CPU {r['cpuRatio']:.2f}x)"
        )
        if "instructionsRatio" in r:
            print(f"{'':<58}   instructions {r['instructionsRatio']:.2f}x")


if __name__ == "__main__":
    main()
