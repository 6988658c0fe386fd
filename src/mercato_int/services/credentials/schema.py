"""Checking credential values against a field schema, and masking them for display.

Error messages name the field and never repeat a value: a value may be a secret typed into
the wrong field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from mercato_int.errors import InvalidInput, msg, msg_n
from mercato_int.redaction import MASK, redact_url
from mercato_int.registry import CredentialField

MAX_KEYS = 200
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 20_000
TRUE_WORDS = {"true", "yes", "1"}
FALSE_WORDS = {"false", "no", "0"}


class Credentials(dict[str, Any]):
    """Decrypted credential values: a plain dict whose repr() and str() mask the secrets, so
    a stray print, log line or traceback shows `••••••••` instead."""

    def __init__(
        self, values: Mapping[str, Any] | None = None, *, secret_keys: Iterable[str] = ()
    ) -> None:
        super().__init__(values or {})
        self.secret_keys = frozenset(secret_keys)

    def masked(self) -> dict[str, Any]:
        return {
            k: MASK if k in self.secret_keys and v not in (None, "") else v for k, v in self.items()
        }

    def __repr__(self) -> str:
        return f"Credentials({self.masked()!r})"

    __str__ = __repr__


# what a host may hold: letters (IDNA), digits, `-`, `.`, `_`; or an IPv6 literal in brackets
_HOST_RE = re.compile(r"[^\W]([\w.-]*[^\W])?|\[[0-9A-Fa-f:.]+\]")


def _labels_ok(host: str) -> bool:
    """Each dot-separated label of a host name is 1-63 characters and neither starts nor
    ends with `-`."""
    if host.startswith("["):
        return True
    labels = host.split(".")
    return all(0 < len(x) <= 63 and not x.startswith("-") and not x.endswith("-") for x in labels)


def _check_url(f: CredentialField, value: str) -> str:
    """An absolute http(s) URL with a host and no user:password. Characters that are invalid
    in a URL (spaces, quotes, `<`, `>`, controls) are refused anywhere in it."""
    if any(c in value for c in " \"'<>`{}|\\^") or _has_control(value):
        raise InvalidInput(msg("creds.err.bad_url", field=f.key), hint=msg("creds.hint.url_scheme"))
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise InvalidInput(msg("creds.err.bad_url", field=f.key)) from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(
            msg("creds.err.url_scheme", field=f.key), hint=msg("creds.hint.url_scheme")
        )
    if "@" in parts.netloc:
        raise InvalidInput(
            msg("creds.err.url_userinfo", field=f.key), hint=msg("creds.hint.url_userinfo")
        )
    host = parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    if not host:
        raise InvalidInput(
            msg("creds.err.url_scheme", field=f.key), hint=msg("creds.hint.url_scheme")
        )
    if not _HOST_RE.fullmatch(host) or not _labels_ok(host):
        raise InvalidInput(
            msg("creds.err.url_host", field=f.key), hint=msg("creds.hint.url_scheme")
        )
    return value


# control (Cc), invisible formatting such as a zero-width space or a BOM (Cf), and the line and
# paragraph separators U+2028/U+2029 (Zl, Zp): none belongs in a key, a password or a URL
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _has_control(value: str) -> bool:
    return not value.isprintable() and any(unicodedata.category(c) in _INVISIBLE for c in value)


def _clean_text(f: CredentialField, value: str) -> str:
    """Secrets and URLs go into HTTP headers and request lines, where a control character is
    refused (and the refusal can quote the value). Surrounding whitespace, such as the newline
    a file ends with, is trimmed; a control character inside is refused, naming the field."""
    if f.type not in ("secret", "url"):
        return value
    value = value.strip(" \t\r\n\f\v\ufeff")  # \ufeff: the BOM an editor may save
    if _has_control(value):
        raise InvalidInput(msg("creds.err.control_char", field=f.key))
    return value


def _check_value(f: CredentialField, value: Any) -> Any:
    """A normalised value for field `f`: booleans become True/False, the rest stay text."""
    if f.type == "boolean":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise InvalidInput(msg("creds.err.boolean", field=f.key))
    if not isinstance(value, str):
        raise InvalidInput(msg("creds.err.text", field=f.key))
    value = _clean_text(f, value)
    if len(value) > MAX_VALUE_LENGTH:
        raise InvalidInput(
            msg_n("creds.err.too_long", len(value), field=f.key, max=MAX_VALUE_LENGTH)
        )
    if f.type == "select":
        allowed = [o.value for o in f.options or ()]
        if value not in allowed:
            raise InvalidInput(msg("creds.err.select", field=f.key, allowed=", ".join(allowed)))
    if f.type == "url":
        return _check_url(f, value)
    return value


def merge_values(
    owner_id: str,
    fields: tuple[CredentialField, ...],
    stored: Mapping[str, Any],
    given: Mapping[str, Any],
) -> tuple[dict[str, Any], list[str]]:
    """The stored values with `given` applied (None or "" clears a field), checked against
    `fields`. Returns (merged values, keys that changed). InvalidInput names the field."""
    if len(given) > MAX_KEYS:
        raise InvalidInput(msg_n("creds.err.too_many", len(given), max=MAX_KEYS))
    by_key = {f.key: f for f in fields}
    for key in given:
        if len(key) > MAX_KEY_LENGTH:
            raise InvalidInput(msg("creds.err.name_too_long", name=key[:32], max=MAX_KEY_LENGTH))
        if key not in by_key:
            known = ", ".join(by_key) or msg("creds.none")
            raise InvalidInput(
                msg("creds.err.unknown_field", field=key, owner=owner_id),
                hint=msg("creds.hint.known_fields", known=known),
            )
    merged = {k: v for k, v in stored.items() if k in by_key}
    changed: list[str] = []
    for key, value in given.items():
        if value is None or value == "":
            if key in merged:
                del merged[key]
                changed.append(key)
            continue
        if is_mask(value):
            # a masked read sent back (a form, a script round-tripping `creds get`): keep
            if merged.get(key) in (None, ""):
                raise InvalidInput(
                    msg("creds.err.mask_first_save", field=key),
                    hint=msg("creds.hint.mask_first_save"),
                )
            continue
        clean = _check_value(by_key[key], value)
        if merged.get(key) != clean:
            changed.append(key)
        merged[key] = clean
    missing = [f.key for f in fields if f.required and merged.get(f.key) in (None, "")]
    if missing:
        raise InvalidInput(
            msg_n("creds.err.missing", len(missing), fields=", ".join(missing), owner=owner_id),
            hint=msg_n("creds.hint.missing", len(missing)),
        )
    return merged, changed


def is_mask(value: Any) -> bool:
    """True for the mask a masked read shows (`••••••••`), with surrounding whitespace."""
    return isinstance(value, str) and value.strip() == MASK


def mask_value(f: CredentialField | None, value: Any) -> Any:
    """What a masked read shows: secrets as MASK, URLs without their userinfo."""
    if value in (None, ""):
        return value
    if f is None or f.is_secret:  # a key the schema no longer knows may have been a secret
        return MASK
    if f is not None and f.type == "url" and isinstance(value, str):
        return redact_url(value)
    return value


def gives_whole_form(fields: tuple[CredentialField, ...], values: Mapping[str, Any]) -> bool:
    """Whether `values` give every required field (every field when none is required) with a
    real value, not the mask: what replacing a row that cannot be decrypted takes, since its
    unreadable values are never merged."""
    needed = [f.key for f in fields if f.required] or [f.key for f in fields]
    return not any(values.get(k) in (None, "") or is_mask(values.get(k)) for k in needed)
