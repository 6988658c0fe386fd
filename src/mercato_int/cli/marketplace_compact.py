"""`list` of a big registry: one line per integration under a one-line head per bundle.

Above `COMPACT_OVER` integrations a panel per bundle is thousands of lines of
Rich layout (2.3 s at 2,000); these lines are written as styled segments in one pass, so the
cost is the characters printed. Columns are aligned over the whole listing and never wrap, so
the output greps and copies cleanly."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mercato_int.cli.marketplace_view import HEALTH_STYLE, _plain_short_title, category_label
from mercato_int.cli.output import out
from mercato_int.i18n import scope_text, t, t_or, tn

if TYPE_CHECKING:
    from mercato_int.services.state.marketplace import MarketItem, Marketplace

# Above this many integrations (after the filters) `list` is compact: at 2,000 the panels
# were 16,000 lines and 2.3 s of Rich layout; a line each reads (and greps) better there.
COMPACT_OVER = 100

# what Rich's Text strips from a string it is given: a provider's title cannot move the cursor
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def render_compact(market: Marketplace, context: str | None = None) -> None:
    """Per bundle one line (title, id, counts, whether its credentials are set), then one
    line per integration (state, title, id, category, credentials and health); the order of
    the panels (with --sort, groups in the order of their first item)."""
    from rich.cells import cell_len
    from rich.segment import Segment, Segments
    from rich.style import Style

    def pad(text: str, width: int) -> str:  # by terminal cells: a wide character counts two
        return text + " " * (width - cell_len(text))

    console = out()
    console.print(f"[bold]{t('list.title', scope=scope_text(market.scope, context))}[/]")
    bold, dim, plain = Style(bold=True), Style(dim=True), Style()
    position = {i.definition.id: n for n, i in enumerate(market.items)}
    groups: list[tuple[int, list[Segment], list[MarketItem], str | None]] = []
    for group in market.bundles:
        b = group.bundle
        creds = t("list.bundle_credentials_" + ("set" if group.has_credentials else "unset"))
        counts = tn("list.bundle_counts", group.integration_count, enabled=group.enabled_count)
        head = [
            Segment(_clean(b.title), bold),
            Segment(f" ({b.id}) · {counts} · "),
            Segment(creds, dim),
            Segment("\n"),
        ]
        groups.append((position[group.items[0].definition.id], head, group.items, b.title))
    if market.standalone:
        head = [Segment(t("list.standalone"), bold), Segment("\n")]
        first = position[market.standalone[0].definition.id]
        groups.append((first, head, market.standalone, None))
    if market.ordered:
        groups.sort(key=lambda g: g[0])
    titles = {i.definition.id: _clean(_plain_short_title(i, g[3])) for g in groups for i in g[2]}
    categories = {c: category_label(c) for c in {i.definition.category for i in market.items}}
    states = {True: t("list.enabled"), False: t("list.disabled")}
    widths = (
        max(map(cell_len, states.values())),
        max(map(cell_len, titles.values())),
        max(len(i.definition.id) for i in market.items),
        max(map(cell_len, categories.values())),
    )
    state_cells = {
        True: Segment("  " + pad(states[True], widths[0]), Style(color="green")),
        False: Segment("  " + pad(states[False], widths[0]), dim),
    }
    creds_cells = {
        True: Segment(t("list.creds_set"), plain),
        False: Segment(t("list.creds_unset"), dim),
    }
    health_cells: dict[str | None, list[Segment]] = {None: []}
    segments: list[Segment] = []
    for _, head, items, _title in groups:
        segments += head
        for item in items:
            d = item.definition
            status = item.state.health_status
            if status is not None and status not in health_cells:
                # `list.health.*`: short enough for 80 columns, else the health label
                label = t_or("list.health." + status, t_or("health." + status, status))
                color = HEALTH_STYLE.get(status, "white")
                health_cells[status] = [Segment(" "), Segment(label, Style.parse(color))]
            segments += [
                state_cells[item.state.is_enabled],
                Segment("  " + pad(titles[d.id], widths[1]) + "  "),
                Segment(d.id.ljust(widths[2]), bold),
                Segment("  " + pad(categories[d.category], widths[3]) + "  "),
                creds_cells[item.has_credentials],
                *health_cells[status],
                Segment("\n"),
            ]
    # soft_wrap: no cropping or wrapping pass; a line longer than the terminal wraps there
    console.print(Segments(segments), end="", soft_wrap=True)
    footer = tn("list.footer", len(market.items), flags=market.scope.cli_flags())
    console.print(footer, style="dim", markup=False, highlight=False)
