"""How `tenants` and `list --all-tenants` render: the fleet table, and the integrations ×
tenants matrix one page of columns at a time (Rich, loaded only when rendering)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mercato_int.cli.output import UNLIMITED_WIDTH, local_time, note, out
from mercato_int.errors import InvalidInput
from mercato_int.i18n import scope_text, t, tn

if TYPE_CHECKING:
    from mercato_int.scope import TenantScope
    from mercato_int.services.fleet import Fleet, FleetMatrix
    from mercato_int.services.state.reads import StateView

# one symbol per cell: the health of an enabled integration, or disabled
SYMBOLS = {
    "healthy": ("✔", "green"),
    "degraded": ("!", "yellow"),
    "unhealthy": ("✗", "bold red"),
    "unconfigured": ("○", "dim"),
    None: ("●", "cyan"),  # enabled, never checked
}
DISABLED = ("·", "dim")
COLUMN_WIDTH = 10  # a tenant or org id longer than this is cut with `…` in a column header
PIPE_COLUMNS = 20  # columns per page when the output has no width (a pipe, a file)


def cell_symbol(view: StateView | None) -> tuple[str, str]:
    """(symbol, style) of one cell; a blank for a cell the filters left out."""
    if view is None:
        return " ", ""
    if not view.is_enabled:
        return DISABLED
    return SYMBOLS.get(view.health_status, SYMBOLS[None])


def render_tenants(fleet: Fleet, current: TenantScope) -> None:
    from rich.table import Table
    from rich.text import Text

    console = out()
    console.print(
        f"[bold]{t('fleet.tenants.title', tenants=tn('count.tenants', len(fleet.tenants)))}[/]"
    )
    if not fleet.tenants:
        console.print(f"[dim]{t('fleet.tenants.none')}[/]")
    else:
        table = Table(box=None, padding=(0, 1), pad_edge=False, header_style="bold")
        table.add_column("")
        for key in ("tenant", "org"):
            table.add_column(t(f"fleet.col.{key}"), no_wrap=True, overflow="fold")
        for key in ("enabled", "credentials", "unhealthy", "logs24h"):
            table.add_column(t(f"fleet.col.{key}"), justify="right", no_wrap=True)
        table.add_column(t("fleet.col.sources"))
        for s in fleet.tenants:
            unhealthy = Text(str(s.unhealthy), "bold red" if s.unhealthy else "")
            table.add_row(
                "*" if s.scope == current else "",
                Text(s.scope.tenant_id, "bold"),
                s.scope.organization_id,
                f"{s.enabled}/{s.integrations}",
                f"{s.with_credentials}/{s.integrations}",
                unhealthy,
                str(s.logs_24h),
                ", ".join(s.sources) + (" 🔒" if s.has_policy else ""),
            )
        console.print(table)
    if fleet.hidden:
        note(tn("fleet.hidden", fleet.hidden))
    note(
        t(
            "fleet.tenants.footer",
            scope=scope_text(current),
            since=local_time(fleet.since),
        )
    )


def _label(value: str) -> tuple[str, bool]:
    if len(value) <= COLUMN_WIDTH:
        return value, False
    return value[: COLUMN_WIDTH - 1] + "…", True


def columns_per_page(matrix: FleetMatrix) -> int:
    """As many tenant columns as fit the terminal beside the integration ids; on a pipe or in
    a file (no width), PIPE_COLUMNS."""
    width = out().width
    if width >= UNLIMITED_WIDTH:
        return PIPE_COLUMNS
    ids = max((len(r.definition.id) for r in matrix.rows), default=10)
    return max(1, (width - ids - 1) // (COLUMN_WIDTH + 1))


def render_matrix(matrix: FleetMatrix, page: int) -> None:
    from rich.table import Table
    from rich.text import Text

    console = out()
    total = len(matrix.columns)
    if not matrix.rows or not total:
        console.print(f"[bold]{t('fleet.matrix.title_empty')}[/]")
        console.print(f"[dim]{t('fleet.matrix.no_match')}[/]")
        _hidden_notes(matrix)
        return
    size = columns_per_page(matrix)
    pages = (total + size - 1) // size
    if page < 1 or page > pages:
        raise InvalidInput(t("fleet.matrix.no_page", page=page, pages=pages))
    first = (page - 1) * size
    shown = matrix.columns[first : first + size]
    console.print(
        f"[bold]{t('fleet.matrix.title', first=first + 1, last=first + len(shown), total=total)}[/]"
    )
    table = Table(box=None, padding=(0, 1), pad_edge=False, header_style="bold")
    table.add_column("", no_wrap=True, style="bold")
    cut = False
    for scope in shown:
        tenant, cut_t = _label(scope.tenant_id)
        org, cut_o = _label(scope.organization_id)
        cut = cut or cut_t or cut_o
        table.add_column(f"{tenant}\n[dim]{org}[/]", no_wrap=True, justify="center")
    for row in matrix.rows:
        cells = [Text(*cell_symbol(c)) for c in row.cells[first : first + len(shown)]]
        table.add_row(row.definition.id, *cells)
    console.print(table)
    legend = " ".join(
        f"[{style}]{sym}[/] {t('fleet.legend.' + (status or 'unchecked'))}"
        for status, (sym, style) in SYMBOLS.items()
    )
    console.print(
        f"{t('fleet.legend.enabled')} {legend}  [dim]{DISABLED[0]}[/] "
        f"{t('fleet.legend.disabled')}  {t('fleet.legend.blank')}",
        highlight=False,
    )
    if pages > 1:
        nxt = page + 1 if page < pages else 1
        note(t("fleet.matrix.more", shown=len(shown), total=total, pages=pages, next=nxt))
    if cut:
        note(t("fleet.matrix.cut", width=COLUMN_WIDTH))
    _hidden_notes(matrix)


def _hidden_notes(matrix: FleetMatrix) -> None:
    if matrix.hidden:
        note(tn("fleet.hidden", matrix.hidden))
