"""StateService.enable/disable: bundles, transitions, defaults, events; a second tenant
(`other`) is checked untouched in every test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mercato_int.errors import NotFound
from mercato_int.scope import TenantScope

MEDUSA = [
    "sync_medusa_products",
    "sync_medusa_customers",
    "sync_medusa_orders",
    "sync_medusa_inventory",
    "sync_medusa_webhooks",
]
HERE = TenantScope()
OTHER = TenantScope(tenant_id="other")


def assert_untouched(svc, scope: TenantScope = OTHER) -> None:
    states = svc.state.all_states(scope)
    assert not any(s.is_enabled or s.enabled_by or s.last_health_check for s in states.values())
    assert svc.events.query(scope) == ([], 0)


def test_enabling_a_bundle_enables_its_five_integrations_with_events(services) -> None:
    change = services.state.enable(["sync_medusa"], HERE, actor="alice")
    assert change.changed == MEDUSA
    assert change.bundles == ["sync_medusa"]
    states = services.state.all_states(HERE)
    for i in MEDUSA:
        assert states[i].is_enabled and states[i].enabled_by == "alice"
        assert states[i].enabled_at is not None
    assert not states["gateway_stripe"].is_enabled
    events, total = services.events.query(HERE)
    assert total == 6
    assert [(e.type, e.subject_id, e.actor) for e in events] == [
        ("integrations.bundle.enabled", "sync_medusa", "alice"),
        *[("integrations.integration.enabled", i, "alice") for i in MEDUSA],
    ]
    assert events[0].payload["integrationIds"] == MEDUSA
    assert events[1].payload["changes"] == {"isEnabled": {"from": False, "to": True}}
    assert_untouched(services)


def test_enabled_at_is_set_on_each_transition_and_only_then(services) -> None:
    ticks = iter(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n) for n in range(100))
    services.state.clock = lambda: next(ticks)
    services.events.clock = services.state.clock
    first = services.state.enable(["gateway_stripe"], HERE, actor="alice")
    at = services.state.get("gateway_stripe", HERE).enabled_at
    again = services.state.enable(["gateway_stripe"], HERE, actor="bob")
    assert (first.changed, again.changed, again.unchanged) == (
        ["gateway_stripe"],
        [],
        ["gateway_stripe"],
    )
    state = services.state.get("gateway_stripe", HERE)
    assert (state.enabled_at, state.enabled_by) == (at, "alice")  # no transition: kept
    services.state.disable(["gateway_stripe"], HERE, actor="bob")
    off = services.state.get("gateway_stripe", HERE)
    assert (off.is_enabled, off.enabled_at, off.enabled_by) == (False, None, None)
    services.state.enable(["gateway_stripe"], HERE, actor="carol")
    back = services.state.get("gateway_stripe", HERE)
    assert back.enabled_by == "carol" and back.enabled_at > at
    types = [e.type.rsplit(".", 1)[1] for e in services.events.query(HERE)[0]]
    assert types == ["enabled", "disabled", "enabled"]
    assert_untouched(services)


def test_disabling_a_bundle_flips_only_the_enabled_members(services) -> None:
    services.state.enable(["sync_medusa_orders", "sync_medusa_products"], HERE, actor="a")
    services.state.enable(["sync_medusa_orders"], OTHER, actor="o")
    change = services.state.disable(["sync_medusa"], HERE, actor="b")
    assert change.changed == ["sync_medusa_products", "sync_medusa_orders"]
    assert len(change.unchanged) == 3
    bundle_event = change.events[0]
    assert bundle_event.type == "integrations.bundle.disabled"
    assert bundle_event.payload["integrationIds"] == change.changed
    assert not any(s.is_enabled for s in services.state.all_states(HERE).values())
    other = services.state.all_states(OTHER)
    assert [i for i, s in other.items() if s.is_enabled] == ["sync_medusa_orders"]
    assert other["sync_medusa_orders"].enabled_by == "o"


def test_a_bundle_with_nothing_to_change_records_no_event(services) -> None:
    services.state.enable(["sync_medusa"], HERE, actor="a")
    change = services.state.enable(["sync_medusa"], HERE, actor="a")
    assert change.changed == [] and change.events == []
    assert services.events.query(HERE)[1] == 6
    assert_untouched(services)


def test_an_unknown_id_changes_nothing(services) -> None:
    with pytest.raises(NotFound) as caught:
        services.state.enable(["gateway_stripe", "gateway_strip"], HERE, actor="a")
    assert "did you mean gateway_stripe?" in str(caught.value)
    assert not services.state.get("gateway_stripe", HERE).is_enabled
    assert services.events.query(HERE)[1] == 0
    assert_untouched(services)


def test_a_subscriber_that_raises_does_not_undo_the_change(services) -> None:
    seen: list[str] = []

    def boom(event) -> None:
        seen.append(event.type)
        raise RuntimeError("subscriber down")

    services.events.subscribers = [boom]
    change = services.state.enable(["gateway_stripe"], HERE, actor="a")
    assert seen == ["integrations.integration.enabled"]
    assert [f.error for f in change.delivery_failures] == ["RuntimeError: subscriber down"]
    assert services.state.get("gateway_stripe", HERE).is_enabled
    assert services.events.query(HERE)[1] == 1
    assert_untouched(services)


DEFAULT_ON = """
integration = {
    "id": "webhook_ping",
    "title": "Ping",
    "category": "webhook",
    "defaultEnabled": True,
}
"""


def test_a_definition_default_state_is_respected(providers_dir, services) -> None:
    providers_dir({"ping": DEFAULT_ON})
    assert services.state.get("webhook_ping", HERE).is_enabled
    assert services.state.enable(["webhook_ping"], HERE, actor="a").changed == []
    off = services.state.disable(["webhook_ping"], HERE, actor="a")
    assert off.changed == ["webhook_ping"]
    assert not services.state.get("webhook_ping", HERE).is_enabled
    assert services.state.disable(["webhook_ping"], HERE, actor="a").changed == []
    on = services.state.enable(["webhook_ping"], HERE, actor="b")
    assert on.changed == ["webhook_ping"]
    assert services.state.get("webhook_ping", HERE).enabled_by == "b"
    assert services.state.get("webhook_ping", OTHER).is_enabled  # the default, untouched
    assert services.events.query(OTHER) == ([], 0)
