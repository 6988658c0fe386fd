"""`logs scrub` (registered on the `logs` group by logs.py): mask the current secret values
that `logs audit` finds in stored entries."""

from __future__ import annotations

from typing import Annotated

import typer

from mercato_int.cli.context import services
from mercato_int.cli.output import error_line, out, print_json
from mercato_int.i18n import scope_text, t
from mercato_int.i18n.areas.logs import grouped


def scrub(
    ctx: typer.Context,
    all_tenants: Annotated[bool, typer.Option("--all-tenants", help="Every tenant.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count the entries to rewrite; change nothing.")
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="JSON: {dryRun, scanned, entries, fields, batches, ...}."),
    ] = False,
) -> None:
    """Rewrite stored entries that hold a current secret value, masking it (after
    `logs audit` finds one).

    Batched (each batch one transaction with its audit event, counts only) and safe to
    rerun: a run stopped midway keeps what it did, and the next one finds only the rest. A
    tenant or integration that cannot be scrubbed is reported, the others still are, and
    the exit is its error's."""
    svc = services(ctx)
    report = svc.logs.scrub(
        scopes=None if all_tenants else [svc.scope], actor=svc.actor, dry_run=dry_run
    )
    for e in report.errors:
        what = e.integration_id or t("logs.audit.tenant")
        error_line(t("logs.scrub.failed", what=what, scope=scope_text(e.scope), error=e.error))
    if as_json:
        from mercato_int.shapes.logs import ScrubReportShape

        print_json(ScrubReportShape.of(report).document())
    else:
        where = t("logs.audit.all_tenants") if all_tenants else scope_text(svc.scope)
        fields = ", ".join(f"{k} {grouped(n)}" for k, n in sorted(report.fields.items())) or "-"
        key = "logs.scrub.dry_run" if dry_run else "logs.scrub.done"
        scanned, entries = grouped(report.scanned), grouped(report.entries)
        line = t(key, where=where, scanned=scanned, entries=entries, fields=fields)
        out().print(line, markup=False, highlight=False)
    if report.exit_code:
        raise typer.Exit(report.exit_code)
