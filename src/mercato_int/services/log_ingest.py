"""JSON lines to log entries: the fields as `logs --jsonl` prints them (camelCase), written in
one scope through a batched writer; each bad line is reported with its number."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from mercato_int.errors import InvalidInput, NotFound
from mercato_int.i18n import scope_text, t
from mercato_int.scope import TenantScope
from mercato_int.services.log_writer import LogWriter
from mercato_int.when import parse_when

REQUIRED = ("integrationId", "level", "operation", "message")
FIELDS = {
    "integrationId": "integration_id",
    "level": "level",
    "operation": "operation",
    "message": "message",
    "details": "details",
    "correlationId": "correlation_id",
    "entityType": "entity_type",
    "entityId": "entity_id",
    "durationMs": "duration_ms",
}


@dataclass
class IngestResult:
    written: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def entry_from_json(line: str, scope: TenantScope, now: Any) -> dict[str, Any]:
    """Keyword arguments for `LogWriter.write`, or InvalidInput saying what is wrong."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(t("logs.ingest.not_json", error=exc.msg, column=exc.colno)) from None
    if not isinstance(obj, dict):
        raise InvalidInput(t("logs.ingest.not_object"))
    missing = [k for k in REQUIRED if obj.get(k) in (None, "")]
    if missing:
        raise InvalidInput(t("logs.ingest.missing", fields=", ".join(missing)))
    for key, expected in (("tenantId", scope.tenant_id), ("organizationId", scope.organization_id)):
        if obj.get(key) not in (None, expected):
            raise InvalidInput(
                t("logs.ingest.other_scope", name=key, value=obj[key], scope=scope_text(scope))
            )
    kwargs = {FIELDS[k]: v for k, v in obj.items() if k in FIELDS}
    created = obj.get("createdAt")
    if created is not None:
        if not isinstance(created, str):
            raise InvalidInput(t("logs.ingest.created_at"))
        kwargs["created_at"] = parse_when(created, now)
    return kwargs


def ingest_lines(
    writer: LogWriter,
    lines: Iterable[str],
    scope: TenantScope,
    *,
    now: Any,
    on_line: Callable[[int, str], None] | None = None,
) -> IngestResult:
    """Write every good line (numbered from 1); bad ones are collected, the rest still go in."""
    result = IngestResult()
    for number, line in enumerate(lines, start=1):
        if on_line is not None:
            on_line(number, line)
        if not line.strip():
            continue
        try:
            writer.write(scope=scope, **entry_from_json(line, scope, now))
        except (InvalidInput, NotFound) as exc:
            result.rejected.append((number, str(exc)))
            continue
        result.written += 1
    return result
