"""The TUI's header names the config file's context in effect beside the scope, as the CLI's
headers do."""

from __future__ import annotations

import dataclasses

import pytest

pytestmark = pytest.mark.anyio


async def test_the_header_names_the_context(make_app, tui_services) -> None:
    tui_services.settings = dataclasses.replace(tui_services.settings, context="prod")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.sub_title == "tenant default · org default · context prod"


async def test_no_context_no_mention(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.sub_title == "tenant default · org default"
