"""`prune` (log retention, built for cron) and `settings list|get|set` (per-tenant settings
such as `log.retention_days`)."""

from __future__ import annotations

from typing import Annotated

import typer

from mercato_int.cli.app import app, services
from mercato_int.cli.output import error_line, out, print_json
from mercato_int.errors import ExitCode

settings_app = typer.Typer(
    help="Per-tenant settings, such as how long logs are kept (`settings list`).",
    no_args_is_help=True,
)
app.add_typer(settings_app, name="settings")


def _n(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _say(text: str) -> None:
    out().print(text, markup=False, highlight=False)


@app.command()
def prune(
    ctx: typer.Context,
    all_tenants: Annotated[
        bool, typer.Option("--all-tenants", help="Every tenant, each by its own policy.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would go; delete nothing.")
    ] = False,
    older_than: Annotated[
        str | None,
        typer.Option("--older-than", help="One age for all levels instead of the policy: 7d."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON summary.")] = False,
) -> None:
    """Delete expired log entries by each tenant's retention policy (for cron).

    Policy: 30 days, 90 for the error level, unless `settings set` says otherwise.

    Built for cron: batched, safe beside writers and other prunes, idempotent; one summary
    line; exit 1 on any failure."""
    from mercato_int.when import parse_age

    age = parse_age(older_than) if older_than else None
    svc = services(ctx)
    scopes = svc.retention.all_scopes() if all_tenants else [svc.scope]
    report = svc.retention.prune(scopes=scopes, dry_run=dry_run, older_than=age)
    if as_json:
        print_json(report.to_json())
    else:
        levels = ", ".join(f"{lv} {n:,}" for lv, n in report.by_level().items()) or "nothing"
        where = _n(len(scopes), "tenant", "tenants") if all_tenants else str(svc.scope)
        if dry_run:
            for t in report.tenants:
                per = ", ".join(f"{lv} {n:,}" for lv, n in sorted(t.by_level.items()))
                _say(f"{t.scope}: would prune {t.total:,} ({per or 'nothing'})")
            total = _n(report.total, "entry", "entries")
            _say(f"dry run: would prune {total} in {where} ({levels})")
        else:
            reclaimed = report.reclaim.get("vacuum")
            tail = f"; space reclaimed ({reclaimed})" if reclaimed else ""
            _say(f"pruned {_n(report.total, 'entry', 'entries')} in {where} ({levels}){tail}")
        for t in report.tenants:
            if t.error:
                error_line(f"prune failed for {t.scope}: {t.error}")
        if report.reclaim_error:
            error_line(f"reclaiming space failed: {report.reclaim_error}")
    if report.failed:
        raise typer.Exit(ExitCode.FAILED)


@settings_app.command("list")
def settings_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Every setting of the scope with its value (or default)."""
    svc = services(ctx)
    values = svc.tenant_settings.list(scope=svc.scope)
    if as_json:
        print_json({"items": [v.to_json() for v in values], **svc.scope.as_dict()})
        return
    _say(f"settings of {svc.scope}")
    for v in values:
        origin = "default" if v.is_default else f"set by {v.updated_by or '?'}"
        _say(f"  {v.key} = {v.value}  ({origin}; {v.help})")


@settings_app.command("get")
def settings_get(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="e.g. log.retention_days")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """One setting's value in the scope (the bare value, for scripts)."""
    svc = services(ctx)
    value = svc.tenant_settings.get(scope=svc.scope, key=key)
    if as_json:
        print_json(value.to_json())
    else:
        _say(str(value.value))


@settings_app.command("set")
def settings_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="e.g. log.retention_days")],
    value: Annotated[str, typer.Argument(help="e.g. 14")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Set a setting for the scope (validated: retention days are 1-3650)."""
    svc = services(ctx)
    stored = svc.tenant_settings.set(scope=svc.scope, key=key, value=value, actor=svc.actor)
    if as_json:
        print_json(stored.to_json())
    else:
        _say(f"{key} = {stored.value} for {svc.scope}")
