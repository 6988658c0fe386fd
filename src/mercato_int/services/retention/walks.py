"""The delete walks of a prune: one keyset walk of a tenant's ix_logs_scope_created up to its
later cutoff, every level at once (an entry goes when it is older than its level's cutoff),
each batch continuing after the last (created_at, id) the one before reached, so no batch
re-reads what an earlier one deleted or kept. Every run starts from the tenant's oldest entry:
an entry written back-dated after a run is deleted by the next.

SQLite has one writer at a time: each batch is one short DELETE transaction sized to hold the
write lock about TARGET_BATCH_SECONDS, then the WAL is checkpointed (PASSIVE: no writer waits
for it) and the lock is left free for PAUSE_SECONDS in all, checkpoint included. The pause
outlasts the longest sleep of SQLite's default busy handler in a writer's first 228 ms of
waiting (50 ms), so a waiting writer cannot sleep through it.

Postgres walks every tenant that shares a policy at once instead (pgwalk.py), at most
MAX_BATCH * PG_BATCH_FACTOR entries a batch."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mercato_int.services.retention import reclaim
from mercato_int.store.engine import Store
from mercato_int.store.schema import LOGS

if TYPE_CHECKING:
    from mercato_int.services.retention.prune import TenantPrune

ERROR = "error"
TARGET_BATCH_SECONDS = 0.15  # SQLite: each delete holds the write lock about this long
PAUSE_SECONDS = 0.06  # and then leaves it free this long (the checkpoint included)
PG_BATCH_FACTOR = 40  # Postgres: batches of up to this many MAX_BATCH (pgwalk.py)
MIN_BATCH, MAX_BATCH, FIRST_BATCH = 100, 5000, 1000
Progress = Callable[[int], None] | None


def _span(item: TenantPrune) -> tuple[list[Any], Any]:
    """(the tenant's entries before its later cutoff, the expired ones among them)."""
    c = LOGS.c
    span = [
        c.tenant_id == item.scope.tenant_id,
        c.organization_id == item.scope.organization_id,
        c.created_at < max(item.cutoff, item.error_cutoff),
    ]
    expired = sa.or_(
        sa.and_(c.level == ERROR, c.created_at < item.error_cutoff),
        sa.and_(c.level != ERROR, c.created_at < item.cutoff),
    )
    return span, expired


def _after(key: tuple[Any, Any] | None, *, through: bool = False) -> list[Any]:
    """The keyset bound: entries after `key` (or, `through`, up to and including it)."""
    if key is None:
        return []
    c = LOGS.c
    typed = sa.literal(key[0], c.created_at.type), sa.literal(key[1], c.id.type)
    pair = sa.tuple_(c.created_at, c.id)
    return [pair <= sa.tuple_(*typed) if through else pair > sa.tuple_(*typed)]


def _counted(item: TenantPrune, levels: list[str], on_progress: Progress) -> None:
    for level, n in Counter(levels).items():
        item.by_level[level] = item.by_level.get(level, 0) + n
    if levels and on_progress:
        on_progress(len(levels))


def resized(batch: int, took: float, target: float, most: int) -> int:
    """The next batch's size: scaled toward `target` seconds (at most doubled or halved)."""
    scale = min(2.0, max(0.5, target / max(took, 1e-3)))
    return int(min(most, max(MIN_BATCH, batch * scale)))


def sqlite_walk(
    store: Store, item: TenantPrune, on_progress: Progress, sleep: Callable[[float], None]
) -> None:
    """Batches of `DELETE … WHERE seq IN (the next n expired entries) RETURNING` the key and
    level, each its own transaction; ix_logs_scope_created named (INDEXED BY) so the walk
    never depends on the planner's statistics."""
    c = LOGS.c
    span, expired = _span(item)
    after: tuple[Any, Any] | None = None
    batch = min(MAX_BATCH, max(MIN_BATCH, FIRST_BATCH))
    while True:
        keys = (
            sa.select(c.seq)
            .with_hint(LOGS, "INDEXED BY ix_logs_scope_created", "sqlite")
            .where(*span, expired, *_after(after))
            .order_by(c.created_at, c.id)
            .limit(batch)
        )
        stmt = sa.delete(LOGS).where(c.seq.in_(keys.scalar_subquery()))
        started = time.monotonic()
        with store.engine.begin() as conn:
            found = conn.execute(stmt.returning(c.created_at, c.id, c.level)).all()
        took = time.monotonic() - started
        reclaim.checkpoint(store)
        _counted(item, [row.level for row in found], on_progress)
        if len(found) < batch:
            return
        after = max((row.created_at, row.id) for row in found)
        batch = resized(batch, took, TARGET_BATCH_SECONDS, MAX_BATCH)
        sleep(max(0.0, PAUSE_SECONDS - (time.monotonic() - started - took)))
