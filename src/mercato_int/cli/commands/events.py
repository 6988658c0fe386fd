"""`events`: the lifecycle events of the scope, which are also its audit trail."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.context import services
from mercato_int.cli.output import following, local_time, out, print_json
from mercato_int.i18n import scope_text, t, t_or, tn

if TYPE_CHECKING:
    from mercato_int.services import Services
    from mercato_int.services.events import Event

RECENT_IN_SHOW = 5


def _type(value: str) -> str:
    from mercato_int.services.events import resolve_type

    return resolve_type(value)  # `integration.enabled` is short for `integrations.integration.…`


def _complete_types(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from mercato_int.services.events import AUDIT_EVENT_TYPES, EVENT_TYPES

    known = {**EVENT_TYPES, **AUDIT_EVENT_TYPES}
    return [
        (name, t_or(f"state.event.{name}", label))
        for name, label in known.items()
        if name.startswith(incomplete)
    ]


app = command_app()


@app.command()
def events(
    ctx: typer.Context,
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            metavar="T",
            help="Only this type (repeatable), e.g. integration.enabled.",
            autocompletion=_complete_types,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(metavar="WHEN", help="ISO 8601 time or an age such as 90s, 15m, 2h, 7d."),
    ] = None,
    limit: Annotated[int, typer.Option(metavar="N", help="Show the last N.", min=1)] = 50,
    follow: Annotated[
        bool, typer.Option("-f", "--follow", help="Keep printing new events (Ctrl-C stops).")
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="JSON: {items, total}; with -f one event per line."),
    ] = False,
) -> None:
    """List the lifecycle events of the scope, oldest first: who changed what, and when."""
    from mercato_int.when import parse_when

    svc = services(ctx)
    wanted = [_type(name) for name in types or []]
    start = parse_when(since, now=svc.clock()) if since else None
    if follow:
        _follow(svc, wanted, since=start, backlog=limit, as_json=as_json)
        return
    items, total = svc.events.query(svc.scope, types=wanted, since=start, limit=limit)
    if as_json:
        from mercato_int.shapes.events import EventListShape, EventShape

        shape = EventListShape(items=[EventShape.of(e) for e in items], total=total)
        print_json(shape.document())
        return
    from rich.markup import escape

    console = out()
    where = scope_text(svc.scope, svc.settings.context)
    console.print(f"[bold]{escape(t('state.events.title'))}[/] · {where}")
    if not items:
        console.print(f"[dim]{escape(t('state.events.none'))}[/]")
        return
    for e in items:
        console.print(event_line(e))
    if total > len(items):
        more = t("state.events.more", shown=len(items), total=total)
        console.print(f"[dim]{escape(more)}[/]")


def _follow(svc: Services, types: list[str], *, since: Any, backlog: int, as_json: bool) -> None:
    from mercato_int.shapes.events import EventShape

    with following():
        for e in svc.events.follow(svc.scope, types=types, since=since, backlog=backlog):
            if as_json:
                line = json.dumps(EventShape.of(e).document(), ensure_ascii=False)
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
            else:
                out().print(event_line(e))


def event_line(e: Event) -> str:
    """One event as a line of text: time, type, subject, actor, what changed."""
    from rich.markup import escape

    when = local_time(e.created_at)
    changes = describe_changes(e.payload)
    parts = [f"[dim]{when}[/]", e.type, f"[bold]{escape(e.subject_id or '-')}[/]"]
    if e.actor:
        parts.append(escape(t("state.events.by", actor=e.actor)))
    if changes:
        parts.append(escape(changes))
    return "  ".join(parts)


def describe_changes(payload: dict[str, Any]) -> str:
    """`isEnabled: false → true` from an event's payload."""
    parts = []
    for key, change in (payload.get("changes") or {}).items():
        if isinstance(change, dict) and {"from", "to"} <= set(change):
            parts.append(f"{key}: {_fmt(change['from'])} → {_fmt(change['to'])}")
    members = payload.get("integrationIds")
    if members and payload.get("bundleId"):
        parts.append(tn("state.events.members", len(members)))
    extra = [" ".join(parts)] if parts else []
    # credentials saved (changedFields) or revealed (fields): which keys, never values
    fields = payload.get("changedFields") or payload.get("fields") or payload.get("removedFields")
    if fields and isinstance(fields, list):
        extra.append(t("state.events.fields", fields=", ".join(map(str, fields))))
    if payload.get("feature"):  # an access refusal: what was missing, for which command
        action = payload.get("action") or "?"
        extra.append(t("state.events.denied", feature=payload["feature"], action=action))
    if payload.get("grant") and payload.get("grantee"):
        extra.append(t("state.events.grant", grant=payload["grant"], grantee=payload["grantee"]))
    return " · ".join(extra)


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- `show ID` uses these (cli/commands/catalog.py) ------------------------------------
def recent_changes(svc: Services, item_id: str) -> list[Event]:
    """The last changes of an integration, or of a bundle and its integrations."""
    subjects = [item_id]
    if svc.registry.is_bundle(item_id):
        subjects += [m.id for m in svc.registry.members(item_id)]
    items, _ = svc.events.query(svc.scope, subject_ids=subjects, limit=RECENT_IN_SHOW)
    return items


def render_recent_changes(items: list[Event]) -> None:
    """The `Last changes` block of `show`."""
    console = out()
    if not items:
        none = t("state.events.last_changes_none")
        console.print(f"{t('state.events.last_changes')} [dim]{none}[/]")
        return
    console.print(t("state.events.last_changes"))
    for e in items:
        console.print("  " + event_line(e))
