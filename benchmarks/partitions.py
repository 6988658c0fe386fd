"""Partitioned logs on Postgres: figures for benchmarks/RESULTS-partitions.md.

  python benchmarks/partitions.py prune --rows 10000000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/test
  python benchmarks/partitions.py migrate --rows 5000000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/test

`prune`: ROWS entries over the last 12 months (100 tenants x 7 integrations, 5% errors),
generated server-side; the newest page and a level=error page (median of 20); the oldest month
deleted by prune's batched delete (every tenant, the same cutoff), then the same rows generated
again and the month dropped by prune's partition step; the table's size before and after.

`migrate`: ROWS entries in the unpartitioned table of revision 0005, then `db partition-logs`
(partition_copy.run) while a writer thread inserts one entry every 10 ms (its own transaction);
the writer's worst and p99 wait, and a check that no row was lost (counts and every seq / id).

Each run uses its own database, dropped at the end."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from _fixtures import create_pg_database, drop_pg_database

TENANTS, INTEGRATIONS = 100, 7


def _generate(
    conn: sa.Connection, first: int, last: int, start: datetime, span: float, n: int
) -> None:
    """Rows first..last of n, spread evenly over `span` seconds from `start` (server-side)."""
    conn.exec_driver_sql(
        "INSERT INTO integration_logs (id, integration_id, level, operation, message, details, "
        "organization_id, tenant_id, created_at) SELECT gen_random_uuid(), 'int_' || (i %% 7), "
        "CASE WHEN (i / 100) %% 20 = 0 THEN 'error' WHEN (i / 100) %% 7 = 0 THEN 'warn' "
        "ELSE 'info' END, "
        "'sync.import.order', 'imported order ' || i, jsonb_build_object('n', i), 'default', "
        f"'t' || (i %% {TENANTS}), %(start)s::timestamptz + make_interval(secs => i * %(step)s) "
        "FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS i",
        {"start": start, "step": span / n, "first": first, "last": last},
    )


def _size(conn: sa.Connection) -> int:
    return int(
        conn.exec_driver_sql(
            "SELECT coalesce(sum(pg_total_relation_size(relid)), 0) "
            "FROM pg_partition_tree('integration_logs')"
        ).scalar_one()
    )


def _median_ms(conn: sa.Connection, stmt: sa.Select, runs: int = 20) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        conn.execute(stmt).all()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def prune(pg: str, rows: int) -> None:
    url = create_pg_database(pg, "partitions")
    os.environ["MERCATO_INT_DATABASE_URL"] = url
    try:
        from mercato_int.scope import TenantScope
        from mercato_int.services import Services
        from mercato_int.services.logs.model import LogFilter
        from mercato_int.services.logs.query import page_statement
        from mercato_int.services.retention import partitions as prune_partitions
        from mercato_int.settings import Settings
        from mercato_int.store import partitions
        from mercato_int.store.engine import create_store_engine
        from mercato_int.store.migrate import upgrade

        engine = create_store_engine(url)
        upgrade(engine)
        now = datetime.now(UTC)
        oldest = partitions.add_months(partitions.month_of(now), -11)
        span = (now - oldest).total_seconds()
        with engine.connect() as conn:
            partitions.ensure_months(conn, [partitions.add_months(oldest, n) for n in range(12)])
        started = time.perf_counter()
        step = 1_000_000
        for first in range(1, rows + 1, step):
            with engine.begin() as conn:
                _generate(conn, first, min(rows, first + step - 1), oldest, span, rows)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE integration_logs")
        print(f"generated {rows:,} rows over 12 months in {time.perf_counter() - started:.0f} s")
        cutoff = partitions.add_months(oldest, 1)
        with engine.connect() as conn:
            month_rows = conn.exec_driver_sql(
                f'SELECT count(*) FROM "{partitions.name_of(oldest)}"'
            ).scalar_one()
            before = _size(conn)
            scope = TenantScope("default", "t1")
            newest = page_statement(scope, LogFilter(integration_id="int_1"), limit=50)
            errors = page_statement(scope, LogFilter(level="error"), limit=50)
            tenant = page_statement(scope, LogFilter(), limit=50)
            pages = {
                "newest page of 50, one integration": _median_ms(conn, newest),
                "newest page of 50, whole tenant": _median_ms(conn, tenant),
                "level=error page of 50, whole tenant": _median_ms(conn, errors),
            }
        for name, (median, worst) in pages.items():
            print(f"{name:40} {median:7.2f} ms (worst {worst:.2f})")
        svc = Services(Settings.load())
        scopes = [TenantScope("default", f"t{n}") for n in range(TENANTS)]
        older = now - cutoff
        started = time.perf_counter()
        report = svc.retention.prune(scopes=scopes, older_than=older)
        batched = time.perf_counter() - started
        print(f"oldest month: {month_rows:,} rows")
        print(f"batched delete (prune, every tenant):  {report.total:,} rows in {batched:.1f} s")
        # the same rows again, then the partition step of prune --all-tenants
        with engine.begin() as conn:
            _generate(conn, 1, month_rows, oldest, span, rows)  # i = 1.. are the oldest
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'VACUUM ANALYZE "{partitions.name_of(oldest)}"')
        started = time.perf_counter()
        dropped = prune_partitions.drop_expired(svc.retention, now=now, older_than=older)
        drop = time.perf_counter() - started
        n = sum(sum(v.values()) for v in dropped.rows.values())
        print(
            f"partition drop (prune's partition step): {n:,} rows in {drop:.2f} s "
            f"({dropped.partitions})"
        )
        print(f"ratio batched / drop: {batched / drop:.0f}x")
        with engine.connect() as conn:
            after = _size(conn)
        print(f"table size: {before / 2**20:,.0f} MiB before, {after / 2**20:,.0f} MiB after")
        svc.close()
        engine.dispose()
    finally:
        drop_pg_database(url)


def migrate(pg: str, rows: int, batch: int) -> None:
    url = create_pg_database(pg, "partitions")
    try:
        from mercato_int.store import partition_copy
        from mercato_int.store.engine import create_store_engine
        from mercato_int.store.migrate import upgrade

        engine = create_store_engine(url)
        upgrade(engine, "0005_api_tokens_state_version")
        now = datetime.now(UTC)
        oldest = now - timedelta(days=330)
        started = time.perf_counter()
        with engine.begin() as conn:
            _generate(conn, 1, rows, oldest, (now - oldest).total_seconds(), rows)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE integration_logs")
        upgrade(engine)  # 0007: too big to partition inline; left for the command
        print(f"generated {rows:,} rows (unpartitioned) in {time.perf_counter() - started:.0f} s")
        waits: list[float] = []
        written: list[uuid.UUID] = []
        stop = threading.Event()

        w = create_store_engine(url)
        with w.connect() as conn:  # connected before the clock starts
            conn.exec_driver_sql("SELECT 1")

        def writer() -> None:
            while not stop.is_set():
                entry = uuid.uuid4()
                began = time.perf_counter()
                with w.begin() as conn:
                    conn.exec_driver_sql(
                        "INSERT INTO integration_logs (id, integration_id, level, operation, "
                        "message, organization_id, tenant_id, created_at) VALUES (%(id)s, "
                        "'int_1', 'info', 'writer', 'writer', 'default', 't1', now())",
                        {"id": entry},
                    )
                waits.append((time.perf_counter() - began) * 1000)
                written.append(entry)
                time.sleep(0.01)
            w.dispose()

        thread = threading.Thread(target=writer)
        thread.start()
        time.sleep(1)
        started = time.perf_counter()
        with engine.connect() as conn:
            outcome = partition_copy.run(conn, now=now, batch=batch)
        took = time.perf_counter() - started
        time.sleep(1)
        stop.set()
        thread.join()
        with engine.connect() as conn:
            assert not partition_copy._exists(conn, partition_copy.TARGET)
            total = conn.exec_driver_sql("SELECT count(*) FROM integration_logs").scalar_one()
            seqs = conn.exec_driver_sql(
                f"SELECT count(DISTINCT seq) FROM integration_logs WHERE seq <= {rows}"
            ).scalar_one()
            ids = {
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT id FROM integration_logs WHERE operation = 'writer'"
                )
            }
            old = conn.exec_driver_sql(f'SELECT count(*) FROM "{partition_copy.OLD}"').scalar_one()
        lost = [e for e in written if e not in ids]
        print(
            f"migrated {outcome.copied:,} rows (seq <= {outcome.until:,}) in {took:.1f} s, "
            f"batches of {batch:,} seqs"
        )
        waits.sort()
        p99 = waits[int(len(waits) * 0.99) - 1]
        print(
            f"writer: {len(written):,} entries, worst wait {waits[-1]:.1f} ms, p99 {p99:.1f} ms, "
            f"median {statistics.median(waits):.1f} ms"
        )
        print(
            f"rows: {total:,} in the partitioned table = {rows:,} + {len(written):,} written "
            f"during the run: {'yes' if total == rows + len(written) else 'NO'}; "
            f"seqs 1..{rows:,} all present: {'yes' if seqs == rows else 'NO'}; "
            f"writer ids missing: {len(lost)}; old table kept with {old:,} rows"
        )
        engine.dispose()
    finally:
        drop_pg_database(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["prune", "migrate"])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if args.what == "prune":
        prune(args.pg, args.rows)
    else:
        migrate(args.pg, args.rows, args.batch)


if __name__ == "__main__":
    main()
