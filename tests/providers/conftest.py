"""Fixtures for the bundled providers' checks: fake Stripe, Medusa and DHL servers on 127.0.0.1
that answer as the real APIs do (see fakes.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..conftest import load_fakes

fakes = load_fakes()


@pytest.fixture
def stripe_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    server = fakes.FakeStripe(fakes.STRIPE_KEY, restricted=(fakes.STRIPE_RESTRICTED,))
    monkeypatch.setenv("MERCATO_INT_STRIPE_API_BASE", server.url)
    yield server
    server.close()


@pytest.fixture
def medusa_api() -> Iterator[object]:
    server = fakes.FakeMedusa(fakes.MEDUSA_KEY)
    yield server
    server.close()


@pytest.fixture
def dhl_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    server = fakes.FakeDhl(
        keys=(fakes.DHL_KEY,),
        logins=(fakes.DHL_SANDBOX_LOGIN, fakes.DHL_LOGIN),
        billing={"33333333330101": "V01PAK", "33333333336201": "V62KP"},
    )
    monkeypatch.setenv("MERCATO_INT_DHL_API_BASE", server.url)
    yield server
    server.close()
