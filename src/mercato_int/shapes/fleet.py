"""Fleet documents: every tenant with its counts (`tenants --json`), and the integrations ×
tenants matrix (`list --all-tenants --json`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from mercato_int.shapes.base import ScopeShape, Shape, UtcTime

if TYPE_CHECKING:
    from mercato_int.services.fleet import Fleet, FleetMatrix, MatrixRow, TenantSummary
    from mercato_int.services.state.reads import StateView


class TenantSummaryShape(Shape):
    """One (tenant, organization): where it was found (`sources`), whether it has a policy,
    and its counts over the registered integrations."""

    tenant_id: str
    organization_id: str
    sources: list[str]
    has_policy: bool
    integrations: int
    enabled: int
    with_credentials: int
    unhealthy: int
    log_entries_24h: int

    @classmethod
    def of(cls, obj: TenantSummary) -> Self:
        return cls(
            tenant_id=obj.scope.tenant_id,
            organization_id=obj.scope.organization_id,
            sources=list(obj.sources),
            has_policy=obj.has_policy,
            integrations=obj.integrations,
            enabled=obj.enabled,
            with_credentials=obj.with_credentials,
            unhealthy=obj.unhealthy,
            log_entries_24h=obj.logs_24h,
        )


class FleetShape(Shape):
    """`tenants --json`: `{tenants, total, hidden, logsSince}` (`hidden`: tenants the caller
    may not view, counted, never named; `logsSince`: the start of the 24 h counted)."""

    tenants: list[TenantSummaryShape]
    total: int
    hidden: int
    logs_since: UtcTime

    @classmethod
    def of(cls, obj: Fleet) -> Self:
        return cls(
            tenants=[TenantSummaryShape.of(s) for s in obj.tenants],
            total=len(obj.tenants),
            hidden=obj.hidden,
            logs_since=obj.since,
        )


class CellShape(Shape):
    """One integration in one tenant of the matrix."""

    is_enabled: bool
    health_status: str | None
    has_credentials: bool

    @classmethod
    def of(cls, obj: StateView) -> Self:
        return cls(
            is_enabled=obj.is_enabled,
            health_status=obj.health_status,
            has_credentials=obj.has_credentials,
        )


class MatrixRowShape(Shape):
    """An integration and its cells, one per tenant column (null: filtered out there)."""

    id: str
    title: str
    category: str
    bundle_id: str | None
    cells: list[CellShape | None]

    @classmethod
    def of(cls, obj: MatrixRow) -> Self:
        d = obj.definition
        return cls(
            id=d.id,
            title=d.title,
            category=d.category,
            bundle_id=d.bundle_id,
            cells=[None if c is None else CellShape.of(c) for c in obj.cells],
        )


class FleetMatrixShape(Shape):
    """`list --all-tenants --json`: `{tenants, integrations, total, tenantCount, hidden,
    filteredOut}` (`tenants`: the columns; `filteredOut`: visible tenants the filters left
    out)."""

    tenants: list[ScopeShape]
    integrations: list[MatrixRowShape]
    total: int
    tenant_count: int
    hidden: int
    filtered_out: int

    @classmethod
    def of(cls, obj: FleetMatrix) -> Self:
        return cls(
            tenants=[ScopeShape.of(c) for c in obj.columns],
            integrations=[MatrixRowShape.of(r) for r in obj.rows],
            total=len(obj.rows),
            tenant_count=len(obj.columns),
            hidden=obj.hidden,
            filtered_out=obj.filtered_out,
        )
