"""Prune under load: N expired entries (default 500,000) are pruned while another process
writes one entry every 10 ms and a third follows the log (`mercato-int logs -f`).

Reports the prune's time, the writer's worst and 99th-percentile wait per entry (also split:
alone for 5 s before the prune, under the same machine load, and during it), errors in any
process, and whether the follower printed every entry the writer wrote (targets: worst wait
<= 250 ms, no error, nothing missed). The catch-up rate is set against one bulk DELETE of the
same rows in a copy of the same store (a file copy on SQLite, a second schema filled alike on
Postgres), in the same run: aim >= 0.5x. The stores are filled straight through the driver
(benchmarks/_bulk.py).

    python benchmarks/bench_log_prune.py --rows 50000 [--pg postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _bulk import fill_postgres, fill_sqlite
from _fixtures import (
    drop_pg_schema,
    home,
    make_providers,
    pg_schema,
    services_for,
)

LIVE_TENANT = "live"
MERCATO = [sys.executable, "-m", "mercato_int"]


def writer(url: str, out: Path, stop: Path) -> None:
    """One entry every 10 ms until `stop` exists; records each call's wall time."""
    from mercato_int.scope import TenantScope

    svc = services_for(url)
    scope = TenantScope("default", LIVE_TENANT)
    waits, errors, i = [], [], 0
    # warm-up (imports, provider discovery, first connection), not counted: it is start-up
    svc.logs.log(
        integration_id="bench_00", level="debug", operation="warmup", message="-", scope=scope
    )
    slowest = (0.0, 0.0)
    slow: list[tuple[float, int]] = []
    calls: list[tuple[float, float]] = []  # (wall time, ms) of every call
    started = time.monotonic()
    while not stop.exists():
        t0 = time.perf_counter()
        try:
            svc.logs.log(
                integration_id="bench_00",
                level="info",
                operation="beat",
                message=f"beat {i}",
                scope=scope,
                details={"i": i},
            )
            i += 1
        except Exception as exc:  # counted and reported, never fatal
            errors.append(repr(exc))
        took = time.perf_counter() - t0
        waits.append(took * 1000)
        slowest = max(slowest, (took * 1000, time.monotonic() - started))
        if took > 0.1:
            slow.append((round(time.time(), 2), round(took * 1000)))
        calls.append((time.time(), took * 1000))
        time.sleep(max(0.0, 0.01 - took))
    waits.sort()
    out.write_text(
        json.dumps(
            {
                "written": i,
                "worst_ms": waits[-1] if waits else 0,
                "p99_ms": waits[int(len(waits) * 0.99)] if waits else 0,
                "median_ms": waits[len(waits) // 2] if waits else 0,
                "errors": errors[:5],
                "worst_at_s": slowest[1],
                "slow_calls": slow[:50],
                "error_count": len(errors),
                "calls": calls,
            }
        )
    )
    svc.close()


def filled(url: str, rows: int) -> None:
    """`rows` entries 100-120 days old (past every default cutoff) and rows / 25 fresh ones."""
    import sqlalchemy as sa

    from mercato_int.store.engine import create_store_engine, optimize
    from mercato_int.store.migrate import upgrade

    engine = create_store_engine(url)
    upgrade(engine)
    old = {"start": datetime.now(UTC) - timedelta(days=120), "span": timedelta(days=20)}
    fresh = {"start": datetime.now(UTC) - timedelta(hours=2), "span": timedelta(hours=1)}
    if engine.dialect.name == "sqlite":
        engine.dispose()
        path = url.removeprefix("sqlite:///")
        fill_sqlite(path, rows, **old)
        fill_sqlite(path, max(rows // 25, 100), seed=8, **fresh)
        optimize(engine)
    else:
        raw = url.replace("postgresql+psycopg://", "postgresql://")
        fill_postgres(raw, rows, **old)
        fill_postgres(raw, max(rows // 25, 100), seed=8, **fresh)
        with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(sa.text("VACUUM ANALYZE integration_logs"))
    engine.dispose()


def bulk_delete(url: str) -> tuple[int, float]:
    """One DELETE of every entry older than 95 days (the rows the prune deletes), and on
    SQLite a PASSIVE checkpoint of its WAL (the prune's delete phase checkpoints too; the
    commit's own auto-checkpoint already does most of it): (rows, s)."""
    import sqlalchemy as sa

    from mercato_int.store.engine import create_store_engine

    engine = create_store_engine(url)
    cutoff = datetime.now(UTC) - timedelta(days=95)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        n = conn.execute(
            sa.text("DELETE FROM integration_logs WHERE created_at < :c"),
            {"c": cutoff if engine.dialect.name != "sqlite" else cutoff.strftime("%F %T")},
        ).rowcount
    if engine.dialect.name == "sqlite":  # its WAL copied back, as the prune's is (timed)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    took = time.perf_counter() - t0
    engine.dispose()
    return n, took


def run(
    label: str, url: str, rows: int, root: Path, baseline_url: str, bulk_first: bool = False
) -> None:
    make_providers(root, 20)
    t0 = time.perf_counter()
    if label == "sqlite":
        import shutil

        filled(url, rows)
        shutil.copyfile(url.removeprefix("sqlite:///"), baseline_url.removeprefix("sqlite:///"))
    else:  # the store filled last is the one in Postgres's shared buffers
        for each in (baseline_url, url) if bulk_first else (url, baseline_url):
            filled(each, rows)
    print(
        f"{label}: filled {rows:,} expired + {max(rows // 25, 100):,} fresh (twice) in "
        f"{time.perf_counter() - t0:.0f} s"
    )
    bulk_rows, bulk_s = bulk_delete(baseline_url)
    print(
        f"  one bulk DELETE of the same rows: {bulk_rows:,} in {bulk_s:.1f} s "
        f"({bulk_rows / bulk_s:,.0f}/s)"
    )
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": url}
    stop, wout = root / f"{label}.stop", root / f"{label}.writer.json"
    fout, ferr = (root / f"{label}.follow.out").open("w"), (root / f"{label}.follow.err").open("w")
    follower = subprocess.Popen(
        [
            *MERCATO,
            "--tenant",
            LIVE_TENANT,
            "logs",
            "bench_00",
            "-f",
            "--jsonl",
            "--limit",
            "0",
            "--operation",
            "beat",
        ],
        env=env,
        stdout=fout,
        stderr=ferr,
        # a background job inherits SIGINT ignored; Ctrl-C must reach the follower
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(3)
    w = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--role",
            "writer",
            "--url",
            url,
            "--out",
            str(wout),
            "--stop",
            str(stop),
        ],
        env=env,
    )
    time.sleep(5)  # the writer alone first: its waits under the same load, no prune
    t0 = time.perf_counter()
    prune_started = time.time()
    prune = subprocess.run(
        [*MERCATO, "prune", "--all-tenants", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    prune_s = time.perf_counter() - t0
    prune_ended = time.time()
    time.sleep(2)
    stop.write_text("stop")
    w.wait(timeout=60)
    time.sleep(3)  # the follower polls twice a second
    follower.send_signal(signal.SIGINT)
    follower_rc = follower.wait(timeout=30)
    fout.close()
    ferr.close()

    report = json.loads(prune.stdout) if prune.returncode == 0 else {}
    stats = json.loads(wout.read_text())
    seen = [json.loads(line)["message"] for line in (root / f"{label}.follow.out").open()]
    expected = {f"beat {i}" for i in range(stats["written"])}
    missed = expected - set(seen)
    follow_err = (root / f"{label}.follow.err").read_text().strip().splitlines()
    print(
        f"  prune: exit {prune.returncode}, deleted {report.get('total', 0):,} in {prune_s:.1f} s "
        f"({report.get('total', 0) / prune_s:,.0f}/s), reclaim {report.get('reclaim')}, "
        f"phases {report.get('seconds')}"
    )
    delete_s = (report.get("seconds") or {}).get("delete") or prune_s
    ratio = (report.get("total", 0) / delete_s) / (bulk_rows / bulk_s)
    print(
        f"  catch-up rate (delete phase) against the bulk DELETE: {ratio:.2f}x "
        f"(>= 0.5x: {'ok' if ratio >= 0.5 else 'MISSED'})"
    )
    if prune.returncode:
        print("  prune stderr:", prune.stderr.strip()[:500])
    slow = [(round(at - prune_started, 2), ms) for at, ms in stats["slow_calls"]]
    print(f"  writer calls over 100 ms (seconds after prune start, ms): {slow}")
    print(
        f"  writer: {stats['written']:,} entries, wait median {stats['median_ms']:.1f} ms, "
        f"p99 {stats['p99_ms']:.1f} ms, worst {stats['worst_ms']:.1f} ms "
        f"(target <= 250 ms: {'ok' if stats['worst_ms'] <= 250 else 'MISSED'}), "
        f"errors {stats['error_count']} {stats['errors']}, "
        f"worst {stats['worst_at_s']:.1f} s after the writer started"
    )
    alone = sorted(ms for at, ms in stats["calls"] if at < prune_started)
    during = sorted(ms for at, ms in stats["calls"] if prune_started <= at < prune_ended)
    for name, waits in (("alone before the prune", alone), ("during the prune", during)):
        if waits:
            print(
                f"  writer {name}: {len(waits):,} calls, median {waits[len(waits) // 2]:.1f} ms, "
                f"p99 {waits[int(len(waits) * 0.99)]:.1f} ms, worst {waits[-1]:.1f} ms"
            )
    print(
        f"  follower: printed {len(seen):,}, missed {len(missed)}, duplicates "
        f"{len(seen) - len(set(seen))}, exit {follower_rc} on Ctrl-C, stderr {follow_err}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=500_000)
    ap.add_argument("--pg", default=None)
    ap.add_argument("--skip-sqlite", action="store_true")
    # Postgres: fill the bulk DELETE's store first, so the prune's is the warmer one (by
    # default the bulk DELETE gets the warmer store: shared buffers hold only the last fill)
    ap.add_argument("--bulk-store-first", action="store_true")
    ap.add_argument("--role", default="main")
    ap.add_argument("--url")
    ap.add_argument("--out")
    ap.add_argument("--stop")
    args = ap.parse_args()
    if args.role == "writer":
        writer(args.url, Path(args.out), Path(args.stop))
        return
    root = home("prune")
    os.environ["MERCATO_INT_PROVIDERS_PATH"] = str(root)
    try:
        if not args.skip_sqlite:
            base = f"sqlite:///{root / 'bulk.db'}"
            run("sqlite", f"sqlite:///{root / 'prune.db'}", args.rows, root, base)
        if args.pg:
            name, url = pg_schema(args.pg, "prune")
            base_name, base = pg_schema(args.pg, "prune_bulk")
            try:
                run("postgres", url, args.rows, root, base, args.bulk_store_first)
            finally:
                drop_pg_schema(args.pg, name)
                drop_pg_schema(args.pg, base_name)
    finally:
        import shutil

        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
