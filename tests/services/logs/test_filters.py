"""The filter a front end builds from what it was given (services/logs/filters.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mercato_int.errors import InvalidInput
from mercato_int.registry.discovery import discover
from mercato_int.services.logs.filters import log_filter

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "field", ["operation", "correlation_id", "entity_type", "entity_id", "search"]
)
def test_a_nul_in_a_text_filter_is_bad_input_on_every_store(field: str) -> None:
    """Postgres text cannot hold a NUL: without this check the query failed in the store (a 503
    over HTTP, counted as a store failure) while SQLite answered; now both refuse it as input."""
    with pytest.raises(InvalidInput) as refused:
        log_filter(discover(), now=NOW, **{field: "a\x00b"})
    assert "NUL" in str(refused.value) and "\x00" not in str(refused.value)


def test_text_filters_without_a_nul_pass() -> None:
    f = log_filter(discover(), now=NOW, search="timeout", operation="sync.*")
    assert (f.search, f.operation) == ("timeout", "sync.*")
