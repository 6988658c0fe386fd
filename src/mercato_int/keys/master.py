"""Master keys: looked up in the environment, then the OS keyring, then the key file.

The first source that holds keys gives the active key (the first of its list); every key of
every source can be used for reading. A key is only ever created on a first save with no key
anywhere, and never while rows encrypted under a missing key exist (the service checks that).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from mercato_int.errors import InvalidInput, KeyProblem
from mercato_int.keys.envelope import generate_key, key_id
from mercato_int.keys.sources import EnvKeys, KeyFileKeys, KeyringKeys, KeySource

LOCK_FILE_NAME = ".master-keys.lock"


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
                KeyFileKeys(config_dir / "master.key"),
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
            if current is not None:
                return current, False
            new = generate_key()
            for source in self.sources:
                if source.writable and source.store([new]):
                    self.reload()
                    return MasterKey(key_id(new), new, source.name), True
        raise KeyProblem(
            f"cannot create a master key: {self.places()}",
            hint="set MERCATO_INT_MASTER_KEY, or make the config dir writable",
        )

    def add_active(self) -> MasterKey:
        """Rotation: a new key becomes active in the source of the current active key, the
        old keys are kept after it for reading."""
        with self._lock():
            self.reload()
            current = self.active()
            if current is None:
                raise KeyProblem(f"no master key to rotate: {self.places()}")
            index = next(i for i, s in enumerate(self.sources) if s.name == current.source)
            source = self.sources[index]
            if not source.writable:
                raise InvalidInput(
                    f"the active key {current.kid} comes from {source.name}, which mercato-int "
                    "cannot write, and every row already uses it",
                    hint=(
                        "put a new key first in MERCATO_INT_MASTER_KEY, keep the old one after "
                        "a comma, and run `mercato-int keys rotate` again; make a key with "
                        "`python3 -c 'import base64,os; "
                        "print(base64.urlsafe_b64encode(os.urandom(32)).decode())'`"
                    ),
                )
            new = generate_key()
            keys = [new, *(k.material for k in self._source_keys(index))]
            if not source.store(keys):
                raise KeyProblem(f"cannot store the new key: {source.status()}")
            self.reload()
            return MasterKey(key_id(new), new, source.name)

    def drop(self, kid: str) -> str:
        """Remove a non-active key from the writable source holding it; returns the source."""
        with self._lock():
            self.reload()
            active = self.active()
            if active is not None and active.kid == kid:
                raise InvalidInput(f"key {kid} is the active key and cannot be dropped")
            for i, source in enumerate(self.sources):
                keys = self._source_keys(i)
                if any(k.kid == kid for k in keys):
                    if not source.writable:
                        raise InvalidInput(
                            f"key {kid} comes from {source.name}",
                            hint="remove it from that variable yourself",
                        )
                    if not source.store([k.material for k in keys if k.kid != kid]):
                        raise KeyProblem(f"cannot update {source.status()}")
                    self.reload()
                    return source.name
        raise InvalidInput(f"no available key has id {kid}", hint="see `mercato-int keys status`")
