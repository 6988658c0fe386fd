"""Retention documents: `prune --json` (per tenant and in all) and the tenant settings
(`settings list|get|set|unset --json`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from mercato_int.shapes.base import ScopeShape, Shape, UtcTime, scope_fields

if TYPE_CHECKING:
    from mercato_int.services.retention.prune import PruneReport, TenantPrune
    from mercato_int.services.retention.settings import SettingValue


class TenantPruneShape(Shape):
    """One tenant of a prune: its policy (null days: the default), the cutoffs, what was (or
    would be) deleted per level, and its error if it failed."""

    organization_id: str
    tenant_id: str
    retention_days: int | None
    error_retention_days: int | None
    cutoff: UtcTime
    error_cutoff: UtcTime
    by_level: dict[str, int]
    total: int
    error: str | None
    skipped: bool  # another prune (another host) was working on this tenant: left to it

    @classmethod
    def of(cls, obj: TenantPrune) -> Self:
        return cls(
            **scope_fields(obj.scope),
            retention_days=obj.retention_days,
            error_retention_days=obj.error_retention_days,
            cutoff=obj.cutoff,
            error_cutoff=obj.error_cutoff,
            by_level=dict(sorted(obj.by_level.items())),
            total=obj.total,
            error=obj.error,
            skipped=obj.skipped,
        )


class PruneReportShape(Shape):
    """`prune --json`: `{dryRun, total, byLevel, tenants, skipped, partitionsDropped, reclaim,
    seconds, errors}` (`skipped`: `{organizationId, tenantId}` of each tenant another prune was
    working on; partitionsDropped: the months of a partitioned Postgres log table dropped whole,
    their rows counted in the tenants)."""

    dry_run: bool
    total: int
    by_level: dict[str, int]
    tenants: list[TenantPruneShape]
    skipped: list[ScopeShape]
    partitions_dropped: list[str]
    reclaim: dict[str, Any]
    seconds: dict[str, float]
    errors: list[str]

    @classmethod
    def of(cls, obj: PruneReport) -> Self:
        errors = [f"{t.scope}: {t.error}" for t in obj.tenants if t.error]
        if obj.reclaim_error:
            errors.append(f"reclaim: {obj.reclaim_error}")
        return cls(
            dry_run=obj.dry_run,
            total=obj.total,
            by_level=obj.by_level(),
            tenants=[TenantPruneShape.of(t) for t in obj.tenants],
            skipped=[ScopeShape(**scope_fields(t.scope)) for t in obj.tenants if t.skipped],
            partitions_dropped=obj.partitions,
            reclaim=obj.reclaim,
            seconds=obj.seconds,
            errors=errors,
        )


class SettingShape(Shape):
    """One tenant setting (`settings get|set|unset --json`, `settings list --json` items)."""

    key: str
    value: int
    default: int
    is_default: bool
    updated_at: UtcTime | None
    updated_by: str | None

    @classmethod
    def of(cls, obj: SettingValue) -> Self:
        return cls.model_validate(obj, from_attributes=True)


class SettingsListShape(Shape):
    """`settings list --json`: `{items, organizationId, tenantId}`."""

    items: list[SettingShape]
    organization_id: str
    tenant_id: str
