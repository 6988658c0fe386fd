"""`list`, `show` and `validate`: the marketplace and the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.complete import complete_bundle_ids, complete_categories, complete_ids
from mercato_int.cli.context import services
from mercato_int.cli.output import err, out, print_json, warn
from mercato_int.errors import ExitCode, InvalidInput
from mercato_int.i18n import t, tn

# the values of `list --health-status` and `--sort` for completion (the service checks them;
# a test keeps these in step: importing the service's here would load the store for `--help`)
HEALTH_FILTERS = ("healthy", "degraded", "unhealthy", "unconfigured", "unchecked")
SORTS = ("title", "category", "health", "updated")

if TYPE_CHECKING:
    from mercato_int.registry import Registry


def warn_problems(registry: Registry) -> None:
    """Broken providers don't hide the others, but the operator hears about them."""
    for problem in registry.problems:
        warn(str(problem))
    if registry.problems:
        warn(t("list.problems_hint"))


app = command_app()

# `list --all-tenants` and `tenants` (cli/commands/tenants.py)
TenantFilter = Annotated[
    str | None,
    typer.Option(
        "--tenant-filter",
        metavar="TEXT",
        help="Only tenants whose tenant or org id holds TEXT (a glob with * ? [).",
    ),
]


@app.command("list")
def list_(
    ctx: typer.Context,
    category: Annotated[
        str | None, typer.Option(help="Only this category.", autocompletion=complete_categories)
    ] = None,
    search: Annotated[
        str | None, typer.Option(help="Text in id, title, description or tags.")
    ] = None,
    bundle: Annotated[
        str | None,
        typer.Option(
            help="Only the integrations of this bundle.", autocompletion=complete_bundle_ids
        ),
    ] = None,
    enabled: Annotated[
        bool | None,
        typer.Option("--enabled/--disabled", help="Only enabled, or only disabled, integrations."),
    ] = None,
    health_status: Annotated[
        str | None,
        typer.Option(
            "--health-status",
            metavar="STATUS",
            autocompletion=lambda incomplete: [
                v for v in HEALTH_FILTERS if v.startswith(incomplete)
            ],
            help="Only this health status, or unchecked.",
        ),
    ] = None,
    sort: Annotated[
        str | None,
        typer.Option(
            metavar="KEY",
            autocompletion=lambda incomplete: [v for v in SORTS if v.startswith(incomplete)],
            help="Order by title, category, health or updated.",
        ),
    ] = None,
    desc: Annotated[bool, typer.Option("--desc", help="Descending order.")] = False,
    all_tenants: Annotated[
        bool,
        typer.Option("--all-tenants", help="A matrix: integrations × every tenant you may view."),
    ] = False,
    tenant_filter: TenantFilter = None,
    page: Annotated[
        int | None,
        typer.Option(metavar="N", help="With --all-tenants: the Nth page of tenant columns."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON: {items, bundles, total}, with analytics.")
    ] = False,
) -> None:
    """Show the marketplace: bundles with their integrations, then standalone integrations."""
    svc = services(ctx)
    registry = svc.registry
    warn_problems(registry)
    if category and category not in registry.categories():
        known = ", ".join(registry.categories())
        warn(t("list.unknown_category", category=category, known=known))
    if not all_tenants:
        for given, option in ((tenant_filter, "--tenant-filter"), (page, "--page")):
            if given is not None:
                raise InvalidInput(t("fleet.needs_all_tenants", option=option))
    else:
        matrix = svc.fleet.matrix(
            search=search,
            category=category,
            bundle_id=bundle,
            enabled=enabled,
            health_status=health_status,
            sort=sort,
            descending=desc,
            tenant_filter=tenant_filter,
        )
        if as_json:
            from mercato_int.shapes.fleet import FleetMatrixShape

            print_json(FleetMatrixShape.of(matrix).document())
            return
        from mercato_int.cli.fleet_view import render_matrix

        render_matrix(matrix, page or 1)
        return
    market = svc.marketplace.overview(
        svc.scope,
        search=search,
        category=category,
        bundle_id=bundle,
        enabled=enabled,
        health_status=health_status,
        sort=sort or ("title" if desc else None),
        descending=desc,
        activity=as_json,  # 30-day log activity: one grouped query, for scripts only
    )
    if as_json:
        from mercato_int.shapes.catalog import MarketplaceShape

        print_json(MarketplaceShape.of(market).document())
        return
    from mercato_int.cli.marketplace_compact import COMPACT_OVER, render_compact

    if len(market.items) > COMPACT_OVER:  # a line per integration, not a panel per bundle
        render_compact(market, svc.settings.context)
        return
    from mercato_int.cli.marketplace_view import render_marketplace

    render_marketplace(market, svc.settings.context)


@app.command()
def show(
    ctx: typer.Context,
    item_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="Integration or bundle id.", autocompletion=complete_ids),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Show one integration or bundle: definition, credentials schema and state in the scope."""
    # The last changes (audit events) of this id: cli/commands/events.py builds and renders them.
    from mercato_int.cli.commands.events import recent_changes, render_recent_changes
    from mercato_int.shapes.item import show_shape

    svc = services(ctx)
    registry = svc.registry
    scope = svc.scope
    events = recent_changes(svc, item_id)
    data = show_shape(svc, item_id, events).document()
    if as_json:
        print_json(data)
        return
    from mercato_int.cli.marketplace_view import render_item

    render_item(registry, item_id, data, scope.cli_flags())
    render_recent_changes(events)


@app.command()
def validate(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON: {ok, integrations, bundles, problems}.")
    ] = False,
) -> None:
    """Check every provider; list each problem with file, id, field and what to change.

    Exit 0 when clean, 1 on any problem. Does not open the store.
    """
    from rich.markup import escape

    from mercato_int.registry.discovery import check_health_checks

    registry = services(ctx).registry
    problems = [*registry.problems, *check_health_checks(registry)]
    providers = len({s.file for s in registry.sources.values()})
    if as_json:
        from mercato_int.shapes.validation import ProblemShape, ValidationShape

        shape = ValidationShape(
            ok=not problems,
            integrations=len(registry.integrations),
            bundles=len(registry.bundles),
            providers=providers,
            problems=[ProblemShape.of(p) for p in problems],
        )
        print_json(shape.document())
    else:
        for p in problems:
            err().print(f"[red]✗[/] {escape(str(p))}", markup=True, highlight=False)
        summary = t(
            "validate.summary",
            integrations=tn("count.integrations", len(registry.integrations)),
            bundles=tn("count.bundles", len(registry.bundles)),
            providers=tn("count.providers", providers),
        )
        if problems:
            problems_text = tn("count.problems", len(problems))
            err().print(
                t("validate.problems", problems=problems_text, summary=summary), markup=False
            )
        else:
            out().print(t("validate.ok", summary=summary))
    if problems:
        raise typer.Exit(ExitCode.FAILED)
