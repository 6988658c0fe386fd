"""Helpers of the prune walk tests (test_prune_keyset.py, test_prune_groups.py)."""

from __future__ import annotations

from datetime import timedelta

from mercato_int.scope import TenantScope


def write(services, scope: TenantScope, rows: list[tuple[str, float]]) -> None:
    """(level, age in days) each, at whole-minute ages (many share a timestamp)."""
    now = services.clock()
    with services.logs.writer(batch_size=500, flush_interval=None) as w:
        for k, (level, days) in enumerate(rows):
            w.write(
                integration_id="gateway_stripe",
                level=level,
                operation="op",
                message=f"{level} {days} {k}",
                scope=scope,
                created_at=now - timedelta(days=days),
            )


def left(services, scope: TenantScope) -> list[str]:
    """The messages of the scope's entries still in the store, sorted."""
    page = services.logs.query(scope=scope, limit=1000)
    return sorted(e.message for e in page.items)
