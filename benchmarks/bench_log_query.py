"""Log queries at scale: N entries over 20 integrations and 5 tenants (default 1,000,000).

Database time per query (median and worst of repeated runs): on SQLite the driver's execute +
fetch of the statement the service builds; on Postgres the `Execution Time` of EXPLAIN ANALYZE.
Targets: newest page of 50 for one integration <= 5 ms, level=error page <= 10 ms, its total
<= 20 ms, page 200 by cursor as fast as page 1 (offset shown for comparison).

    python benchmarks/bench_log_query.py --rows 100000 [--pg postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _fixtures import (
    drop_pg_schema,
    entries,
    fill,
    pg_schema,
    providers_home,
    services_for,
)

from mercato_int.scope import TenantScope
from mercato_int.services.logs.query import (
    LogFilter,
    count_statement,
    page_statement,
)

REPEAT = 30


def db_ms(conn, stmt) -> float:
    """One run's database time in ms."""
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        t0 = time.perf_counter()
        raw.execute(sql).fetchall()
        return (time.perf_counter() - t0) * 1000
    plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + sql).scalar()
    return plan[0]["Execution Time"]


def measure(conn, stmt) -> tuple[float, float]:
    db_ms(conn, stmt)  # warm
    runs = [db_ms(conn, stmt) for _ in range(REPEAT)]
    return statistics.median(runs), max(runs)


def run(label: str, svc) -> None:
    scope = TenantScope("default", "t2")
    one = LogFilter(integration_id="bench_07")
    errors = LogFilter(integration_id="bench_07", level="error")
    # walk 199 pages by cursor to get the cursor of page 200
    cursor = None
    for _ in range(199):
        page = svc.logs.query(scope=scope, filters=one, limit=50, cursor=cursor, with_total=False)
        cursor = page.next_cursor
    total = svc.logs.query(scope=scope, filters=one, limit=1).total
    cases = [
        ("newest page of 50, one integration", page_statement(scope, one), 5),
        ("level=error page of 50", page_statement(scope, errors), 10),
        ("level=error total", count_statement(scope, errors), 20),
        ("page 1 (cursor walk start)", page_statement(scope, one), None),
        ("page 200 by cursor", page_statement(scope, one, cursor=cursor), None),
        ("page 200 by offset (for comparison)", page_statement(scope, one, offset=9950), None),
        ("newest page of 50, whole tenant", page_statement(scope, LogFilter()), None),
    ]
    print(
        f"{label}: {total:,} entries for bench_07 in tenant t2; page 200 cursor valid: "
        f"{cursor is not None}"
    )
    with svc.store.engine.connect() as conn:
        for name, stmt, target in cases:
            med, worst = measure(conn, stmt)
            goal = (
                f"  (target <= {target} ms: {'ok' if med <= target else 'MISSED'})"
                if target
                else ""
            )
            print(f"  {name:40s} median {med:7.2f} ms  worst {worst:7.2f} ms{goal}")
    t0 = time.perf_counter()
    for _ in range(REPEAT):
        svc.logs.query(scope=scope, filters=errors, limit=50)
    print(
        f"  service query (page + total, Python included): "
        f"{(time.perf_counter() - t0) / REPEAT * 1000:.2f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pg", default=None)
    ap.add_argument("--skip-sqlite", action="store_true")
    args = ap.parse_args()
    root, ids = providers_home("query")
    data = entries(args.rows, ids, [f"t{i}" for i in range(5)])
    if not args.skip_sqlite:
        svc = services_for(f"sqlite:///{root / 'query.db'}")
        t0 = time.perf_counter()
        fill(svc, data)
        with svc.store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        print(f"sqlite: filled {args.rows:,} in {time.perf_counter() - t0:.0f} s")
        run("sqlite", svc)
        svc.close()
    if args.pg:
        name, url = pg_schema(args.pg, "query")
        try:
            svc = services_for(url)
            t0 = time.perf_counter()
            fill(svc, data)
            autocommit = svc.store.engine.execution_options(isolation_level="AUTOCOMMIT")
            with autocommit.connect() as conn:
                conn.exec_driver_sql("VACUUM ANALYZE integration_logs")
            print(f"postgres: filled {args.rows:,} in {time.perf_counter() - t0:.0f} s")
            run("postgres", svc)
            svc.close()
        finally:
            drop_pg_schema(args.pg, name)


if __name__ == "__main__":
    main()
