"""`WHEN` values of the command line: an ISO 8601 time or a relative age (`90s`, `15m`, `2h`,
`7d`, `1w`, or a sum such as `1h30m`), resolved against an injected `now`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from mercato_int.errors import InvalidInput

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_AGE_RE = re.compile(r"^(?:\d+[smhdw])+$")
_PART_RE = re.compile(r"(\d+)([smhdw])")

HINT = "use ISO 8601 (2026-02-24 or 2026-02-24T10:00:00Z) or an age such as 90s, 15m, 2h, 7d"


def parse_age(text: str) -> timedelta:
    """`90s`, `15m`, `2h`, `7d`, `1w`, `1h30m` -> a timedelta. InvalidInput otherwise."""
    value = text.strip().lower().replace(" ", "")
    if not _AGE_RE.match(value):
        raise InvalidInput(f"cannot read age {text!r}", hint="use e.g. 90s, 15m, 2h, 7d")
    delta = timedelta()
    for amount, unit in _PART_RE.findall(value):
        delta += timedelta(**{_UNITS[unit]: int(amount)})
    return delta


def parse_when(text: str, *, now: datetime) -> datetime:
    """An aware UTC datetime for `text`: ISO 8601 (a time without zone is UTC, a bare date is
    its midnight UTC) or an age counted back from `now`."""
    value = text.strip()
    if not value:
        raise InvalidInput("empty time", hint=HINT)
    if _AGE_RE.match(value.lower().replace(" ", "")):
        return now - parse_age(value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"cannot read time {text!r}", hint=HINT) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
