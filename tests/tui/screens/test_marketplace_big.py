"""The marketplace at 2,000 integrations in 400 bundles (issue 14): only the cards on screen
are mounted, and scrolling, paging, the arrow keys and the search still reach every one."""

from __future__ import annotations

from pathlib import Path

import pytest

from mercato_int.tui.widgets.card_list import CardList
from mercato_int.tui.widgets.cards import BundleCard, IntegrationTile

from ..conftest import registry_at, settle

pytestmark = pytest.mark.anyio

INTEGRATIONS, BUNDLES = 2000, 400
# What one screen of cards (and a screen above and below it) takes at 80x24 and 120x40:
# about 250 widgets. Every card mounted would be about 17,000.
WIDGET_BOUND = 600


def _write_registry(root: Path) -> Path:
    """INTEGRATIONS definitions, INTEGRATIONS / BUNDLES to a bundle, one provider folder per
    bundle, as an operator's own providers would be."""
    per = INTEGRATIONS // BUNDLES
    for b in range(BUNDLES):
        items = ",\n".join(
            f"    {{'id': 'int_{n:05d}', 'title': 'Integration {n:05d}', "
            f"'description': 'Item {n}', 'category': 'data_sync', 'hub': 'sync_hub', "
            f"'providerKey': 'prov_{n:05d}', 'bundleId': 'bundle_{b:04d}', 'version': '1.0.0'}}"
            for n in range(b * per, (b + 1) * per)
        )
        folder = root / f"bundle_{b:04d}"
        folder.mkdir(parents=True)
        (folder / "integration.py").write_text(
            f"bundle = {{'id': 'bundle_{b:04d}', 'title': 'Bundle {b:04d}', "
            f"'description': 'Bench bundle {b}'}}\nintegrations = [\n{items}\n]\n",
            encoding="utf-8",
        )
    return root


@pytest.fixture(scope="module")
def big_providers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_registry(tmp_path_factory.mktemp("providers"))


@pytest.fixture(scope="module")
def big_registry(big_providers: Path):
    """The registry of the bundled providers and these, discovered once for the module."""
    return registry_at(big_providers)


@pytest.fixture
def tui_services(big_registry, big_providers: Path, monkeypatch: pytest.MonkeyPatch, tui_services):
    """The bundled providers and the 2,000, their registry shared by the module's tests."""
    monkeypatch.setenv("MERCATO_INT_PROVIDERS_PATH", str(big_providers))
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    svc = Services(Settings.load(), clock=tui_services.clock, registry=big_registry)
    assert len(svc.registry.integrations) == INTEGRATIONS + 7
    yield svc
    svc.close()


def _mounted(app) -> int:
    return len(list(app.screen.walk_children()))


def _in_view(app, widget) -> bool:
    return app.screen.query_one("#cards").region.contains_region(widget.region)


def _screen_text(app) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_first_paint_mounts_what_is_on_screen_not_the_registry(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert _mounted(app) < WIDGET_BOUND
        assert len(app.screen.query(IntegrationTile)) < 60
        assert app.focused is app.screen.query_one("#tile-sync_medusa_products")
        # the scroll bar stands for the whole list: its end is far below what is mounted
        cards = app.screen.query_one("#cards", CardList)
        assert cards.max_scroll_y > 300 * 8


async def test_end_and_paging_reach_the_last_integration(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        # the bundles' last, then the standalone ones (bundled providers) end the list
        assert _in_view(app, app.screen.query_one("#tile-int_01999", IntegrationTile))
        assert _in_view(app, app.screen.query_one("#tile-gateway_stripe", IntegrationTile))
        assert "Integration 01999" in _screen_text(app)
        assert "Stripe" in _screen_text(app)
        assert _mounted(app) < WIDGET_BOUND
        assert not app.screen.query("#tile-sync_medusa_products")  # the top is unmounted

        await pilot.press("home")
        await settle(pilot)
        # the focus left with its card and came back with it
        assert app.focused is app.screen.query_one("#tile-sync_medusa_products")
        seen: set[str] = set()
        for _ in range(12):  # page by page: each page shows bundles further down
            await pilot.press("pagedown")
            await settle(pilot)
            view = app.screen.query_one("#cards").region
            shown = {
                c.group.bundle.id for c in app.screen.query(BundleCard) if view.overlaps(c.region)
            }
            assert "Integration " in _screen_text(app)  # not a blank page
            assert shown, "a page with no card on it"
            seen |= shown
            assert _mounted(app) < WIDGET_BOUND
        assert "bundle_0010" in seen


async def test_enable_all_far_down_re_reads_only_what_is_shown(make_app, tui_services):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        app.screen.query_one("#tile-int_01999").focus()
        await pilot.pause()
        cards = app.screen.query_one("#cards", CardList)
        where = cards.scroll_y
        await pilot.press("a")  # Enable All of bundle_0399
        await settle(pilot)
        states = tui_services.state.all_states(app.scope)
        assert {i for i, s in states.items() if s.is_enabled} == {
            f"int_{n:05d}" for n in range(1995, 2000)
        }
        assert cards.scroll_y == where  # the view stays
        assert app.focused is app.screen.query_one("#tile-int_01999")
        assert _mounted(app) < WIDGET_BOUND
