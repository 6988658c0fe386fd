"""The one access check every command makes: `require(ctx, VIEW)` before it acts."""

from __future__ import annotations

import typer

from mercato_int.cli.context import services

# The feature names, importable without loading the store.
VIEW = "integrations.view"
MANAGE = "integrations.manage"
CREDENTIALS = "integrations.credentials"


def require(ctx: typer.Context, feature: str, subject_id: str | None = None) -> None:
    """Raise NotAllowed (exit 6) unless the actor has `feature` in the scope; a tenant with no
    grants allows everything. The refusal is recorded in the audit trail."""
    svc = services(ctx)
    svc.acl.require(feature, svc.scope, svc.actor, subject_id=subject_id, action=ctx.command_path)


def require_everywhere(ctx: typer.Context, feature: str) -> None:
    """For `--all-tenants`: the actor needs `feature` in every tenant that has a policy."""
    svc = services(ctx)
    svc.acl.require_everywhere(feature, svc.actor, action=ctx.command_path)
