"""`list`, `show` and `validate`: the marketplace and the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mercato_int.cli.access import VIEW, require
from mercato_int.cli.app import app, services
from mercato_int.cli.complete import complete_bundle_ids, complete_categories, complete_ids
from mercato_int.cli.output import err, humanize, local_time, out, print_json, warn
from mercato_int.errors import ExitCode
from mercato_int.i18n import scope_text, t, t_or, tn

# the values of `list --health-status` and `--sort` for completion (the service checks them;
# a test keeps these in step: importing the service's here would load the store for `--help`)
HEALTH_FILTERS = ("healthy", "degraded", "unhealthy", "unconfigured", "unchecked")
SORTS = ("title", "category", "health", "updated")

if TYPE_CHECKING:
    from rich.text import Text

    from mercato_int.registry import Registry
    from mercato_int.services.marketplace import MarketItem, Marketplace


def enabled_label(is_enabled: bool) -> str:
    if is_enabled:
        return f"[green]{t('list.enabled')}[/]"
    return f"[dim]{t('list.disabled')}[/]"


def category_label(category: str) -> str:
    return t_or(f"category.{category}", humanize(category))


HEALTH_STYLE = {
    "healthy": "green",
    "degraded": "yellow",
    "unhealthy": "red",
    "unconfigured": "dim",
}


def warn_problems(registry: Registry) -> None:
    """Broken providers don't hide the others, but the operator hears about them."""
    for problem in registry.problems:
        warn(str(problem))
    if registry.problems:
        warn(t("list.problems_hint"))


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
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON: {items, bundles, total}, with analytics.")
    ] = False,
) -> None:
    """Show the marketplace: bundles with their integrations, then standalone integrations."""
    require(ctx, VIEW)
    svc = services(ctx)
    registry = svc.registry
    warn_problems(registry)
    if category and category not in registry.categories():
        known = ", ".join(registry.categories())
        warn(t("list.unknown_category", category=category, known=known))
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
        print_json(market.to_json())
        return
    render_marketplace(market)


def _flags(item: MarketItem) -> str:
    creds = t("list.creds_set") if item.has_credentials else f"[dim]{t('list.creds_unset')}[/]"
    status = item.state.health_status
    if not status:
        return creds
    # `list.health.*`: a label short enough for an 80-column terminal, else the health one
    label = t_or("list.health." + status, t_or("health." + status, status))
    return f"{creds} [{HEALTH_STYLE.get(status, 'white')}]{label}[/]"


def _short_title(item: MarketItem, bundle_title: str | None) -> str:
    from rich.markup import escape

    title = item.definition.title
    if bundle_title and title.startswith(bundle_title):
        title = title[len(bundle_title) :].lstrip(" —-:") or title
    return escape(title)


def _add_rows(table: object, items: list[MarketItem], bundle_title: str | None) -> None:
    from rich.text import Text

    rows = [
        (
            enabled_label(item.state.is_enabled),
            _short_title(item, bundle_title),
            item.definition.id,
            category_label(item.definition.category),
            _flags(item),
        )
        for item in items
    ]

    def longest_word(n: int, floor: int) -> int:
        words = (w for r in rows for w in Text.from_markup(r[n]).plain.split())
        return max([floor, *map(len, words)])

    table.add_column(no_wrap=True)  # type: ignore[attr-defined]
    # On a narrow terminal the title, category and flags wrap at spaces: each column is at
    # least as wide as its longest word (both languages fit 80 columns). Only where even that
    # does not fit does a word fold onto the next line, never cut with an ellipsis; ids never
    # break.
    table.add_column(min_width=longest_word(1, 9), overflow="fold")  # type: ignore[attr-defined]
    table.add_column(no_wrap=True, style="bold")  # type: ignore[attr-defined]
    table.add_column(min_width=longest_word(3, 7), overflow="fold")  # type: ignore[attr-defined]
    table.add_column(min_width=longest_word(4, 7), overflow="fold")  # type: ignore[attr-defined]
    for row in rows:
        table.add_row(*row)  # type: ignore[attr-defined]


def render_marketplace(market: Marketplace) -> None:
    from rich.console import Group
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = out()
    console.print(f"[bold]{t('list.title', scope=scope_text(market.scope))}[/]")
    if not market.items:
        console.print(f"[dim]{t('list.no_match')}[/]")
        return
    panels: list[tuple[int, Panel]] = []
    position = {i.definition.id: n for n, i in enumerate(market.items)}
    for group in market.bundles:
        b = group.bundle
        table = Table.grid(padding=(0, 2))
        _add_rows(table, group.items, b.title)
        pkg = " ".join(p for p in (b.package, f"v{b.version}" if b.version else None) if p)
        creds_key = "set" if group.has_credentials else "unset"
        header = Text.from_markup(
            f"{escape(b.description)}\n"
            f"[dim]{escape(pkg)}{' · ' if pkg else ''}"
            f"{t('list.bundle_credentials_' + creds_key)}[/]"
        )
        panel = Panel(
            Group(header, Text(""), table),
            title=f"[bold]{escape(b.title)}[/] ({b.id})",
            title_align="left",
            subtitle=tn("list.bundle_counts", group.integration_count, enabled=group.enabled_count),
            subtitle_align="right",
            expand=False,
        )
        panels.append((position[group.items[0].definition.id], panel))
    if market.standalone:
        table = Table.grid(padding=(0, 2))
        _add_rows(table, market.standalone, None)
        title = f"[bold]{t('list.standalone')}[/]"
        panel = Panel(table, title=title, title_align="left", expand=False)
        panels.append((position[market.standalone[0].definition.id], panel))
    # bundles first, then standalone; with --sort, in the order of each group's first item
    for _, panel in sorted(panels, key=lambda p: p[0]) if market.ordered else panels:
        # soft_wrap=False: the description wraps inside the panel on a narrow terminal
        console.print(panel, soft_wrap=False)
    footer = tn("list.footer", len(market.items), flags=market.scope.cli_flags())
    console.print(f"[dim]{escape(footer)}[/]")


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
    from mercato_int.services.state_view import iso

    require(ctx, VIEW)
    svc = services(ctx)
    registry = svc.registry
    item = registry.get(item_id)
    scope = svc.scope
    if registry.is_bundle(item_id):
        members = registry.members(item_id)
        states = svc.state.all_states(scope)
        saved = svc.state.credentials_times(scope).get(item_id)
        data = {
            **item.to_json(),
            "kind": "bundle",
            "scope": scope.as_dict(),
            "hasCredentials": saved is not None,
            "credentialsUpdatedAt": iso(saved),
            "integrations": [
                {"id": m.id, "title": m.title, "category": m.category, **states[m.id].to_json()}
                for m in members
            ],
        }
    else:
        state = svc.state.get(item_id, scope)
        bundle = registry.bundle_of(item_id)
        data = {
            **item.to_json(),
            "kind": "integration",
            "scope": scope.as_dict(),
            "hasCredentials": state.has_credentials,
            "credentialsUpdatedAt": iso(state.credentials_updated_at),
            "state": state.to_json(),
            "bundle": bundle.to_json() if bundle else None,
        }
    # The last changes (audit events) of this id: cli/events.py builds and renders them.
    from mercato_int.cli.events import recent_changes, render_recent_changes

    data["recentEvents"] = [e.to_json() for e in recent_changes(svc, item_id)]
    if as_json:
        print_json(data)
        return
    _render_show(registry, item_id, data, scope.cli_flags())
    render_recent_changes(data["recentEvents"])


def _aligned(rows: list[list[Text | str]], indent: str = "") -> list[Text]:
    """Rows as lines with left-aligned columns two spaces apart and no trailing blanks: a
    long value (a path, a URL) stays on one line, so the output greps and copies cleanly."""
    from rich.text import Text

    cells = [[c if isinstance(c, Text) else Text(c) for c in row] for row in rows]
    widths = [max(len(row[i].plain) for row in cells) for i in range(len(cells[0]))]
    lines = []
    for row in cells:
        line = Text(indent)
        for i, cell in enumerate(row):
            line.append_text(cell)
            if i < len(row) - 1:
                line.append(" " * (widths[i] - len(cell.plain) + 2))
        line.rstrip()
        lines.append(line)
    return lines


def _state_text(is_enabled: bool) -> Text:
    from rich.text import Text

    return Text.from_markup(enabled_label(is_enabled))


def _render_show(registry: Registry, item_id: str, data: dict, flags: str) -> None:
    from rich.text import Text

    console = out()
    item = registry.get(item_id)
    console.print(
        Text.assemble(
            (item.title, "bold"),
            f" ({item.id}) · {t('show.kind.' + data['kind'])} · {_scope(data)}",
        )
    )
    if item.description:
        console.print(item.description, markup=False)
    facts: list[list[Text | str]] = []
    for key in (
        "category",
        "hub",
        "providerKey",
        "package",
        "version",
        "author",
        "license",
        "docsUrl",
        "bundleId",
    ):
        if data.get(key):
            facts.append([Text(t(f"show.fact.{key}"), "dim"), str(data[key])])
    if data.get("tags"):
        facts.append([Text(t("show.fact.tags"), "dim"), ", ".join(data["tags"])])
    check = registry.health_check_config(item_id)
    facts.append(
        [
            Text(t("show.fact.healthCheck"), "dim"),
            f"{check[1].service} ({check[0]})" if check else t("show.none"),
        ]
    )
    source = registry.sources.get(item_id)
    if source:
        facts.append([Text(t("show.fact.providerFile"), "dim"), source.file])
    for line in _aligned(facts):
        console.print(line)
    if item.fields:
        console.print()
        console.print(Text(t("show.credentials"), "bold"))
        rows: list[list[Text | str]] = [
            [
                Text(t(f"show.col.{h}"), "dim")
                for h in ("key", "label", "type", "required", "options")
            ]
        ]
        rows += [
            [
                f.key,
                f.label,
                f.type,
                t("show.yes") if f.required else "",
                ", ".join(o.value for o in f.options or ()),
            ]
            for f in item.fields
        ]
        for line in _aligned(rows, indent="  "):
            console.print(line)
    elif data.get("bundleId"):
        console.print()
        console.print(t("show.shared", bundle=data["bundleId"], flags=flags), markup=False)
    console.print()
    if data["kind"] == "bundle":
        console.print(Text(t("show.integrations"), "bold"))
        rows = [[Text(t(f"show.col.{h}"), "dim") for h in ("state", "id", "title", "category")]]
        rows += [
            [_state_text(m["isEnabled"]), m["id"], m["title"], category_label(m["category"])]
            for m in data["integrations"]
        ]
        for line in _aligned(rows, indent="  "):
            console.print(line)
    else:
        state = data["state"]
        line = Text(t("show.state")).append_text(_state_text(state["isEnabled"]))
        if state["enabledBy"]:
            at = local_time(state["enabledAt"])
            line.append(t("show.enabled_by", actor=state["enabledBy"], at=at))
        console.print(line)
        console.print(_health_text(state, has_check=check is not None))
    console.print(_credentials_text(data))


def _health_text(state: dict, *, has_check: bool) -> Text:
    """`Health: degraded at <time> · <the last check's message>`, or why there is none."""
    from rich.text import Text

    status = state["healthStatus"]
    last = state["lastHealthCheck"] or {}
    line = Text(t("show.health"))
    if status is None:
        return line.append(t("show.health.unchecked"), "dim")
    line.append(t_or("health." + status, status), HEALTH_STYLE.get(status, ""))
    if last.get("status") != status:  # derived now: the stored result is not what is true
        why = "show.health.no_check" if not has_check else "show.health.missing_creds"
        return line.append(f" · {t(why)}")
    line.append(t("show.health.at", at=local_time(state["lastHealthCheckAt"])))
    if last.get("message"):
        line.append(f" · {last['message']}")
    return line


def _credentials_text(data: dict) -> Text:
    """`Credentials: set at <time>` (or on which bundle), or `not set`."""
    from rich.text import Text

    line = Text(t("show.creds"))
    if not data["hasCredentials"]:
        return line.append(t("show.creds.unset"), "dim")
    at = local_time(data["credentialsUpdatedAt"])
    if data["kind"] == "bundle" or data["state"]["credentialsSource"] == "own":
        return line.append(t("show.creds.set", at=at))
    return line.append(t("show.creds.set_bundle", bundle=data["bundleId"], at=at))


def _scope(data: dict) -> str:
    s = data["scope"]
    return t("scope", tenant=s["tenantId"], org=s["organizationId"])


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
        print_json(
            {
                "ok": not problems,
                "integrations": len(registry.integrations),
                "bundles": len(registry.bundles),
                "providers": providers,
                "problems": [p.to_json() for p in problems],
            }
        )
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
