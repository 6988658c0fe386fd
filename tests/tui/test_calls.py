"""The TUI makes the CLI's access checks: a viewer sees the marketplace and the logs, but
neither credentials nor a switch that works."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from mercato_int.scope import TenantScope

pytestmark = pytest.mark.anyio


@pytest.fixture
def viewer_only(tui_services):
    scope = TenantScope()
    # saved before the policy exists: the container's caller is `tester`, a viewer after it
    tui_services.credentials.save(
        "carrier_dhl", {"apiKey": "dhl-key-123456", "accountNumber": "222"}, scope, actor="boss"
    )
    tui_services.acl.grant(scope, "boss", "admin", by="boss")
    tui_services.acl.grant(scope, "tester", "employee", by="boss")
    return tui_services


def _denials(svc) -> int:
    with svc.store.session() as session:
        from sqlmodel import select

        from mercato_int.store.tables import IntegrationEvent

        rows = session.exec(
            select(IntegrationEvent).where(IntegrationEvent.type == "integrations.access.denied")
        ).all()
    return len(rows)


async def test_viewer_cannot_read_credentials_or_enable(make_app, viewer_only):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert len(list(app.screen.query(".tile"))) == 7  # the marketplace is visible
        await pilot.press("space")  # enable the focused integration
        await pilot.pause()
        states = viewer_only.state.all_states(TenantScope())
        assert not any(s.is_enabled for s in states.values())

        app.open_integration("carrier_dhl")
        await pilot.pause()
        await pilot.pause()
        source = str(app.screen.query_one(".form-source", Static).render())
        assert source == (
            "not allowed: tester lacks integrations.credentials in tenant default · org default"
        )
        assert app.screen.query_one("#f-accountNumber", Input).value == ""
        assert app.screen.query_one("#form").disabled
    assert _denials(viewer_only) == 2  # one for the switch, one for the form
