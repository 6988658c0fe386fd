"""`prune` (log retention, built for cron) and `settings list|get|set` (per-tenant settings
such as `log.retention_days`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.complete import complete_setting_keys
from mercato_int.cli.context import services
from mercato_int.cli.output import error_line, out, print_json, warn
from mercato_int.errors import ExitCode
from mercato_int.i18n import scope_text, t, t_or
from mercato_int.i18n.areas.logs import counted, grouped

if TYPE_CHECKING:
    from mercato_int.services import Services

KeyArg = Annotated[
    str, typer.Argument(help="e.g. log.retention_days", autocompletion=complete_setting_keys)
]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON output.")]

app = command_app()

settings_app = typer.Typer(
    help="Per-tenant settings, such as how long logs are kept (`settings list`).",
    no_args_is_help=True,
)
app.add_typer(settings_app, name="settings")


def _levels(by_level: dict[str, int]) -> str:
    """`error 1, info 2` (level names are data, not translated), or "nothing"."""
    parts = ", ".join(f"{level} {grouped(n)}" for level, n in by_level.items())
    return parts or t("logs.prune.nothing")


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
    scopes = None if all_tenants else [svc.scope]
    from mercato_int.cli import progress as bars

    # a bar on a terminal for a fleet run (none with --json), tenant by tenant
    with bars.bar(t("logs.prune.progress"), as_json=as_json or not all_tenants) as tick:
        report = svc.retention.prune(
            scopes=scopes,
            dry_run=dry_run,
            older_than=age,
            on_tenant=None if tick is None else lambda done, total: tick(done, total, ""),
        )
    for tp in report.tenants:
        if tp.skipped:  # not a failure: the other prune is deleting them
            warn(t("logs.prune.skipped", scope=scope_text(tp.scope)))
    if as_json:
        from mercato_int.shapes.retention import PruneReportShape

        print_json(PruneReportShape.of(report).document())
    else:
        levels = _levels(report.by_level())
        where = (
            counted("logs.n.tenants", len(report.tenants)) if all_tenants else scope_text(svc.scope)
        )
        entries = counted("logs.n.entries", report.total)
        if dry_run:
            for tp in report.tenants:
                _say(
                    t(
                        "logs.prune.tenant_dry",
                        scope=scope_text(tp.scope),
                        total=grouped(tp.total),
                        levels=_levels(dict(sorted(tp.by_level.items()))),
                    )
                )
            _say(t("logs.prune.dry_run", entries=entries, where=where, levels=levels))
        else:
            reclaimed = report.reclaim.get("vacuum")
            tail = t("logs.prune.reclaimed", reclaimed=reclaimed) if reclaimed else ""
            _say(t("logs.prune.done", entries=entries, where=where, levels=levels, tail=tail))
        for tp in report.tenants:
            if tp.error:
                error_line(t("logs.prune.failed", scope=scope_text(tp.scope), error=tp.error))
        if report.reclaim_error:
            error_line(t("logs.prune.reclaim_failed", error=report.reclaim_error))
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
        from mercato_int.shapes.base import scope_fields
        from mercato_int.shapes.retention import SettingShape, SettingsListShape

        items = [SettingShape.of(v) for v in values]
        print_json(SettingsListShape(items=items, **scope_fields(svc.scope)).document())
        return
    _say(t("logs.settings.title", scope=scope_text(svc.scope, svc.settings.context)))
    for v in values:
        origin = (
            t("logs.settings.default")
            if v.is_default
            else t("logs.settings.set_by", actor=v.updated_by or "?")
        )
        about = t_or(f"logs.setting.{v.key}", v.help)
        _say(t("logs.settings.line", name=v.key, value=v.value, origin=origin, help=about))


@settings_app.command("get")
def settings_get(
    ctx: typer.Context,
    key: KeyArg,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """One setting's value in the scope (the bare value, for scripts)."""
    svc = services(ctx)
    value = svc.tenant_settings.get(scope=svc.scope, key=key)
    if as_json:
        from mercato_int.shapes.retention import SettingShape

        print_json(SettingShape.of(value).document())
    else:
        _say(str(value.value))


@settings_app.command("set")
def settings_set(
    ctx: typer.Context,
    key: KeyArg,
    value: Annotated[str, typer.Argument(help="e.g. 14")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Set a setting for the scope (validated: retention days are 1-3650).

    Warns when error entries would be kept for less time than the other levels."""
    svc = services(ctx)
    stored = svc.tenant_settings.set(scope=svc.scope, key=key, value=value, actor=svc.actor)
    _warn_errors_shorter(svc)
    if as_json:
        from mercato_int.shapes.retention import SettingShape

        print_json(SettingShape.of(stored).document())
    else:
        _say(t("logs.settings.stored", name=key, value=stored.value, scope=scope_text(svc.scope)))


@settings_app.command("unset")
def settings_unset(
    ctx: typer.Context,
    key: KeyArg,
    as_json: JsonOpt = False,
) -> None:
    """Remove the scope's value of a setting: its default applies again."""
    svc = services(ctx)
    value = svc.tenant_settings.unset(scope=svc.scope, key=key)
    _warn_errors_shorter(svc)
    if as_json:
        from mercato_int.shapes.retention import SettingShape

        print_json(SettingShape.of(value).document())
    else:
        _say(t("logs.settings.unset", name=key, value=value.value, scope=scope_text(svc.scope)))


def _warn_errors_shorter(svc: Services) -> None:
    """Errors kept for less time than the rest is allowed, but rarely meant: say so."""
    shorter = svc.tenant_settings.errors_kept_shorter(scope=svc.scope)
    if shorter:
        warn(t("logs.settings.errors_shorter", errors=shorter[0], general=shorter[1]))
