"""`enable` and `disable`: per-tenant state; a bundle id means all of its integrations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.complete import complete_ids
from mercato_int.cli.context import services
from mercato_int.cli.output import out, print_json, warn
from mercato_int.i18n import scope_text, t

if TYPE_CHECKING:
    from mercato_int.services.events import DeliveryFailure
    from mercato_int.services.state.service import StateChange

IdsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="ID...",
        help="Integration or bundle ids (a bundle means all its integrations).",
        autocompletion=complete_ids,
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="JSON: {scope, actor, changed, unchanged, events, ...}.")
]
IfVersionOpt = Annotated[
    int | None,
    typer.Option(
        "--if-version",
        min=0,
        metavar="V",
        help="Change one integration only if its state is still at version V (`show ID "
        "--json` gives state.version; 0: never changed); exit 1 if it moved on.",
    ),
]


def report_delivery_failures(failures: list[DeliveryFailure]) -> None:
    """A subscriber that raised undid nothing; the operator hears about it on stderr."""
    for f in failures:
        warn(
            t(
                "state.delivery_failed",
                subscriber=f.subscriber,
                type=f.event.type,
                subject=f.event.subject_id,
                error=f.error,
            )
        )


def _render(change: StateChange) -> None:
    verb = "enabled" if change.enabled else "disabled"
    scope = scope_text(change.scope)
    console = out()
    if change.changed:
        via = t("state.via_bundle", bundles=", ".join(change.bundles)) if change.bundles else ""
        console.print(t(f"state.{verb}_in", scope=scope, actor=change.actor, via=via))
        for i in change.changed:
            console.print(f"  {i}")
    if change.unchanged:
        console.print(t(f"state.already_{verb}", scope=scope, ids=", ".join(change.unchanged)))


def _finish(change: StateChange, as_json: bool) -> None:
    for m in change.missing_credentials:
        warn(m.message)
    for note in change.notes:
        warn(note)
    report_delivery_failures(change.delivery_failures)
    if as_json:
        from mercato_int.shapes.state import StateChangeShape

        print_json(StateChangeShape.of(change).document())
    else:
        _render(change)


app = command_app()


@app.command()
def enable(
    ctx: typer.Context, ids: IdsArg, as_json: JsonOpt = False, if_version: IfVersionOpt = None
) -> None:
    """Enable integrations in the scope; a bundle id enables all of its integrations.

    Records who and when, and one audit event per change. Missing required credentials do
    not stop it: a warning names the `creds set` command that sets them.
    """
    svc = services(ctx)
    _finish(svc.state.enable(ids, svc.scope, actor=svc.actor, if_version=if_version), as_json)


@app.command()
def disable(
    ctx: typer.Context, ids: IdsArg, as_json: JsonOpt = False, if_version: IfVersionOpt = None
) -> None:
    """Disable integrations in the scope; a bundle id disables all of its integrations."""
    svc = services(ctx)
    _finish(svc.state.disable(ids, svc.scope, actor=svc.actor, if_version=if_version), as_json)
