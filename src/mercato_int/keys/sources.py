"""Where master keys live: the environment, the OS keyring, a key file in the config dir.

Each source holds an ordered list of keys, the first active and the others kept only for
reading (rotation). Every source is injectable; tests never touch the real keyring or home.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path
from typing import Any, Protocol

from mercato_int.errors import Joined, KeyProblem, Msg, Phrase, msg
from mercato_int.keys.envelope import decode_key, encode_key

KEYRING_SERVICE = "mercato-int"
KEYRING_USERNAME = "master-keys"
# which stores have used which key (see MasterKeys.record_uses), beside the keys themselves
KEYRING_USES_USERNAME = "master-keys-uses"
KEY_FILE_NAME = "master.key"
USES_SUFFIX = ".uses"
ENV_NAME = "MERCATO_INT_MASTER_KEY"

# What a source found: a message key and its parameters, rendered in English for `status()`
# (data: `keys status --json` shows it) and worded when shown for `status_text()`.
State = tuple[str, dict[str, Any]]


def _worded(state: State) -> Msg:
    key, params = state
    if "n" in params:
        return Msg(key, {k: v for k, v in params.items() if k != "n"}, params["n"])
    return Msg(key, params)


def _english(state: State) -> str:
    from mercato_int.i18n import catalogue, plural_form

    key, params = state
    text = catalogue("en")[key]
    if isinstance(text, dict):
        text = text[plural_form("en", params["n"])]
    return text.format(**params)


class KeySource(Protocol):
    """A place master keys are looked up in (and, if `writable`, created in)."""

    name: str
    writable: bool
    # why the last `load` could not read this source (it may hold keys), or None; a source
    # whose read failed is never written to
    failed: str | None

    def load(self) -> list[bytes]:
        """The keys held here, active first; [] if none. KeyProblem if present but unusable."""

    def store(self, keys: list[bytes]) -> bool:
        """Write the keys held here; True only if they read back unchanged. Callers pass what
        they just read plus what they add (MasterKeys never drops a key but in `drop`)."""

    def read_uses(self) -> dict[str, Any]:
        """The record of which stores used which key (JSON); {} if none. OSError/ValueError
        if it cannot be read."""

    def write_uses(self, uses: dict[str, Any]) -> bool:
        """Replace that record; True only if it reads back unchanged."""

    def status(self) -> str:
        """What was found here, in English, for `keys status --json`."""

    def status_text(self) -> Phrase:
        """What was found here, for 'every place it looked' messages."""

    def label(self) -> Phrase:
        """`name` in the language of the messages."""


class EnvKeys:
    """`MERCATO_INT_MASTER_KEY`: one or more keys, comma-separated, the first active."""

    writable = False
    failed: str | None = None

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
                    msg("creds.keys.err.env_entry", name=ENV_NAME, n=n, reason=exc),
                    hint=msg("creds.keys.hint.env_entry"),
                ) from None
        return keys

    def store(self, keys: list[bytes]) -> bool:
        return False

    def read_uses(self) -> dict[str, Any]:
        return {}

    def write_uses(self, uses: dict[str, Any]) -> bool:
        return False

    def _state(self) -> State:
        return ("creds.keys.state.env_set" if self._value else "creds.keys.state.env_unset", {})

    def status(self) -> str:
        return f"{ENV_NAME}: {_english(self._state())}"

    def status_text(self) -> Phrase:
        return Joined(": ", (ENV_NAME, _worded(self._state())))

    def label(self) -> Phrase:
        return ENV_NAME


class KeyringKeys:
    """The OS keyring, service `mercato-int`. A backend that fails, or accepts a key but does
    not give it back, counts as no keyring. `backend` injects one (tests); None uses the
    `keyring` package's configured backend."""

    writable = True

    def __init__(self, backend: Any = None, *, service: str = KEYRING_SERVICE) -> None:
        self.name = _english(("creds.keys.source.keyring", {"service": service}))
        self._backend = backend
        self._service = service
        self._state: State = ("creds.keys.state.not_consulted", {})
        self.failed: str | None = None

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
        self.failed = None
        try:
            raw = self._get()
        except Exception as exc:  # every backend has its own errors
            if _no_backend(exc):  # no keyring on this host: look elsewhere
                self._state = ("creds.keys.state.no_backend", {"error": type(exc).__name__})
                return []
            # a keyring that is there but did not answer (locked, D-Bus timeout) may hold
            # keys: readers look elsewhere, but nothing may be written to it (or instead of it)
            self.failed = type(exc).__name__
            self._state = ("creds.keys.state.read_failed", {"error": self.failed})
            return []
        if not raw:
            self._state = ("creds.keys.state.no_entry", {})
            return []
        try:
            keys = [decode_key(part) for part in raw.split(",") if part.strip()]
        except ValueError as exc:
            raise KeyProblem(
                msg(
                    "creds.keys.err.keyring_entry",
                    entry=f"{self._service}/{KEYRING_USERNAME}",
                    reason=exc,
                ),
                hint=msg("creds.keys.hint.keyring_entry"),
            ) from None
        self._state = ("creds.keys.state.keys", {"n": len(keys)})
        return keys

    def store(self, keys: list[bytes]) -> bool:
        value = ",".join(encode_key(k) for k in keys)
        try:
            self._api().set_password(self._service, KEYRING_USERNAME, value)
            ok = self._get() == value
        except Exception as exc:
            self._state = ("creds.keys.state.cannot_write", {"error": type(exc).__name__})
            return False
        if not ok:
            self._state = ("creds.keys.state.drops_writes", {})
        return ok

    def read_uses(self) -> dict[str, Any]:
        raw = self._api().get_password(self._service, KEYRING_USES_USERNAME)
        return _uses_from_text(raw)

    def write_uses(self, uses: dict[str, Any]) -> bool:
        text = json.dumps(uses, sort_keys=True, separators=(",", ":"))
        try:
            self._api().set_password(self._service, KEYRING_USES_USERNAME, text)
            return self._api().get_password(self._service, KEYRING_USES_USERNAME) == text
        except Exception:
            return False

    def status(self) -> str:
        return f"{self.name}: {_english(self._state)}"

    def status_text(self) -> Phrase:
        return Joined(": ", (self.label(), _worded(self._state)))

    def label(self) -> Phrase:
        return msg("creds.keys.source.keyring", service=self._service)


class KeyFileKeys:
    """A key file (one base64 key a line, the first active), mode 0600, refused if group or
    world may read it."""

    writable = True

    failed: str | None = None  # an unreadable key file raises KeyProblem instead

    def __init__(self, path: Path) -> None:
        self.path = path
        self.uses_path = path.with_name(path.name + USES_SUFFIX)
        self.name = _english(("creds.keys.source.file", {"path": path}))
        self._state: State = ("creds.keys.state.not_consulted", {})

    def __repr__(self) -> str:
        return f"KeyFileKeys({str(self.path)!r})"

    def load(self) -> list[bytes]:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            self._state = ("creds.keys.state.absent", {})
            return []
        if os.name != "nt" and st.st_mode & 0o077:
            mode = f"{stat.S_IMODE(st.st_mode):04o}"
            self._state = ("creds.keys.state.refused", {"mode": mode})
            raise KeyProblem(
                msg("creds.keys.err.file_mode", path=self.path, mode=mode),
                hint=msg("creds.keys.hint.file_mode", path=self.path),
            )
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            self._state = ("creds.keys.state.unreadable", {"error": reason})
            raise KeyProblem(
                msg("creds.keys.err.file_unreadable", path=self.path, reason=reason)
            ) from None
        keys = []
        for n, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                keys.append(decode_key(line))
            except ValueError as exc:
                raise KeyProblem(
                    msg("creds.keys.err.file_line", path=self.path, n=n, reason=exc),
                    hint=msg("creds.keys.hint.file_line"),
                ) from None
        self._state = (
            ("creds.keys.state.keys", {"n": len(keys)}) if keys else ("creds.keys.state.empty", {})
        )
        return keys

    def store(self, keys: list[bytes]) -> bool:
        text = (
            "# mercato-int master keys: the first is active, the others are kept for reading.\n"
            "# Back this file up: without these keys the stored credentials cannot be read.\n"
            + "".join(encode_key(k) + "\n" for k in keys)
        )
        try:
            write_private(self.path, text.encode())
        except OSError as exc:
            self._state = ("creds.keys.state.cannot_write", {"error": exc.strerror or exc})
            return False
        return self.load() == keys

    def read_uses(self) -> dict[str, Any]:
        try:
            raw = self.uses_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        return _uses_from_text(raw)

    def write_uses(self, uses: dict[str, Any]) -> bool:
        text = json.dumps(uses, sort_keys=True, indent=1) + "\n"
        try:
            write_private(self.uses_path, text.encode())
            return self.read_uses() == uses
        except (OSError, ValueError):
            return False

    def status(self) -> str:
        return f"{self.name}: {_english(self._state)}"

    def status_text(self) -> Phrase:
        return Joined(": ", (self.label(), _worded(self._state)))

    def label(self) -> Phrase:
        return msg("creds.keys.source.file", path=self.path)


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write `path` with mode 0600, atomically (a temporary file renamed into place: a kill
    mid-write leaves the old file or the new, never half; an error or Ctrl-C removes the
    temporary file). `exclusive`: FileExistsError if `path` exists (never replaces it)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, 0o600)
        if exclusive:
            os.link(tmp, path)  # fails if `path` exists, unlike rename
        else:
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _uses_from_text(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    uses = json.loads(raw)
    if not isinstance(uses, dict):
        raise ValueError("not a JSON object")
    return uses


def _no_backend(exc: Exception) -> bool:
    """keyring's "no backend on this host" (its `fail` backend), as opposed to a keyring that
    exists and failed to answer."""
    return any(c.__name__ == "NoKeyringError" for c in type(exc).__mro__)
