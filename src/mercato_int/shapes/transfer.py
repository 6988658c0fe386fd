"""Credentials transfer documents: what `creds export --json` wrote (never a value), and the
`creds import --json` report. The export file's own rows are a file format, not a document
(services/credentials/export_file.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from mercato_int.shapes.base import ScopeShape, Shape, scope_fields

if TYPE_CHECKING:
    from pathlib import Path

    from mercato_int.services.credentials.export_file import ExportRow
    from mercato_int.services.credentials.transfer import (
        ExportResult,
        ImportReport,
        RowOutcome,
        RowProblem,
    )

STATUSES = ("imported", "overwritten", "skipped", "rejected", "conflict")


class ExportedRowShape(Shape):
    """A row written to the file: whose credentials, never their values."""

    organization_id: str
    tenant_id: str
    integration_id: str

    @classmethod
    def of(cls, obj: ExportRow) -> Self:
        return cls(**scope_fields(obj.scope), integration_id=obj.integration_id)


class ExportProblemShape(Shape):
    """A row left out of the file (its key is missing, it does not decrypt)."""

    organization_id: str
    tenant_id: str
    integration_id: str
    error: str

    @classmethod
    def of(cls, obj: RowProblem) -> Self:
        return cls(**scope_fields(obj.scope), integration_id=obj.integration_id, error=obj.error)


class ExportShape(Shape):
    """`creds export --json`: `{out, encrypted, rows, tenants, exported, problems}` (`rows`:
    how many; `tenants`: those with a row, sorted)."""

    out: str
    encrypted: bool
    rows: int
    tenants: list[ScopeShape]
    exported: list[ExportedRowShape]
    problems: list[ExportProblemShape]

    @classmethod
    def of_result(cls, result: ExportResult, *, out: Path, encrypted: bool) -> Self:
        tenants = sorted(
            {r.scope for r in result.rows}, key=lambda s: (s.organization_id, s.tenant_id)
        )
        return cls(
            out=str(out),
            encrypted=encrypted,
            rows=len(result.rows),
            tenants=[ScopeShape.of(s) for s in tenants],
            exported=[ExportedRowShape.of(r) for r in result.rows],
            problems=[ExportProblemShape.of(p) for p in result.problems],
        )


class RowOutcomeShape(Shape):
    """What an import did (or would do) with one row; `reason` worded, for a rejected one."""

    organization_id: str
    tenant_id: str
    integration_id: str
    status: str
    reason: str | None
    changed_fields: list[str]

    @classmethod
    def of(cls, obj: RowOutcome) -> Self:
        return cls(
            **scope_fields(obj.scope),
            integration_id=obj.integration_id,
            status=obj.status,
            reason=None if obj.reason is None else str(obj.reason),
            changed_fields=list(obj.changed),
        )


class ImportReportShape(Shape):
    """`creds import --json`: `{dryRun, onConflict, written, aborted, counts, rows}`
    (`counts`: rows per status)."""

    dry_run: bool
    on_conflict: str
    written: bool
    aborted: bool
    counts: dict[str, int]
    rows: list[RowOutcomeShape]

    @classmethod
    def of(cls, obj: ImportReport) -> Self:
        return cls(
            dry_run=obj.dry_run,
            on_conflict=obj.on_conflict,
            written=obj.written,
            aborted=obj.aborted,
            counts={s: obj.count(s) for s in STATUSES},
            rows=[RowOutcomeShape.of(o) for o in obj.outcomes],
        )
