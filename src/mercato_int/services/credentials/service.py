"""Credentials (spec §2): encrypted at rest, checked against the field schema, masked on read,
and falling through from a bundled integration to its bundle's row.

Every call is scoped. Decrypted values only leave this module as `Credentials` (a dict whose
repr masks the secrets); errors name the integration and scope, never a value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from mercato_int.errors import InvalidInput, Joined, KeyProblem, NotFound, msg, msg_n, scope_msg
from mercato_int.keys import MasterKey, MasterKeys
from mercato_int.registry import CredentialField, IntegrationDefinition, Registry
from mercato_int.scope import TenantScope
from mercato_int.services import events as kinds
from mercato_int.services.credentials import rows, sealing
from mercato_int.services.credentials.schema import (
    Credentials,
    gives_whole_form,
    mask_value,
    merge_values,
)
from mercato_int.services.credentials.sealing import Undecryptable
from mercato_int.services.credentials.views import (
    BUNDLE,
    NONE,
    OWN,
    CredentialsView,
    FieldOrigin,
    SaveResult,
    field_origins,
)
from mercato_int.services.events import EventsService
from mercato_int.services.features import CREDENTIALS
from mercato_int.services.policy import Guard, requires
from mercato_int.store.engine import Store


class CredentialsService:
    def __init__(
        self,
        *,
        guard: Guard,
        store: Store,
        registry: Registry,
        keys: MasterKeys,
        events: EventsService,
        clock: Callable[[], datetime],
    ) -> None:
        self.guard = guard
        self.store = store
        self.registry = registry
        self.keys = keys
        self.events = events
        self.clock = clock

    # --- schema -------------------------------------------------------------------------------
    def _bundle_id(self, integration_id: str) -> str | None:
        item = self.registry.get(integration_id)
        if isinstance(item, IntegrationDefinition) and item.bundle_id in self.registry.bundles:
            return item.bundle_id
        return None

    @requires(CREDENTIALS)
    def write_target(
        self, integration_id: str, *, command: str = "set", scope: TenantScope
    ) -> tuple[str, tuple[CredentialField, ...]]:
        """(owner id, fields) a save to `integration_id` writes: its own form. A member of a
        bundle with no fields of its own is refused with the command that works (in `scope`)."""
        item = self.registry.get(integration_id)
        bundle_id = self._bundle_id(integration_id)
        if not item.fields and bundle_id:
            flags = scope.cli_flags()
            raise InvalidInput(
                msg("creds.err.on_bundle", integration=integration_id, bundle=bundle_id),
                hint=msg("creds.hint.set_on_bundle", bundle=bundle_id, flags=flags)
                if command == "set"
                else msg("creds.hint.on_bundle", command=command, bundle=bundle_id, flags=flags),
            )
        if not item.fields:
            raise InvalidInput(msg("creds.err.takes_none", integration=integration_id))
        return item.id, item.fields

    def _fields_of(self, owner_id: str) -> tuple[CredentialField, ...]:
        return self.registry.get(owner_id).fields

    # --- encryption ---------------------------------------------------------------------------
    def _open(self, row: Row[Any], scope: TenantScope) -> dict[str, Any]:
        return sealing.open_row(row, scope, keys=self.keys, fields_of=self._fields_of)

    def _seal(self, values: dict[str, Any], key: MasterKey, owner_id: str, scope: TenantScope):
        return sealing.seal_values(values, key, owner_id, scope)

    def _writing_key(self, session: Any) -> tuple[MasterKey, bool]:
        """The active key; on a first save with no key anywhere, a new one. Never a new key
        while rows encrypted under a key that cannot be found exist."""
        active = self.keys.active()
        if active is not None:
            return active, False
        in_use = {k: n for k, n in rows.count_by_key(session=session).items() if n}
        if in_use:
            kids = Joined(
                ", ",
                [
                    msg_n("creds.kid_rows", n, kid=k or msg("creds.unknown_kid"))
                    for k, n in in_use.items()
                ],
            )
            raise KeyProblem(
                msg("creds.err.no_key_but_rows", kids=kids, places=self.keys.places_text()),
                hint=msg("creds.hint.no_new_key"),
            )
        return self.keys.create()

    # --- reads --------------------------------------------------------------------------------
    def _effective(
        self, integration_id: str, scope: TenantScope
    ) -> tuple[str, Row[Any] | None, dict[str, Row[Any]]]:
        """(source, row that applies, all rows found) for the integration and its bundle."""
        bundle_id = self._bundle_id(integration_id)
        ids = [integration_id] + ([bundle_id] if bundle_id else [])
        with self.store.connect() as conn:  # a read: Core, no ORM
            found = rows.find_rows(session=conn, owner_ids=ids, scope=scope)
        if integration_id in found:
            return OWN, found[integration_id], found
        if bundle_id and bundle_id in found:
            return BUNDLE, found[bundle_id], found
        return NONE, None, found

    @requires(CREDENTIALS)
    def resolve(self, integration_id: str, scope: TenantScope) -> Credentials:
        """The decrypted values that apply: the integration's own row, else its bundle's row,
        else empty. The result is a dict whose repr() masks the secrets."""
        _, row, _ = self._effective(integration_id, scope)
        if row is None:
            return Credentials()
        values = self._open(row, scope)
        return Credentials(values, secret_keys=self._secret_keys(row.integration_id, values))

    def _secret_keys(self, owner_id: str, values: Mapping[str, Any]) -> set[str]:
        by_key = {f.key: f for f in self._fields_of(owner_id)}
        # a stored key the schema no longer declares is treated as a secret
        return {k for k in values if k not in by_key or by_key[k].is_secret}

    @requires(CREDENTIALS)
    def secret_values(self, integration_id: str, scope: TenantScope) -> set[str]:
        """The current secret values of an integration in `scope` (own row or bundle row), for
        redacting logs. Empty when nothing is stored or the integration is unknown."""
        if integration_id not in self.registry.integrations and not self.registry.is_bundle(
            integration_id
        ):
            return set()
        creds = self.resolve(integration_id, scope)
        return {str(creds[k]) for k in creds.secret_keys if creds.get(k) not in (None, "")}

    def _view(self, integration_id: str, scope: TenantScope, *, reveal: bool) -> CredentialsView:
        source, row, found = self._effective(integration_id, scope)
        if row is None:
            item = self.registry.get(integration_id)
            bundle_id = self._bundle_id(integration_id)
            fields = item.fields or (self._fields_of(bundle_id) if bundle_id else ())
            return CredentialsView(
                integration_id=integration_id,
                owner_id=item.id if item.fields or not bundle_id else bundle_id,
                source=NONE,
                fields=fields,
                values={},
                secret_fields_configured={f.key: False for f in fields if f.is_secret},
            )
        values = self._open(row, scope)
        fields = self._fields_of(row.integration_id)
        by_key = {f.key: f for f in fields}
        shown = {
            k: v if reveal else mask_value(by_key.get(k), v)
            for k, v in values.items()
            if v not in (None, "")
        }
        return CredentialsView(
            integration_id=integration_id,
            owner_id=row.integration_id,
            source=source,
            fields=fields,
            values=shown,
            secret_fields_configured={
                f.key: values.get(f.key) not in (None, "") for f in fields if f.is_secret
            },
            updated_at=row.updated_at,
            updated_by=row.updated_by,
            revealed=reveal,
            version=found[integration_id].version if integration_id in found else 0,
        )

    @requires(CREDENTIALS)
    def read_masked(self, integration_id: str, scope: TenantScope) -> CredentialsView:
        """The effective credentials with every configured secret as `••••••••` and URLs
        without user:password."""
        return self._view(integration_id, scope, reveal=False)

    @requires(CREDENTIALS)
    def reveal(self, integration_id: str, scope: TenantScope, *, actor: str) -> CredentialsView:
        """The effective credentials in plaintext. An audit entry (who, when, which fields) is
        committed before the values are handed out."""
        view = self._view(integration_id, scope, reveal=True)
        if view.source == NONE:
            return view
        with self.store.session() as session:
            ev = self.events.record(
                session,
                kinds.CREDENTIALS_REVEALED,
                scope=scope,
                actor=actor,
                subject_id=view.owner_id,
                payload={
                    "integrationId": integration_id,
                    "credentialsOf": view.owner_id,
                    "source": view.source,
                    "fields": sorted(view.values),
                    "actor": actor,
                    **scope.as_dict(),
                },
            )
        self.events.deliver([ev])
        return view

    @requires(CREDENTIALS)
    def explain(self, integration_id: str, scope: TenantScope) -> list[FieldOrigin]:
        """Per field of the integration and its bundle: where the effective value comes from
        (this integration's row, its bundle's row, or unset), masked."""
        item = self.registry.get(integration_id)
        bundle_id = self._bundle_id(integration_id)
        _, _, found = self._effective(integration_id, scope)
        own = self._open(found[integration_id], scope) if integration_id in found else None
        bundle = self._open(found[bundle_id], scope) if bundle_id and bundle_id in found else None
        return field_origins(
            item.fields,
            self._fields_of(bundle_id) if bundle_id else (),
            integration_id=integration_id,
            bundle_id=bundle_id,
            own=own,
            bundle=bundle,
        )

    # --- writes -------------------------------------------------------------------------------
    @requires(CREDENTIALS)
    def save(
        self,
        integration_id: str,
        values: Mapping[str, Any],
        scope: TenantScope,
        *,
        actor: str,
        expected_version: int | None = None,
    ) -> SaveResult:
        """Check `values` against the schema, merge them into the stored ones (None or ""
        clears a field; the mask keeps a stored secret), encrypt and write, in one
        transaction; emits `integrations.credentials.updated` with the changed field keys
        (never values).

        The write is compare-and-set on the row's version, in the UPDATE itself (or an
        insert that only succeeds if no row exists). `expected_version` (0: no row yet) makes
        the save conditional on what the caller read: VersionConflict if the row is at
        another version. Without it, the condition is the version read in this transaction."""
        owner_id, fields = self.write_target(integration_id, scope=scope)
        if not values:
            raise InvalidInput(
                msg("creds.err.no_fields", owner=owner_id),
                hint=msg("creds.hint.no_fields", fields=", ".join(f.key for f in fields)),
            )
        created: MasterKey | None = None
        with self.store.session() as session:
            rows.lock_row(session=session, owner_id=owner_id, scope=scope)
            row = rows.find_rows(session=session, owner_ids=[owner_id], scope=scope).get(owner_id)
            current = row.version if row is not None else 0
            if expected_version is not None and expected_version != current:
                # no key is created and nothing encrypted for a save that cannot apply
                raise rows.version_conflict(owner_id, scope, expected_version, current)
            replaced = False
            try:
                stored = self._open(row, scope) if row is not None else {}
            except Undecryptable:
                # the unreadable values are never merged: a save that gives every required
                # field (every field when none is) replaces the row, anything less is refused
                if not gives_whole_form(fields, values):
                    raise
                stored, replaced = {}, True
            merged, changed = merge_values(owner_id, fields, stored, values)
            if not changed and row is not None:
                return SaveResult(owner_id=owner_id, changed=[], version=current)
            key, is_new = self._writing_key(session)
            created = key if is_new else None
            write = dict(
                session=session,
                owner_id=owner_id,
                scope=scope,
                envelope=self._seal(merged, key, owner_id, scope),
                kid=key.kid,
                actor=actor,
                now=self.clock(),
            )
            if current == 0:
                applied = rows.insert_row(**write)
            else:
                applied = rows.update_row_if_version(version=current, **write)
            if not applied:  # another writer got there between the read and the write
                found = rows.find_rows(session=session, owner_ids=[owner_id], scope=scope)
                now_at = found[owner_id].version if owner_id in found else 0
                raise rows.version_conflict(owner_id, scope, current, now_at)
            ev = self.events.record(
                session,
                kinds.CREDENTIALS_UPDATED,
                scope=scope,
                actor=actor,
                subject_id=owner_id,
                payload={
                    "integrationId": owner_id,
                    "changedFields": sorted(changed),
                    **({"replacedUnreadable": True} if replaced else {}),
                    "actor": actor,
                    **scope.as_dict(),
                },
            )
        self.events.deliver([ev])
        self._record_use(key.kid)
        return SaveResult(
            owner_id=owner_id,
            changed=sorted(changed),
            created_key=created,
            version=current + 1,
            notes=[msg("creds.replaced_unreadable", owner=owner_id)] if replaced else [],
        )

    def _record_use(self, kid: str) -> None:
        """Record, beside the keys, that this store has rows under `kid`, so `keys drop` run
        against another store sharing the key source sees it (written once per store and key;
        a record that cannot be written does not undo the save)."""
        from mercato_int.services.credentials.keys import store_identity

        self.keys.record_uses(store_identity(self.store), {kid: 1}, complete=False)

    @requires(CREDENTIALS)
    def remove(
        self, integration_id: str, scope: TenantScope, *, actor: str, if_version: int | None = None
    ) -> str:
        """Hard-delete the integration's own row (a bundle id: the bundle's row); emits
        `integrations.credentials.removed`. Returns the id whose row was removed. With
        `if_version`, only a row still at that version (VersionConflict otherwise, nothing
        removed; the compare and the delete are one statement)."""
        owner_id, _ = self.write_target(integration_id, command="unset", scope=scope)
        with self.store.session() as session:
            row = rows.find_rows(session=session, owner_ids=[owner_id], scope=scope).get(owner_id)
            fields: list[str] | None
            try:
                stored = self._open(row, scope) if row is not None else {}
                fields = sorted(k for k, v in stored.items() if v not in (None, ""))
            except KeyProblem:  # unreadable or its key is gone: which keys it held is unknown
                fields = None
            removed = rows.delete_row(
                session=session, owner_id=owner_id, scope=scope, version=if_version
            )
            if not removed and row is not None and if_version is not None:  # another version
                now = rows.find_rows(session=session, owner_ids=[owner_id], scope=scope)
                current = int(now[owner_id].version) if owner_id in now else 0
                raise rows.version_conflict(owner_id, scope, if_version, current)
            if not removed:
                bundle_id = self._bundle_id(owner_id)
                raise NotFound(
                    msg("creds.err.none_set", owner=owner_id, scope=scope_msg(scope)),
                    hint=(
                        msg(
                            "creds.hint.uses_bundle",
                            owner=owner_id,
                            bundle=bundle_id,
                            flags=scope.cli_flags(),
                        )
                        if bundle_id
                        else None
                    ),
                )
            ev = self.events.record(
                session,
                kinds.CREDENTIALS_REMOVED,
                scope=scope,
                actor=actor,
                subject_id=owner_id,
                payload={
                    "integrationId": owner_id,
                    "removedFields": fields,
                    "actor": actor,
                    **scope.as_dict(),
                },
            )
        self.events.deliver([ev])
        return owner_id
