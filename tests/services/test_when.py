"""Relative ages and ISO times, and the exit-2 errors for anything else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mercato_int.errors import InvalidInput
from mercato_int.when import parse_age, parse_when

NOW = datetime(2026, 2, 24, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_ages(text: str, age: timedelta) -> None:
    assert parse_age(text) == age
    assert parse_when(text, NOW) == NOW - age


def test_iso_times_come_back_in_utc() -> None:
    assert parse_when("2026-02-24T00:00:00Z", NOW) == datetime(2026, 2, 24, tzinfo=UTC)
    plus_two = datetime(2026, 2, 24, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    assert parse_when(plus_two.isoformat(), NOW) == datetime(2026, 2, 24, tzinfo=UTC)
    assert parse_when("2026-02-24", NOW) == datetime(2026, 2, 24, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "3x", "yesterday", "-5m", "2026-13-01"])
def test_bad_input_is_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_when(text, NOW)
    assert info.value.exit_code == 2
    assert text in str(info.value) or text == ""


def test_zero_age_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="positive"):
        parse_age("0d")
