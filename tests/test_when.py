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


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("0001-01-01T00:00:00+01:00", "time out of range: '0001-01-01T00:00:00+01:00'"),
        ("9999-12-31T23:59:59-00:01", "time out of range: '9999-12-31T23:59:59-00:01'"),
        ("36501d", "age too large: '36501d'"),
        ("99999999d", "age too large: '99999999d'"),
        ("9" * 30 + "w", "age too large"),
        ("5300w", "age too large: '5300w'"),
    ],
)
def test_times_past_the_datetime_range_are_refused(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_when(text, now=NOW)
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith(problem)


def test_the_range_itself_is_accepted() -> None:
    assert parse_when("0001-01-01", now=NOW) == datetime(1, 1, 1, tzinfo=UTC)
    assert parse_when("9999-12-31T23:59:59.999999Z", now=NOW).year == 9999
    assert parse_age("36500d") == timedelta(days=36500)
    assert parse_when("36500d", now=NOW) == NOW - timedelta(days=36500)
    with pytest.raises(InvalidInput, match="age too large"):
        parse_age("99999999d")  # prune --older-than
