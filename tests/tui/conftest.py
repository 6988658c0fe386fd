"""TUI tests run against a real SQLite store (the store itself is tested on both engines),
with a fixed clock and UTC local time so timelines and snapshots are stable."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

NOW = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)
TEST_MASTER_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()


async def settle(pilot) -> None:
    """Wait for the screen's workers (the 30-day activity is read off the UI thread)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only: overrides the two-engine fixture of the top conftest."""
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def clock() -> list[datetime]:
    """The services' clock; tests move it by assigning `clock[0]`."""
    return [NOW]


@pytest.fixture
def tui_services(db_url: str, clock: list[datetime], monkeypatch: pytest.MonkeyPatch) -> Iterator:
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    monkeypatch.setenv("MERCATO_INT_DATABASE_URL", db_url)
    monkeypatch.setenv("MERCATO_INT_MASTER_KEY", TEST_MASTER_KEY)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("MERCATO_INT_DEBUG", "1")  # a bug fails the test, not a notification
    time.tzset()
    svc = Services(Settings.load(), clock=lambda: clock[0])
    yield svc
    svc.close()
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def make_app(tui_services):
    def make(**kw):
        from mercato_int.tui.app import MercatoApp

        return MercatoApp(tui_services, **kw)

    return make


@pytest.fixture
def write_logs(tui_services, clock: list[datetime]):
    """write_logs(integration_id, n): `n` entries one minute apart, the newest at NOW; every
    4th is an error."""

    def write(integration_id: str, n: int, **kw) -> None:
        _write_logs(tui_services, clock, integration_id, n, **kw)

    return write


def _write_logs(svc, clock: list[datetime], integration_id: str, n: int, **kw) -> None:
    from mercato_int.scope import TenantScope

    saved = clock[0]
    for i in range(n):
        clock[0] = kw.get("end", NOW) - timedelta(minutes=n - 1 - i)
        level = kw.get("level") or ("error" if i % 4 == 3 else "info")
        svc.logs.log(
            integration_id=integration_id,
            level=level,
            operation="webhook.failed" if level == "error" else "webhook.processed",
            message=f"entry {i + 1} of {n}",
            scope=kw.get("scope") or TenantScope(),
            correlation_id=f"evt_{i + 1}",
            duration_ms=100 + i,
            details={"n": i + 1} if i % 2 else None,
        )
    clock[0] = saved


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio through anyio's pytest plugin (anyio comes with httpx)."""
    return "asyncio"


def registry_at(providers: Path):
    """The registry of the bundled providers and those in `providers`, discovered as the app
    would (for module-scoped fixtures: the screens only read it)."""
    from mercato_int.registry.discovery import discover

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MERCATO_INT_PROVIDERS_PATH", str(providers))
        from mercato_int.settings import Settings

        return discover(Settings.load().providers_path)
