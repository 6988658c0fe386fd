"""`tokens create|list|revoke`: bearer tokens of the HTTP API, per tenant."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.context import services
from mercato_int.cli.output import local_time, note, out, print_json, warn
from mercato_int.i18n import scope_text, t

if TYPE_CHECKING:
    from datetime import datetime

app = command_app()

tokens_app = typer.Typer(
    name="tokens",
    help="Bearer tokens of the HTTP API: each bound to an actor and the command's tenant and "
    "organization; only a hash is stored.",
    no_args_is_help=True,
)
app.add_typer(tokens_app)

DEFAULT_EXPIRES = "90d"  # services.tokens.service.DEFAULT_EXPIRY, as --expires takes it


def _expiry(text: str, now: datetime) -> datetime | None:
    """`never`, or an age (30d, 12h, 90m, 1h30m …) from now."""
    from mercato_int.errors import InvalidInput
    from mercato_int.when import parse_age

    if text.strip().lower() == "never":
        return None
    try:
        return now + parse_age(text)
    except InvalidInput:
        raise InvalidInput(
            t("tokens.err.bad_expires", text=text), hint=t("tokens.hint.expires")
        ) from None


@tokens_app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="What the token is for (shown in `tokens list`).")
    ],
    actor: Annotated[
        str | None,
        typer.Option(
            "--for",
            metavar="ACTOR",
            help="The actor the token acts as (default: the command's --actor).",
            show_default=False,
        ),
    ] = None,
    expires: Annotated[
        str,
        typer.Option(
            "--expires",
            metavar="AGE|never",
            help="How long it is valid: an age such as 30d, 12h or 90m, or never.",
        ),
    ] = DEFAULT_EXPIRES,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="JSON: {id, name, actor, tenantId, organizationId, prefix, token, expiresAt}.",
        ),
    ] = False,
) -> None:
    """Create an API token and print it once: it is stored only as a hash and cannot be shown
    again. Needs integrations.manage where the tenant has a policy."""
    svc = services(ctx)
    expires_at = _expiry(expires, svc.clock())
    record, token = svc.tokens.create(svc.scope, name, actor=actor, expires_at=expires_at)
    if as_json:
        from mercato_int.shapes.tokens import CreatedTokenShape

        print_json(CreatedTokenShape.of_created(record, token).document())
        return
    when = local_time(record.expires_at) if record.expires_at else t("tokens.never")
    # the token alone on stdout (`TOKEN=$(mercato-int tokens create ci)`), the rest on stderr
    note(
        t(
            "tokens.created",
            name=record.name,
            prefix=record.prefix,
            actor=record.actor,
            scope=scope_text(record.scope),
            expires=when,
        )
    )
    out().print(token, markup=False, soft_wrap=True)
    warn(t("tokens.shown_once"))


@tokens_app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="JSON: {scope, tokens: [{id, name, actor, prefix, createdAt, expiresAt, "
            "lastUsedAt, revokedAt, status, ...}]}; never a token or its hash.",
        ),
    ] = False,
) -> None:
    """Show the tenant's API tokens (prefix, name, actor, created, expires, last used,
    revoked); never a token. Needs integrations.manage where the tenant has a policy."""
    svc = services(ctx)
    found = svc.tokens.list(svc.scope)
    now = svc.clock()
    if as_json:
        from mercato_int.shapes.tokens import TokenListShape

        print_json(TokenListShape.of_records(svc.scope, found, now).document())
        return
    console = out()
    if not found:
        console.print(t("tokens.none", scope=scope_text(svc.scope)), markup=False)
        return
    from rich.table import Table

    table = Table(
        title=t("tokens.title", scope=scope_text(svc.scope)),
        title_justify="left",
        box=None,
        padding=(0, 2),
    )
    for col in ("prefix", "name", "actor", "created", "expires", "last_used", "status"):
        table.add_column(t(f"tokens.col.{col}"))
    for r in found:
        status = r.status(now)
        shown = t(f"tokens.status.{status}")
        if r.revoked_at is not None:
            shown = f"{shown} {local_time(r.revoked_at)}"
        table.add_row(
            r.prefix,
            r.name,
            r.actor,
            local_time(r.created_at),
            local_time(r.expires_at) if r.expires_at else t("tokens.never"),
            local_time(r.last_used_at),
            shown,
        )
    console.print(table)


@tokens_app.command("revoke")
def revoke(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="ID|PREFIX",
            help="The token's id or prefix (as `tokens list` shows them), or enough of its start.",
        ),
    ],
) -> None:
    """Revoke an API token: the next request that uses it is refused. Needs
    integrations.manage where the tenant has a policy."""
    svc = services(ctx)
    now = svc.clock()
    record = svc.tokens.revoke(svc.scope, ref)
    scope = scope_text(svc.scope)
    if record.revoked_at is not None and record.revoked_at < now:
        key, stamp = "tokens.already_revoked", local_time(record.revoked_at)
    else:
        key, stamp = "tokens.revoked", ""
    out().print(t(key, name=record.name, prefix=record.prefix, scope=scope, at=stamp), markup=False)
