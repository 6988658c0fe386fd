"""Prune by partition (Postgres, integration_logs partitioned by month): a month whose every row
is past every tenant's retention for every level is dropped whole, before the batched deletes,
which then only touch the months that straddle a cutoff (and the default partition): their
`created_at < cutoff` prunes every other partition from the plan.

Only a prune of all tenants drops months (it needs every tenant's authority, and a month holds
every tenant's rows); it also creates the months ahead (store/partitions.py), so the cron job
that prunes keeps the table ready for the next months' writes.

"Every tenant's retention": the longest of the defaults and of every value stored for either
retention setting in any tenant, so no scan of the logs is needed; a tenant with a longer
policy than the others keeps every month it may still need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from mercato_int.scope import TenantScope
from mercato_int.store import partitions
from mercato_int.store.schema import SETTINGS

if TYPE_CHECKING:
    from mercato_int.services.retention.prune import PruneReport, RetentionService, TenantPrune

KEYS = ("log.retention_days", "log.error_retention_days")


@dataclass
class Dropped:
    """Months dropped whole, and their rows by scope and level (for the prune report)."""

    partitions: list[str] = field(default_factory=list)
    rows: dict[TenantScope, dict[str, int]] = field(default_factory=dict)


def longest_retention_days(conn: sa.Connection) -> int:
    """The longest retention any tenant has for any level (defaults included)."""
    from mercato_int.services.retention.settings import SPECS

    days = [SPECS[key].default for key in KEYS]
    stored = sa.select(SETTINGS.c.value).where(SETTINGS.c.key.in_(KEYS))
    for value in conn.execute(stored).scalars():
        try:
            days.append(int(value))
        except (TypeError, ValueError):
            continue  # not a valid value: the default applies, and it is counted
    return max(days)


def expired_months(
    conn: sa.Connection, now: datetime, older_than: timedelta | None
) -> list[partitions.Partition]:
    """The month partitions whose every row is past every cutoff (oldest first)."""
    age = older_than if older_than is not None else timedelta(days=longest_retention_days(conn))
    cutoff = now - age
    return [
        p
        for p in partitions.partitions(conn)
        if not p.is_default and p.end is not None and p.end <= cutoff
    ]


def drop_expired(
    service: RetentionService, *, now: datetime, older_than: timedelta | None
) -> Dropped:
    """Create the months ahead and drop every expired month whole (Postgres, partitioned
    logs; nothing elsewhere). Each month is counted and dropped in one transaction, under a
    lock that waits at most partitions.LOCK_TIMEOUT (a month not dropped now is deleted in
    batches instead)."""
    dropped = Dropped()
    if service.store.dialect != "postgresql":
        return dropped
    with service.store.engine.connect() as conn:
        if not partitions.is_partitioned(conn):
            return dropped
        partitions.ensure_ahead(conn, now)
        for month in expired_months(conn, now, older_than):
            if conn.in_transaction():
                conn.commit()
            try:
                with conn.begin():
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{partitions.LOCK_TIMEOUT}'")
                    conn.exec_driver_sql(f'LOCK TABLE "{month.name}" IN ACCESS EXCLUSIVE MODE')
                    counts = conn.exec_driver_sql(
                        f'SELECT organization_id, tenant_id, level, count(*) FROM "{month.name}" '
                        "GROUP BY organization_id, tenant_id, level"
                    ).all()
                    conn.exec_driver_sql(f'DROP TABLE "{month.name}"')
            except sa.exc.OperationalError:
                continue  # the lock was not to be had: the batched delete takes these rows
            dropped.partitions.append(month.name)
            for organization_id, tenant_id, level, n in counts:
                by_level = dropped.rows.setdefault(TenantScope(organization_id, tenant_id), {})
                by_level[level] = by_level.get(level, 0) + n
    return dropped


def credit(
    report: PruneReport, dropped: Dropped | None, new_item: Callable[[TenantScope], TenantPrune]
) -> None:
    """Add the rows of the dropped months to the report's tenants (`new_item` makes the
    report's item of a tenant it lacks)."""
    if dropped is None or not dropped.partitions:
        return
    report.partitions = list(dropped.partitions)
    items = {item.scope: item for item in report.tenants}
    for scope, by_level in dropped.rows.items():
        item = items.get(scope)
        if item is None:
            item = new_item(scope)
            report.tenants.append(item)
        for level, n in by_level.items():
            item.by_level[level] = item.by_level.get(level, 0) + n
