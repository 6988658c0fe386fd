"""What a log entry is: the levels, an entry as read, what to read (a filter) and a page of
entries. The writer, the query and the front ends share these; none of them needs the store."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from mercato_int.errors import InvalidInput, msg

LEVELS: tuple[str, ...] = ("debug", "info", "warning", "error")


def unknown_level(level: Any) -> InvalidInput:
    """The error for a level that is not one of LEVELS (exit 2)."""
    hint = msg("logs.unknown_level_hint", levels=", ".join(LEVELS))
    return InvalidInput(msg("logs.unknown_level", level=level), hint=hint)


@dataclass(frozen=True)
class LogFilter:
    """What to read. `operation` is exact, or a glob when it holds `*` or `?`."""

    integration_id: str | None = None
    # any of these (a bundle and its integrations); with integration_id, both must hold
    integration_ids: tuple[str, ...] | None = None
    level: str | None = None
    min_level: str | None = None
    operation: str | None = None
    correlation_id: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str | None = None


@dataclass(frozen=True)
class LogEntry:
    id: str
    integration_id: str
    level: str
    operation: str
    message: str
    details: dict[str, Any] | None
    correlation_id: str | None
    entity_type: str | None
    entity_id: str | None
    duration_ms: int | None
    organization_id: str
    tenant_id: str
    created_at: datetime
    seq: int | None = None  # the insertion order; not part of the JSON shape

    @classmethod
    def from_row(cls, row: Any) -> LogEntry:
        m = row._mapping
        return cls(**{k: m[k] for k in _FIELDS if k != "id"}, id=str(m["id"]))


_FIELDS = [f.name for f in fields(LogEntry)]  # the columns of integration_logs


@dataclass(frozen=True)
class LogPage:
    items: list[LogEntry]
    total: int | None
    next_cursor: str | None
    page_size: int = 50
    offset: int = 0
    after_cursor: bool = False  # a page after a --cursor: its number is not known
    total_exact: bool = True  # False: more than `total` match (a capped count)

    @property
    def page(self) -> int | None:
        """1-based, as the spec's API counts; None after a cursor (deep pages by keyset)."""
        return None if self.after_cursor else self.offset // self.page_size + 1

    @property
    def total_pages(self) -> int | None:
        return None if self.total is None else -(-self.total // self.page_size)
