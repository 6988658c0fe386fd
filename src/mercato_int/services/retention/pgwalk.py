"""The Postgres delete walk: every tenant of one organization that shares a policy (the same two
cutoffs) deleted together, in windows of `created_at`, oldest first.

Why together: the tenants' entries are interleaved in the heap (the writer appends them as they
come), so one walk a tenant dirties (and, on a table bigger than shared buffers, reads back)
each heap page once per tenant on it; a window of every tenant's entries is one bitmap heap
scan in table order that touches each page once, as one bulk DELETE does.

Each batch is one transaction, one statement:
`WITH d AS (DELETE … RETURNING tenant_id, level) SELECT tenant_id, level, count(*) … GROUP BY`
(counted in SQL: shipping every deleted row to Python cost more than the delete; a separate
count first read the window twice). A window is sized so that the planner's estimate of its
expired entries (EXPLAIN: nothing is read) is at most `cap / 2`: wider, it is halved before
anything is deleted; after each batch the next is scaled toward TARGET_BATCH_SECONDS (a
delete blocks no writer: MVCC, only the deleted rows are locked) and toward `cap / 2` by the
entries the last one really deleted. A batch that deletes more than `2 * cap` (the estimate
was wrong: a table not analyzed yet, a burst of entries) is rolled back and the window
narrowed by as much, so no committed batch holds more than `2 * cap` entries. A window
still too full at one millisecond is cut by (created_at, id): `cap` entries at most.

Every run starts from each tenant's oldest entry (one index probe a tenant): an entry written
back-dated after a run is deleted by the next. The caller holds every tenant's prune lock."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from mercato_int.store.engine import Store
from mercato_int.store.schema import LOGS

if TYPE_CHECKING:
    from mercato_int.services.retention.prune import TenantPrune

ERROR = "error"
TARGET_BATCH_SECONDS = 0.25  # each batch's delete runs about this long
NARROWEST = timedelta(milliseconds=1)  # a window too full this narrow: cut by (created_at, id)
Progress = Callable[[int], None] | None


def group_walk(
    store: Store,
    items: list[TenantPrune],
    cap: int,
    on_progress: Progress,
    held_conn: sa.Connection | None = None,
) -> None:
    """Delete the expired entries of `items` (one organization's tenants, the same cutoffs),
    about `cap` entries a batch, adding each tenant's counts by level to its item; on
    `held_conn` (the one holding the tenants' locks: one connection set-up less) or on a
    connection of its own."""
    c = LOGS.c
    first = items[0]
    by_tenant = {item.scope.tenant_id: item for item in items}
    tenants = sa.bindparam("tenants", sorted(by_tenant), type_=ARRAY(sa.String()))
    latest = max(first.cutoff, first.error_cutoff)
    span = [c.organization_id == first.scope.organization_id, c.tenant_id == sa.any_(tenants)]
    expired = sa.or_(
        sa.and_(c.level == ERROR, c.created_at < first.error_cutoff),
        sa.and_(c.level != ERROR, c.created_at < first.cutoff),
    )
    own: Any = store.engine.connect() if held_conn is None else contextlib.nullcontext(held_conn)
    with own as conn:
        lo = _oldest(conn, first.scope.organization_id, tenants, latest, None)
        width: timedelta | None = None  # the first window: everything up to the cutoff
        after: tuple[datetime, Any] | None = None  # a (created_at, id) cut inside `lo`'s ms
        cut = False  # the window is too full by what a batch really found: cut it by id
        while lo is not None:
            hi = latest if width is None else min(latest, lo + width)
            window = [*span, c.created_at >= lo, c.created_at < hi, *_after(after)]
            started = time.monotonic()
            edge = None
            with conn.begin() as tx:
                full = cut or _estimate(conn, [*window, expired]) > cap / 2
                if full and hi - lo > NARROWEST:
                    width = (hi - lo) / 2  # too many by the planner's estimate: half of it
                    continue
                if full:  # that many within a millisecond: cut by (created_at, id)
                    edge = conn.execute(
                        sa.select(c.created_at, c.id)
                        .where(*window, expired)
                        .order_by(c.created_at, c.id)
                        .offset(cap - 1)
                        .limit(1)
                    ).first()
                    if edge is not None:
                        window.append(sa.tuple_(c.created_at, c.id) <= sa.tuple_(*_typed(edge)))
                d = sa.delete(LOGS).where(*window, expired).returning(c.tenant_id, c.level)
                gone = d.cte("d")
                counts = conn.execute(
                    sa.select(gone.c.tenant_id, gone.c.level, sa.func.count()).group_by(
                        gone.c.tenant_id, gone.c.level
                    )
                ).all()
                deleted = sum(n for _, _, n in counts)
                if deleted > 2 * cap:  # the estimate was wrong: undone, narrower by as much
                    tx.rollback()
                    cut = hi - lo <= NARROWEST
                    width = max(NARROWEST, (hi - lo) * cap / 2 / deleted)
                    continue
                cut = False
            took = time.monotonic() - started
            for tenant_id, level, n in counts:
                item = by_tenant[tenant_id]
                item.by_level[level] = item.by_level.get(level, 0) + n
            if deleted and on_progress:
                on_progress(deleted)
            if edge is not None:  # the rest of that millisecond next, after the cut
                after = (edge[0], edge[1])
                continue
            after = None
            if hi >= latest:
                return
            width = _next_width(hi - lo, took, deleted, cap)
            lo = hi if deleted else _oldest(conn, first.scope.organization_id, tenants, latest, hi)


def _estimate(conn: sa.Connection, where: list[Any]) -> float:
    """The planner's estimate of the entries `where` selects (EXPLAIN: no row is read)."""
    query = sa.select(sa.literal(1)).select_from(LOGS).where(*where)
    sql = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": False})
    plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", sql.params).scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"])


def _next_width(width: timedelta, took: float, found: int, cap: int) -> timedelta:
    """Scaled toward TARGET_BATCH_SECONDS (at most doubled or halved) and shrunk as far as
    the last window held more than half of `cap` entries; an empty window doubles."""
    if not found:
        return width * 2
    by_time = min(2.0, max(0.5, TARGET_BATCH_SECONDS / max(took, 1e-3)))
    return width * min(by_time, cap / 2 / found)


def _oldest(
    conn: sa.Connection, org: str, tenants: Any, latest: datetime, start: datetime | None
) -> datetime | None:
    """The oldest created_at at or after `start` and before `latest` among the tenants: one
    probe of ix_logs_scope_created a tenant (None: nothing left)."""
    c = LOGS.c
    t = sa.func.unnest(tenants).table_valued("tenant_id").render_derived().alias("t")
    bounds = [c.created_at < latest] + ([c.created_at >= start] if start is not None else [])
    first = (
        sa.select(c.created_at)
        .where(c.organization_id == org, c.tenant_id == t.c.tenant_id, *bounds)
        .order_by(c.created_at)
        .limit(1)
        .lateral("first")
    )
    stmt = sa.select(sa.func.min(first.c.created_at)).select_from(t.join(first, sa.true()))
    with conn.begin():
        return conn.execute(stmt).scalar()


def _typed(key: Any) -> tuple[Any, Any]:
    c = LOGS.c
    return sa.literal(key[0], c.created_at.type), sa.literal(key[1], c.id.type)


def _after(key: tuple[datetime, Any] | None) -> list[Any]:
    if key is None:
        return []
    return [sa.tuple_(LOGS.c.created_at, LOGS.c.id) > sa.tuple_(*_typed(key))]
