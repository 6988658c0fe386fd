"""`logs --search` on SQLite, in-process: the query (page + capped total) MATCHing the rarest
trigrams of the text (query.rare_terms) against MATCHing up to 16 of them (as before), on one
store, the two alternated, median of N warm runs.

    python benchmarks/bench_log_search.py --rows 300000
    python benchmarks/bench_log_search.py --store /tmp/s5m/big-5000000.db  (filled alike)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _bulk import fill_sqlite

from mercato_int.scope import TenantScope
from mercato_int.services.logs import query as log_query
from mercato_int.services.logs.model import LogFilter
from mercato_int.store.engine import create_store_engine, optimize
from mercato_int.store.migrate import upgrade

SEARCHES = ("batch 4242", "Processed batch 12345", "imported, 0 failed")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--store", type=Path, default=None, help="an SQLite store filled alike, used as it is"
    )
    ap.add_argument("--text", action="append", help="the texts (default: three)")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mercato-bench-search-", dir="/tmp"))
    try:
        url = f"sqlite:///{args.store or root / 'big.db'}"
        engine = create_store_engine(url)
        if args.store is None:
            upgrade(engine)
            engine.dispose()  # (no connection open: the fill changes the journal mode)
            t0 = time.perf_counter()
            fill_sqlite(str(root / "big.db"), args.rows)
            optimize(engine)
            print(f"sqlite: filled {args.rows:,} in {time.perf_counter() - t0:.0f} s")
        scope = TenantScope("default", "t2")
        rare = log_query.rare_terms
        with engine.connect() as conn:
            for text in args.text or SEARCHES:
                f = LogFilter(search=text)
                times: dict[str, list[float]] = {"rarest": [], "up to 16": []}
                totals = {}
                for _ in range(args.runs + 1):  # the first of each warms the cache
                    for label, pick in (("rarest", rare), ("up to 16", lambda c, t: None)):
                        log_query.rare_terms = pick  # type: ignore[assignment]
                        t = time.perf_counter()
                        page = log_query.query(conn, scope, f, exact_total=False)
                        times[label].append((time.perf_counter() - t) * 1000)
                        totals[label] = (page.total, [e.id for e in page.items])
                log_query.rare_terms = rare
                new, old = (statistics.median(times[k][1:]) for k in ("rarest", "up to 16"))
                same = "same" if totals["rarest"] == totals["up to 16"] else "DIFFERENT"
                terms = rare(conn, text)
                print(
                    f"  --search {text!r:26} rarest {terms}: {new:8.1f} ms  up to 16: "
                    f"{old:8.1f} ms  {old / new:5.1f}x faster  (total {totals['rarest'][0]}, "
                    f"page {same})"
                )
        engine.dispose()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
