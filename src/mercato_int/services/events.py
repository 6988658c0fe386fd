"""Lifecycle events (spec §7): kept in an outbox table that is also the audit trail, and
delivered to in-process subscribers after the change they describe has been committed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from mercato_int.scope import TenantScope
from mercato_int.store.engine import Store
from mercato_int.store.tables import IntegrationEvent

SUBSCRIBERS_ENTRY_POINT_GROUP = "mercato_int.subscribers"

INTEGRATION_ENABLED = "integrations.integration.enabled"
INTEGRATION_DISABLED = "integrations.integration.disabled"
CREDENTIALS_UPDATED = "integrations.credentials.updated"
CREDENTIALS_REMOVED = "integrations.credentials.removed"
HEALTH_CHECKED = "integrations.health.checked"
BUNDLE_ENABLED = "integrations.bundle.enabled"
BUNDLE_DISABLED = "integrations.bundle.disabled"
# Not one of the spec's seven: the audit entry of `creds get --reveal` (who saw which fields).
CREDENTIALS_REVEALED = "integrations.credentials.revealed"

EVENT_TYPES: dict[str, str] = {
    INTEGRATION_ENABLED: "Integration Enabled",
    INTEGRATION_DISABLED: "Integration Disabled",
    CREDENTIALS_UPDATED: "Credentials Updated",
    CREDENTIALS_REMOVED: "Credentials Removed",
    HEALTH_CHECKED: "Health Check Completed",
    BUNDLE_ENABLED: "Bundle Enabled",
    BUNDLE_DISABLED: "Bundle Disabled",
    CREDENTIALS_REVEALED: "Credentials Revealed (audit)",
}

log = logging.getLogger(__name__)

Subscriber = Callable[["Event"], Any]


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    subject_id: str | None
    scope: TenantScope
    actor: str | None
    payload: dict[str, Any]
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "subjectId": self.subject_id,
            "organizationId": self.scope.organization_id,
            "tenantId": self.scope.tenant_id,
            "actor": self.actor,
            "payload": self.payload,
            "createdAt": self.created_at.isoformat().replace("+00:00", "Z"),
        }


@dataclass
class DeliveryFailure:
    event: Event
    subscriber: str
    error: str


@dataclass
class EventsService:
    store: Store
    clock: Callable[[], datetime]
    subscribers: list[Subscriber] | None = None  # None: load the entry point group on first use
    failures: list[DeliveryFailure] = field(default_factory=list)

    def record(
        self,
        session: Session,
        type: str,
        *,
        scope: TenantScope,
        actor: str | None,
        subject_id: str | None,
        payload: dict[str, Any] | None = None,
    ) -> Event:
        """Add an event to the outbox inside the caller's transaction, so the event exists if
        and only if the change does. Call `deliver` with the result after the commit."""
        if type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {type!r}")
        row = IntegrationEvent(
            type=type,
            subject_id=subject_id,
            actor=actor,
            payload=payload or {},
            organization_id=scope.organization_id,
            tenant_id=scope.tenant_id,
            created_at=self.clock(),
        )
        session.add(row)
        return Event(
            id=str(row.id),
            type=type,
            subject_id=subject_id,
            scope=scope,
            actor=actor,
            payload=row.payload,
            created_at=row.created_at,
        )

    def deliver(self, events: list[Event]) -> list[DeliveryFailure]:
        """Hand committed events to every subscriber. A subscriber that raises undoes nothing;
        it is reported in the returned list (and kept in `failures`)."""
        failures: list[DeliveryFailure] = []
        for event in events:
            for subscriber in self._subscribers():
                try:
                    subscriber(event)
                except Exception as exc:
                    name = getattr(subscriber, "__qualname__", repr(subscriber))
                    failures.append(DeliveryFailure(event, name, f"{type(exc).__name__}: {exc}"))
                    log.warning("subscriber %s failed on %s: %s", name, event.type, exc)
        self.failures.extend(failures)
        return failures

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers().append(subscriber)

    def _subscribers(self) -> list[Subscriber]:
        if self.subscribers is None:
            self.subscribers = load_subscribers()
        return self.subscribers


def load_subscribers() -> list[Subscriber]:
    """Callables registered under the `mercato_int.subscribers` entry point group."""
    from importlib.metadata import entry_points

    found: list[Subscriber] = []
    for ep in entry_points(group=SUBSCRIBERS_ENTRY_POINT_GROUP):
        try:
            found.append(ep.load())
        except Exception as exc:
            log.warning("cannot load subscriber %s: %s", ep.value, exc)
    return found
