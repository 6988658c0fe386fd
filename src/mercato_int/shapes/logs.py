"""Log documents: an entry (`logs show --json` items, `--jsonl` lines, the TUI's log panel),
a page of entries, the `logs audit` and `logs scrub` reports, and the answer to a batch of
entries written over the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from mercato_int.shapes.base import ScopeShape, Shape, UtcTime, scope_fields

if TYPE_CHECKING:
    from mercato_int.services.logs.audit import AuditError, AuditReport, Finding
    from mercato_int.services.logs.ingest import BatchResult
    from mercato_int.services.logs.scrub import ScrubReport


class LogEntryShape(Shape):
    """One log entry, as the spec's API gives it (`seq` is internal, not shown)."""

    id: str
    integration_id: str
    level: str
    operation: str
    message: str
    details: dict[str, Any] | None
    correlation_id: str | None
    entity_type: str | None
    entity_id: str | None
    duration_ms: int | None
    organization_id: str
    tenant_id: str
    created_at: UtcTime


class LogPageShape(Shape):
    """`logs show --json`: `{items, total, totalExact, page, pageSize, totalPages,
    nextCursor}`; `page` is null after a `--cursor`, `total` and `totalPages` null when not
    counted; `totalExact` false when more than `total` (10,000) match and the count stopped
    there (`totalPages` then counts those); `nextCursor` (pass it back as `cursor`) null on
    the last page."""

    items: list[LogEntryShape]
    total: int | None
    total_exact: bool
    page: int | None
    page_size: int
    total_pages: int | None
    next_cursor: str | None


class FindingShape(Shape):
    """A stored entry holding a current secret: where, never the value."""

    organization_id: str
    tenant_id: str
    integration_id: str
    entry_id: str
    created_at: str  # already `...Z` text (the audit keeps it so)
    where: str

    @classmethod
    def of(cls, obj: Finding) -> Self:
        return cls(
            **scope_fields(obj.scope),
            integration_id=obj.integration_id,
            entry_id=obj.entry_id,
            created_at=obj.created_at,
            where=obj.where,
        )


class AuditErrorShape(Shape):
    """A tenant (or one integration in it) that could not be audited."""

    organization_id: str
    tenant_id: str
    integration_id: str | None
    error: str

    @classmethod
    def of(cls, obj: AuditError) -> Self:
        return cls(**scope_fields(obj.scope), integration_id=obj.integration_id, error=obj.error)


class AuditReportShape(Shape):
    """`logs audit --json`: `{clean, scanned, tenants, findings, unchecked, errors}`."""

    clean: bool
    scanned: int
    tenants: list[ScopeShape]
    findings: list[FindingShape]
    unchecked: list[str]
    errors: list[AuditErrorShape]

    @classmethod
    def of(cls, obj: AuditReport) -> Self:
        return cls(
            clean=obj.clean,
            scanned=obj.scanned,
            tenants=[ScopeShape.of(s) for s in obj.scopes],
            findings=[FindingShape.of(f) for f in obj.findings],
            unchecked=sorted(set(obj.unchecked)),
            errors=[AuditErrorShape.of(e) for e in obj.errors],
        )


class ScrubReportShape(Shape):
    """`logs scrub --json`: `{dryRun, scanned, entries, fields, batches, tenants, unchecked,
    errors}` (`entries`: rewritten, or that would be on a dry run; `fields`: rewrites per
    field, by its camelCase name; `batches`: transactions committed)."""

    dry_run: bool
    scanned: int
    entries: int
    fields: dict[str, int]
    batches: int
    tenants: list[ScopeShape]
    unchecked: list[str]
    errors: list[AuditErrorShape]

    @classmethod
    def of(cls, obj: ScrubReport) -> Self:
        return cls(
            dry_run=obj.dry_run,
            scanned=obj.scanned,
            entries=obj.entries,
            fields=dict(sorted(obj.fields.items())),
            batches=obj.batches,
            tenants=[ScopeShape.of(s) for s in obj.scopes],
            unchecked=sorted(set(obj.unchecked)),
            errors=[AuditErrorShape.of(e) for e in obj.errors],
        )


class RejectedEntryShape(Shape):
    """An entry of a batch that was refused: its index (from 0) and why (secrets masked)."""

    index: int
    reason: str


class BatchResultShape(Shape):
    """`POST /api/integrations/{id}/logs`: `{accepted, rejected: [{index, reason}]}`."""

    accepted: int
    rejected: list[RejectedEntryShape]

    @classmethod
    def of(cls, obj: BatchResult) -> Self:
        return cls(
            accepted=obj.accepted,
            rejected=[RejectedEntryShape(index=i, reason=why) for i, why in obj.rejected],
        )
