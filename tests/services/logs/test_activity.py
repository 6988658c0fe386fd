"""Activity figures for the marketplace sparklines, on SQLite and Postgres."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mercato_int.scope import TenantScope

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def fixed(services):
    services.clock = lambda: NOW
    for name in ("logs", "log_activity"):
        services.__dict__.pop(name, None)
    return services


def _write(svc, when, level="info", integration="gateway_stripe", scope=None):
    svc.clock = lambda: when
    svc.__dict__.pop("logs", None)
    svc.logs.log(
        integration_id=integration,
        level=level,
        operation="op",
        message="m",
        scope=scope or TenantScope(),
    )


def test_daily_counts_and_error_rate(fixed):
    _write(fixed, NOW - timedelta(hours=1))
    _write(fixed, NOW - timedelta(hours=2), level="error")
    _write(fixed, NOW - timedelta(days=3))
    _write(fixed, NOW - timedelta(days=29, hours=11))  # first day of the window
    _write(fixed, NOW - timedelta(days=31))  # outside
    _write(fixed, NOW, integration="carrier_dhl")
    _write(fixed, NOW, scope=TenantScope(tenant_id="other"), level="error")
    fixed.clock = lambda: NOW
    fixed.__dict__.pop("log_activity", None)
    got = fixed.log_activity.figures(TenantScope(), ["gateway_stripe", "sync_medusa_orders"])
    stripe = got["gateway_stripe"]
    assert len(stripe.daily) == 30
    assert stripe.daily[-1] == 2
    assert stripe.daily[-4] == 1
    assert stripe.daily[0] == 1
    assert stripe.total == 4
    assert stripe.errors == 1
    assert stripe.error_rate == 0.25
    assert got["sync_medusa_orders"].total == 0
    assert got["sync_medusa_orders"].error_rate is None
    assert "carrier_dhl" not in got
