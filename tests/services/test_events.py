"""`events -f` follows the insertion order, as `logs -f` does: an event stamped by a clock
that is behind (another host) or committed late is still shown, once."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from mercato_int.errors import InvalidInput
from mercato_int.scope import TenantScope
from mercato_int.services import Services
from mercato_int.settings import Settings
from mercato_int.store.types import JSONType, UTCDateTime

OLD = datetime(2020, 1, 1, tzinfo=UTC)
EVENTS = sa.table(
    "integration_events",
    *(sa.column(name) for name in ("type", "subject_id", "organization_id", "tenant_id")),
    sa.column("id", sa.Uuid()),
    sa.column("payload", JSONType()),
    sa.column("created_at", UTCDateTime()),
)


def _follow(services, got: list[str], stop: threading.Event, **kw: object) -> threading.Thread:
    def run() -> None:
        for e in services.events.follow(TenantScope(), interval=0.05, stop=stop.is_set, **kw):
            got.append(f"{e.type.rsplit('.', 1)[-1]} {e.subject_id}")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(0.3)
    return thread


def _wait(got: list[str], n: int) -> list[str]:
    deadline = time.monotonic() + 10
    while len(got) < n and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)
    return list(got)


def test_an_event_stamped_by_a_clock_behind_is_shown(services) -> None:
    services.state.enable(["carrier_dhl"], TenantScope(), actor="ann")
    got: list[str] = []
    stop = threading.Event()
    thread = _follow(services, got, stop, backlog=1)
    behind = Services(Settings.load(), clock=lambda: OLD)  # another host, its clock in 2020
    try:
        assert _wait(got, 1) == ["enabled carrier_dhl"]
        behind.state.disable(["carrier_dhl"], TenantScope(), actor="bob")
        behind.state.enable(["gateway_stripe"], TenantScope("default", "other"), actor="bob")
        assert _wait(got, 2) == ["enabled carrier_dhl", "disabled carrier_dhl"]
    finally:
        stop.set()
        thread.join(timeout=10)
        behind.close()


@pytest.mark.postgres
def test_a_late_commit_is_shown(services) -> None:
    if services.store.dialect != "postgresql":
        pytest.skip("SQLite writers take turns: seq order is commit order")
    got: list[str] = []
    stop = threading.Event()
    thread = _follow(services, got, stop)
    slow = services.store.engine.connect()
    try:
        slow.execute(
            sa.insert(EVENTS).values(
                id=uuid.uuid4(),
                type="integrations.integration.enabled",
                subject_id="sync_medusa_orders",
                payload={},
                organization_id="default",
                tenant_id="default",
                created_at=datetime.now(UTC),
            )
        )
        services.state.enable(["carrier_dhl"], TenantScope(), actor="ann")  # commits first
        assert _wait(got, 1) == ["enabled carrier_dhl"]
        slow.commit()
        assert _wait(got, 2) == ["enabled carrier_dhl", "enabled sync_medusa_orders"]
    finally:
        slow.close()
        stop.set()
        thread.join(timeout=10)


@pytest.mark.parametrize("limit", [0, 10**9 + 1, 2**63, 10**30])
def test_a_limit_out_of_range_is_refused(services, limit: int) -> None:
    with pytest.raises(InvalidInput, match=r"^limit must be between 1 and 1,000,000,000, not "):
        services.events.query(TenantScope(), limit=limit)
