"""Batched log ingest vs the raw driver, same rows, same run.

SQLite: LogWriter (redaction, validation, SQLAlchemy Core executemany) against plain `sqlite3`
executemany of the same rows (serialized the same way, same batch size). Postgres: LogWriter
(COPY) against psycopg COPY of the same rows. Prints rows/s and the ratio (aim: >= 0.7).

    python benchmarks/bench_log_ingest.py --rows 50000 [--pg postgresql://postgres@127.0.0.1/test]
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
from _fixtures import entries, home, make_providers

from mercato_int.scope import TenantScope
from mercato_int.services.log_writer import COLUMNS

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
    scopes = {t: TenantScope("default", t) for t in {e["tenant"] for e in data}}
    t0 = time.perf_counter()
    with services.logs.writer(batch_size=BATCH) as w:
        for e in data:
            w.write(
                integration_id=e["integration_id"],
                level=e["level"],
                operation=e["operation"],
                message=e["message"],
                scope=scopes[e["tenant"]],
                details=e["details"],
                correlation_id=e["correlation_id"],
                entity_type=e["entity_type"],
                entity_id=e["entity_id"],
                duration_ms=e["duration_ms"],
                created_at=e["created_at"],
            )
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


def services_for(url: str):
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    return Services(Settings.load(database_url=url))


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
    args = ap.parse_args()
    root = home("ingest")
    import os

    os.environ["MERCATO_INT_PROVIDERS_PATH"] = str(root)
    ids = make_providers(root, 20)
    data = entries(args.rows, ids, [f"t{i}" for i in range(5)])

    if not args.skip_sqlite:
        raw_path, ours_path = root / "raw.db", root / "ours.db"
        for p in (raw_path, ours_path):  # same migrated schema (indexes included) for both
            services_for(f"sqlite:///{p}").store.dispose()
        base = run_sqlite_raw(str(raw_path), data)
        svc = services_for(f"sqlite:///{ours_path}")
        ours = run_writer(svc, data)
        svc.close()
        report("sqlite", args.rows, ours, base, "sqlite3 executemany")

    if args.pg:
        import sqlalchemy as sa

        from mercato_int.store.engine import create_store_engine
        from mercato_int.store.migrate import upgrade

        admin = sa.create_engine(args.pg.replace("postgresql://", "postgresql+psycopg://"))
        schemas = []
        for label in ("raw", "ours"):
            name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
            with admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
            url = f"{args.pg}?options=-csearch_path%3D{name}"
            engine = create_store_engine(url)
            upgrade(engine)
            schemas.append((name, url, engine))
        try:
            base = run_pg_copy(schemas[0][2], data)
            svc = services_for(schemas[1][1])
            ours = run_writer(svc, data)
            svc.close()
            report("postgres", args.rows, ours, base, "psycopg COPY")
        finally:
            for name, _url, engine in schemas:
                engine.dispose()
                with admin.begin() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
