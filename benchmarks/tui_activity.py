"""What the TUI's marketplace reads: the 30-day activity figures (sparkline and error rate of
every integration in a tenant) against the same tenant's marketplace overview and the logs
tab's first page with its total, all in the same run and store.

N entries over 20 integrations and 5 tenants, spread over 30 days (default 200,000):

    python benchmarks/tui_activity.py [--rows 1000000] [--pg postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _fixtures import drop_pg_schema, entries, fill, home, make_providers, pg_schema, services_for

from mercato_int.scope import TenantScope
from mercato_int.services.logs.model import LogFilter

REPEAT = 10


def timed(fn) -> tuple[float, float]:
    fn()  # warm
    runs = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs), max(runs)


def run(label: str, svc, ids: list[str]) -> None:
    scope = TenantScope("default", "t2")
    one = LogFilter(integration_id=ids[7])
    cases = [
        (
            "logs tab: first page of 25 + total",
            lambda: svc.logs.query(scope=scope, filters=one, limit=25),
        ),
        ("marketplace overview (states, creds)", lambda: svc.marketplace.overview(scope)),
        ("activity: 30 days x 20 integrations", lambda: svc.log_activity.figures(scope, ids)),
    ]
    results = [(name, *timed(fn)) for name, fn in cases]
    base = results[0][1]
    print(f"{label}")
    for name, med, worst in results:
        print(f"  {name:<40} median {med:8.1f} ms  worst {worst:8.1f} ms  x{med / base:6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--pg", default=None)
    args = parser.parse_args()
    root = home("tui")
    ids = make_providers(root, 20)
    import os

    os.environ["MERCATO_INT_PROVIDERS_PATH"] = str(root / "bench_providers")
    data = entries(args.rows, ids, [f"t{i}" for i in range(5)], span=timedelta(days=30))
    print(
        f"{args.rows:,} entries, 20 integrations, 5 tenants, over 30 days; tenant t2 holds "
        f"{args.rows // 5:,}"
    )
    svc = services_for(f"sqlite:///{root / 'bench.db'}")
    t0 = time.perf_counter()
    fill(svc, data)
    print(f"  (filled SQLite in {time.perf_counter() - t0:.1f} s)")
    run("SQLite", svc, ids)
    svc.close()
    if args.pg:
        name, url = pg_schema(args.pg, "tui")
        try:
            svc = services_for(url)
            fill(svc, data)
            with svc.store.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE integration_logs")
            run("Postgres", svc, ids)
            svc.close()
        finally:
            drop_pg_schema(args.pg, name)


if __name__ == "__main__":
    main()
