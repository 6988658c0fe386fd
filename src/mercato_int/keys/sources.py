"""Where master keys live: the environment, the OS keyring, a key file in the config dir.

Each source holds an ordered list of keys, the first active and the others kept only for
reading (rotation). Every source is injectable; tests never touch the real keyring or home.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Protocol

from mercato_int.errors import KeyProblem
from mercato_int.keys.envelope import decode_key, encode_key

KEYRING_SERVICE = "mercato-int"
KEYRING_USERNAME = "master-keys"
KEY_FILE_NAME = "master.key"
ENV_NAME = "MERCATO_INT_MASTER_KEY"


class KeySource(Protocol):
    """A place master keys are looked up in (and, if `writable`, created in)."""

    name: str
    writable: bool

    def load(self) -> list[bytes]:
        """The keys held here, active first; [] if none. KeyProblem if present but unusable."""

    def store(self, keys: list[bytes]) -> bool:
        """Replace the keys held here; True only if they read back unchanged."""

    def status(self) -> str:
        """What was found here, for 'every place it looked' messages."""


class EnvKeys:
    """`MERCATO_INT_MASTER_KEY`: one or more keys, comma-separated, the first active."""

    writable = False

    def __init__(self, value: str | None) -> None:
        self.name = ENV_NAME
        self._value = value

    def __repr__(self) -> str:
        return f"EnvKeys(set={bool(self._value)})"

    def load(self) -> list[bytes]:
        if not self._value:
            return []
        keys = []
        for n, part in enumerate(self._value.split(","), start=1):
            if not part.strip():
                continue
            try:
                keys.append(decode_key(part))
            except ValueError as exc:
                raise KeyProblem(
                    f"{ENV_NAME}: entry {n} is not a master key ({exc})",
                    hint="each entry is 32 bytes in url-safe base64; separate keys with commas",
                ) from None
        return keys

    def store(self, keys: list[bytes]) -> bool:
        return False

    def status(self) -> str:
        return f"{ENV_NAME}: {'set' if self._value else 'not set'}"


class KeyringKeys:
    """The OS keyring, service `mercato-int`. A backend that fails, or accepts a key but does
    not give it back, counts as no keyring. `backend` injects one (tests); None uses the
    `keyring` package's configured backend."""

    writable = True

    def __init__(self, backend: Any = None, *, service: str = KEYRING_SERVICE) -> None:
        self.name = f"the OS keyring (service {service})"
        self._backend = backend
        self._service = service
        self._state = "not consulted"

    def __repr__(self) -> str:
        return f"KeyringKeys(service={self._service!r})"

    def _api(self) -> Any:
        if self._backend is not None:
            return self._backend
        # keyring probes its backends on import (~50 ms, D-Bus on Linux): only when needed.
        import keyring

        return keyring.get_keyring()

    def _get(self) -> str | None:
        return self._api().get_password(self._service, KEYRING_USERNAME)

    def load(self) -> list[bytes]:
        try:
            raw = self._get()
        except Exception as exc:  # every backend has its own errors; any of them means "none"
            self._state = f"no usable backend ({type(exc).__name__})"
            return []
        if not raw:
            self._state = "no entry"
            return []
        try:
            keys = [decode_key(part) for part in raw.split(",") if part.strip()]
        except ValueError as exc:
            raise KeyProblem(
                f"the keyring entry {self._service}/{KEYRING_USERNAME} is not a list of master "
                f"keys ({exc})",
                hint="restore it from your backup",
            ) from None
        self._state = f"{len(keys)} key(s)"
        return keys

    def store(self, keys: list[bytes]) -> bool:
        value = ",".join(encode_key(k) for k in keys)
        try:
            self._api().set_password(self._service, KEYRING_USERNAME, value)
            ok = self._get() == value
        except Exception as exc:
            self._state = f"cannot write ({type(exc).__name__})"
            return False
        if not ok:
            self._state = "does not keep what is written to it"
        return ok

    def status(self) -> str:
        return f"{self.name}: {self._state}"


class KeyFileKeys:
    """A key file (one base64 key a line, the first active), mode 0600, refused if group or
    world may read it."""

    writable = True

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"key file {path}"
        self._state = "not consulted"

    def __repr__(self) -> str:
        return f"KeyFileKeys({str(self.path)!r})"

    def load(self) -> list[bytes]:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            self._state = "absent"
            return []
        if os.name != "nt" and st.st_mode & 0o077:
            mode = stat.S_IMODE(st.st_mode)
            self._state = f"refused: mode {mode:04o}"
            raise KeyProblem(
                f"refusing key file {self.path}: mode {mode:04o} lets group or others read it",
                hint=f"run `chmod 600 {self.path}`",
            )
        keys = []
        for n, line in enumerate(self.path.read_text().splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                keys.append(decode_key(line))
            except ValueError as exc:
                raise KeyProblem(
                    f"key file {self.path}: line {n} is not a master key ({exc})",
                    hint="restore the file from your backup",
                ) from None
        self._state = f"{len(keys)} key(s)" if keys else "empty"
        return keys

    def store(self, keys: list[bytes]) -> bool:
        text = (
            "# mercato-int master keys: the first is active, the others are kept for reading.\n"
            "# Back this file up: without these keys the stored credentials cannot be read.\n"
            + "".join(encode_key(k) + "\n" for k in keys)
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, text.encode())
                os.fsync(fd)
            finally:
                os.close(fd)
            os.chmod(tmp, 0o600)
            # rename is atomic: a kill mid-write leaves the old file or the new, never half.
            os.replace(tmp, self.path)
        except OSError as exc:
            self._state = f"cannot write ({exc.strerror or exc})"
            return False
        return self.load() == keys

    def status(self) -> str:
        return f"{self.name}: {self._state}"
