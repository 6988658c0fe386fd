"""Master key status and rotation across the whole store (keys belong to the host, so these
span every tenant; no value is ever decrypted for display).

Rotation makes a new key active, then re-encrypts every row in batches, each its own
transaction: interrupted at any point (Ctrl-C, kill -9) and run again, it carries on with the
same key until no row is left under an old one. Old keys stay readable until dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, true

from mercato_int.errors import InvalidInput, Joined, KeyProblem, Phrase, msg, msg_n
from mercato_int.keys import MasterKey, MasterKeys
from mercato_int.keys.envelope import (
    EnvelopeError,
    associated_data,
    envelope_kid,
    open_envelope,
)
from mercato_int.services.credentials import rows
from mercato_int.services.credentials.rotation import ROW_COLUMNS, T, rotate_batch
from mercato_int.store.engine import Store

DEFAULT_BATCH = 500
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class KeyUse:
    kid: str
    source: str
    active: bool
    rows: int
    # other stores recorded (in the key's source) as having rows under it; None: the record
    # cannot be read, so no other store can be ruled out
    other_stores: dict[str, int] | None = None

    @property
    def can_drop(self) -> bool:
        return not self.active and self.rows == 0 and self.other_stores == {}


@dataclass(frozen=True)
class KeyStatus:
    active: MasterKey | None
    keys: list[KeyUse]
    unreadable: dict[str, int]  # key id -> rows that no available key opens
    places: str  # English: it is data (`lookedIn` of the JSON)
    verified: bool = False  # every row was decrypted (`keys status --verify`)
    damaged: tuple[dict[str, str], ...] = ()  # rows whose key is here but does not open them
    places_text: Phrase = ""  # `places` in the language of the messages, worded when shown

    @property
    def total_rows(self) -> int:
        return sum(k.rows for k in self.keys) + sum(self.unreadable.values())


@dataclass(frozen=True)
class RotationResult:
    key: MasterKey | None  # the key every row now uses; None: nothing to rotate
    resumed: bool  # carried on with a rotation an earlier run did not finish
    rows: int
    seconds: float
    old_keys: list[str]


@dataclass(frozen=True)
class ImportResult:
    source: str  # where the new keys went ("" if none was new)
    added: list[str]  # ids of the keys added
    present: int  # keys of the file this host already had


@dataclass(frozen=True)
class DropResult:
    source: str  # where the key was removed from
    forced_past: dict[str, int]  # other stores recorded as using it (dropped with --force)


def store_identity(store: Store) -> str:
    """How a store is named in the record of which stores use a key: its URL without a
    password (a SQLite file by its absolute path; a Postgres schema by its search_path)."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        url = url.set(database=str(Path(url.database).resolve()))
    from mercato_int.store.urls import redact_url  # a `?password=` too: never recorded

    return redact_url(url.set(password=None).render_as_string(hide_password=False))


class KeysService:
    def __init__(self, *, store: Store, keys: MasterKeys, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.keys = keys
        self.clock = clock

    @property
    def store_id(self) -> str:
        return store_identity(self.store)

    def _counts(self) -> dict[str, int]:
        with self.store.connect() as conn:
            counts = rows.count_by_key(session=conn)
        return {(kid or "unknown"): n for kid, n in counts.items() if n}

    def _others(self, kid: str) -> dict[str, int] | None:
        try:
            return self.keys.other_users(kid, self.store_id)
        except KeyProblem:
            return None

    def status(self, *, verify: bool = False) -> KeyStatus:
        """The active key and its source, every key id in use with its row count, and the
        rows that no available key opens. `verify` also decrypts every row (values are
        discarded) to find the ones altered or copied from elsewhere."""
        counts = self._counts()
        active = self.keys.active()
        available = self.keys.available()
        known = {k.kid for k in available}
        # what this store uses, recorded beside the keys for the other stores sharing them
        self.keys.record_uses(self.store_id, counts, complete=True)
        uses = [
            KeyUse(
                k.kid,
                k.source,
                active is not None and k.kid == active.kid,
                counts.get(k.kid, 0),
                self._others(k.kid),
            )
            for k in available
        ]
        unreadable = {kid: n for kid, n in counts.items() if kid not in known}
        damaged = tuple(self._damaged_rows()) if verify else ()
        return KeyStatus(
            active,
            uses,
            unreadable,
            self.keys.places(),
            verify,
            damaged,
            places_text=self.keys.places_text(),
        )

    def source_label(self, name: str) -> Phrase:
        """A key source's name (`MasterKey.source`, data) as the messages name it."""
        return self.keys.source_label(name)

    def _damaged_rows(self, page: int = 1000) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        after: Any = None
        while True:
            with self.store.connect() as conn:
                found = conn.execute(
                    select(*ROW_COLUMNS)
                    .where(T.c.id > after if after is not None else true())
                    .order_by(T.c.id)
                    .limit(page)
                ).all()
            if not found:
                return out
            after = found[-1].id
            for row in found:
                kid = envelope_kid(row.encrypted_values) or row.key_id  # as reads decide
                key = self.keys.find(kid) if kid else None
                if key is None:
                    continue  # counted under `unreadable` by key id
                aad = associated_data(row.integration_id, row.organization_id, row.tenant_id)
                try:
                    open_envelope(row.encrypted_values, key=key.material, aad=aad)
                except EnvelopeError:
                    out.append(
                        {
                            "integrationId": row.integration_id,
                            "organizationId": row.organization_id,
                            "tenantId": row.tenant_id,
                            "keyId": kid,
                        }
                    )

    def rotate(
        self, *, batch_size: int = DEFAULT_BATCH, on_progress: Progress | None = None
    ) -> RotationResult:
        """Make a new key active (or carry on with an unfinished rotation) and re-encrypt every
        row under it, one transaction per batch."""
        started = time.perf_counter()
        counts = self._counts()
        self.keys.reload()
        known = {k.kid for k in self.keys.available()}
        missing = {kid: n for kid, n in counts.items() if kid not in known}
        if missing:
            listed = Joined(
                ", ", [msg_n("creds.kid_rows", n, kid=kid) for kid, n in missing.items()]
            )
            raise KeyProblem(
                msg("creds.keys.err.rotate_missing", listed=listed, places=self.keys.places_text()),
                hint=msg("creds.keys.hint.rotate_missing"),
            )
        active = self.keys.active()
        if active is None:
            return RotationResult(None, False, 0, 0.0, [])
        pending = sum(n for kid, n in counts.items() if kid != active.kid)
        resumed = pending > 0
        if not resumed:
            active = self.keys.add_active()
            pending = sum(counts.values())
        done = 0
        if on_progress:
            on_progress(done, pending)
        after = None  # keyset paging: each batch starts past the last id of the one before
        while True:
            n, after = rotate_batch(self.store, self.keys, active, batch_size, after)
            if n == 0:
                if after is None:
                    break
                after = None  # one more pass from the start catches rows saved meanwhile
                continue
            done += n
            if on_progress:
                on_progress(min(done, max(pending, done)), max(pending, done))
        old = sorted(k.kid for k in self.keys.available() if k.kid != active.kid)
        self.keys.record_uses(self.store_id, self._counts(), complete=True)
        return RotationResult(active, resumed, done, time.perf_counter() - started, old)

    def drop(self, kid: str, *, force: bool = False) -> DropResult:
        """Remove an old key from its source. Refused while any row of this store still uses
        it; and, unless `force`, while another store sharing the source is recorded as using
        it (or that record cannot be read)."""
        counts = self._counts()
        _drop_guard(counts, kid)
        self.keys.record_uses(self.store_id, counts, complete=True)
        try:
            others = self.keys.other_users(kid, self.store_id)
        except KeyProblem:
            if not force:
                raise
            others = {}
        if others and not force:
            listed = Joined(
                "; ", [msg_n("creds.store_rows", n, store=k) for k, n in sorted(others.items())]
            )
            raise InvalidInput(
                msg_n("creds.keys.err.used_elsewhere", len(others), kid=kid, stores=listed),
                hint=msg("creds.keys.hint.used_elsewhere", kid=kid),
            )
        source = self.keys.drop(kid)
        self.keys.forget(kid)
        return DropResult(source, others)

    def export_keys(self, path: Path, passphrase: str) -> list[str]:
        """Write every available key (the active one first) to `path`, sealed under the
        passphrase, mode 0600; an existing file is never replaced. Returns the key ids."""
        from mercato_int.keys.backup import seal_keys
        from mercato_int.keys.sources import write_private

        self.keys.reload()
        active = self.keys.active()
        keys = self.keys.available()
        if not keys:
            raise InvalidInput(msg("creds.keys.backup.err.nothing", places=self.keys.places_text()))
        data = seal_keys(
            [k.material for k in keys],
            active=active.material if active else None,
            passphrase=passphrase,
        )
        try:
            write_private(path, data, exclusive=True)
        except FileExistsError:
            raise InvalidInput(msg("creds.keys.backup.err.exists", file=path)) from None
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise InvalidInput(
                msg("creds.keys.backup.err.cannot_write", file=path, reason=reason)
            ) from None
        return [k.kid for k in keys]

    def import_keys(self, path: Path, passphrase: str) -> ImportResult:
        """Add the keys of an export file beside the keys of this host (the active key stays
        active; with none anywhere, the export's active key becomes it). Nothing is imported
        if the passphrase is wrong or the file was altered."""
        from mercato_int.keys.backup import open_keys

        try:
            data = path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise InvalidInput(
                msg("creds.keys.backup.err.cannot_read", file=path, reason=reason)
            ) from None
        keys, active = open_keys(data, passphrase=passphrase, name=str(path))
        source, added = self.keys.add(keys, active=active)
        return ImportResult(source, added, len(keys) - len(added))


def _drop_guard(counts: dict[str, int], kid: str) -> None:
    if counts.get(kid):
        raise InvalidInput(
            msg_n("creds.keys.err.still_used", counts[kid], kid=kid),
            hint=msg("creds.keys.hint.rotate_first"),
        )
