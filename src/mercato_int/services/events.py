"""Lifecycle events (spec §7): kept in an outbox table that is also the audit trail, and
delivered to in-process subscribers after the change they describe has been committed."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Connection

from mercato_int.errors import Grouped, InvalidInput, msg
from mercato_int.scope import TenantScope
from mercato_int.services.features import VIEW
from mercato_int.services.policy import Guard, requires
from mercato_int.store.bound import BoundInsert, new_uuids
from mercato_int.store.engine import Store
from mercato_int.store.schema import EVENTS

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlmodel import Session

# Reads (`events`, `show`) go through Core on EVENTS (store/schema.py), not the ORM (~130 ms
# to import).

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

# Audit-only events, outside the seven of the spec: access control decisions and changes.
ACCESS_DENIED = "integrations.access.denied"
ACCESS_GRANTED = "integrations.access.granted"
ACCESS_REVOKED = "integrations.access.revoked"
TOKEN_CREATED = "integrations.tokens.created"
TOKEN_REVOKED = "integrations.tokens.revoked"
# `creds export` (which ids left the store, encrypted or not) and `logs scrub` (counts)
CREDENTIALS_EXPORTED = "integrations.credentials.exported"
LOGS_SCRUBBED = "integrations.logs.scrubbed"

AUDIT_EVENT_TYPES: dict[str, str] = {
    ACCESS_DENIED: "Access Denied",
    ACCESS_GRANTED: "Access Granted",
    ACCESS_REVOKED: "Access Revoked",
    TOKEN_CREATED: "API Token Created",
    TOKEN_REVOKED: "API Token Revoked",
    CREDENTIALS_EXPORTED: "Credentials Exported",
    LOGS_SCRUBBED: "Logs Scrubbed",
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


@dataclass(frozen=True)
class NewEvent:
    """An event to record with `record_many`."""

    type: str
    scope: TenantScope
    actor: str | None
    subject_id: str | None
    payload: dict[str, Any]


@dataclass
class DeliveryFailure:
    event: Event
    subscriber: str
    error: str


@dataclass
class EventsService:
    store: Store
    clock: Callable[[], datetime]
    guard: Guard
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
        from mercato_int.store.tables import IntegrationEvent

        if type not in EVENT_TYPES and type not in AUDIT_EVENT_TYPES:
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
        if session.get_bind().dialect.name == "postgresql":  # wakes `events -f` at commit
            from mercato_int.services.follow import notify_sql

            session.execute(text(notify_sql(EVENTS.name)))
        return Event(
            id=str(row.id),
            type=type,
            subject_id=subject_id,
            scope=scope,
            actor=actor,
            payload=row.payload,
            created_at=row.created_at,
        )

    def record_many(self, session: Session | Connection, items: Sequence[NewEvent]) -> list[Event]:
        """`record` of many events in one statement (Core, no ORM object per event), inside
        the caller's transaction (a session's or a Core connection's), in order."""
        if any(
            item.type not in EVENT_TYPES and item.type not in AUDIT_EVENT_TYPES for item in items
        ):
            raise ValueError(f"unknown event type in {sorted({i.type for i in items})!r}")
        now = self.clock()
        ids = new_uuids(len(items))
        events = [
            Event(str(ids[n]), i.type, i.subject_id, i.scope, i.actor, i.payload, now)
            for n, i in enumerate(items)
        ]
        if events:
            # bound by hand, many rows a statement (store/bound.py): a health run of 1,000
            # tenants records 3,000
            conn = session if isinstance(session, Connection) else session.connection()
            insert = _event_insert(conn.dialect)
            rows = [
                (
                    ids[n],
                    e.type,
                    e.subject_id,
                    e.actor,
                    e.payload,
                    e.scope.organization_id,
                    e.scope.tenant_id,
                    now,
                )
                for n, e in enumerate(events)
            ]
            insert.execute(conn, rows)
            if self.store.dialect == "postgresql":  # wakes `events -f` at commit
                from mercato_int.services.follow import notify_sql

                conn.exec_driver_sql(notify_sql(EVENTS.name))
        return events

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
                    # Reported to the caller (the CLI warns on stderr); debug here, not twice.
                    log.debug("subscriber %s failed on %s: %s", name, event.type, exc)
        self.failures.extend(failures)
        self._mark_delivered(events)
        return failures

    def _mark_delivered(self, events: list[Event]) -> None:
        if not events:
            return
        with self.store.engine.begin() as conn:  # one statement: Core, no ORM
            conn.execute(
                update(EVENTS)
                .where(EVENTS.c.id.in_([uuid.UUID(e.id) for e in events]))
                .values(delivered_at=self.clock())
            )

    # --- the audit trail --------------------------------------------------------------------
    @requires(VIEW)
    def query(
        self,
        scope: TenantScope,
        *,
        types: Sequence[str] | None = None,
        subject_ids: Sequence[str] | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> tuple[list[Event], int]:
        """Events of `scope`, oldest first: the last `limit` of those matching, and how many
        match in all."""
        with self.store.connect() as conn:
            return _query(conn, scope, types, subject_ids, since, limit)

    @requires(VIEW)
    def follow(
        self,
        scope: TenantScope,
        *,
        types: Sequence[str] | None = None,
        since: datetime | None = None,
        backlog: int = 0,
        interval: float | None = None,
        stop: Callable[[], bool] = lambda: False,
    ) -> Iterator[Event]:
        """The last `backlog` events matching (from `since`), then every event of `scope`
        committed from now on, in the order they were stored, until `stop()`. Follows the
        insertion order (services/follow.py), not created_at: an event stamped by a host
        whose clock is behind, or committed late, is still seen, once. `interval`: the longest
        wait between reads (default: 0.5 s on SQLite; on Postgres a notification wakes it,
        with a read every 10 s in case one is lost)."""
        from mercato_int.services.follow import follow

        def last_events(conn: Any) -> list[Event]:
            if backlog <= 0:
                return []
            return _query(conn, scope, types, None, since, backlog)[0]

        yield from follow(
            self.store,
            EVENTS,
            _where(scope, types, None, None),
            convert=lambda row: _event(row, scope),
            backlog=last_events,
            poll_seconds=interval,
            should_stop=stop,
        )

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers().append(subscriber)

    def _subscribers(self) -> list[Subscriber]:
        if self.subscribers is None:
            self.subscribers = load_subscribers()
        return self.subscribers


MAX_LIMIT = 1_000_000_000  # beyond the databases' 64-bit LIMIT long before


def _where(
    scope: TenantScope,
    types: Sequence[str] | None,
    subject_ids: Sequence[str] | None,
    since: datetime | None,
) -> list[Any]:
    for t in types or ():
        check_type(t)
    where = [
        EVENTS.c.organization_id == scope.organization_id,
        EVENTS.c.tenant_id == scope.tenant_id,
    ]
    if types:
        where.append(EVENTS.c.type.in_(list(types)))
    if subject_ids:
        where.append(EVENTS.c.subject_id.in_(list(subject_ids)))
    if since is not None:
        where.append(EVENTS.c.created_at >= since)
    return where


def _query(
    conn: Any,
    scope: TenantScope,
    types: Sequence[str] | None,
    subject_ids: Sequence[str] | None,
    since: datetime | None,
    limit: int | None,
) -> tuple[list[Event], int]:
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(msg("state.events.bad_limit", maximum=Grouped(MAX_LIMIT), limit=limit))
    where = _where(scope, types, subject_ids, since)
    stmt = select(EVENTS).where(*where).order_by(EVENTS.c.created_at.desc(), EVENTS.c.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    total = conn.execute(select(func.count()).select_from(EVENTS).where(*where)).scalar()
    rows = conn.execute(stmt).all()
    return [_event(r, scope) for r in reversed(rows)], int(total or 0)


def check_type(type: str) -> str:
    """`type` if it is a known event type (the seven of the spec or an audit-only one);
    InvalidInput naming them otherwise."""
    if type not in EVENT_TYPES and type not in AUDIT_EVENT_TYPES:
        known = [*EVENT_TYPES, *AUDIT_EVENT_TYPES]
        raise InvalidInput(
            msg("state.events.unknown_type", type=type),
            hint=msg("state.events.unknown_type.hint", known=", ".join(known)),
        )
    return type


def resolve_type(value: str) -> str:
    """A known event type, where `integration.enabled` is short for
    `integrations.integration.enabled`; InvalidInput naming the known ones otherwise."""
    known = {**EVENT_TYPES, **AUDIT_EVENT_TYPES}
    if value not in known and f"integrations.{value}" in known:
        return f"integrations.{value}"
    return check_type(value)


def _event(row: Any, scope: TenantScope) -> Event:
    return Event(
        id=_uuid_text(row.id),
        type=row.type,
        subject_id=row.subject_id,
        scope=scope,
        actor=row.actor,
        payload=row.payload,
        created_at=row.created_at,
    )


def _uuid_text(value: Any) -> str:
    # Postgres hands back a UUID, SQLite the 32 hex digits the ORM stored
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


_EVENT_COLUMNS = (
    "id",
    "type",
    "subject_id",
    "actor",
    "payload",
    "organization_id",
    "tenant_id",
    "created_at",
)
_EVENT_INSERTS: dict[int, BoundInsert] = {}


def _event_insert(dialect: Dialect) -> BoundInsert:
    found = _EVENT_INSERTS.get(id(dialect))
    if found is None or found.dialect is not dialect:
        found = _EVENT_INSERTS[id(dialect)] = BoundInsert(EVENTS, _EVENT_COLUMNS, dialect)
    return found


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
