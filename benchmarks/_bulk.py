"""Fast fills for the scale benchmarks: N log rows written straight into a migrated store
(sqlite3 executemany / psycopg COPY, in chunks), as the writer would store them."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

LEVELS = ["debug"] * 10 + ["info"] * 70 + ["warning"] * 12 + ["error"] * 8
OPERATIONS = ("sync.import.batch", "sync.import.item_failed", "webhook.received", "health.check")


def chunks(
    n: int,
    dialect: str,
    *,
    integrations: int = 20,
    tenants: int = 5,
    start: datetime | None = None,
    span: timedelta = timedelta(days=20),
    size: int = 50_000,
    seed: int = 7,
    only_tenant: str | None = None,
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows in the writer's column order (COLUMNS), oldest first, over `integrations` x
    `tenants` (tenant t{k // integrations % tenants}); correlation run_{k // 500} (100 entries
    a tenant), entity prod_{k}, message 'Processed batch {k}: ...'."""
    from mercato_int.store.bound import processor
    from mercato_int.store.engine import create_store_engine
    from mercato_int.store.schema import LOGS

    engine = create_store_engine("sqlite://" if dialect == "sqlite" else "postgresql://x@/x")
    bind_id = processor(LOGS, "id", engine.dialect)
    bind_stamp = processor(LOGS, "created_at", engine.dialect)
    rnd = random.Random(seed)
    start = start or datetime.now(UTC) - span
    step = span / max(n, 1)
    out: list[tuple[Any, ...]] = []
    for k in range(n):
        out.append(
            (
                bind_id(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                f"bench_{k % integrations:02d}",
                LEVELS[rnd.randrange(100)],
                OPERATIONS[k % 4],
                f"Processed batch {k}: {rnd.randrange(1000)} imported, 0 failed",
                f'{{"imported": {rnd.randrange(1000)}, "cursor": "c_{k:08d}"}}',
                f"run_{k // 500}",
                "catalog.product",
                f"prod_{k}",
                rnd.randrange(5000),
                "default",
                only_tenant or f"t{k // integrations % tenants}",
                bind_stamp(start + step * k),
            )
        )
        if len(out) >= size:
            yield out
            out = []
    if out:
        yield out


def fill_sqlite(path: str, n: int, **kw: Any) -> None:
    import sqlite3

    from mercato_int.services.logs.writer import _SQLITE_INSERT

    head, marks = _SQLITE_INSERT  # (the writer binds many rows a statement: one here)
    insert = f"{head}({', '.join(marks)})"

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    # a rollback journal while filling (WAL would write every page twice), WAL again after,
    # as the store keeps it; a big cache for the index sorts
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA cache_size=-1000000")
    conn.execute("PRAGMA temp_store=MEMORY")
    t0 = time.perf_counter()
    # indexes and the FTS triggers off while filling, made again after (sorted builds): the
    # same store, in a fraction of the time
    made = conn.execute(
        "SELECT name, type, sql FROM sqlite_master WHERE tbl_name = 'integration_logs' "
        "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
    ).fetchall()
    for name, kind, _ in made:
        conn.execute(f"DROP {kind.upper()} {name}")
    for rows in chunks(n, "sqlite", **kw):
        conn.execute("BEGIN")
        conn.executemany(insert, rows)
        conn.execute("COMMIT")
    took = {"rows": time.perf_counter() - t0}
    conn.execute("BEGIN")
    for _, _, sql in made:
        conn.execute(sql)
    took["indexes"] = time.perf_counter() - t0 - took["rows"]
    fts = "SELECT 1 FROM sqlite_master WHERE name = 'integration_logs_fts'"
    if conn.execute(fts).fetchone():  # (a store before 0006 has none)
        conn.execute("INSERT INTO integration_logs_fts(integration_logs_fts) VALUES ('rebuild')")
    conn.execute("COMMIT")
    took["fts"] = time.perf_counter() - t0 - took["rows"] - took["indexes"]
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    if n >= 100_000:
        print("  fill phases (s): " + ", ".join(f"{k} {v:.0f}" for k, v in took.items()))


def fill_postgres(url: str, n: int, **kw: Any) -> None:
    import psycopg

    from mercato_int.services.logs.writer import COLUMNS, TABLE

    with psycopg.connect(url) as conn:
        for rows in chunks(n, "postgresql", **kw):
            with (
                conn.cursor() as cur,
                cur.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            conn.commit()
