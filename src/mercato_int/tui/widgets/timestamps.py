"""Times as the screens show them: local time, seconds, no microseconds."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def parse(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def local_time(value: Any, today: datetime | None = None) -> str:
    """`14:23:05` in local time, with the date in front when it is not `today` (or when no
    `today` is given)."""
    when = parse(value)
    if when is None:
        return str(value)
    when = when.astimezone()
    if today is not None and when.date() == today.astimezone().date():
        return when.strftime("%H:%M:%S")
    return when.strftime("%Y-%m-%d %H:%M:%S")
