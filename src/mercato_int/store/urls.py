"""Database URLs: which kinds we support, how they are read, and how they are shown.

A URL can carry a password in several places (`user:PASSWORD@host`, `?password=`, a libpq
keyword string given where a URL was expected, percent-encoded or not, with an unencoded `@`
in it). `redact_url` is the one function that masks all of them; every message that shows a
store URL goes through it, and `redact_text` masks the same secrets in a driver's error text."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, unquote_plus

from mercato_int.errors import InvalidInput, msg
from mercato_int.redaction import MASK, MIN_SECRET_LENGTH

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

# kind -> the one driver we ship for it
SUPPORTED_DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}
SUPPORTED_EXAMPLES = "sqlite:///PATH, postgresql://USER@HOST/DB"

# `password=...`, `sslpassword=...` in a query string or a libpq keyword string (quoted or not)
_KEYWORD_PASSWORD = re.compile(
    r"(?i)(\b[a-z_]*password\s*=\s*)('(?:[^'\\]|\\.)*'?|\"(?:[^\"\\]|\\.)*\"?|[^\s&;#]*)"
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def normalize_url(url: str) -> str:
    """`postgres://` and `postgresql://` use psycopg 3; an unencoded `@` in the user or the
    password is encoded, so that the host is what follows the last `@`."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    split = _split_userinfo(url)
    if split is not None:
        prefix, user, password, rest = split
        if "@" in user + (password or ""):
            encoded = quote(unquote(user), safe="")
            if password is not None:
                encoded += ":" + quote(unquote(password), safe="")
            url = f"{prefix}{encoded}@{rest}"
    return url


def _split_userinfo(url: str) -> tuple[str, str, str | None, str] | None:
    """(`scheme://`, user, password or None, the rest after `@`) as written, or None when the
    URL names no user. The host is what follows the last `@` before the query: a host never
    holds an `@`, a password may."""
    match = _SCHEME.match(url)
    if not match:
        return None
    prefix = match.group(0)
    rest = url[len(prefix) :]
    query = rest.find("?")
    at = rest.rfind("@", 0, query if query >= 0 else len(rest))
    if at < 0:
        return None
    user, colon, password = rest[:at].partition(":")
    if "/" in user:  # a path with an `@` in it (sqlite:////tmp/a@b.db), not a user
        return None
    return prefix, user, password if colon else None, rest[at + 1 :]


def url_secrets(url: str) -> list[str]:
    """Every form of every password in `url` (as written, percent-decoded), longest first."""
    found: set[str] = set()
    split = _split_userinfo(url)
    if split is not None and split[2]:
        found.add(split[2])
    for match in _KEYWORD_PASSWORD.finditer(url):
        value = match.group(2).strip("'\"")
        if value:
            found.add(value)
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        if parsed.password:
            found.add(str(parsed.password))
        for key, value in parsed.query.items():
            if "password" in key.lower():
                found.update(v for v in ([value] if isinstance(value, str) else value) if v)
    except Exception:  # not a URL at all: the patterns above have seen what there is
        pass
    forms = set()
    for secret in found:
        forms.update({secret, unquote(secret), unquote_plus(secret), quote(secret, safe="")})
    return sorted((f for f in forms if f), key=len, reverse=True)


def redact_url(url: str) -> str:
    """`url` with every password masked, whatever form the URL (or non-URL) takes."""
    secrets = url_secrets(url)
    split = _split_userinfo(url)
    if split is not None and split[2] is not None:
        prefix, user, _password, rest = split
        url = f"{prefix}{user}:{MASK}@{rest}"
    url = _KEYWORD_PASSWORD.sub(lambda m: m.group(1) + MASK, url)
    for secret in secrets:  # where SQLAlchemy reads a password the rules above did not see
        url = url.replace(f":{secret}@", f":{MASK}@")
    return _mask(url, secrets)


def redact_text(text: str, url: str) -> str:
    """`text` (a driver's error message, say) with every form of the passwords of `url`
    masked."""
    return _mask(text, url_secrets(url))


def _mask(text: str, secrets: list[str]) -> str:
    # very short ones only where a URL holds them (above): masking every "ab" in a sentence
    # would hide the sentence, not a secret
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, MASK)
    return text


def parse_store_url(url: str) -> URL:
    """The SQLAlchemy URL for `url`, or InvalidInput (exit 2) for a URL that does not parse,
    names a kind of database we do not support, or has a port that is not a number."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    shown = redact_url(url)
    if any("\ud800" <= c <= "\udfff" for c in url):
        raise InvalidInput(msg("logs.store.bad_url", url=shown), hint=msg("store.url.undecodable"))
    normalized = normalize_url(url)
    try:
        parsed = make_url(normalized)
    except ArgumentError:
        raise InvalidInput(
            msg("logs.store.bad_url", url=shown), hint=msg("logs.store.bad_url_hint")
        ) from None
    except ValueError:  # int() of the port
        raise InvalidInput(
            msg("store.url.bad_port", url=shown), hint=msg("store.url.bad_port_hint")
        ) from None
    kind = parsed.get_backend_name()
    driver = parsed.get_driver_name()
    if SUPPORTED_DRIVERS.get(kind) != driver:
        name = kind if kind not in SUPPORTED_DRIVERS else f"{kind}+{driver}"
        raise InvalidInput(
            msg("store.url.unsupported", kind=name, url=shown),
            hint=msg("store.url.unsupported_hint", examples=SUPPORTED_EXAMPLES),
        )
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise InvalidInput(
            msg("store.url.bad_port", url=shown), hint=msg("store.url.bad_port_hint")
        )
    return parsed
