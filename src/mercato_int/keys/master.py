"""Master keys: looked up in the environment, then the OS keyring, then the key file.

The first source that holds keys gives the active key (the first of its list); every key of
every source can be used for reading. A key is only ever created on a first save with no key
anywhere, and never while rows encrypted under a missing key exist (the service checks that).

Nothing here replaces a key: creating, rotating and importing re-read the source they write to
and add beside what is there; only `drop` removes one. No key is written anywhere while a
source could not be read (it may hold keys that a write would shadow or overwrite).

Several stores may share a source (one key file, one keyring entry): each records, in the
source beside the keys, which of its keys it uses (`record_uses`), so `keys drop` in one store
can see that another still needs a key (`other_users`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mercato_int.errors import InvalidInput, Joined, KeyProblem, Phrase, msg
from mercato_int.keys.envelope import generate_key, key_id
from mercato_int.keys.sources import KEY_FILE_NAME, EnvKeys, KeyFileKeys, KeyringKeys, KeySource

LOCK_FILE_NAME = ".master-keys.lock"
MAKE_KEY_COMMAND = (
    "`python3 -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'`"
)


@dataclass(frozen=True)
class MasterKey:
    """One key with its id and where it was found. The key bytes never appear in repr()."""

    kid: str
    material: bytes = field(repr=False)
    source: str


class MasterKeys:
    """The master keys of this host, from an ordered list of sources."""

    def __init__(self, sources: Sequence[KeySource], *, lock_dir: Path | None = None) -> None:
        self.sources = list(sources)
        self.lock_dir = lock_dir
        self._loaded: dict[int, list[MasterKey]] = {}

    @classmethod
    def default(
        cls, *, env_value: str | None, config_dir: Path, keyring_backend: object = None
    ) -> MasterKeys:
        """Environment, OS keyring, key file in `config_dir`: the documented lookup order."""
        return cls(
            [
                EnvKeys(env_value),
                KeyringKeys(keyring_backend),
                KeyFileKeys(config_dir / KEY_FILE_NAME),
            ],
            lock_dir=config_dir,
        )

    def _source_keys(self, i: int) -> list[MasterKey]:
        if i not in self._loaded:
            source = self.sources[i]
            self._loaded[i] = [MasterKey(key_id(k), k, source.name) for k in source.load()]
        return self._loaded[i]

    def reload(self) -> None:
        """Forget what was read, so the next lookup sees keys written by another process."""
        self._loaded.clear()

    def active(self) -> MasterKey | None:
        """The key new data is encrypted with, or None if no source holds a key."""
        for i in range(len(self.sources)):
            keys = self._source_keys(i)
            if keys:
                return keys[0]
        return None

    def find(self, kid: str) -> MasterKey | None:
        """The key with id `kid` from any source, or None."""
        for i in range(len(self.sources)):
            for key in self._source_keys(i):
                if key.kid == kid:
                    return key
        return None

    def available(self) -> list[MasterKey]:
        """Every key of every source, once each (the first place it was found wins)."""
        seen: dict[str, MasterKey] = {}
        for i in range(len(self.sources)):
            for key in self._source_keys(i):
                seen.setdefault(key.kid, key)
        return list(seen.values())

    def places(self) -> str:
        """Every place looked in and what was there, for error messages."""
        for i in range(len(self.sources)):
            with suppress(KeyProblem):  # the source's status says what was wrong
                self._source_keys(i)
        return "; ".join(s.status() for s in self.sources)

    def places_text(self) -> Joined:
        """`places()` worded when shown, in the language of the messages (`places()` itself is
        data: English)."""
        self.places()
        return Joined("; ", [s.status_text() for s in self.sources])

    def source_label(self, name: str) -> Phrase:
        """The source named `name` (as in `MasterKey.source`) in the language of the
        messages; the name itself if no source has it."""
        return next((s.label() for s in self.sources if s.name == name), name)

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """Serialise key creation between processes on this host, so two first saves at
        once cannot each create a key (one of them would be lost)."""
        if self.lock_dir is None:
            yield
            return
        self.lock_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.lock_dir / LOCK_FILE_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                import fcntl
            except ImportError:  # Windows: no advisory locks; creation is still read back
                yield
                return
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def create(self) -> tuple[MasterKey, bool]:
        """The active key, creating one (keyring, else key file) if no source holds any.
        Returns (key, created)."""
        with self._lock():
            self.reload()
            current = self.active()
            self.check_readable()
            if current is not None:
                return current, False
            new = generate_key()
            for source in self.sources:
                if not source.writable:
                    continue
                fresh = source.load()  # just before writing: another host may have added one
                self.check_readable()
                if fresh:
                    self.reload()
                    return MasterKey(key_id(fresh[0]), fresh[0], source.name), False
                if source.store([new]):
                    self.reload()
                    return MasterKey(key_id(new), new, source.name), True
        raise KeyProblem(
            msg("creds.keys.err.cannot_create", places=self.places_text()),
            hint=msg("creds.keys.hint.cannot_create"),
        )

    def add_active(self) -> MasterKey:
        """Rotation: a new key becomes active in the source of the current active key, the
        old keys are kept after it for reading."""
        with self._lock():
            self.reload()
            current = self.active()
            if current is None:
                raise KeyProblem(msg("creds.keys.err.none_to_rotate", places=self.places_text()))
            index = next(i for i, s in enumerate(self.sources) if s.name == current.source)
            source = self.sources[index]
            if not source.writable:
                raise InvalidInput(
                    msg("creds.keys.err.read_only_active", kid=current.kid, source=source.label()),
                    hint=msg("creds.keys.hint.read_only_active", command=MAKE_KEY_COMMAND),
                )
            self.check_readable()
            new = generate_key()
            keys = [new, *source.load()]  # re-read: add beside what is there now
            if not source.store(keys):
                raise KeyProblem(msg("creds.keys.err.cannot_store", status=source.status_text()))
            self.reload()
            return MasterKey(key_id(new), new, source.name)

    def drop(self, kid: str) -> str:
        """Remove a non-active key from the writable source holding it; returns the source."""
        with self._lock():
            self.reload()
            active = self.active()
            self.check_readable()
            if active is not None and active.kid == kid:
                raise InvalidInput(msg("creds.keys.err.drop_active", kid=kid))
            for i, source in enumerate(self.sources):
                keys = self._source_keys(i)
                if any(k.kid == kid for k in keys):
                    if not source.writable:
                        raise InvalidInput(
                            msg("creds.keys.err.read_only_source", kid=kid, source=source.label()),
                            hint=msg("creds.keys.hint.read_only_source"),
                        )
                    fresh = source.load()  # re-read: keep every key added meanwhile
                    if not source.store([k for k in fresh if key_id(k) != kid]):
                        raise KeyProblem(
                            msg("creds.keys.err.cannot_update", status=source.status_text())
                        )
                    self.reload()
                    return source.name
        raise InvalidInput(
            msg("creds.keys.err.no_such_key", kid=kid), hint=msg("creds.keys.hint.see_status")
        )

    def check_readable(self) -> None:
        """KeyProblem (exit 5) naming the first source whose last read failed: a source that
        may hold keys is never written to, nor is a key created or moved elsewhere instead."""
        for i in range(len(self.sources)):
            self._source_keys(i)
        for source in self.sources:
            if source.failed:
                raise KeyProblem(
                    msg("creds.keys.err.source_failed", source=source.label(), error=source.failed),
                    hint=msg("creds.keys.hint.source_failed"),
                )

    def add(self, keys: Sequence[bytes], *, active: bytes | None = None) -> tuple[str, list[str]]:
        """Import: add the keys no source holds yet beside the keys of one writable source
        (the active key's, else the first that keeps a write: keyring, then key file). The
        active key stays active; with no key anywhere, `active` becomes it. Returns (source
        name, ids of the keys added)."""
        with self._lock():
            self.reload()
            current = self.active()
            self.check_readable()
            known = {k.kid for k in self.available()}
            new = [k for k in dict.fromkeys(keys) if key_id(k) not in known]
            if not new:
                return (current.source if current else ""), []
            if active in new and current is None:
                new.remove(active)
                new.insert(0, active)
            order = list(self.sources)
            if current is not None:
                order.sort(key=lambda s: s.name != current.source)
            for source in order:
                if not source.writable:
                    continue
                fresh = source.load()
                self.check_readable()
                if source.store([*fresh, *new] if fresh else new):
                    self.reload()
                    return source.name, [key_id(k) for k in new]
        raise KeyProblem(
            msg("creds.keys.err.cannot_create", places=self.places_text()),
            hint=msg("creds.keys.hint.cannot_create"),
        )

    # --- which stores use which key ------------------------------------------------------------
    def _holders(self, kid: str) -> list[KeySource]:
        return [
            s
            for i, s in enumerate(self.sources)
            if s.writable and any(k.kid == kid for k in self._source_keys(i))
        ]

    def record_uses(self, store: str, counts: Mapping[str, int], *, complete: bool) -> None:
        """Record in each writable source that holds one of these keys that `store` has
        `counts[kid]` rows under it. `complete`: these are all of the store's keys (status,
        rotation), so the store is taken off the keys it no longer uses. Written only when
        something changed; a source whose record cannot be written is left as it was."""
        from mercato_int.shapes.base import utc_text

        now = utc_text(datetime.now(UTC).replace(microsecond=0))
        try:
            if not any(self._holders(kid) for kid in counts) and not complete:
                return  # e.g. environment keys only: nothing to record, no lock to take
            with self._lock():  # read-modify-write: two stores recording at once lose nothing
                self._record_uses(store, counts, complete=complete, now=now)
        except (OSError, KeyProblem):
            return  # a record that cannot be kept never undoes what was done

    def _record_uses(
        self, store: str, counts: Mapping[str, int], *, complete: bool, now: str
    ) -> None:
        for i, source in enumerate(self.sources):
            if not source.writable or source.failed:
                continue
            held = {k.kid for k in self._source_keys(i)}
            if not held:
                continue
            try:
                uses = source.read_uses()
            except Exception:  # unreadable (or a keyring backend's own error): left alone,
                continue  # and `other_users` refuses to decide on it
            changed = False
            for kid in held | set(uses):
                n = counts.get(kid, 0)
                found = uses.get(kid)
                by_store: dict[str, Any] = found if isinstance(found, dict) else {}
                entry = by_store.get(store)
                before = entry.get("rows") if isinstance(entry, dict) else None
                if kid in held and kid in counts and n > 0:
                    if before != n and (complete or not before):
                        by_store[store] = {"rows": n, "recordedAt": now}
                        changed = True
                elif complete and store in by_store:
                    del by_store[store]
                    changed = True
                if by_store:
                    uses[kid] = by_store
                elif kid in uses:
                    del uses[kid]
                    changed = True
            if changed:
                source.write_uses(uses)

    def other_users(self, kid: str, store: str) -> dict[str, int]:
        """Other stores recorded as having rows under `kid` (store -> rows when recorded).
        KeyProblem if the record of a source holding the key cannot be read."""
        out: dict[str, int] = {}
        for source in self._holders(kid):
            try:
                uses = source.read_uses()
            except Exception as exc:
                raise KeyProblem(
                    msg(
                        "creds.keys.err.uses_unreadable",
                        source=source.label(),
                        error=type(exc).__name__,
                    ),
                    hint=msg("creds.keys.hint.uses_unreadable"),
                ) from None
            for other, entry in (uses.get(kid) or {}).items():
                rows = entry.get("rows", 0) if isinstance(entry, dict) else 0
                if other != store and rows:
                    out[other] = max(out.get(other, 0), int(rows))
        return out

    def forget(self, kid: str) -> None:
        """Take a dropped key off the record of every writable source."""
        with self._lock():
            for source in self.sources:
                if not source.writable or source.failed:
                    continue
                with suppress(Exception):
                    uses = source.read_uses()
                    if kid in uses:
                        del uses[kid]
                        source.write_uses(uses)
