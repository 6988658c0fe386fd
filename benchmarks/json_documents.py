"""The cost of turning log entries into their `--json` document: N entries (default 10,000)
of the benchmark fixtures, as one `logs show --json` page (document + the JSON text that
`print_json` writes) and as `--jsonl` lines (one document per entry). Median of repeated runs.

    python benchmarks/json_documents.py [--entries N] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _fixtures import entries

from mercato_int.services.logs.model import LogEntry, LogPage

START = datetime(2026, 1, 1, tzinfo=UTC)


def _entries(n: int) -> list[LogEntry]:
    out = []
    for k, e in enumerate(
        entries(n, [f"bench_{i:02d}" for i in range(20)], ["t1", "t2"], start=START)
    ):
        tenant = e.pop("tenant")
        out.append(
            LogEntry(
                id=str(uuid.UUID(int=k)),
                organization_id="default",
                tenant_id=tenant,
                seq=k,
                **e,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000, help="entries (10,000)")
    parser.add_argument("--repeat", type=int, default=15, help="runs (15)")
    args = parser.parse_args()
    from mercato_int.shapes.logs import LogEntryShape, LogPageShape

    items = _entries(args.entries)
    page = LogPage(items, total=len(items), next_cursor=None, page_size=len(items))

    def as_page() -> str:
        return json.dumps(
            LogPageShape.of(page).document(), indent=2, ensure_ascii=False, default=str
        )

    def as_lines() -> str:
        return "".join(
            json.dumps(LogEntryShape.of(e).document(), ensure_ascii=False, default=str) + "\n"
            for e in items
        )

    for name, fn in (("--json page", as_page), ("--jsonl lines", as_lines)):
        fn()  # warm up
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"{name:<15} {args.entries:>7,} entries: median {statistics.median(times):7.1f} ms,"
            f" fastest {min(times):7.1f} ms"
        )


if __name__ == "__main__":
    main()
