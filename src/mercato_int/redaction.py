"""The one redactor: how every front end and store shows a secret it must not show.

One `MASK`, one `MIN_SECRET_LENGTH`, and one function each for text (`redact_text`), nested
JSON details (`redact_details`) and URLs (`redact_url`). Credentials views, the log store,
health results, the TUI and the store's own URL messages all use these.

Why 4: a value is masked wherever it appears in free text, so a very short one ("ab") would
mask pieces of ordinary words and hide the sentence rather than the secret; 4 is the lowest
threshold any of the three former redactors used (health results, store URL passwords), so
choosing it masks more than before and nothing that was masked is now shown (logs used 6:
a 4- or 5-character secret, a PIN say, reached the log store in clear). A view of the
credentials themselves masks a secret field whatever its length: it knows which field is
secret and needs no text scan.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import string
from collections.abc import Iterable, Mapping
from typing import Any, Literal
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

MASK = "••••••••"
MIN_SECRET_LENGTH = 4

# what a value read from a file or pasted may carry around the secret itself
_AROUND = string.whitespace + "".join(map(chr, range(32))) + "\x7f"


def secret_forms(secret: str, others: Iterable[str] = ()) -> set[str]:
    """Every form in which `secret` can show up in text: as it is, without the whitespace or
    control characters around it, and escaped as `repr`, JSON (also JSON inside JSON), bytes
    (`b'...'`), `unicode_escape`, URL-encoded, and base64 (alone, as HTTP Basic `secret:`,
    and as Basic `other:secret` for each of `others`, e.g. a user name). None for a secret
    shorter than MIN_SECRET_LENGTH."""
    forms: set[str] = set()
    for s in {secret, secret.strip(_AROUND)}:
        if len(s) < MIN_SECRET_LENGTH:
            continue
        as_json = json.dumps(s)[1:-1]
        forms |= {
            s,
            repr(s)[1:-1],
            as_json,
            json.dumps(s, ensure_ascii=False)[1:-1],
            json.dumps(as_json)[1:-1],
            repr(s.encode("utf-8", "backslashreplace"))[2:-1],
            s.encode("unicode_escape").decode("ascii"),
            quote(s, safe=""),
            quote(s),
            quote_plus(s, safe=""),
            _b64(s),
            _b64(f"{s}:"),
            *(_b64(f"{o}:{s}") for o in others if o and o != s),
        }
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


def secret_pattern(secrets: Iterable[Any], others: Iterable[str] = ()) -> re.Pattern[str] | None:
    """One regex over every form of every secret (strings of at least MIN_SECRET_LENGTH;
    numbers by their digits), longest first so that a secret containing another is masked
    whole; None when there is nothing to mask."""
    values = frozenset(
        str(v) for v in secrets if isinstance(v, str | int) and not isinstance(v, bool)
    )
    if not values:
        return None
    return _pattern_of(values, frozenset(others))


@functools.lru_cache(maxsize=256)
def _pattern_of(values: frozenset[str], others: frozenset[str]) -> re.Pattern[str] | None:
    """`secret_pattern` of one set of secrets, built once per process while it is among the
    last 256 asked for: a health run asks per check, and again per run (the TUI re-runs its
    checks). The patterns hold the secrets, as the decrypted credentials they came from do.
    (The forms do not depend on the order of `others`.)"""
    forms = set().union(*(secret_forms(v, others) for v in values))
    if not forms:
        return None
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))


def redact_text(value: str, pattern: re.Pattern[str] | None) -> str:
    """`value` with every form of every secret of `pattern` replaced by MASK."""
    return pattern.sub(MASK, value) if pattern is not None else value


def redact_details(
    value: Any,
    pattern: re.Pattern[str] | None,
    secret_keys: Iterable[str] = (),
    *,
    secret_key: Literal["drop", "mask"] = "mask",
) -> Any:
    """A copy of JSON-shaped `value` (dicts, lists, strings, numbers) with every secret masked
    in its strings, keys included, a number whose digits spell one replaced by MASK, and what
    sits under a secret field's key (any case, any depth) masked or, with
    `secret_key="drop"`, left out with its key."""
    keys = frozenset(k.lower() for k in secret_keys)

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return redact_text(v, pattern)
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, int | float):
            spelled = pattern is not None and any(pattern.search(s) for s in number_texts(v))
            return MASK if spelled else v
        if isinstance(v, Mapping):
            out = {}
            for k, item in v.items():
                if str(k).lower() in keys:
                    if secret_key == "drop":
                        continue
                    out[redact_text(str(k), pattern)] = MASK
                else:
                    out[redact_text(str(k), pattern)] = walk(item)
            return out
        if isinstance(v, list | tuple):
            return [walk(item) for item in v]
        return v

    return walk(value)


def redact_url(url: str) -> str:
    """`url` as a view shows it: without its user name and password (MASK if it does not
    parse, since it may hold one anywhere)."""
    try:
        parts = urlsplit(url)
        if parts.username is None and parts.password is None:
            return url
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    except ValueError:
        return MASK


def number_texts(value: int | float) -> list[str]:
    """The decimal forms a number's digits can be read in: `12345678`, `12345678.0` and,
    for a whole float, its digits without exponent (`1.2345678e+20` spells 123456780...)."""
    texts = [str(value)]
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e300:
        texts.append(str(int(value)))
    return texts


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8", "backslashreplace")).decode("ascii")
