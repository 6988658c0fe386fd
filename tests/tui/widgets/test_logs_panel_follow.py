"""The marketplace follows changes made elsewhere: another process's `enable`, `creds set` and
health check appear at the next poll of the change marker (every `poll_seconds`), and `r`
re-reads at once. The polls are called directly here: no test waits on a clock."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mercato_int.scope import TenantScope
from mercato_int.tui.widgets.cards import IntegrationTile

from ..conftest import settle

pytestmark = pytest.mark.anyio

SCOPE = TenantScope()


@pytest.fixture
def other(tui_services):
    """A second Services container on the same store: another operator's (boss's) process."""
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    svc = Services(Settings.load(actor="boss"))
    yield svc
    svc.close()


def _tile(app, integration_id: str) -> IntegrationTile:
    return app.screen.query_one(f"#tile-{integration_id}", IntegrationTile)


def _texts(app, integration_id: str) -> list[str]:
    return [str(line) for line in _tile(app, integration_id).lines()][:3]


async def test_another_process_enabling_shows_at_the_next_poll(make_app, db_url):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert await screen.poll_changes() is False  # nothing changed: nothing re-read
        before = _tile(app, "carrier_dhl")
        cards = screen.query_one("#cards")
        cards.scroll_to(y=8, animate=False)
        await pilot.pause()

        done = subprocess.run(
            [sys.executable, "-m", "mercato_int", "enable", "carrier_dhl"],
            env={**os.environ, "MERCATO_INT_DATABASE_URL": db_url},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert _texts(app, "carrier_dhl")[1] == "○ Disabled"  # not yet polled
        assert await screen.poll_changes() is True
        await pilot.pause()
        assert _texts(app, "carrier_dhl")[1] == "● Enabled"
        assert _tile(app, "carrier_dhl") is not before
        assert cards.scroll_y == 8  # the view stays where the operator left it
        same = _tile(app, "carrier_dhl")
        assert await screen.poll_changes() is False
        assert _tile(app, "carrier_dhl") is same


async def test_credentials_and_health_from_elsewhere_show_at_the_next_poll(make_app, other):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert _texts(app, "gateway_stripe")[2] == "Payment  no creds"
        other.credentials.save(
            "gateway_stripe",
            {"publishableKey": "pk_1", "secretKey": "sk_test_1", "webhookSecret": "whsec_1"},
            SCOPE,
            actor="someone",
        )
        assert await screen.poll_changes() is True
        await pilot.pause()
        assert _texts(app, "gateway_stripe")[2] == "Payment  creds ✓"

        # no credentials: unconfigured as soon as it is read, before any check (issue 10 item 6)
        assert _texts(app, "carrier_dhl")[0] == "DHL Parcel –"
        await other.health.arun(other.health.plan(["carrier_dhl"], SCOPE), actor="someone")
        assert await screen.poll_changes() is True
        await pilot.pause()
        assert _texts(app, "carrier_dhl")[0] == "DHL Parcel –"  # the check agrees


async def test_a_focused_button_keeps_the_focus_when_the_cards_are_re_read(make_app, other):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(".disable-all").focus()
        await pilot.pause()
        other.state.enable(["sync_medusa_orders"], SCOPE, actor="someone")
        assert await app.screen.poll_changes() is True
        await pilot.pause()
        assert app.focused is app.screen.query_one(".disable-all")  # the new card's button
        assert _texts(app, "sync_medusa_orders")[1] == "● Enabled"


async def test_r_refreshes_at_once(make_app, other):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        other.state.enable(["gateway_stripe"], SCOPE, actor="someone")
        await pilot.press("r")
        await settle(pilot)
        assert _texts(app, "gateway_stripe")[1] == "● Enabled"


async def test_the_poll_runs_every_poll_seconds_and_stops_after_a_failure(
    make_app, tui_services, other
):
    app = make_app(poll_seconds=2.5)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        timers = [t for t in screen._timers if t.name == "poll-changes"]
        assert [t._interval for t in timers] == [2.5]
        # someone takes the operator's access away: one refusal, then the poll stops asking
        # (a refusal every 2.5 s would flood the audit trail)
        other.acl.grant(SCOPE, "boss", "admin", by="boss")
        assert await screen.poll_changes() is False
        assert await screen.poll_changes() is False
        denied, _ = other.events.query(SCOPE, types=["integrations.access.denied"])
        assert len(denied) == 1
        assert app.is_running


async def test_a_stale_unconfigured_check_reads_as_unchecked_once_credentials_are_set(
    make_app, other
):
    other.state.enable(["gateway_stripe"], SCOPE, actor="someone")
    await other.health.arun(other.health.plan(["gateway_stripe"], SCOPE), actor="someone")
    other.credentials.save(
        "gateway_stripe",
        {"publishableKey": "pk_1", "secretKey": "sk_test_1", "webhookSecret": "whsec_1"},
        SCOPE,
        actor="someone",
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        texts = _texts(app, "gateway_stripe")
        assert texts[2] == "Payment  creds ✓"
        assert texts[0].strip() == "Stripe"  # not checked since: no mark, not unconfigured
