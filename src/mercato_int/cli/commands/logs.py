"""`logs`: the timeline of operation logs (filters, pages, --follow), and `logs write`,
`logs ingest`, `logs audit` and `logs scrub` (cli/commands/scrub.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from mercato_int.cli.commands import command_app, scrub
from mercato_int.cli.complete import complete_ids, complete_integration_ids, complete_levels
from mercato_int.cli.context import services
from mercato_int.cli.output import error_line, following, note, out, print_json
from mercato_int.errors import ExitCode, InvalidInput
from mercato_int.i18n import scope_text, t, tn
from mercato_int.i18n.areas.logs import counted, grouped

if TYPE_CHECKING:
    from mercato_int.services.logs.model import LogEntry


app = command_app()


class LogsGroup(TyperGroup):
    """`logs [ID] [OPTIONS]` means `logs show [ID] [OPTIONS]`; `logs write|ingest|audit` are
    the other commands. `logs --help` shows the filters of `show`, then the commands."""

    default_command = "show"  # usage errors under it point at `logs --help`

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["show", *args]
        return super().parse_args(ctx, args)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        show = self.commands["show"]
        # a context for `show` only to write its help: nothing is parsed
        show.format_options(ctx.__class__(show, parent=ctx, info_name="show"), formatter)
        self.format_commands(ctx, formatter)


logs_app = typer.Typer(
    cls=LogsGroup,
    help="Operation logs of the scope, newest first: `logs [ID] [filters]` (the filters are "
    "below), or one of the commands.",
)
app.add_typer(logs_app, name="logs")


def render(entry: LogEntry, *, details: bool, with_integration: bool) -> Any:
    """One timeline item (spec §3.7): mark, local time, operation, message, correlation."""
    from datetime import datetime

    from rich.text import Text

    from mercato_int.log_marks import level_mark

    mark, colour = level_mark(entry.level)
    local = entry.created_at.astimezone()
    today = datetime.now(local.tzinfo).date() == local.date()
    stamp = local.strftime("%H:%M:%S" if today else "%Y-%m-%d %H:%M:%S")
    text = Text()
    text.append(f"{mark} ", style=colour)
    text.append(f"{stamp}  ", style="dim")
    text.append(entry.operation, style="bold")
    if with_integration:
        text.append(f"  [{entry.integration_id}]", style="cyan")
    text.append(f"\n    {entry.message}")
    extra = []
    if entry.correlation_id:
        extra.append(t("logs.correlation", id=entry.correlation_id))
    if entry.duration_ms is not None:
        extra.append(t("logs.duration", ms=entry.duration_ms))
    if entry.entity_type or entry.entity_id:
        entity = t("logs.entity", type=entry.entity_type or "?", id=entry.entity_id or "")
        extra.append(entity.rstrip())
    if extra:
        text.append("\n    " + "  •  ".join(extra), style="dim")
    if details and entry.details is not None:
        body = json.dumps(entry.details, indent=2, ensure_ascii=False, default=str)
        lines = "\n".join("      " + ln for ln in body.splitlines())
        text.append(f"\n    {t('logs.details_open')}\n{lines}")
    elif entry.details:
        text.append(f"\n    {t('logs.details_closed')}", style="dim")
    return text


@logs_app.command("show")
def show(
    ctx: typer.Context,
    integration_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]",
            help="Integration or bundle id (default: all).",
            autocompletion=complete_ids,
        ),
    ] = None,
    level: Annotated[
        str | None, typer.Option(help="Exactly this level.", autocompletion=complete_levels)
    ] = None,
    min_level: Annotated[
        str | None,
        typer.Option("--min-level", help="This level or above.", autocompletion=complete_levels),
    ] = None,
    operation: Annotated[
        str | None, typer.Option(help="Operation, exact or a glob like sync.import.*")
    ] = None,
    correlation: Annotated[str | None, typer.Option(help="Correlation id.")] = None,
    entity_type: Annotated[
        str | None, typer.Option("--entity-type", help="Entity type, e.g. catalog.product.")
    ] = None,
    entity_id: Annotated[str | None, typer.Option("--entity-id", help="Entity id.")] = None,
    since: Annotated[str | None, typer.Option(help="ISO 8601 or an age: 90s, 15m, 2h, 7d.")] = None,
    until: Annotated[str | None, typer.Option(help="ISO 8601 or an age: 90s, 15m, 2h, 7d.")] = None,
    search: Annotated[str | None, typer.Option(help="Text in the message.")] = None,
    limit: Annotated[int | None, typer.Option(help="Page size (default 50).")] = None,
    offset: Annotated[int, typer.Option(help="Skip this many entries.")] = 0,
    cursor: Annotated[
        str | None, typer.Option(help="Continue after a previous page (deep pages).")
    ] = None,
    follow: Annotated[
        bool, typer.Option("-f", "--follow", help="Keep printing new entries (Ctrl-C stops).")
    ] = False,
    show_details: Annotated[bool, typer.Option("--details", help="Expand details.")] = False,
    count: Annotated[
        bool, typer.Option("--count", help="Count every match (default: up to 10,000).")
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="{items, total, totalExact, page, pageSize, totalPages, nextCursor}."
        ),
    ] = False,
    as_jsonl: Annotated[bool, typer.Option("--jsonl", help="One entry a line.")] = False,
) -> None:
    """(default) Show log entries of the scope, newest first; -f follows new ones."""
    from mercato_int.services.logs.filters import log_filter

    if as_json and as_jsonl:
        raise InvalidInput(
            t("logs.exclusive", first="--json", second="--jsonl"), hint=t("logs.pick_one")
        )
    if follow and as_json:
        raise InvalidInput(t("logs.follow_stream"), hint=t("logs.follow_stream_hint"))
    svc = services(ctx)
    scope = svc.scope
    filters = log_filter(
        lambda: svc.registry,  # discovery only for an id: `logs` of the scope needs none
        now=svc.clock(),
        integration_id=integration_id,
        level=level,
        min_level=min_level,
        operation=operation,
        correlation_id=correlation,
        entity_type=entity_type,
        entity_id=entity_id,
        since=since,
        until=until,
        search=search,
    )
    members = filters.integration_ids
    emit = _emitter(as_jsonl, show_details, with_integration=not integration_id or bool(members))
    if follow:
        _follow(svc, scope, filters, 10 if limit is None else limit, emit)
        return
    page = svc.logs.query(
        scope=scope,
        filters=filters,
        limit=50 if limit is None else limit,
        offset=offset,
        cursor=cursor,
        with_total=not as_jsonl,
        exact_total=count,
    )
    if as_json:
        from mercato_int.shapes.logs import LogPageShape

        print_json(LogPageShape.of(page).document())
        return
    for entry in page.items:
        emit(entry)
    if as_jsonl:
        return
    matched = page.total or 0  # asked for with its total
    shown, total = grouped(len(page.items)), grouped(matched)
    if not page.total_exact:
        total = t("logs.total_at_least", count=total)
    where = scope_text(scope, svc.settings.context)
    footer = tn("logs.showing", matched, shown=shown, total=total, scope=where)
    out().print(footer, markup=False, highlight=False)
    if page.next_cursor:
        note(t("logs.next_page", cursor=page.next_cursor))


def _emitter(as_jsonl: bool, show_details: bool, *, with_integration: bool) -> Any:
    import sys

    from mercato_int.shapes.logs import LogEntryShape

    def emit(entry: LogEntry) -> None:
        if as_jsonl:
            line = json.dumps(LogEntryShape.of(entry).document(), ensure_ascii=False, default=str)
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
        else:
            out().print(render(entry, details=show_details, with_integration=with_integration))

    return emit


def _follow(svc: Any, scope: Any, filters: Any, backlog: int, emit: Any) -> None:
    note(t("logs.following", scope=scope_text(scope)))
    with following():
        for entry in svc.logs.follow(scope=scope, filters=filters, backlog=backlog):
            emit(entry)


@logs_app.command("write")
def write(
    ctx: typer.Context,
    integration_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="Integration id.", autocompletion=complete_integration_ids
        ),
    ],
    level: Annotated[
        str, typer.Option(help="debug, info, warning or error.", autocompletion=complete_levels)
    ],
    operation: Annotated[str, typer.Option(help="e.g. sync.import or webhook.received.")],
    message: Annotated[str, typer.Option(help="Human-readable summary.")],
    details: Annotated[str | None, typer.Option(help="A JSON object.")] = None,
    correlation: Annotated[str | None, typer.Option(help="Correlation id.")] = None,
    entity_type: Annotated[str | None, typer.Option("--entity-type")] = None,
    entity_id: Annotated[str | None, typer.Option("--entity-id")] = None,
    duration_ms: Annotated[int | None, typer.Option("--duration-ms", min=0)] = None,
) -> None:
    """Write one log entry (secrets are stripped and masked before it is stored)."""
    from mercato_int.services.logs.limits import loads

    parsed = None
    if details is not None:
        try:
            parsed = loads(details)
        except InvalidInput as exc:
            why = t("logs.details_not_json", error=exc.message)
            raise InvalidInput(why, hint=exc.hint) from None
    svc = services(ctx)
    svc.logs.log(
        integration_id=integration_id,
        level=level,
        operation=operation,
        message=message,
        scope=svc.scope,
        details=parsed,
        correlation_id=correlation,
        entity_type=entity_type,
        entity_id=entity_id,
        duration_ms=duration_ms,
    )
    scope = scope_text(svc.scope)
    # the operation as it was stored: a secret typed into it is masked here too
    shown = svc.logs.redactor(integration_id, svc.scope).text(operation)
    note(t("logs.logged", level=level, operation=shown, integration=integration_id, scope=scope))


@logs_app.command("ingest")
def ingest(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(metavar="[FILE|-]", help="JSON lines (- = stdin).")
    ] = "-",
) -> None:
    """Write entries from JSON lines (camelCase fields as `logs --jsonl` prints them, an
    optional createdAt), batched, in the command's scope. Exit 1 if any line was rejected
    (5 if for a key problem)."""
    from mercato_int.cli.commands.ingest import run_ingest

    svc = services(ctx)
    result = run_ingest(svc, source)
    entries = counted("logs.n.entries", result.written)
    lines = counted("logs.n.lines", len(result.rejected))
    note(t("logs.ingested", entries=entries, scope=scope_text(svc.scope), lines=lines))
    if result.exit_code != ExitCode.OK:
        raise typer.Exit(result.exit_code)


@logs_app.command("audit")
def audit_cmd(
    ctx: typer.Context,
    all_tenants: Annotated[bool, typer.Option("--all-tenants", help="Every tenant.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Scan stored entries for current secret values; exit 1 if any is found (a tenant that
    cannot be audited is reported, the others still are, and the exit is its error's)."""
    from mercato_int.cli import progress as bars

    svc = services(ctx)
    # a bar on a terminal for a fleet run (none with --json), tenant by tenant
    with bars.bar(t("logs.audit.progress"), as_json=as_json or not all_tenants) as tick:
        report = svc.logs.audit(
            scopes=None if all_tenants else [svc.scope],
            progress=None if tick is None else lambda done, total: tick(done, total, ""),
        )
    for e in report.errors:  # the tenants and integrations that could not be audited
        what = e.integration_id or t("logs.audit.tenant")
        line = t("logs.audit.failed", what=what, scope=scope_text(e.scope), error=e.error)
        error_line(line)
    if as_json:
        from mercato_int.shapes.logs import AuditReportShape

        print_json(AuditReportShape.of(report).document())
    else:
        where = t("logs.audit.all_tenants") if all_tenants else scope_text(svc.scope)
        for f in report.findings:
            line = t(
                "logs.audit.secret",
                where=f.where,
                entry=f.entry_id,
                integration=f.integration_id,
                scope=scope_text(f.scope),
                created=f.created_at,
            )
            out().print(line, markup=False, highlight=False)
        verdict = (
            t("logs.audit.clean")
            if report.clean
            else counted("logs.n.findings", len(report.findings))
        )
        scanned = counted("logs.n.entries", report.scanned)
        summary = t("logs.audit.summary", where=where, scanned=scanned, verdict=verdict)
        out().print(summary, markup=False, highlight=False)
    if report.exit_code != ExitCode.OK:
        raise typer.Exit(report.exit_code)


# in their own module (this one is near the 400-line limit), listed after the others
logs_app.command("scrub")(scrub.scrub)
