"""Batched log ingest vs the raw driver, same rows, same run.

SQLite: LogWriter (redaction, validation, SQLAlchemy Core executemany) against plain `sqlite3`
executemany of the same rows (serialized the same way, same batch size). Postgres: LogWriter
(COPY) against psycopg COPY of the same rows. Prints rows/s and the ratio (aim: >= 0.7).

    python benchmarks/bench_log_ingest.py --rows 50000 [--pg postgresql://postgres@127.0.0.1/test]
        [--prefill 1000000]

`--prefill N`: every store first holds N entries (benchmarks/_bulk.py), so the ingest goes into
an already large table. The raw baseline also runs on a store migrated only to 0005 (before
the search and filter indexes of 0006) to show what those cost.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _bulk import fill_postgres, fill_sqlite
from _fixtures import drop_pg_schema, entries, fill, pg_schema, providers_home, services_for

from mercato_int.services.logs.writer import COLUMNS

BATCH = 5000


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def raw_rows(batch: list[dict], sqlite: bool) -> list[tuple]:
    """What the baseline inserts: the same entries, serialized the cheapest way."""
    rows = []
    for e in batch:
        when = e["created_at"]
        rows.append(
            (
                uuid.uuid4().hex if sqlite else uuid.uuid4(),
                e["integration_id"],
                e["level"],
                e["operation"],
                e["message"],
                dumps(e["details"]),
                e["correlation_id"],
                e["entity_type"],
                e["entity_id"],
                e["duration_ms"],
                "default",
                e["tenant"],
                when.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else when,
            )
        )
    return rows


def run_writer(services, data: list[dict]) -> float:
    t0 = time.perf_counter()
    fill(services, data, batch_size=BATCH)
    return time.perf_counter() - t0


def run_sqlite_raw(path: str, data: list[dict]) -> float:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    sql = f"INSERT INTO integration_logs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 13)})"
    t0 = time.perf_counter()
    for i in range(0, len(data), BATCH):
        with conn:
            conn.executemany(sql, raw_rows(data[i : i + BATCH], True))
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def run_pg_copy(engine, data: list[dict]) -> float:
    stmt = f"COPY integration_logs ({', '.join(COLUMNS)}) FROM STDIN"
    t0 = time.perf_counter()
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        for i in range(0, len(data), BATCH):
            with raw.cursor() as cur, cur.copy(stmt) as copy:
                for row in raw_rows(data[i : i + BATCH], False):
                    copy.write_row(row)
            raw.commit()
    return time.perf_counter() - t0


def report(name: str, n: int, ours: float, base: float, base_name: str) -> None:
    print(
        f"{name}: {n:,} entries  LogWriter {n / ours:,.0f} rows/s ({ours:.1f} s)  "
        f"{base_name} {n / base:,.0f} rows/s ({base:.1f} s)  ratio {base / ours:.2f}x"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pg", default=None, help="Postgres URL (a scratch schema is created)")
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--prefill", type=int, default=0)
    args = ap.parse_args()
    root, ids = providers_home("ingest")
    data = entries(args.rows, ids, [f"t{i}" for i in range(5)])
    from mercato_int.store.engine import create_store_engine, optimize
    from mercato_int.store.migrate import upgrade

    if not args.skip_sqlite:
        raw_path, ours_path, old_path = root / "raw.db", root / "ours.db", root / "old.db"
        for p, revision in ((raw_path, "head"), (old_path, "0005_api_tokens_state_version")):
            engine = create_store_engine(f"sqlite:///{p}")
            upgrade(engine, revision)
            if args.prefill:
                fill_sqlite(str(p), args.prefill, seed=9)
                optimize(engine)
            engine.dispose()
        import shutil

        shutil.copyfile(raw_path, ours_path)  # same schema and rows for both
        base = run_sqlite_raw(str(raw_path), data)
        svc = services_for(f"sqlite:///{ours_path}")
        ours = run_writer(svc, data)
        svc.close()
        report("sqlite", args.rows, ours, base, "sqlite3 executemany")
        before = run_sqlite_raw(str(old_path), data)
        print(
            f"  raw executemany into the 0005 schema (before 0006): {args.rows / before:,.0f} "
            f"rows/s; the 0006 indexes and FTS table cost {1 - before / base:.0%} of its rate"
        )
        for p in (raw_path, ours_path, old_path):
            p.unlink()

    if args.pg:
        from mercato_int.store.engine import create_store_engine

        schemas = [pg_schema(args.pg, label) for label in ("raw", "ours")]
        engine = create_store_engine(schemas[0][1])
        try:
            for name, _url in schemas:
                if args.prefill:
                    raw_url = f"{args.pg}?options=-csearch_path%3D{name}"
                    fill_postgres(raw_url, args.prefill, seed=9)
            base = run_pg_copy(engine, data)
            svc = services_for(schemas[1][1])
            ours = run_writer(svc, data)
            svc.close()
            report("postgres", args.rows, ours, base, "psycopg COPY")
        finally:
            engine.dispose()
            for name, _url in schemas:
                drop_pg_schema(args.pg, name)
    import shutil

    shutil.rmtree(root, ignore_errors=True)  # the stores are under /tmp: nothing left behind


if __name__ == "__main__":
    main()
