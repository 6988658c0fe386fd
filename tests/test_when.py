from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mercato_int.errors import InvalidInput
from mercato_int.when import parse_age, parse_when

NOW = datetime(2026, 2, 24, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("7d", timedelta(days=7)),
        ("1w", timedelta(weeks=1)),
        ("2w", timedelta(weeks=2)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        (" 2H ", timedelta(hours=2)),
    ],
)
def test_relative_ages_count_back_from_now(text: str, age: timedelta) -> None:
    assert parse_when(text, now=NOW) == NOW - age
    assert parse_age(text) == age


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-24T00:00:00Z", datetime(2026, 2, 24, tzinfo=UTC)),
        ("2026-02-24T10:30:00+02:00", datetime(2026, 2, 24, 8, 30, tzinfo=UTC)),
        ("2026-02-24T02:00:00+02:00", datetime(2026, 2, 24, tzinfo=UTC)),
        ("2026-02-24T10:30:00", datetime(2026, 2, 24, 10, 30, tzinfo=UTC)),  # no zone: UTC
        ("2026-02-24", datetime(2026, 2, 24, tzinfo=UTC)),
    ],
)
def test_iso_8601_times_come_back_aware_in_utc(text: str, expected: datetime) -> None:
    parsed = parse_when(text, now=NOW)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("text", ["yesterday", "15", "m15", "2026-13-01", "-2h", "-5m", "3x", ""])
def test_unreadable_times_say_what_to_write(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_when(text, now=NOW)
    assert caught.value.exit_code == 2
    assert "90s, 15m, 2h, 7d" in str(caught.value)
    assert text in str(caught.value) or text == ""


def test_zero_age_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="positive"):
        parse_age("0d")
