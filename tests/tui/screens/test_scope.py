"""Ctrl+T picks the scope from the tenants the store knows: typing filters the list, ↓ and
Enter pick one (tenant and org), a new tenant id typed in full still works, and tenants the
actor may not view are only counted."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Static

from mercato_int.scope import TenantScope

pytestmark = pytest.mark.anyio

ACME = TenantScope("eu", "acme")
BETA = TenantScope("us", "beta")
LOCKED = TenantScope("eu", "locked")


@pytest.fixture
def known(tui_services):
    for scope in (ACME, BETA, TenantScope()):
        tui_services.state.enable(["carrier_dhl"], scope, actor="ann")
    tui_services.state.enable(["carrier_dhl"], LOCKED, actor="boss")
    tui_services.acl.grant(LOCKED, "boss", "admin", by="boss")
    return tui_services


def listed(app) -> list[str]:
    options = app.screen.query_one("#tenant-list", OptionList)
    return [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]


def notes(app) -> str:
    return str(app.screen.query_one("#tenant-more", Static).render())


async def open_switch(pilot) -> None:
    await pilot.pause()
    await pilot.press("ctrl+t")
    await pilot.pause()


async def test_the_list_holds_the_known_tenants_and_typing_filters_it(make_app, known):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_switch(pilot)
        assert listed(app) == ["acme · eu", "beta · us", "default · default"]
        options = app.screen.query_one("#tenant-list", OptionList)
        assert options.highlighted == 2  # the current scope
        assert "1 tenant hidden" in notes(app) and "locked" not in str(listed(app))
        assert app.screen.focused is app.screen.query_one("#tenant", Input)
        await pilot.press(*"US")
        await pilot.pause()
        assert listed(app) == ["beta · us"]
        await pilot.press("down")  # highlights beta; the focus stays in the field
        assert options.highlighted == 0
        assert app.screen.focused is app.screen.query_one("#tenant", Input)
        await pilot.press("enter")
        await pilot.pause()
        assert app.scope == BETA
        assert app.sub_title == "tenant beta · org us"


async def test_a_new_tenant_id_typed_in_full(make_app, known):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_switch(pilot)
        await pilot.press(*"newshop")
        await pilot.pause()
        assert listed(app) == []
        assert "no known tenant matches" in notes(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.scope == TenantScope("default", "newshop")


async def test_arrows_choose_in_the_list_without_leaving_the_field(make_app, known):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_switch(pilot)
        await pilot.press("up", "up", "down", "up", "up")  # from default up to acme
        assert app.screen.query_one("#tenant-list", OptionList).highlighted == 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.scope == ACME


async def test_a_click_in_the_list_picks_and_typing_again_forgets_the_choice(make_app, known):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_switch(pilot)
        await pilot.press("down")  # chose acme...
        await pilot.press(*"acme")  # ...then typed: the typed id wins, with the org field
        await pilot.pause()
        assert listed(app) == ["acme · eu"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.scope == TenantScope("default", "acme")
        await open_switch(pilot)
        await pilot.click("#tenant-list", offset=(4, 2))  # the second row: beta
        await pilot.pause()
        assert app.scope == BETA


async def test_a_long_list_says_how_many_more(make_app, known, monkeypatch):
    from mercato_int.tui.screens import scope

    monkeypatch.setattr(scope, "SHOWN", 2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_switch(pilot)
        assert listed(app) == ["acme · eu", "beta · us"]
        assert "… 1 more: type to narrow" in notes(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.scope == TenantScope()
