"""The one error family of mercato-int and its documented exit codes.

The core raises these; the front ends render them (the CLI as one line on stderr plus an exit
code, the TUI as a notification). Messages say what happened and what to do next, and never
carry a secret value.

Codes and parameters: an error may also carry `code` (a message key of the `mercato_int`
catalogue, e.g. `store.not_initialised`), `params` (what fills the message's placeholders) and
`hint_code`, so that a front end can render it in its own language (`i18n.message_of`) instead
of the language the core rendered `message` in. `message` stays the text as raised: callers
that pass only translated text keep working, and new code should pass both, e.g.

    raise StoreError(t("store.not_initialised", url=url), code="store.not_initialised",
                     params={"url": url}, hint=t("store.upgrade_hint"),
                     hint_code="store.upgrade_hint")
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


class MercatoIntError(Exception):
    """Base of every error a user can cause. `hint` says what to do next."""

    exit_code: ExitCode = ExitCode.FAILED
    # a hint naming a command, built for the scope's `--tenant`/`--org` flags when the raiser
    # does not know the scope (the registry); the CLI rebuilds `hint` with it
    scoped_hint: Callable[[str], str] | None = None

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
        hint_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code
        self.params: dict[str, Any] = dict(params or {})
        self.hint_code = hint_code

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class OperationFailed(MercatoIntError):
    exit_code = ExitCode.FAILED


class VersionConflict(OperationFailed):
    """A conditional write (`--if-version`, the TUI form's save) found another version;
    `current` is the version it found (0: no row)."""

    def __init__(self, message: str, *, current: int, **kwargs: Any) -> None:
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
