"""Activity figures from the operation logs: entries per day and error rate per integration
(the marketplace's 30-day sparklines). Read-only; kept apart from the log service's write and
query paths so the two evolve independently. Core, not the ORM (see services/log_query.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import case, func, select

from mercato_int.scope import TenantScope
from mercato_int.services.log_query import T
from mercato_int.store.engine import Store


@dataclass(frozen=True)
class Activity:
    """Log entries of one integration over the last `len(daily)` days (UTC), oldest first."""

    integration_id: str
    daily: tuple[int, ...]
    errors: int

    @property
    def total(self) -> int:
        return sum(self.daily)

    @property
    def error_rate(self) -> float | None:
        """Share of `error` entries, or None when there were no entries at all."""
        return self.errors / self.total if self.total else None


class LogActivityService:
    def __init__(self, *, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    def figures(
        self,
        scope: TenantScope,
        integration_ids: Iterable[str],
        *,
        days: int = 30,
    ) -> dict[str, Activity]:
        """Per integration: entries per UTC day for the last `days` days (today included) and
        how many were errors. Integrations without entries get zeros."""
        ids = list(dict.fromkeys(integration_ids))
        today = self.clock().astimezone(UTC).date()
        first = today - timedelta(days=days - 1)
        since = datetime(first.year, first.month, first.day, tzinfo=UTC)
        # SQLite keeps naive UTC text `YYYY-MM-DD HH:MM:SS...`: its first ten characters are
        # the day, at half the cost of date() over a month of entries.
        day_expr = (
            func.date(func.timezone("UTC", T.c.created_at))
            if self.store.dialect == "postgresql"
            else func.substr(T.c.created_at, 1, 10)
        )
        counts: dict[str, list[int]] = {i: [0] * days for i in ids}
        errors: dict[str, int] = dict.fromkeys(ids, 0)
        if not ids:
            return {}
        with self.store.connect() as conn:
            rows = conn.execute(
                select(
                    T.c.integration_id,
                    day_expr,
                    func.count(),
                    func.sum(case((T.c.level == "error", 1), else_=0)),
                )
                .where(
                    T.c.tenant_id == scope.tenant_id,
                    T.c.organization_id == scope.organization_id,
                    T.c.created_at >= since,
                    T.c.integration_id.in_(ids),
                )
                .group_by(T.c.integration_id, day_expr)
            ).all()
        for integration_id, day, n, n_errors in rows:
            d = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
            index = (d - first).days
            if 0 <= index < days:
                counts[integration_id][index] += n
                errors[integration_id] += int(n_errors or 0)
        return {
            i: Activity(integration_id=i, daily=tuple(counts[i]), errors=errors[i]) for i in ids
        }
