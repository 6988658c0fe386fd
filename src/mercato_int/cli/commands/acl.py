"""`acl grant|revoke|list`: who may do what, per tenant."""

from __future__ import annotations

from typing import Annotated

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.context import services
from mercato_int.cli.output import note, out, print_json, warn
from mercato_int.i18n import scope_text, t

app = command_app()

acl_app = typer.Typer(
    name="acl",
    help="Access control per tenant: roles (admin, employee) and features.",
    no_args_is_help=True,
)
app.add_typer(acl_app)


def _complete_grants(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from mercato_int.services.acl import FEATURES, ROLES

    pairs = [(r, "role: " + ", ".join(f)) for r, f in ROLES.items()] + list(FEATURES.items())
    return [(v, h) for v, h in pairs if v.startswith(incomplete)]


ActorArg = Annotated[str, typer.Argument(metavar="ACTOR", help="Who gets or loses the grant.")]
GrantArg = Annotated[
    str,
    typer.Argument(
        metavar="ROLE|FEATURE",
        help="admin, employee, or integrations.view|manage|credentials.",
        autocompletion=_complete_grants,
    ),
]


@acl_app.command("grant")
def grant(ctx: typer.Context, actor: ActorArg, role_or_feature: GrantArg) -> None:
    """Give ACTOR a role or a feature in the tenant. The first grant starts the tenant's policy
    and must include integrations.manage."""
    from mercato_int.settings import check_identifier

    check_identifier(actor, "actor")
    svc = services(ctx)
    created = svc.acl.grant(svc.scope, actor, role_or_feature, by=svc.actor)
    scope = scope_text(svc.scope)
    key = "acl.granted" if created else "acl.already"
    out().print(t(key, actor=actor, grant=role_or_feature, scope=scope), markup=False)
    if created and svc.actor != actor and not svc.acl.can_manage(svc.scope, svc.actor):
        warn(t("acl.you_cannot_manage", actor=svc.actor, scope=scope))


@acl_app.command("revoke")
def revoke(ctx: typer.Context, actor: ActorArg, role_or_feature: GrantArg) -> None:
    """Take a role or feature away from ACTOR. Revoking every grant removes the policy."""
    svc = services(ctx)
    svc.acl.revoke(svc.scope, actor, role_or_feature, by=svc.actor)
    scope = scope_text(svc.scope)
    out().print(t("acl.lost", actor=actor, grant=role_or_feature, scope=scope), markup=False)
    if not svc.acl.has_policy(svc.scope):
        note(t("acl.policy_gone", scope=scope))


@acl_app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON: {scope, policy, grants, roles, features}.")
    ] = False,
) -> None:
    """Show the tenant's grants, or that it has no policy (everything allowed)."""
    svc = services(ctx)
    grants = svc.acl.grants(svc.scope)
    if as_json:
        from mercato_int.shapes.acl import AclListShape

        print_json(AclListShape.of_grants(svc.scope, grants).document())
        return
    console = out()
    if not grants:
        console.print(t("acl.no_policy", scope=scope_text(svc.scope)), markup=False)
        return
    from rich.table import Table

    from mercato_int.shapes.base import utc_or_none

    title = t("acl.title", scope=scope_text(svc.scope, svc.settings.context))
    table = Table(title=title, title_justify="left", box=None, padding=(0, 2))
    for col in ("actor", "grant", "features", "by", "at"):
        table.add_column(t(f"acl.col.{col}"))
    for g in grants:
        table.add_row(
            g.actor,
            g.grant,
            ", ".join(f.removeprefix("integrations.") for f in g.features),
            g.created_by or "",
            utc_or_none(g.created_at) or "",
        )
    console.print(table)
