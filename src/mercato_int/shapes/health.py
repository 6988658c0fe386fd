"""Health documents: the spec's HealthCheckResult (stored as `lastHealthCheck`, sent in the
`health.checked` event, shown by the TUI), one item of a run and `health --json`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from pydantic import Field

from mercato_int.shapes.base import Shape, UtcTime, scope_fields

if TYPE_CHECKING:
    from mercato_int.services.health.jobs import HealthRun, TenantFailure
    from mercato_int.services.health.result import HealthOutcome


class HealthResultShape(Shape):
    """`{status, message, details, latencyMs, checkedAt}`. `latencyMs` is null when no check
    ran (unconfigured, or the credentials could not be decrypted): nothing was measured."""

    status: str
    message: str
    details: dict[str, Any] | None
    latency_ms: int | None
    checked_at: UtcTime

    @classmethod
    def of(cls, obj: HealthOutcome) -> Self:
        return cls(
            status=obj.status,
            message=obj.message,
            details=obj.details,
            latency_ms=obj.measured_ms,
            checked_at=obj.checked_at,
        )


class HealthItemShape(Shape):
    """One check of `health --json`: what it was about, then its HealthCheckResult."""

    id: str
    integration_ids: list[str]
    check_owner: str | None
    organization_id: str
    tenant_id: str
    status: str
    message: str
    details: dict[str, Any] | None
    latency_ms: int | None
    checked_at: UtcTime

    @classmethod
    def of(cls, obj: HealthOutcome) -> Self:
        return cls(
            id=obj.subject_id,
            integration_ids=list(obj.integration_ids),
            check_owner=obj.owner_id,
            **scope_fields(obj.scope),
            status=obj.status,
            message=obj.message,
            details=obj.details,
            latency_ms=obj.measured_ms,
            checked_at=obj.checked_at,
        )


class TenantFailureShape(Shape):
    """A tenant of an `--all-tenants` run that could not be planned, and why."""

    organization_id: str
    tenant_id: str
    error: str

    @classmethod
    def of(cls, obj: TenantFailure) -> Self:
        return cls(**scope_fields(obj.scope), error=obj.error)


class HealthRunShape(Shape):
    """`health --json`: `{items, total, counts}`, and `failedTenants` on an `--all-tenants`
    run only."""

    items: list[HealthItemShape]
    total: int
    counts: dict[str, int]
    failed_tenants: list[TenantFailureShape] | None = Field(
        default=None, exclude_if=lambda v: v is None
    )

    @classmethod
    def of(cls, obj: HealthRun) -> Self:
        failed = obj.failed_tenants
        return cls(
            items=[HealthItemShape.of(o) for o in obj.outcomes],
            total=len(obj.outcomes),
            counts=obj.counts(),
            failed_tenants=None if failed is None else [TenantFailureShape.of(f) for f in failed],
        )
