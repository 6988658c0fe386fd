"""Points in time and ages as users type them: ISO 8601, or a relative age (`90s`, `15m`,
`2h`, `7d`, `2w`, or a sum such as `1h30m`) meaning that long before `now`. Used by
`logs --since/--until`, `events --since`, `prune --older-than` and `logs ingest`'s createdAt."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from mercato_int.errors import InvalidInput, msg

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# Longer ages mean nothing to a log store, and far longer ones cannot be taken from today.
MAX_AGE = timedelta(days=36500)
_AGE_RE = re.compile(r"^(?:\d+(?:\.\d+)?[smhdw])+$")
_PART_RE = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")


def _is_age(text: str) -> bool:
    return bool(_AGE_RE.fullmatch(text.strip().lower().replace(" ", "")))


def parse_age(text: str) -> timedelta:
    """`90s`, `15m`, `2h`, `7d`, `2w`, `1h30m` as a positive timedelta; InvalidInput otherwise."""
    value = (text or "").strip().lower().replace(" ", "")
    if not _AGE_RE.fullmatch(value):
        raise InvalidInput(msg("logs.when.not_age", text=text), hint=msg("logs.when.age_hint"))
    delta = timedelta()
    try:
        for amount, unit in _PART_RE.findall(value):
            delta += timedelta(**{_UNITS[unit]: float(amount)})
    except OverflowError:
        hint = msg("logs.when.too_large_hint")
        raise InvalidInput(msg("logs.when.too_large", text=text), hint=hint) from None
    if delta <= timedelta():
        raise InvalidInput(msg("logs.when.not_positive", text=text), hint=msg("logs.when.age_hint"))
    if delta > MAX_AGE:
        hint = msg("logs.when.too_large_hint")
        raise InvalidInput(msg("logs.when.too_large", text=text), hint=hint)
    return delta


class TimeOutOfRange(InvalidInput):
    """An ISO time that lies beyond what Python's datetime (and so the store) can hold."""


def parse_when(text: str, now: datetime) -> datetime:
    """A relative age (before `now`) or an ISO 8601 time, as an aware UTC datetime.

    A naive ISO time is taken as UTC; a date alone means its midnight UTC."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput(msg("logs.when.empty"), hint=msg("logs.when.time_hint"))
    if _is_age(raw):
        return (now - parse_age(raw)).astimezone(UTC)
    iso = raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        raise InvalidInput(
            msg("logs.when.not_time", text=text), hint=msg("logs.when.time_hint")
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        # 0001-01-01T00:00+01:00 is a time of year 0 in UTC: beyond what Python (and so
        # the store) can hold
        return parsed.astimezone(UTC)
    except OverflowError:
        hint = msg("logs.when.out_of_range_hint")
        raise TimeOutOfRange(msg("logs.when.out_of_range", text=text), hint=hint) from None
