"""Every `logs` filter as a whole command at scale against the same command on a 7-entry store,
in the same run (aim <= 1.2x): SQLite at 5,000,000 entries, Postgres at 1,000,000.

The big store is filled straight through the driver (benchmarks/_bulk.py: 20 integrations x 5
tenants, one correlation id per 500 entries, an entity id each), then given what `logs ingest`
leaves behind (store.engine.optimize: a bounded ANALYZE on SQLite; VACUUM ANALYZE on
Postgres, as autovacuum would). Each command runs REPEAT times, alternating big and small
store; the median wall time and CPU time (user + system) of `python -m mercato_int --tenant t2
logs ...` are compared. Data under /tmp, dropped at the end (`--keep DIR`: the SQLite stores
kept there, and reused by the next run).

    python benchmarks/bench_log_filters.py --rows 5000000 [--pg URL --pg-rows 1000000]
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

sys.path.insert(0, str(Path(__file__).parent))
from _bulk import fill_postgres, fill_sqlite
from _fixtures import drop_pg_schema, make_providers, pg_schema

REPEAT = 7
MERCATO = [sys.executable, "-m", "mercato_int", "--tenant", "t2", "logs"]


ONLY = ""


def commands(rows: int) -> list[tuple[str, list[str]]]:
    """The filters, with values that exist in tenant t2 of the big store."""
    k = rows * 42 // 100 // 100 * 100 + 45  # entry k is in t2: k // 20 % 5 == 2
    corr = k // 500
    every = [
        ("tenant-wide newest page", []),
        ("one integration", ["bench_07"]),
        ("--level error", ["--level", "error"]),
        (f"--correlation run_{corr}", ["--correlation", f"run_{corr}"]),
        (f"--entity-id prod_{k}", ["--entity-id", f"prod_{k}"]),
        ("--operation 'sync.import.*'", ["--operation", "sync.import.*"]),
        ("--search 'batch 4242'", ["--search", "batch 4242"]),
        ("--search 'batch 4242' --count", ["--search", "batch 4242", "--count"]),
        ("--json (tenant-wide, capped total)", ["--json"]),
    ]
    return [(name, args) for name, args in every if ONLY in name]


def timed(env: dict[str, str], args: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one command, seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run([*MERCATO, *args], env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{args}: exit {done.returncode}: {done.stderr.strip()[:300]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return took, cpu


def compare(label: str, big: str, small: str, rows: int, root: Path, repeat: int = REPEAT) -> None:
    base = {**os.environ, "MERCATO_INT_HOME": str(root), "MERCATO_INT_PROVIDERS_PATH": str(root)}
    envs = {
        "big": {**base, "MERCATO_INT_DATABASE_URL": big},
        "small": {**base, "MERCATO_INT_DATABASE_URL": small},
    }
    print(
        f"{label}: {rows:,} entries against 7, median of {repeat} runs (ms): wall time, "
        "then CPU time (user + system: what a loaded machine's waits do not inflate)"
    )
    for name, args in commands(rows):
        runs: dict[str, list[tuple[float, float]]] = {"big": [], "small": []}
        for which in ("big", "small"):  # warm both (page cache, bytecode)
            timed(envs[which], args)
        for _ in range(repeat):
            for which in ("big", "small"):
                runs[which].append(timed(envs[which], args))
        line = f"  {name:38s}"
        for k, kind in enumerate(("wall", "cpu")):
            b = statistics.median(r[k] for r in runs["big"]) * 1000
            s = statistics.median(r[k] for r in runs["small"]) * 1000
            goal = "ok" if b / s <= 1.2 else "MISSED"
            line += f"  {kind} {b:6.0f} vs {s:5.0f} {b / s:5.2f}x ({goal})"
        print(line, flush=True)


OPTIONS = {
    "--level": "level",
    "--correlation": "correlation_id",
    "--entity-id": "entity_id",
    "--operation": "operation",
    "--search": "search",
}


def in_process(label: str, big: str, small: str, rows: int, _root: Path, repeat: int) -> None:
    """The same filters through the service's query path (services.logs.query.query: the
    page and its total, capped unless --count), on one warm connection per store, alternated,
    median of `repeat`."""
    from mercato_int.scope import TenantScope
    from mercato_int.services.logs import query as log_query
    from mercato_int.services.logs.model import LogFilter
    from mercato_int.store.engine import create_store_engine

    scope = TenantScope("default", "t2")
    engines = {"big": create_store_engine(big), "small": create_store_engine(small)}
    print(f"{label} in-process: {rows:,} entries against 7, median of {repeat} runs (ms)")
    with engines["big"].connect() as b_conn, engines["small"].connect() as s_conn:
        conns = {"big": b_conn, "small": s_conn}
        for name, args in commands(rows):
            given = dict(zip(args[::2], args[1::2], strict=False))
            f = LogFilter(
                integration_id=args[0] if args and not args[0].startswith("-") else None,
                **{OPTIONS[k]: v for k, v in given.items() if k in OPTIONS},
            )
            count = "--count" in args
            runs: dict[str, list[float]] = {"big": [], "small": []}
            totals = {}
            for k in range(repeat + 1):  # the first warms
                for which, conn in conns.items():
                    t0 = time.perf_counter()
                    page = log_query.query(conn, scope, f, exact_total=count)
                    if k:
                        runs[which].append((time.perf_counter() - t0) * 1000)
                    totals[which] = page.total
            b, s = statistics.median(runs["big"]), statistics.median(runs["small"])
            print(
                f"  {name:38s} {b:8.1f} vs {s:6.1f}  +{b - s:6.1f} ms  "
                f"(total {totals['big']:,} vs {totals['small']:,})",
                flush=True,
            )
    for engine in engines.values():
        engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--pg", default=None)
    ap.add_argument("--pg-rows", type=int, default=1_000_000)
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--repeat", type=int, default=REPEAT)
    ap.add_argument("--only", default="", help="only the filters whose label holds this")
    ap.add_argument(
        "--in-process",
        action="store_true",
        help="time the service's query path in this process instead of whole commands",
    )
    ap.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep the SQLite stores in this folder and reuse them when they are there",
    )
    args = ap.parse_args()
    global ONLY
    ONLY = args.only
    from mercato_int.store.engine import create_store_engine, optimize
    from mercato_int.store.migrate import upgrade

    root = Path(tempfile.mkdtemp(prefix="mercato-bench-filters-", dir="/tmp"))
    make_providers(root, 20)
    try:
        if not args.skip_sqlite:
            urls = {}
            folder = args.keep or root
            folder.mkdir(parents=True, exist_ok=True)
            for which, n in (("big", args.rows), ("small", 7)):
                path = folder / f"{which}-{n}.db"
                url = f"sqlite:///{path}"
                urls[which] = url
                if path.exists():
                    print(f"sqlite {which}: {n:,} entries kept in {path}")
                    continue
                engine = create_store_engine(url)
                upgrade(engine)
                engine.dispose()  # (no connection open: the fill changes the journal mode)
                t0 = time.perf_counter()
                if which == "big":
                    fill_sqlite(str(path), n)
                else:
                    fill_sqlite(str(path), n, only_tenant="t2")
                optimize(engine)
                engine.dispose()
                print(f"sqlite {which}: filled {n:,} in {time.perf_counter() - t0:.0f} s")
            how = in_process if args.in_process else compare
            how("sqlite", urls["big"], urls["small"], args.rows, root, args.repeat)
        if args.pg:
            made = []
            try:
                urls = {}
                for which, n in (("big", args.pg_rows), ("small", 7)):
                    name, url = pg_schema(args.pg, f"filters_{which}")
                    made.append(name)
                    t0 = time.perf_counter()
                    raw = f"{args.pg}?options=-csearch_path%3D{name}"
                    fill_postgres(raw, n, **({"only_tenant": "t2"} if which == "small" else {}))
                    engine = create_store_engine(url)
                    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as c:
                        c.exec_driver_sql("VACUUM ANALYZE integration_logs")
                    engine.dispose()
                    print(f"postgres {which}: filled {n:,} in {time.perf_counter() - t0:.0f} s")
                    urls[which] = url
                how = in_process if args.in_process else compare
                how("postgres", urls["big"], urls["small"], args.pg_rows, root, args.repeat)
            finally:
                for name in made:
                    drop_pg_schema(args.pg, name)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
