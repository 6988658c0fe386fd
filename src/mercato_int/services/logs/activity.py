"""Activity figures from the operation logs: entries per day, error count and last entry per
integration (the marketplace's 30-day sparklines and `list --json`'s `analytics`). Read-only,
in one grouped query, through SQLAlchemy Core (no ORM import: `list --json` uses it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from mercato_int.scope import TenantScope
from mercato_int.services.features import VIEW
from mercato_int.services.policy import Guard, requires
from mercato_int.store.engine import Store
from mercato_int.store.schema import LOGS  # the Core table: no ORM import

DAYS = 30


@dataclass(frozen=True)
class Activity:
    """Log entries of one integration over the last `len(daily)` days (UTC), oldest first."""

    integration_id: str
    daily: tuple[int, ...]
    errors: int
    last_at: datetime | None = None  # the newest entry in the window

    @property
    def total(self) -> int:
        return sum(self.daily)

    @property
    def error_rate(self) -> float | None:
        """Share of `error` entries, or None when there were no entries at all."""
        return self.errors / self.total if self.total else None


def read_activity(
    conn: Connection,
    *,
    scope: TenantScope,
    integration_ids: Iterable[str],
    today: date,
    days: int = DAYS,
) -> dict[str, Activity]:
    """Per integration: entries per UTC day for the `days` days up to `today` (included), how
    many were errors, and the newest entry's time; zeros for integrations without entries.
    One query grouped by integration and day, whatever the number of integrations."""
    ids = list(dict.fromkeys(integration_ids))
    if not ids:
        return {}
    first = today - timedelta(days=days - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=UTC)
    # SQLite keeps naive UTC text `YYYY-MM-DD HH:MM:SS...`: its first ten characters are
    # the day, at half the cost of date() over a month of entries.
    day_expr = (
        func.date(func.timezone("UTC", LOGS.c.created_at))
        if conn.dialect.name == "postgresql"
        else func.substr(LOGS.c.created_at, 1, 10)
    )
    rows = conn.execute(
        select(
            LOGS.c.integration_id,
            day_expr,
            func.count(),
            func.sum(case((LOGS.c.level == "error", 1), else_=0)),
            func.max(LOGS.c.created_at),
        )
        .where(
            LOGS.c.tenant_id == scope.tenant_id,
            LOGS.c.organization_id == scope.organization_id,
            LOGS.c.created_at >= since,
            LOGS.c.integration_id.in_(ids),
        )
        .group_by(LOGS.c.integration_id, day_expr)
    ).all()
    counts: dict[str, list[int]] = {i: [0] * days for i in ids}
    errors: dict[str, int] = dict.fromkeys(ids, 0)
    last: dict[str, datetime | None] = dict.fromkeys(ids)
    for integration_id, day, n, n_errors, newest in rows:
        d = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        index = (d - first).days
        if 0 <= index < days:
            counts[integration_id][index] += n
            errors[integration_id] += int(n_errors or 0)
            seen = last[integration_id]
            if newest is not None and (seen is None or newest > seen):
                last[integration_id] = newest
    return {
        i: Activity(integration_id=i, daily=tuple(counts[i]), errors=errors[i], last_at=last[i])
        for i in ids
    }


class LogActivityService:
    def __init__(self, *, guard: Guard, store: Store, clock: Callable[[], datetime]) -> None:
        self.guard = guard
        self.store = store
        self.clock = clock

    @requires(VIEW)
    def figures(
        self,
        scope: TenantScope,
        integration_ids: Iterable[str],
        *,
        days: int = DAYS,
    ) -> dict[str, Activity]:
        """Per integration: entries per UTC day for the last `days` days (today included),
        how many were errors and the newest entry. Integrations without entries get zeros."""
        today = self.clock().astimezone(UTC).date()
        with self.store.connect() as conn:
            return read_activity(
                conn, scope=scope, integration_ids=integration_ids, today=today, days=days
            )
