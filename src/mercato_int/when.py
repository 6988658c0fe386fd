"""Points in time and ages as users type them: ISO 8601, or a relative age (`90s`, `15m`,
`2h`, `7d`, `2w`) meaning that long before now. Used by `logs --since`, `prune --older-than`
and `events --since`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from mercato_int.errors import InvalidInput

_AGE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_HINT = "use an age like 90s, 15m, 2h, 7d, 2w or an ISO 8601 time like 2026-02-24T00:00:00Z"


def parse_age(text: str) -> timedelta:
    """`90s`, `15m`, `2h`, `7d`, `2w` as a timedelta (positive)."""
    match = _AGE_RE.match(text or "")
    if not match:
        raise InvalidInput(f"not an age: {text!r}", hint="use e.g. 90s, 15m, 2h, 7d or 2w")
    value = float(match.group(1))
    if value <= 0:
        raise InvalidInput(f"age must be positive: {text!r}", hint="use e.g. 90s, 15m, 2h, 7d")
    try:
        return timedelta(**{_UNITS[match.group(2).lower()]: value})
    except OverflowError:
        raise InvalidInput(f"age too large: {text!r}", hint="use at most a few years") from None


def parse_when(text: str, now: datetime) -> datetime:
    """A relative age (before `now`) or an ISO 8601 time, as an aware UTC datetime.

    A naive ISO time is taken as UTC; a date alone means its midnight UTC."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    raw = (text or "").strip()
    if _AGE_RE.match(raw):
        try:
            return (now - parse_age(raw)).astimezone(UTC)
        except OverflowError:
            raise InvalidInput(f"age too large: {text!r}", hint=_HINT) from None
    iso = raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        raise InvalidInput(f"not a time or age: {text!r}", hint=_HINT) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
