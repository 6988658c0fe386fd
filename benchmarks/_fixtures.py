"""Shared set-up for the log benchmarks: a providers folder with N integrations spread over
tenants, and deterministic entries with details."""

from __future__ import annotations

import os
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

LEVEL_WEIGHTS = (("debug", 10), ("info", 70), ("warning", 12), ("error", 8))
OPERATIONS = ("sync.import.batch", "sync.import.item_failed", "webhook.received", "health.check")


def make_providers(root: Path, count: int) -> list[str]:
    """`count` integrations (each with a secret field) in one provider folder."""
    ids = [f"bench_{i:02d}" for i in range(count)]
    folder = root / "bench_providers"
    folder.mkdir(parents=True, exist_ok=True)
    items = ",\n".join(
        f'{{"id": "{i}", "title": "Bench {i}", "category": "data_sync", "hub": "data_sync",'
        f' "providerKey": "{i}", "bundleId": "bench", "credentials": {{"fields": []}}}}'
        for i in ids
    )
    (folder / "integration.py").write_text(
        "bundle = {'id': 'bench', 'title': 'Bench', 'credentials': {'fields': ["
        "{'key': 'apiKey', 'label': 'API key', 'type': 'secret', 'required': True}]}}\n"
        f"integrations = [{items}]\n"
    )
    return ids


def home(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=f"mercato-bench-{prefix}-"))
    os.environ["MERCATO_INT_HOME"] = str(path)
    return path


def entries(
    n: int,
    integrations: list[str],
    tenants: list[str],
    *,
    start: datetime | None = None,
    span: timedelta = timedelta(days=20),
    seed: int = 7,
) -> list[dict[str, Any]]:
    """`n` entries with details, spread evenly over time (oldest first)."""
    rnd = random.Random(seed)
    levels = [lv for lv, w in LEVEL_WEIGHTS for _ in range(w)]
    start = start or datetime.now(UTC) - span
    step = span / max(n, 1)
    out = []
    for k in range(n):
        out.append(
            {
                "integration_id": integrations[k % len(integrations)],
                "tenant": tenants[(k // len(integrations)) % len(tenants)],
                "level": levels[rnd.randrange(len(levels))],
                "operation": OPERATIONS[k % len(OPERATIONS)],
                "message": f"Processed batch {k}: {rnd.randrange(1000)} imported, 0 failed",
                "details": {
                    "imported": rnd.randrange(1000),
                    "cursor": f"c_{k:08d}",
                    "request": {"id": f"req_{k}", "path": "/admin/products", "retry": [1, 2]},
                },
                "correlation_id": f"run_{k // 500}",
                "entity_type": "catalog.product",
                "entity_id": f"prod_{k}",
                "duration_ms": rnd.randrange(5000),
                "created_at": start + step * k,
            }
        )
    return out
