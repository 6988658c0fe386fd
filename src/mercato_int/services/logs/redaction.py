"""What keeps secrets out of the log store (spec §3.8): secret field keys are stripped from
details at any depth, and current secret values are masked wherever they appear in text, and
in numbers (a digits-only secret logged as a JSON number)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mercato_int.redaction import MIN_SECRET_LENGTH, redact_details, redact_text, secret_pattern


@dataclass(frozen=True)
class Redactor:
    """Strips `secret_keys` from details and masks `secret_values` in every string."""

    secret_keys: frozenset[str]
    pattern: re.Pattern[str] | None
    key_pattern: re.Pattern[str] | None = None
    # a secret value that JSON escapes (quote, backslash, control) can hide from a text scan
    escapes: bool = False
    # a digits-only secret can hide in a float's exponent form (1.2345678e+20)
    numeric: bool = False

    @classmethod
    def build(cls, secret_keys: Iterable[str], secret_values: Iterable[Any]) -> Redactor:
        # Shorter values are left alone: a tiny secret must not shred every log line.
        values = frozenset(
            v for v in secret_values if isinstance(v, str) and len(v) >= MIN_SECRET_LENGTH
        )
        return _build(frozenset(secret_keys), values)

    @property
    def is_noop(self) -> bool:
        return not self.secret_keys and self.pattern is None

    def text(self, value: str | None) -> str | None:
        """`value` with every secret value masked."""
        if value is None:
            return value
        return redact_text(value, self.pattern)

    def number(self, value: int | None) -> int | None:
        """None when the decimal digits of `value` hold a secret (a number column cannot
        carry the mask), else `value`."""
        if value is None or self.pattern is None or not self.pattern.search(str(value)):
            return value
        return None

    def details(self, value: Any) -> Any:
        """A copy of `value` without secret keys (at any depth, inside lists too) and with
        every secret value masked in its strings, keys included."""
        if self.is_noop:
            return value
        return self._walk(value)

    def details_json(self, value: dict[str, Any], dumps: Callable[[Any], str]) -> str:
        """`details(value)` serialized by `dumps`. Serializes first and walks the structure
        only when the text shows a secret key or value might be in it (the common case,
        clean details, costs one regex scan)."""
        text = dumps(value)
        if self.is_noop:
            return text
        suspicious = (self.key_pattern is not None and self.key_pattern.search(text)) or (
            self.pattern is not None
            and (self.escapes or self.pattern.search(text) or (self.numeric and "e+" in text))
        )
        return dumps(self._walk(value)) if suspicious else text

    def _walk(self, value: Any) -> Any:
        return redact_details(value, self.pattern, self.secret_keys, secret_key="drop")

    def findings(self, *texts: str | None) -> int:
        """How many secret values occur in `texts` (for the audit)."""
        if self.pattern is None:
            return 0
        return sum(len(self.pattern.findall(t)) for t in texts if t)

    def stray_keys(self, value: Any) -> list[str]:
        """Secret keys present in `value` at any depth (for the audit)."""
        found: list[str] = []
        if isinstance(value, dict):
            for k, v in value.items():
                if str(k).lower() in self.secret_keys:
                    found.append(str(k))
                found.extend(self.stray_keys(v))
        elif isinstance(value, list):
            for v in value:
                found.extend(self.stray_keys(v))
        return found


@functools.lru_cache(maxsize=256)
def _build(secret_keys: frozenset[str], values: frozenset[str]) -> Redactor:
    """`Redactor.build`, once per set of keys and values (a redactor is immutable): a health
    run's log entries ask for one per check, many with the same set."""
    pattern = secret_pattern(values)  # every escaped form too (repr, JSON, URL, base64)
    keys = frozenset(k.lower() for k in secret_keys)
    key_pattern = None
    if keys:
        names = "|".join(re.escape(json.dumps(k, ensure_ascii=False)[1:-1]) for k in sorted(keys))
        key_pattern = re.compile(f'"(?:{names})"\\s*:', re.IGNORECASE)
    escapes = any(json.dumps(v, ensure_ascii=False)[1:-1] != v for v in values)
    numeric = any(v.isdigit() for v in values)
    return Redactor(keys, pattern, key_pattern, escapes, numeric)
