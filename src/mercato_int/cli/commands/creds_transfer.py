"""`creds export` and `creds import` (registered on the `creds` group by creds.py): move
credentials between stores in a passphrase-sealed file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from mercato_int.cli.complete import complete_ids
from mercato_int.cli.context import services
from mercato_int.cli.output import can_prompt, error_line, note, out, print_json, warn
from mercato_int.errors import InvalidInput
from mercato_int.i18n import scope_text, t

PASSPHRASE_ENV = "MERCATO_INT_EXPORT_PASSPHRASE"
# the choices of `--on-conflict` for completion (the service checks the value)
ON_CONFLICT = ("skip", "overwrite", "fail")

PASSPHRASE_FILE = typer.Option(
    "--passphrase-file",
    metavar="FILE",
    help="Read the passphrase from FILE (its first line). Otherwise "
    f"${PASSPHRASE_ENV}, else a hidden prompt.",
)


def read_passphrase(path: Path | None, *, twice: bool) -> str:
    """The passphrase from `--passphrase-file`, else the environment, else asked (hidden;
    `twice` asks again to confirm). Never from the command line; never echoed."""
    if path is not None:
        try:
            text = path.expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise InvalidInput(t("export.err.passphrase_file", path=path, reason=reason)) from None
        return text.splitlines()[0] if text.splitlines() else ""
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not can_prompt():
        raise InvalidInput(t("export.err.no_passphrase"), hint=t("export.hint.no_passphrase"))
    first = typer.prompt(t("export.prompt.passphrase"), hide_input=True, err=True)
    if twice:
        again = typer.prompt(t("export.prompt.again"), hide_input=True, err=True)
        if again != first:
            raise InvalidInput(t("export.err.passphrases_differ"))
    return str(first)


def export(
    ctx: typer.Context,
    integration_ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ID]...",
            help="Only these integrations or bundles (default: every row).",
            autocompletion=complete_ids,
            show_default=False,
        ),
    ] = None,
    out_path: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Write the export to this new file (0600, atomically; never replaced).",
        ),
    ] = ...,  # type: ignore[assignment]
    all_tenants: Annotated[
        bool, typer.Option("--all-tenants", help="Every tenant that holds credentials.")
    ] = False,
    passphrase_file: Annotated[Path | None, PASSPHRASE_FILE] = None,
    decrypted: Annotated[
        bool,
        typer.Option(
            "--decrypted",
            help="Write the values in plaintext JSON, unencrypted (recorded in the audit trail).",
        ),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="JSON: {out, encrypted, rows, tenants, exported, problems}."),
    ] = False,
) -> None:
    """Export credentials to a file sealed with a passphrase (scrypt, AES-256-GCM).

    Exit 5 if a row could not be decrypted (the others are exported and each such row is
    named on stderr)."""
    from mercato_int.services.credentials import export_file

    export_file.refuse_existing(out_path)
    passphrase = None
    if not decrypted:  # asked first: nothing is read or audited for an export that can't seal
        passphrase = export_file.check_passphrase(read_passphrase(passphrase_file, twice=True))
    svc = services(ctx)
    result = svc.credentials_transfer.export(
        scopes=None if all_tenants else [svc.scope],
        integration_ids=integration_ids or None,
        actor=svc.actor,
        decrypted=decrypted,
    )
    now = svc.clock()
    if passphrase is None:
        data = export_file.plain(result.rows, now=now)
    else:
        data = export_file.seal(result.rows, passphrase, now=now)
    export_file.write_private(out_path, data)
    for p in result.problems:
        error_line(t("export.row_failed", integration=p.integration_id, scope=scope_text(p.scope)))
        note(f"  {p.error}")
    if decrypted:
        warn(t("export.decrypted_warning", path=out_path, actor=svc.actor))
    if as_json:
        from mercato_int.shapes.transfer import ExportShape

        shape = ExportShape.of_result(result, out=out_path, encrypted=not decrypted)
        print_json(shape.document())
    else:
        key = "export.done_decrypted" if decrypted else "export.done"
        tenants = len({r.scope for r in result.rows})
        line = t(key, rows=len(result.rows), tenants=tenants, path=out_path)
        out().print(line, markup=False, highlight=False)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A file written by `creds export`.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")
    ] = False,
    on_conflict: Annotated[
        str,
        typer.Option(
            "--on-conflict",
            metavar="MODE",
            autocompletion=lambda incomplete: [m for m in ON_CONFLICT if m.startswith(incomplete)],
            help="A row the store already has: skip it, overwrite it, or fail (write nothing).",
        ),
    ] = "skip",
    passphrase_file: Annotated[Path | None, PASSPHRASE_FILE] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="JSON: {dryRun, onConflict, written, aborted, counts, rows: [...]}."
        ),
    ] = False,
) -> None:
    """Import credentials from an export file into this store, re-encrypted under its key.

    Each row is checked against this store's registry and saved as `creds set` saves (one
    event per row). Exit 5 for a wrong passphrase or an altered file (nothing imported),
    2 for a file that is not an export, 1 if a row was rejected or --on-conflict fail
    found a conflict (then nothing is written)."""
    from mercato_int.services.credentials import export_file

    try:
        raw = file.expanduser().read_bytes()
    except OSError as exc:
        raise InvalidInput(t("export.err.cannot_read", path=file, reason=exc.strerror)) from None
    parsed = export_file.parse(raw)
    svc = services(ctx)
    rows = parsed.open(lambda: read_passphrase(passphrase_file, twice=False))
    if not parsed.encrypted:
        warn(t("export.plaintext_file", path=file))
    report = svc.credentials_transfer.import_rows(
        rows, actor=svc.actor, on_conflict=on_conflict, dry_run=dry_run
    )
    if as_json:
        from mercato_int.shapes.transfer import ImportReportShape

        print_json(ImportReportShape.of(report).document())
    else:
        for o in report.outcomes:
            # a dry run, or a run --on-conflict fail stopped: what the import would have done
            kind = "status" if report.written or o.status == "conflict" else "would"
            line = t(
                f"export.{kind}.{o.status}", integration=o.integration_id, scope=scope_text(o.scope)
            )
            if o.reason:
                line += f": {o.reason}"
            out().print(line, markup=False, highlight=False)
        counts = {s: report.count(s) for s in ("imported", "overwritten", "skipped", "rejected")}
        if report.aborted:
            summary = t("export.import.aborted", conflicts=report.count("conflict"))
        elif dry_run:
            summary = t("export.import.dry_run", **counts)
        else:
            summary = t("export.import.summary", **counts)
        out().print(summary, markup=False, highlight=False)
    if report.exit_code:
        raise typer.Exit(report.exit_code)
