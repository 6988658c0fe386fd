"""Per-tenant state of integrations: enabled or not, and the last health check (spec §4).

Reads go through Core (see reads.py). Writes: enable and disable (a bundle id means all of
its integrations) in one transaction with atomic upserts, the audit events of each change,
and the health result on the state."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import false, select, true, update

from mercato_int.errors import InvalidInput, MercatoIntError, Phrase, msg
from mercato_int.registry import Registry
from mercato_int.scope import TenantScope
from mercato_int.services.credentials.requirements import MissingCredentials, requirements
from mercato_int.services.features import MANAGE, VIEW
from mercato_int.services.policy import Guard, requires
from mercato_int.services.state import rows
from mercato_int.services.state.reads import (
    StateView,
    effective_views,
    read_credentials_times,
    read_fleet_rows,
    read_state_rows,
)
from mercato_int.services.state.rows import HealthWrite, upsert_health
from mercato_int.shapes.base import utc_text
from mercato_int.store.engine import Store
from mercato_int.store.schema import STATES

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

    from mercato_int.services.events import DeliveryFailure, Event, EventsService


class CredentialsResolver(Protocol):
    def resolve(self, integration_id: str, scope: TenantScope) -> dict[str, Any]: ...


@dataclass
class StateChange:
    """What an `enable` or `disable` did in one scope."""

    scope: TenantScope
    actor: str
    enabled: bool  # the state asked for
    changed: list[str]  # integrations whose state flipped
    unchanged: list[str]  # integrations that were already in that state
    bundles: list[str]  # bundle ids that were asked for
    events: list[Event] = field(default_factory=list)
    delivery_failures: list[DeliveryFailure] = field(default_factory=list)
    missing_credentials: list[MissingCredentials] = field(default_factory=list)
    notes: list[Phrase] = field(default_factory=list)  # e.g. credentials that could not be read
    # the version of each target's state row after the change (0: none), read in its
    # transaction: the ETag a conditional write gives next
    versions: dict[str, int] = field(default_factory=dict)


class StateService:
    """The state of integrations in a scope: read it, enable and disable, store health."""

    def __init__(
        self,
        *,
        guard: Guard,
        store: Store,
        registry: Registry,
        clock: Callable[[], datetime],
        events: EventsService | None = None,
        credentials: Callable[[], CredentialsResolver] | None = None,
    ) -> None:
        self.guard = guard
        self.store = store
        self.registry = registry
        self.clock = clock
        self.events = events
        # A getter: reading credentials needs the master key, which only `enable` pays for.
        self._credentials = credentials

    @requires(VIEW)
    def all_states(self, scope: TenantScope) -> dict[str, StateView]:
        """The effective state of every registered integration in `scope`."""
        with self.store.connect() as conn:
            rows = read_state_rows(conn, scope=scope)
            credentials = read_credentials_times(conn, scope=scope)
        return effective_views(self.registry, self.registry.integrations, rows, credentials)

    @requires(VIEW)
    def all_states_of(
        self, scopes: list[TenantScope], *, results: bool = True
    ) -> dict[TenantScope, dict[str, StateView]]:
        """`all_states` of each of `scopes`, read in two queries (fleet runs). `results=False`:
        each last result's status only (see `read_fleet_rows`), for planning."""
        with self.store.connect() as conn:
            rows, credentials = read_fleet_rows(conn, scopes, results=results)
        ids = self.registry.integrations
        return {s: effective_views(self.registry, ids, rows[s], credentials[s]) for s in rows}

    @requires(VIEW)
    def get(self, integration_id: str, scope: TenantScope) -> StateView:
        """The effective state of one integration in `scope`."""
        self.registry.get_integration(integration_id)
        with self.store.connect() as conn:
            rows = read_state_rows(conn, scope=scope, integration_id=integration_id)
            credentials = read_credentials_times(conn, scope=scope)
        return effective_views(self.registry, [integration_id], rows, credentials)[integration_id]

    @requires(VIEW)
    def credentials_times(self, scope: TenantScope) -> dict[str, datetime]:
        """When each credentials row of `scope` was last saved, by integration or bundle id."""
        with self.store.connect() as conn:
            return read_credentials_times(conn, scope=scope)

    # --- changes --------------------------------------------------------------------------------
    @requires(MANAGE)
    def enable(
        self,
        ids: Sequence[str],
        scope: TenantScope,
        *,
        actor: str,
        if_version: int | None = None,
    ) -> StateChange:
        """Enable integrations (a bundle id means all its members) in one transaction.

        `enabledAt`/`enabledBy` are set on each disabled->enabled transition; integrations that
        were already enabled are left as they were. Required credentials that are not set do
        not stop the change: they come back in `missing_credentials`.

        `if_version` (one integration only; 0: no state row yet) makes the write conditional:
        VersionConflict, and nothing written, if its state row is at another version."""
        change = self._set(ids, scope, actor=actor, enabled=True, if_version=if_version)
        self._check_credentials(change)
        return change

    @requires(MANAGE)
    def disable(
        self,
        ids: Sequence[str],
        scope: TenantScope,
        *,
        actor: str,
        if_version: int | None = None,
    ) -> StateChange:
        """Disable integrations (a bundle id means all its members) in one transaction;
        `if_version` as for `enable`."""
        return self._set(ids, scope, actor=actor, enabled=False, if_version=if_version)

    def _set(
        self,
        ids: Sequence[str],
        scope: TenantScope,
        *,
        actor: str,
        enabled: bool,
        if_version: int | None = None,
    ) -> StateChange:
        targets = self.registry.expand(ids)  # NotFound before anything is written
        bundles = list(dict.fromkeys(i for i in ids if self.registry.is_bundle(i)))
        if if_version is not None and (len(targets) != 1 or bundles):
            raise InvalidInput(
                msg("state.err.if_version_one"), hint=msg("state.hint.if_version_one")
            )
        if if_version is not None and if_version < 0:
            raise InvalidInput(msg("state.err.if_version_negative", version=if_version))
        now = self.clock()
        recorded: list[Event] = []
        with self.store.session() as session:
            if if_version is not None:
                rows.check_version(session, targets[0], scope, if_version)
            changed = [
                i
                for i in targets
                if self._flip(
                    session, i, scope, actor=actor, to=enabled, now=now, if_version=if_version
                )
            ]
            if self.events is not None:
                recorded = self._record(session, scope, actor, enabled, bundles, changed, now)
            versions = rows.versions(session, targets, scope)
        change = StateChange(
            scope=scope,
            actor=actor,
            enabled=enabled,
            changed=changed,
            unchanged=[i for i in targets if i not in changed],
            bundles=bundles,
            events=recorded,
            versions=versions,
        )
        if recorded and self.events is not None:
            change.delivery_failures = self.events.deliver(recorded)
        return change

    def _record(
        self,
        session: Session,
        scope: TenantScope,
        actor: str,
        enabled: bool,
        bundles: list[str],
        changed: list[str],
        now: datetime,
    ) -> list[Event]:
        """The audit events of one change: the bundles first, then each integration."""
        from mercato_int.services import events as ev

        assert self.events is not None
        recorded: list[Event] = []
        flip = {"isEnabled": {"from": not enabled, "to": enabled}}
        for b in bundles:
            members = [m.id for m in self.registry.members(b)]
            flipped = [m for m in members if m in changed]
            if not flipped:
                continue  # nothing changed: nothing to audit
            recorded.append(
                self.events.record(
                    session,
                    ev.BUNDLE_ENABLED if enabled else ev.BUNDLE_DISABLED,
                    scope=scope,
                    actor=actor,
                    subject_id=b,
                    payload={
                        "bundleId": b,
                        "integrationIds": flipped,
                        "unchanged": [m for m in members if m not in changed],
                        "changes": flip,
                    },
                )
            )
        for i in changed:
            bundle_id = self.registry.integrations[i].bundle_id
            payload: dict[str, Any] = {
                "integrationId": i,
                "bundleId": bundle_id,
                "via": bundle_id if bundle_id in bundles else None,
                "changes": flip,
            }
            if enabled:
                payload["enabledAt"] = utc_text(now)
            recorded.append(
                self.events.record(
                    session,
                    ev.INTEGRATION_ENABLED if enabled else ev.INTEGRATION_DISABLED,
                    scope=scope,
                    actor=actor,
                    subject_id=i,
                    payload=payload,
                )
            )
        return recorded

    def _flip(
        self,
        session: Session,
        integration_id: str,
        scope: TenantScope,
        *,
        actor: str,
        to: bool,
        now: datetime,
        if_version: int | None = None,
    ) -> bool:
        """Set one state in one statement, bumping the row's version when it changes; True
        when it changed. A missing row means the definition's default state, so the row is
        only inserted when that default differs. `if_version`: only a row at that version
        changes (the condition is in the statement itself)."""
        definition = self.registry.integrations[integration_id]
        values: dict[str, Any] = {
            "is_enabled": to,
            "enabled_at": now if to else None,
            "enabled_by": actor if to else None,
            "updated_at": now,
        }
        was = false() if to else true()
        condition: Any = STATES.c.is_enabled == was
        if if_version is not None:
            condition = condition & (STATES.c.version == if_version)
        in_scope = (
            STATES.c.integration_id == integration_id,
            STATES.c.organization_id == scope.organization_id,
            STATES.c.tenant_id == scope.tenant_id,
        )
        if definition.default_enabled == to:
            # No row already means `to`: only an existing row in the other state changes.
            stmt: Any = (
                update(STATES)
                .where(*in_scope, condition)
                .values(**values, version=STATES.c.version + 1)
                .returning(STATES.c.id)
            )
        else:
            insert = rows.insert_for(self.store.dialect)
            stmt = insert(STATES).values(
                id=uuid.uuid4(),
                integration_id=integration_id,
                organization_id=scope.organization_id,
                tenant_id=scope.tenant_id,
                created_at=now,
                version=1,
                **values,
            )
            # Atomic upsert: the row changes only if it was in the other state, and RETURNING
            # tells us whether it did (insert or update) without reading first.
            stmt = stmt.on_conflict_do_update(
                index_elements=["integration_id", "organization_id", "tenant_id"],
                set_={**{k: stmt.excluded[k] for k in values}, "version": STATES.c.version + 1},
                where=condition,
            ).returning(STATES.c.id)
        return session.execute(stmt).first() is not None

    @requires(MANAGE)
    def store_health(
        self,
        session: Session,
        integration_ids: Sequence[str],
        scope: TenantScope,
        result: dict[str, Any],
        checked_at: datetime,
    ) -> None:
        """Put a health result on the state of each integration, inside the caller's
        transaction (an upsert: an integration never enabled keeps its default state)."""
        write = HealthWrite(tuple(integration_ids), scope, result, checked_at)
        self.store_health_many(session, [write])

    @requires(MANAGE)
    def store_health_many(self, session: Session | Connection, rows: Sequence[HealthWrite]) -> None:
        """`store_health` of many results (each on its own scope) in one statement, inside
        the caller's transaction (a session's or a Core connection's)."""
        default = {i: d.default_enabled for i, d in self.registry.integrations.items()}
        upsert_health(session, self.store.dialect, default, rows)

    def enabled_scopes(self) -> list[TenantScope]:
        """Every scope with at least one enabled integration row (for `--all-tenants`)."""
        with self.store.connect() as conn:  # a read: Core, no ORM
            rows = conn.execute(
                select(STATES.c.organization_id, STATES.c.tenant_id)
                .where(STATES.c.is_enabled == true())
                .distinct()
                .order_by(STATES.c.tenant_id, STATES.c.organization_id)
            ).all()
        return [TenantScope(organization_id=o, tenant_id=tenant) for o, tenant in rows]

    def _check_credentials(self, change: StateChange) -> None:
        if self._credentials is None:
            return
        targets = change.changed + change.unchanged
        missing: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        resolver = self._credentials()
        for i in targets:
            need = requirements(self.registry, i)
            if not need.keys:
                continue
            try:
                values = resolver.resolve(i, change.scope)
            except MercatoIntError as exc:
                change.notes.append(msg("state.cannot_check_creds", id=i, error=exc))
                continue
            keys = need.missing(values)
            if keys:
                missing.setdefault((need.owner_id, keys), []).append(i)
        change.missing_credentials = [
            MissingCredentials(
                owner_id=owner, integration_ids=tuple(ids), keys=keys, scope=change.scope
            )
            for (owner, keys), ids in missing.items()
        ]
