"""The logs tab: pages of 25, the level filter, search, details, new entries while open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Button, Input, Static

from mercato_int.scope import TenantScope
from mercato_int.tui.widgets.logs_panel import LogEntry, LogsPanel

from ..conftest import NOW

pytestmark = pytest.mark.anyio


def _count(app) -> str:
    return str(app.screen.query_one("#log-count", Static).render())


def _messages(app) -> list[str]:
    return [e.entry["message"] for e in app.screen.query(LogEntry)]


async def _open_logs(app, pilot) -> None:
    await pilot.pause()
    app.open_integration("gateway_stripe")
    await pilot.pause()
    await pilot.press("f3")
    await pilot.pause()


async def test_page_through_logs(make_app, write_logs):
    write_logs("gateway_stripe", 60)
    write_logs("carrier_dhl", 5)  # another integration
    write_logs("gateway_stripe", 7, scope=TenantScope(tenant_id="other"))  # another tenant
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_logs(app, pilot)
        assert _count(app) == "Showing 1–25 of 60 entries"
        assert _messages(app)[0] == "entry 60 of 60"  # newest first
        assert app.screen.query_one("#log-prev", Button).disabled
        await pilot.press("n")
        await pilot.pause()
        assert _count(app) == "Showing 26–50 of 60 entries"
        assert _messages(app)[0] == "entry 35 of 60"
        await pilot.press("n")
        await pilot.pause()
        assert _count(app) == "Showing 51–60 of 60 entries"
        assert _messages(app)[-1] == "entry 1 of 60"
        assert app.screen.query_one("#log-next", Button).disabled
        await pilot.press("n")  # no page after the last
        await pilot.pause()
        assert _count(app) == "Showing 51–60 of 60 entries"
        await pilot.press("p")
        await pilot.pause()
        assert _count(app) == "Showing 26–50 of 60 entries"


async def test_level_filter_and_search(make_app, write_logs):
    write_logs("gateway_stripe", 60)  # every 4th is an error: 15 errors, 45 info
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_logs(app, pilot)
        seen = []
        for _ in range(5):
            await pilot.press("l")
            await pilot.pause()
            seen.append(_count(app))
        assert seen == [
            "Showing 0 of 0 entries",  # debug
            "Showing 1–25 of 45 entries",  # info
            "Showing 0 of 0 entries",  # warning
            "Showing 1–15 of 15 entries",  # error
            "Showing 1–25 of 60 entries",  # all again
        ]
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("l", "l", "l", "l")  # error: back to the first page
        await pilot.pause()
        assert _count(app) == "Showing 1–15 of 15 entries"
        assert {e.entry["level"] for e in app.screen.query(LogEntry)} == {"error"}
        app.screen.query_one("#log-search", Input).value = "entry 12 "
        await pilot.pause()
        assert _messages(app) == ["entry 12 of 60"]


async def test_details_expand_and_new_entries_appear(make_app, write_logs, clock, tui_services):
    write_logs("gateway_stripe", 3)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_logs(app, pilot)
        entries = list(app.screen.query(LogEntry))
        with_details = entries[1]  # entry 2 of 3 has details {"n": 2}
        assert "▸ Details" in str(with_details.render())
        with_details.focus()
        await pilot.press("enter")
        text = str(with_details.render())
        assert "▾ Details" in text and '"n": 2' in text
        assert "Correlation: evt_2  •  Duration: 101ms" in text
        assert "14:29:00" in text

        clock[0] = NOW + timedelta(seconds=30)
        tui_services.logs.log(
            integration_id="gateway_stripe",
            level="warning",
            operation="webhook.retry",
            message="retrying",
            scope=TenantScope(),
        )
        await app.screen.query_one(LogsPanel)._poll()  # what the 2-second timer runs
        await pilot.pause()
        assert _count(app) == "Showing 1–4 of 4 entries"
        assert _messages(app)[0] == "retrying"
        # the entry that was open stays open and focused
        again = list(app.screen.query(LogEntry))[2]
        assert again.entry["message"] == "entry 2 of 3"
        assert again.expanded and app.focused is again


async def test_no_polling_while_the_logs_tab_is_hidden(make_app, write_logs):
    write_logs("gateway_stripe", 2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_logs(app, pilot)
        panel = app.screen.query_one(LogsPanel)
        assert panel._on_view()
        await pilot.press("f1")
        await pilot.pause()
        await pilot.pause()  # the tab switch lands a message later
        assert not panel._on_view()
        await pilot.press("f3")
        await pilot.pause()
        assert panel._on_view()
        app.open_bundle("sync_medusa")  # another screen over this one
        await pilot.pause()
        assert not panel._on_view()
