"""One bundle of 300 members (issue 14): its tiles come in parts like the standalone ones, so
only the parts on screen are mounted, and the end of the list still reaches its last tile and
its Configure button."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button

from mercato_int.tui.widgets.cards import BUNDLE_SLICE, BundleCard, IntegrationTile

from ..conftest import registry_at, settle

pytestmark = pytest.mark.anyio

MEMBERS = 300


@pytest.fixture(scope="module")
def one_big_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("providers")
    items = ",\n".join(
        f"    {{'id': 'int_{n:05d}', 'title': 'Integration {n:05d}', "
        f"'description': 'Item {n}', 'category': 'data_sync', 'hub': 'sync_hub', "
        f"'providerKey': 'prov_{n:05d}', 'bundleId': 'aaa_big', 'version': '1.0.0'}}"
        for n in range(MEMBERS)
    )
    folder = root / "aaa_big"
    folder.mkdir()
    (folder / "integration.py").write_text(
        "bundle = {'id': 'aaa_big', 'title': 'Big', 'description': 'A big bundle'}\n"
        f"integrations = [\n{items}\n]\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def big_registry(one_big_bundle: Path):
    """The registry of the bundled providers and these, discovered once for the module."""
    return registry_at(one_big_bundle)


@pytest.fixture
def tui_services(big_registry, one_big_bundle: Path, monkeypatch: pytest.MonkeyPatch, tui_services):
    monkeypatch.setenv("MERCATO_INT_PROVIDERS_PATH", str(one_big_bundle))
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    svc = Services(Settings.load(), clock=tui_services.clock, registry=big_registry)
    assert len(svc.registry.integrations) == MEMBERS + 7
    yield svc
    svc.close()


def _in_view(app, widget) -> bool:
    return app.screen.query_one("#cards").region.contains_region(widget.region)


async def test_a_bundle_of_hundreds_mounts_the_parts_on_screen(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        big = [c for c in app.screen.query(BundleCard) if c.group.bundle.id == "aaa_big"]
        assert big and big[0].id == "card-aaa_big"  # the first part, with the head
        tiles = [t for t in app.screen.query(IntegrationTile) if t.item.definition.bundle_id]
        big_tiles = [t for t in tiles if t.item.definition.bundle_id == "aaa_big"]
        assert 0 < len(big_tiles) < MEMBERS // 2
        assert all(len(c.items) <= BUNDLE_SLICE for c in big)

        await pilot.press("end")
        await settle(pilot)
        last = app.screen.query_one(f"#tile-int_{MEMBERS - 1:05d}", IntegrationTile)
        assert _in_view(app, last)
        part = next(a for a in last.ancestors if isinstance(a, BundleCard))
        assert part.group.bundle.id == "aaa_big" and part.last and not part.first
        assert part.query_one(".configure", Button)
        assert not app.screen.query("#card-aaa_big")  # the head scrolled away, unmounted
        assert len(app.screen.query(IntegrationTile)) < MEMBERS // 2
