"""`tenants`: every tenant and organization the store knows, with counts (the fleet view)."""

from __future__ import annotations

from typing import Annotated

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.commands.catalog import TenantFilter, warn_problems
from mercato_int.cli.context import services
from mercato_int.cli.output import print_json

app = command_app()


@app.command()
def tenants(
    ctx: typer.Context,
    tenant_filter: TenantFilter = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="JSON: {tenants, total, hidden, logsSince}."),
    ] = False,
) -> None:
    """Every tenant and organization the store knows, with counts: enabled, with credentials,
    unhealthy, log entries in 24 h. Tenants you may not view are only counted."""
    svc = services(ctx)
    warn_problems(svc.registry)  # the counts are over the integrations that loaded
    fleet = svc.fleet.tenants(tenant_filter=tenant_filter)
    if as_json:
        from mercato_int.shapes.fleet import FleetShape

        print_json(FleetShape.of(fleet).document())
        return
    from mercato_int.cli.fleet_view import render_tenants

    render_tenants(fleet, svc.scope)
