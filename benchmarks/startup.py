"""Start-up time of `mercato-int --help` and `mercato-int list`, as ratios to a baseline
measured in the same run:

    --help  vs  python -c "import typer"                        aim: within 1.3x
    list    vs  python -c "import typer, rich.table, sqlmodel"  aim: within 1.15x

`list` runs against the default SQLite store, created beforehand in temporary user dirs (so
the first-use migration is not measured). Commands run round-robin, so a busy machine slows every
one of them alike; the figure is the median wall time of N fresh processes.

    python benchmarks/startup.py [--runs N] [--json]
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


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-400:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="processes per command (21)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
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
    try:
        _time([*cli, "list"], env)  # create and migrate the store; warm the bytecode caches
        for cmd in commands.values():
            _time(cmd, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(_time(cmd, env))
    finally:
        shutil.rmtree(home, ignore_errors=True)

    median = {name: statistics.median(t) * 1000 for name, t in times.items()}
    best = {name: min(t) * 1000 for name, t in times.items()}
    ratios = {
        name: {
            "baseline": base,
            "ratio": median[name] / median[base],
            # the fastest runs: steadier than the median on a machine shared with other work
            "minRatio": best[name] / best[base],
            "aim": aim,
        }
        for name, (base, aim) in AIMS.items()
    }
    if args.json:
        print(
            json.dumps(
                {"runs": args.runs, "medianMs": median, "minMs": best, "ratios": ratios},
                indent=2,
            )
        )
        return
    print(f"median wall time of {args.runs} runs each ({sys.executable})")
    for name, ms in median.items():
        label = f"mercato-int {name}" if name in ("help", "list", "list --json") else name
        label = label.replace("mercato-int help", "mercato-int --help")
        print(f"  {label:<40} {ms:7.1f} ms   (min {best[name]:6.1f})")
    for name, r in ratios.items():
        verdict = "meets" if r["ratio"] <= r["aim"] else "MISSES"
        shown = "--help" if name == "help" else name
        print(
            f"mercato-int {shown:<6} / {r['baseline']:<36} = {r['ratio']:.2f}x  "
            f"(aim {r['aim']}x: {verdict}; fastest runs {r['minRatio']:.2f}x)"
        )


if __name__ == "__main__":
    main()
