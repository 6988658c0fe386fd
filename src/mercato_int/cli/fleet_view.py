"""How `tenants` and `list --all-tenants` render: the fleet table, and the integrations ×
tenants matrix one page of columns at a time (Rich, loaded only when rendering)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mercato_int.cli.output import UNLIMITED_WIDTH, local_time, note, out, write_lines
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
    """The fleet table, laid out here rather than by a Rich Table: measuring a thousand rows
    cell by cell costs Rich seconds, and every value is one line that is never wrapped.
    Counts align right; the tenant id is bold, a non-zero unhealthy count red."""
    from rich.cells import cell_len
    from rich.text import Text

    console = out()
    console.print(
        f"[bold]{t('fleet.tenants.title', tenants=tn('count.tenants', len(fleet.tenants)))}[/]"
    )
    if not fleet.tenants:
        if not fleet.hidden:  # else the note below says why none is shown
            console.print(f"[dim]{t('fleet.tenants.none')}[/]")
    else:
        keys = ("tenant", "org", "enabled", "credentials", "unhealthy", "logs24h", "sources")
        header = [t(f"fleet.col.{key}") for key in keys]
        rows = [
            [
                s.scope.tenant_id,
                s.scope.organization_id,
                f"{s.enabled}/{s.integrations}",
                f"{s.with_credentials}/{s.integrations}",
                str(s.unhealthy),
                str(s.logs_24h),
                ", ".join(s.sources) + (" 🔒" if s.has_policy else ""),
            ]
            for s in fleet.tenants
        ]
        widths = [max(cell_len(r[n]) for r in [header, *rows]) for n in range(len(keys))]
        marks = ["", *("*" if s.scope == current else "" for s in fleet.tenants)]
        lines, spans = [], []  # plain lines, then styles by offset: one Text, one print
        offset = 0
        for n, (mark, cells) in enumerate(zip(marks, [header, *rows], strict=True)):
            parts = [f"{mark:1}"]
            for k, cell in enumerate(cells):
                pad = " " * (widths[k] - cell_len(cell))
                last = k == len(cells) - 1
                parts.append(cell if last else cell + pad if k < 2 else pad + cell)
            line = "  ".join(parts)
            if n == 0:
                spans.append((offset, offset + len(line), "bold"))
            else:
                start = offset + 3  # after the mark and its gap: the tenant id
                spans.append((start, start + len(cells[0]), "bold"))
                if cells[4] != "0":  # unhealthy
                    end = offset + len("  ".join(parts[:6]))
                    spans.append((end - len(cells[4]), end, "bold red"))
            lines.append(line)
            offset += len(line) + 1
        if not console.is_terminal:  # no styles to show: Rich would only cost time
            write_lines(lines)
        else:
            table = Text("\n".join(lines))
            for start, end, style in spans:
                table.stylize(style, start, end)
            console.print(table)
    if fleet.hidden:
        note(tn("fleet.hidden", fleet.hidden))
    note(t("fleet.tenants.footer", scope=scope_text(current), since=local_time(fleet.since)))


def _label(value: str) -> tuple[str, bool]:
    if len(value) <= COLUMN_WIDTH:
        return value, False
    return value[: COLUMN_WIDTH - 1] + "…", True


def column_pages(matrix: FleetMatrix) -> list[range]:
    """The tenant columns of each page: as many as fit the terminal beside the integration
    ids (each as wide as its cut labels, plus padding); on a pipe or in a file (no width),
    PIPE_COLUMNS a page."""
    total = len(matrix.columns)
    width = out().width
    if width >= UNLIMITED_WIDTH:
        return [range(n, min(n + PIPE_COLUMNS, total)) for n in range(0, total, PIPE_COLUMNS)]
    budget = width - max((len(r.definition.id) for r in matrix.rows), default=10)
    pages, start, used = [], 0, 0
    for n, scope in enumerate(matrix.columns):
        needed = max(len(_label(scope.tenant_id)[0]), len(_label(scope.organization_id)[0])) + 2
        if used + needed > budget and n > start:
            pages.append(range(start, n))
            start, used = n, 0
        used += needed
    pages.append(range(start, total))
    return pages


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
    ranges = column_pages(matrix)
    pages = len(ranges)
    if page < 1 or page > pages:
        raise InvalidInput(t("fleet.matrix.no_page", page=page, pages=pages))
    first = ranges[page - 1].start
    shown = matrix.columns[first : ranges[page - 1].stop]
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
