"""Points in time and ages as users type them: ISO 8601, or a relative age (`90s`, `15m`,
`2h`, `7d`, `2w`, or a sum such as `1h30m`) meaning that long before `now`. Used by
`logs --since/--until`, `events --since`, `prune --older-than` and `logs ingest`'s createdAt."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from mercato_int.errors import InvalidInput

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_AGE_RE = re.compile(r"^(?:\d+(?:\.\d+)?[smhdw])+$")
_PART_RE = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")
_AGE_HINT = "use e.g. 90s, 15m, 2h, 7d, 2w or 1h30m"
_HINT = "use an age like 90s, 15m, 2h, 7d, 2w or an ISO 8601 time like 2026-02-24T00:00:00Z"


def _is_age(text: str) -> bool:
    return bool(_AGE_RE.match(text.strip().lower().replace(" ", "")))


def parse_age(text: str) -> timedelta:
    """`90s`, `15m`, `2h`, `7d`, `2w`, `1h30m` as a positive timedelta; InvalidInput otherwise."""
    value = (text or "").strip().lower().replace(" ", "")
    if not _AGE_RE.match(value):
        raise InvalidInput(f"not an age: {text!r}", hint=_AGE_HINT)
    delta = timedelta()
    try:
        for amount, unit in _PART_RE.findall(value):
            delta += timedelta(**{_UNITS[unit]: float(amount)})
    except OverflowError:
        raise InvalidInput(f"age too large: {text!r}", hint="use at most a few years") from None
    if delta <= timedelta():
        raise InvalidInput(f"age must be positive: {text!r}", hint=_AGE_HINT)
    return delta


def parse_when(text: str, now: datetime) -> datetime:
    """A relative age (before `now`) or an ISO 8601 time, as an aware UTC datetime.

    A naive ISO time is taken as UTC; a date alone means its midnight UTC."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("empty time", hint=_HINT)
    if _is_age(raw):
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
