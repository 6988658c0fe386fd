"""The one error family of mercato-int and its documented exit codes.

The core raises these; the front ends render them (the CLI as one line on stderr plus an exit
code, the TUI as a notification). Messages say what happened and what to do next, and never
carry a secret value.

The core never words an error itself: it raises it by message key (of the `mercato_int`
catalogue) and parameters, and the text is rendered when the error is shown (`str(error)`),
in the front end's current language. Either by keywords, the message and hint sharing `params`:

    raise StoreError(code="store.not_initialised", params={"url": url},
                     hint_code="store.upgrade_hint")

or with `Msg` values (`msg`, `msg_n` for a plural), when the hint has parameters of its own or
a parameter is itself a message (a scope, a count, a field's name):

    raise InvalidInput(msg("creds.err.bad_url", field=key), hint=msg("creds.hint.url_scheme"))

`code`, `params` and `hint_code` say what was raised, for tests and front ends. This module
stays cheap to import: `mercato_int.i18n` is imported when a message is first rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """Exit codes of every `mercato-int` command (documented in the README)."""

    OK = 0
    FAILED = 1  # the operation ran and failed: unhealthy check, validation problems, prune error
    USAGE = 2  # bad usage or input
    NOT_FOUND = 3
    STORE = 4  # store unreachable or schema out of date
    KEY = 5  # no master key, wrong key, tampered ciphertext
    NOT_ALLOWED = 6  # access control
    INTERRUPTED = 130


class Lazy:
    """Text worded when it is shown (`str()`), in the current language."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


class Msg(Lazy):
    """The message `key` of the `mercato_int` catalogue with `params`; `n` picks the plural
    form (and is available to the message as `{n}`). A parameter may itself be `Lazy`."""

    __slots__ = ("key", "n", "params")

    def __init__(self, key: str, params: Mapping[str, Any] | None = None, n: int | None = None):
        self.key = key
        self.params: dict[str, Any] = dict(params or {})
        self.n = n

    def __str__(self) -> str:
        from mercato_int import i18n

        values = {k: str(v) if isinstance(v, Lazy) else v for k, v in self.params.items()}
        return i18n.t(self.key, **values) if self.n is None else i18n.tn(self.key, self.n, **values)

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, {self.params!r}{'' if self.n is None else f', n={self.n}'})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Msg):
            return NotImplemented
        return (self.key, self.params, self.n) == (other.key, other.params, other.n)

    def __hash__(self) -> int:
        return hash(self.key)


def msg(key: str, **params: Any) -> Msg:
    """The message `key` with `params`, worded when shown."""
    return Msg(key, params)


def msg_n(key: str, n: int, **params: Any) -> Msg:
    """The plural message `key` in its form for `n`, worded when shown."""
    return Msg(key, params, n)


def scope_msg(scope: Any) -> Msg:
    """A TenantScope as the front ends show it (`i18n.scope_text`), worded when shown."""
    return Msg("scope", {"tenant": scope.tenant_id, "org": scope.organization_id})


class Grouped(Lazy):
    """A number with its thousands grouped as the current language writes them."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def __str__(self) -> str:
        from mercato_int.i18n.areas.logs import grouped

        return grouped(self.n)


class Joined(Lazy):
    """`items` (texts or `Lazy` ones) joined by `sep` when shown."""

    __slots__ = ("items", "sep")

    def __init__(self, sep: str, items: Iterable[object]) -> None:
        self.sep = sep
        self.items = tuple(items)

    def __str__(self) -> str:
        return self.sep.join(str(item) for item in self.items)


# a message as the core hands it over: already worded (data, a name) or worded when shown
Phrase = str | Lazy


class MercatoIntError(Exception):
    """Base of every error a user can cause: a message (a `Msg`, or `code` + `params`) and a
    `hint` saying what to do next (a `Msg`, or `hint_code` with the same `params`). A plain
    string is taken as already worded (messages that are data, such as a provider's own)."""

    exit_code: ExitCode = ExitCode.FAILED
    # a hint naming a command, built for the scope's `--tenant`/`--org` flags when the raiser
    # does not know the scope (the registry); the CLI rebuilds `hint` with it
    scoped_hint: Callable[[str], Phrase] | None = None

    def __init__(
        self,
        message: Phrase | None = None,
        *,
        hint: Phrase | None = None,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
        hint_code: str | None = None,
        count: int | None = None,
    ) -> None:
        if code is not None:
            message = Msg(code, params, count)
        if hint_code is not None:
            hint = Msg(hint_code, params)
        super().__init__(message.key if isinstance(message, Msg) else message)
        self._message: Phrase = "" if message is None else message
        self._hint = hint

    @property
    def message(self) -> str:
        """The message (without its hint) in the current language."""
        return str(self._message)

    @message.setter
    def message(self, value: Phrase) -> None:
        self._message = value

    @property
    def raw_message(self) -> Phrase:
        """The message as raised, not yet worded: for a parameter of another message."""
        return self._message

    @property
    def hint(self) -> str | None:
        return None if self._hint is None else str(self._hint)

    @hint.setter
    def hint(self, value: Phrase | None) -> None:
        self._hint = value

    @property
    def code(self) -> str | None:
        """The message key raised, None for an error raised with worded text."""
        return self._message.key if isinstance(self._message, Msg) else None

    @property
    def params(self) -> dict[str, Any]:
        return self._message.params if isinstance(self._message, Msg) else {}

    @property
    def hint_code(self) -> str | None:
        return self._hint.key if isinstance(self._hint, Msg) else None

    def __str__(self) -> str:
        """The one line a front end shows: the message, and the hint in brackets."""
        hint = self.hint
        return self.message if not hint else f"{self.message} ({hint})"


class OperationFailed(MercatoIntError):
    exit_code = ExitCode.FAILED


class VersionConflict(OperationFailed):
    """A conditional write (`--if-version`, the TUI form's save) found another version;
    `current` is the version it found (0: no row)."""

    def __init__(self, message: Phrase | None = None, *, current: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.current = current


class InvalidInput(MercatoIntError):
    exit_code = ExitCode.USAGE


class NotFound(MercatoIntError):
    exit_code = ExitCode.NOT_FOUND


class StoreError(MercatoIntError):
    exit_code = ExitCode.STORE


class StoreUnwritable(StoreError):
    """A write refused because the store is read-only or its disk is full: the message already
    says what to do, so callers pass it on as it is."""


class KeyProblem(MercatoIntError):
    exit_code = ExitCode.KEY


class NotAllowed(MercatoIntError):
    exit_code = ExitCode.NOT_ALLOWED


class Unauthenticated(MercatoIntError):
    """A bearer token that does not let anyone in: missing, unknown (or tampered with), expired
    or revoked. `code` says which (`tokens.err.missing|unknown|expired|revoked`), for logs; the
    HTTP API answers every one of them 401. Never carries the token."""

    exit_code = ExitCode.NOT_ALLOWED

    @property
    def reason(self) -> str:
        """`missing`, `unknown`, `expired` or `revoked`."""
        return (self.code or "tokens.err.unknown").rsplit(".", 1)[-1]


def is_store_failure(exc: BaseException) -> bool:
    """An error the database driver raised (sqlalchemy.exc.DBAPIError and its kin), told
    without importing sqlalchemy."""
    return any(
        k.__module__ == "sqlalchemy.exc" and k.__name__ in {"DBAPIError", "DisconnectionError"}
        for k in type(exc).__mro__
    )
