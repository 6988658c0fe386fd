"""Policy is in the core: every service method that reads or writes tenant data refuses a
caller who lacks its feature (walking the services, not the commands), and no front end
imports the features to decide anything itself."""

from __future__ import annotations

import ast
import asyncio
import inspect
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlmodel import select

import mercato_int
from mercato_int.errors import NotAllowed
from mercato_int.scope import TenantScope
from mercato_int.services.acl import UNCHECKED
from mercato_int.services.features import FEATURES
from mercato_int.store.tables import IntegrationEvent

SCOPE = TenantScope("org", "walk")
# The services of the container that hold tenant data (keys: installation-wide, see README).
TENANT_SERVICES = (
    "state",
    "marketplace",
    "credentials",
    "credentials_transfer",
    "health",
    "logs",
    "log_activity",
    "events",
    "retention",
    "tenant_settings",
    "acl",
    "tokens",
    "fleet",
)
# A value for each required parameter, by name: a new method with a new name fails here
# until someone says what to call it with.
ARGUMENTS = {
    "scope": SCOPE,
    "scopes": [SCOPE],
    "integration_id": "carrier_dhl",
    "some_id": "carrier_dhl",
    "ids": ["carrier_dhl"],
    "jobs": [SimpleNamespace(scope=SCOPE)],
    "rows": [SimpleNamespace(scope=SCOPE)],
    "actor": "tester",
    "by": "tester",
    "grant": "employee",
    "values": {"apiKey": "dhl-key-123456"},
    "key": "log.retention_days",
    "value": 7,
    "level": "info",
    "operation": "walk",
    "message": "walk",
    "correlation_id": None,
    "session": None,  # refused before the session is touched
    "integration_ids": ["carrier_dhl"],
    "entries": [{"level": "info", "operation": "walk", "message": "walk"}],
    "result": {"status": "healthy"},
    "checked_at": datetime(2026, 1, 1, tzinfo=UTC),
    "name": "walk-token",
    "ref": "mit_walk",
    "expires_at": None,
}
# Methods that check a feature without the `@requires` mark (they say so in UNCHECKED).
CHECKING_THEMSELVES = sorted(k for k, why in UNCHECKED.items() if why.startswith("checks "))


def _public_methods(svc: object) -> list[str]:
    return sorted(
        name
        for name, member in inspect.getmembers(type(svc))
        if not name.startswith("_") and inspect.isfunction(member)
    )


def _denials(services) -> list[IntegrationEvent]:
    with services.store.session() as session:
        return list(
            session.exec(
                select(IntegrationEvent)
                .where(IntegrationEvent.type == "integrations.access.denied")
                .order_by(IntegrationEvent.created_at)
            ).all()
        )


def _call(method, *, skip: frozenset[str] = frozenset()):
    params = inspect.signature(method).parameters.values()
    kwargs = {
        p.name: ARGUMENTS[p.name]
        for p in params
        if p.default is inspect.Parameter.empty and p.name not in skip
    }
    result = method(**kwargs)
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    return result


def test_every_public_method_of_a_tenant_service_is_checked_or_says_why_not(services):
    unmarked = [
        f"{type(svc).__name__}.{name}"
        for svc in (getattr(services, s) for s in TENANT_SERVICES)
        for name in _public_methods(svc)
        if not hasattr(getattr(type(svc), name), "required_feature")
        and f"{type(svc).__name__}.{name}" not in UNCHECKED
    ]
    assert unmarked == []
    known = {
        f"{type(svc).__name__}.{name}"
        for svc in (getattr(services, s) for s in TENANT_SERVICES)
        for name in _public_methods(svc)
    }
    assert set(UNCHECKED) - known == set()  # no stale exemption


def _checked_methods(services) -> list[tuple[str, str]]:
    out = []
    for attr in TENANT_SERVICES:
        svc = getattr(services, attr)
        for name in _public_methods(svc):
            qualified = f"{type(svc).__name__}.{name}"
            feature = getattr(getattr(type(svc), name), "required_feature", None)
            if feature or qualified in CHECKING_THEMSELVES:
                out.append((attr, name))
    return out


@pytest.fixture
def walled(services):
    """`tester` (the container's caller) lacks every feature in SCOPE: boss holds the policy."""
    services.acl.grant(SCOPE, "boss", "admin", by="boss")
    services.action = "walk"
    return services


def test_every_checked_method_refuses_a_caller_without_the_feature(walled):
    services = walled
    walked = []
    for attr, name in _checked_methods(services):
        svc = getattr(services, attr)
        before = len(_denials(services))
        with pytest.raises(NotAllowed, match=r"tester lacks integrations\.") as refused:
            result = _call(getattr(svc, name))
            if inspect.isgenerator(result):  # pragma: no cover - a generator checks at call
                next(result)
        denials = _denials(services)
        assert len(denials) == before + 1, f"{attr}.{name}: refusal not recorded"
        event = denials[-1]
        feature = event.payload["feature"]
        assert feature in FEATURES and feature in str(refused.value)
        assert (event.actor, event.tenant_id, event.payload["action"]) == (
            "tester",
            "walk",
            "walk",
        ), f"{attr}.{name}"
        walked.append(f"{attr}.{name}")
    # the walk covered the services it claims to: reads, writes and the policy itself
    for expected in (
        "state.enable",
        "credentials.reveal",
        "credentials.save",
        "health.arun",
        "health.plan_all_tenants",
        "logs.query",
        "logs.log",
        "logs.scrub",
        "credentials_transfer.export",
        "credentials_transfer.import_rows",
        "logs.write_batch",
        "events.query",
        "retention.prune",
        "tenant_settings.set",
        "marketplace.overview",
        "acl.grants",
        "acl.grant",
        "tokens.create",
        "tokens.list",
        "tokens.revoke",
    ):
        assert expected in walked
    assert len(walked) >= 35


def test_a_batched_writer_refuses_a_caller_without_manage(walled):
    refused = pytest.raises(NotAllowed, match=r"tester lacks integrations\.manage")
    with refused, walled.logs.writer() as writer:
        writer.write(
            integration_id="carrier_dhl",
            level="info",
            operation="walk",
            message="walk",
            scope=SCOPE,
        )
    assert [e.payload["feature"] for e in _denials(walled)] == ["integrations.manage"]


def test_a_checked_call_does_not_check_the_calls_it_makes_for_its_caller(services):
    """`enable` reads credentials (to warn about missing ones) on the caller's behalf: a
    manager without integrations.credentials may still enable."""
    services.acl.grant(SCOPE, "boss", "admin", by="boss")
    services.acl.grant(SCOPE, "tester", "integrations.manage", by="boss")
    change = services.state.enable(["carrier_dhl"], SCOPE, actor="tester")
    assert change.changed == ["carrier_dhl"]
    assert _denials(services) == []


# --- the front ends decide nothing ------------------------------------------------------------
FRONT_ENDS = ("cli", "tui")
FEATURE_MODULES = {"mercato_int.services.acl", "mercato_int.services.features"}
FEATURE_NAMES = {"VIEW", "MANAGE", "CREDENTIALS"}


def _front_end_sources() -> list[Path]:
    root = Path(mercato_int.__file__).parent
    return sorted(p for front in FRONT_ENDS for p in (root / front).rglob("*.py"))


def test_no_front_end_module_imports_the_feature_constants():
    found = []
    for path in _front_end_sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module in FEATURE_MODULES:
                names = {a.name for a in node.names}
                if node.module == "mercato_int.services.features" or names & FEATURE_NAMES:
                    found.append(f"{path.name}:{node.lineno} {node.module} {sorted(names)}")
            elif isinstance(node, ast.Import):
                found += [
                    f"{path.name}:{node.lineno} {a.name}"
                    for a in node.names
                    if a.name in FEATURE_MODULES
                ]
            elif isinstance(node, ast.Constant) and node.value in FEATURES:
                found.append(f"{path.name}:{node.lineno} a copy of {node.value!r}")
            elif isinstance(node, ast.Attribute) and node.attr in FEATURE_NAMES:
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert found == []
    assert len(_front_end_sources()) > 20  # the walk found the front ends
