"""How `list` and `show` render: the marketplace table and one integration or bundle, with
their state, health and credentials labels (Rich, loaded only when rendering)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mercato_int.cli.output import humanize, local_time, out
from mercato_int.i18n import scope_text, t, t_or, tn

if TYPE_CHECKING:
    from rich.text import Text

    from mercato_int.registry import Registry
    from mercato_int.services.state.marketplace import MarketItem, Marketplace


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

    return escape(_plain_short_title(item, bundle_title))


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


def render_marketplace(market: Marketplace, context: str | None = None) -> None:
    """The marketplace as `list` shows it; `context`: the config file's context in effect."""
    from rich.console import Group
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = out()
    console.print(f"[bold]{t('list.title', scope=scope_text(market.scope, context))}[/]")
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


def _plain_short_title(item: MarketItem, bundle_title: str | None) -> str:
    title = item.definition.title
    if bundle_title and title.startswith(bundle_title):
        title = title[len(bundle_title) :].lstrip(" —-:") or title
    return title


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


def render_item(registry: Registry, item_id: str, data: dict, flags: str) -> None:
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
