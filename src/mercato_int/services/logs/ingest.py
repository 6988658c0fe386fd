"""JSON lines to log entries: the fields as `logs --jsonl` prints them (camelCase), written in
one scope through a batched writer; each bad line is reported with its number and never costs
the others (checked before it is buffered; one the store still refuses is isolated)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mercato_int.errors import (
    ExitCode,
    Grouped,
    InvalidInput,
    KeyProblem,
    MercatoIntError,
    NotFound,
    msg,
    scope_msg,
)
from mercato_int.scope import TenantScope
from mercato_int.services.logs import limits
from mercato_int.when import TimeOutOfRange, parse_when

if TYPE_CHECKING:
    from mercato_int.services.logs.service import LogService

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
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    key_problem: bool = False  # a line's integration has credentials no key opens

    @property
    def exit_code(self) -> ExitCode:
        """5 if a line was rejected for a key problem, 1 for any other rejected line."""
        if self.key_problem:
            return ExitCode.KEY
        return ExitCode.FAILED if self.rejected else ExitCode.OK


def decode_line(line: str | bytes) -> str:
    """A line as text: bytes must be UTF-8 and no line may pass MAX_LINE_BYTES."""
    limit = limits.MAX_LINE_BYTES
    if isinstance(line, bytes):
        size = len(line) - line.endswith(b"\n")
    else:
        size = len(line) - line.endswith("\n")
        if not line.isascii() and size * 4 > limit:
            size = len(line.encode("utf-8", "surrogatepass")) - line.endswith("\n")
    if size > limit:
        raise InvalidInput(msg("logs.ingest.too_long", limit=f"{limit // (1024 * 1024)} MiB"))
    if isinstance(line, str):
        return line
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = f"0x{line[exc.start]:02x}"
        raise InvalidInput(msg("logs.ingest.not_utf8", byte=byte, column=exc.start + 1)) from None


def entry_from_json(line: str, scope: TenantScope, now: datetime) -> dict[str, Any]:
    """Keyword arguments for `LogWriter.write`, or InvalidInput saying what is wrong."""
    try:
        obj = limits.loads(line)
    except InvalidInput as exc:
        raise InvalidInput(msg("logs.ingest.not_json", reason=exc.message)) from None
    return entry_from_object(obj, scope, now)


def entry_from_object(
    obj: Any, scope: TenantScope, now: datetime, *, other_scope: str = "logs.ingest.other_scope"
) -> dict[str, Any]:
    """Keyword arguments for `LogWriter.write` from one entry already parsed from JSON (an
    ingest line, an item of the API's `entries`); InvalidInput saying what is wrong.
    `other_scope` is the message key for a tenantId or organizationId that is not `scope`."""
    if not isinstance(obj, dict):
        raise InvalidInput(msg("logs.ingest.not_object"))
    missing = [k for k in REQUIRED if obj.get(k) in (None, "")]
    if missing:
        raise InvalidInput(msg("logs.ingest.missing", fields=", ".join(missing)))
    for key, expected in (("tenantId", scope.tenant_id), ("organizationId", scope.organization_id)):
        if obj.get(key) not in (None, expected):
            value = _shown(obj[key])
            raise InvalidInput(msg(other_scope, name=key, value=value, scope=scope_msg(scope)))
    kwargs = {FIELDS[k]: v for k, v in obj.items() if k in FIELDS}
    created = obj.get("createdAt")
    if created is not None:
        if not isinstance(created, str):
            raise InvalidInput(msg("logs.ingest.created_at"))
        try:
            kwargs["created_at"] = parse_when(created, now)
        except (OverflowError, TimeOutOfRange):  # an offset past datetime's range
            raise InvalidInput(
                msg("logs.limit.created_at", earliest="1970-01-01", latest="9999-12-30")
            ) from None
    return kwargs


def _shown(value: Any) -> Any:
    return value if isinstance(value, str) and len(value) <= 100 else "…"


def ingest_lines(
    logs: LogService,
    lines: Iterable[str | bytes],
    scope: TenantScope,
    *,
    now: datetime,
    batch_size: int = 5000,
    on_line: Callable[[int, str | bytes], None] | None = None,
) -> IngestResult:
    """Write every good line (numbered from 1) in batches; bad ones are collected with their
    number and reason, the rest still go in. Lines may be bytes (UTF-8) or text."""
    result = IngestResult()

    def refused(number: Any, error: MercatoIntError) -> None:
        result.rejected.append((number, str(error)))

    with logs.writer(batch_size=batch_size, on_reject=refused) as writer:
        for number, line in enumerate(lines, start=1):
            if on_line is not None:
                on_line(number, line)
            try:
                text = decode_line(line)
                if not text.strip():
                    continue
                writer.write(scope=scope, ref=number, **entry_from_json(text, scope, now))
            except (InvalidInput, NotFound) as exc:
                result.rejected.append((number, str(exc)))
            except KeyProblem as exc:
                # its secrets cannot be read, so it cannot be redacted: refused, not stored;
                # the lines of other integrations still go in
                result.rejected.append((number, str(exc)))
                result.key_problem = True
    result.written = writer.written
    result.rejected.sort()
    return result


# --- a batch of entries for one integration (POST /api/integrations/{id}/logs) --------------
MAX_ENTRIES = 1000


@dataclass
class BatchResult:
    accepted: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (index from 0, reason)


def too_many_entries(count: int) -> InvalidInput:
    maximum = Grouped(MAX_ENTRIES)
    return InvalidInput(
        msg("logs.api.too_many", maximum=maximum, count=Grouped(count)),
        hint=msg("logs.api.too_many_hint"),
    )


def write_entries(
    logs: LogService,
    integration_id: str,
    entries: list[Any],
    scope: TenantScope,
    *,
    now: datetime,
) -> BatchResult:
    """Write `entries` (parsed JSON objects, camelCase as `logs --jsonl` prints them, the
    integration given here) in one transaction, each checked, stripped and masked as
    `logs write` does. A bad entry is refused alone, with its index and why (secrets masked in
    the reason too); the others are written. More than MAX_ENTRIES: InvalidInput, nothing
    written. Needs integrations.manage (NotAllowed before anything is read); an unknown
    integration is NotFound, credentials no key opens KeyProblem, both for the whole batch."""
    if len(entries) > MAX_ENTRIES:
        raise too_many_entries(len(entries))
    redactor = logs.redactor(integration_id, scope)  # the access check, and what to mask
    result = BatchResult()

    def refused(index: Any, error: MercatoIntError) -> None:
        result.rejected.append((index, redactor.text(str(error)) or ""))

    with logs.writer(
        batch_size=max(1, len(entries)), flush_interval=None, on_reject=refused
    ) as writer:
        for index, obj in enumerate(entries):
            try:
                if isinstance(obj, dict):
                    named = obj.get("integrationId")
                    if named not in (None, "", integration_id):
                        why = msg("logs.api.other_integration", value=_shown(named))
                        raise InvalidInput(why, hint=msg("logs.api.other_integration_hint"))
                    obj = {**obj, "integrationId": integration_id}
                kwargs = entry_from_object(obj, scope, now, other_scope="logs.api.other_scope")
                writer.write(scope=scope, ref=index, **kwargs)
            except InvalidInput as exc:
                refused(index, exc)
    result.accepted = writer.written
    result.rejected.sort()
    return result
