"""The batched log writer: buffers entries and writes them in bulk (SQLAlchemy Core
executemany; COPY on Postgres), flushing by size, by time and on exit, and never dropping what
it holds because the code around it raised."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mercato_int.errors import InvalidInput, StoreError
from mercato_int.i18n import t, tn
from mercato_int.scope import TenantScope
from mercato_int.services.log_redaction import Redactor

if TYPE_CHECKING:
    from mercato_int.services.logs import LogService

LEVELS: tuple[str, ...] = ("debug", "info", "warning", "error")
TABLE = "integration_logs"
COLUMNS: tuple[str, ...] = (
    "id",
    "integration_id",
    "level",
    "operation",
    "message",
    "details",
    "correlation_id",
    "entity_type",
    "entity_id",
    "duration_ms",
    "organization_id",
    "tenant_id",
    "created_at",
)
# Untyped columns: rows arrive already serialized for the dialect, so SQLAlchemy has no
# per-value processing left to do (that is where a bulk insert's time would otherwise go).
_BULK_TABLE = sa.table(TABLE, *(sa.column(c) for c in COLUMNS))
_SQLITE_INSERT = (
    f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
)
_LIMITS = {"integration_id": 100, "operation": 100, "correlation_id": 255}
_LIMITS.update(entity_type=255, entity_id=255)
COPY_THRESHOLD = 200  # below this, COPY's set-up costs more than it saves


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def unknown_level(level: Any) -> InvalidInput:
    """The error for a level that is not one of LEVELS (exit 2)."""
    hint = t("logs.unknown_level_hint", levels=", ".join(LEVELS))
    return InvalidInput(t("logs.unknown_level", level=level), hint=hint)


def _check(
    *, level: str, operation: str, message: Any, details: Any, duration_ms: Any, **texts: Any
) -> None:
    if level not in LEVELS:
        raise unknown_level(level)
    if not isinstance(operation, str) or not operation:
        hint = t("logs.bad_operation_hint", example="sync.import")
        raise InvalidInput(t("logs.bad_operation"), hint=hint)
    if not isinstance(message, str):
        raise InvalidInput(t("logs.bad_message"))
    if details is not None and not isinstance(details, dict):
        hint = t("logs.bad_details_hint", example='{"orderId": "o_1"}')
        raise InvalidInput(t("logs.bad_details"), hint=hint)
    if duration_ms is not None and (
        isinstance(duration_ms, bool) or not isinstance(duration_ms, int) or duration_ms < 0
    ):
        raise InvalidInput(t("logs.bad_duration", value=duration_ms))
    for name, value in (("operation", operation), *texts.items()):
        if value is not None and (not isinstance(value, str) or len(value) > _LIMITS[name]):
            raise InvalidInput(t("logs.too_long", name=name, limit=_LIMITS[name]))


class LogWriter:
    """A context manager that buffers entries and writes them in batches.

    Flushes when `batch_size` entries are buffered, when the oldest buffered entry is
    `flush_interval` seconds old (a background thread sees to that even if no more entries
    come), and on exit, including an exit by exception. A failed flush keeps its entries
    buffered and raises; they are written by the next flush."""

    def __init__(
        self,
        service: LogService,
        *,
        batch_size: int = 1000,
        flush_interval: float | None = 1.0,
        use_copy: bool = True,
    ) -> None:
        self.service = service
        self.engine = service.store.engine
        self.dialect = self.engine.dialect.name
        self.batch_size = max(1, batch_size)
        self.flush_interval = flush_interval
        self.use_copy = use_copy and self.dialect == "postgresql"
        self.written = 0
        self._pending: list[tuple[Any, ...]] = []
        self._oldest: float | None = None
        self._redactors: dict[tuple[str, TenantScope], Redactor] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._timer_error: BaseException | None = None
        self._sqlite = self.dialect == "sqlite"

    # --- context manager ----------------------------------------------------------------
    def __enter__(self) -> LogWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the timer and write whatever is buffered (retrying once)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        try:
            self.flush()
        except StoreError:
            time.sleep(0.2)
            self.flush()

    @property
    def pending(self) -> int:
        """Entries buffered and not yet written."""
        return len(self._pending)

    # --- writing ------------------------------------------------------------------------
    def redactor(self, integration_id: str, scope: TenantScope) -> Redactor:
        """The redactor of (integration, scope), resolved once for this writer's lifetime."""
        key = (integration_id, scope)
        found = self._redactors.get(key)
        if found is None:
            found = self._redactors[key] = self.service.redactor(integration_id, scope)
        return found

    def write(
        self,
        *,
        integration_id: str,
        level: str,
        operation: str,
        message: str,
        scope: TenantScope,
        details: dict[str, Any] | None = None,
        correlation_id: str | None = None,
        entity_type: str | None = None,
        entity_id: str | None = None,
        duration_ms: int | None = None,
        created_at: datetime | None = None,
    ) -> None:
        """Buffer one entry (redacted now, written at the next flush)."""
        _check(
            level=level,
            operation=operation,
            message=message,
            details=details,
            duration_ms=duration_ms,
            integration_id=integration_id,
            correlation_id=correlation_id,
            entity_type=entity_type,
            entity_id=entity_id,
        )
        red = self.redactor(integration_id, scope)
        details_text = None if details is None else red.details_json(details, _json)
        if red.pattern is not None:
            message = red.text(message)  # type: ignore[assignment]
            correlation_id, entity_type, entity_id = (
                red.text(correlation_id),
                red.text(entity_type),
                red.text(entity_id),
            )
        when = created_at if created_at is not None else self.service.clock()
        if when.tzinfo is None:
            hint = t("logs.no_time_zone_hint", example="2026-02-24T10:00:00Z")
            raise InvalidInput(t("logs.no_time_zone"), hint=hint)
        when = when.astimezone(UTC)
        if self._sqlite:
            # exactly what SQLAlchemy's DateTime and Uuid store on SQLite
            row_id: Any = uuid.uuid4().hex
            stamp: Any = when.strftime("%Y-%m-%d %H:%M:%S.%f")
        else:
            row_id, stamp = uuid.uuid4(), when
        row = (
            row_id,
            integration_id,
            level,
            operation,
            message,
            details_text,
            correlation_id,
            entity_type,
            entity_id,
            duration_ms,
            scope.organization_id,
            scope.tenant_id,
            stamp,
        )
        with self._lock:
            self._raise_timer_error()
            self._pending.append(row)
            if self._oldest is None:
                self._oldest = time.monotonic()
            if len(self._pending) >= self.batch_size:
                self.flush()
            elif self.flush_interval is not None and self._thread is None:
                self._start_timer()

    def flush(self) -> int:
        """Write everything buffered now; returns how many entries were written."""
        with self._lock:
            rows, self._pending, self._oldest = self._pending, [], None
            if not rows:
                return 0
            try:
                self._insert(rows)
            except BaseException:
                self._pending[:0] = rows  # nothing is lost: the next flush tries again
                self._oldest = time.monotonic()
                raise
            self.written += len(rows)
            return len(rows)

    def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        try:
            with self.engine.begin() as conn:
                if self.use_copy and len(rows) >= COPY_THRESHOLD:
                    self._copy(conn, rows)
                elif self._sqlite:
                    # positional rows straight to the driver's executemany: no per-row dicts
                    conn.exec_driver_sql(_SQLITE_INSERT, rows)
                else:
                    conn.execute(
                        sa.insert(_BULK_TABLE), [dict(zip(COLUMNS, r, strict=True)) for r in rows]
                    )
        except sa.exc.SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()
            raise StoreError(
                t(
                    "logs.write_failed",
                    entries=tn("logs.n.log_entries", len(rows), count=len(rows)),
                    reason=reason[0] if reason else exc,
                ),
                hint=t("logs.write_failed_hint"),
            ) from None

    @staticmethod
    def _copy(conn: sa.Connection, rows: list[tuple[Any, ...]]) -> None:
        raw = conn.connection.driver_connection
        statement = f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN"
        with raw.cursor() as cur, cur.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)

    # --- the flush-by-time thread --------------------------------------------------------
    def _start_timer(self) -> None:
        self._thread = threading.Thread(target=self._tick, name="log-writer-flush", daemon=True)
        self._thread.start()

    def _tick(self) -> None:
        interval = self.flush_interval or 1.0
        while not self._stop.wait(min(interval / 4, 0.25)):
            with self._lock:
                due = self._oldest is not None and time.monotonic() - self._oldest >= interval
                if due:
                    try:
                        self.flush()
                    except BaseException as exc:  # reported on the next write or close
                        self._timer_error = exc

    def _raise_timer_error(self) -> None:
        if self._timer_error is not None:
            error, self._timer_error = self._timer_error, None
            raise error
