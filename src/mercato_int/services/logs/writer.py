"""The batched log writer: buffers entries and writes them in bulk (SQLAlchemy Core
executemany; COPY on Postgres), flushing by size, by time and on exit, and never dropping what
it holds because the code around it raised."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mercato_int.errors import (
    InvalidInput,
    MercatoIntError,
    StoreError,
    StoreUnwritable,
    msg,
    msg_n,
)
from mercato_int.scope import TenantScope
from mercato_int.services.follow import notify_sql
from mercato_int.services.logs import limits
from mercato_int.services.logs.model import LEVELS, unknown_level
from mercato_int.services.logs.redaction import Redactor
from mercato_int.store.bound import UuidPool, insert_rows, processor
from mercato_int.store.engine import optimize
from mercato_int.store.schema import LOGS

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

TABLE = LOGS.name
# every column but `seq`, which the store numbers
COLUMNS: tuple[str, ...] = tuple(c.name for c in LOGS.c if c.name != "seq")
# Untyped columns: rows arrive already serialized for the dialect, so SQLAlchemy has no
# per-value processing left to do (that is where a bulk insert's time would otherwise go).
_BULK_TABLE = sa.table(TABLE, *(sa.column(c) for c in COLUMNS))
_NOTIFY = notify_sql(TABLE)
_SQLITE_INSERT = (f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ", "?" * len(COLUMNS))
# the column lengths, as the table defines them
_LIMITS: dict[str, int] = {
    name: LOGS.c[name].type.length  # type: ignore[attr-defined]
    for name in ("integration_id", "operation", "correlation_id", "entity_type", "entity_id")
}
COPY_THRESHOLD = 200  # below this, COPY's set-up costs more than it saves
OPTIMIZE_AFTER = 10_000  # a writer that wrote this many refreshes SQLite's statistics on close


def _check(*, level: str, operation: str, message: Any, details: Any, duration_ms: Any) -> None:
    if level not in LEVELS:
        raise unknown_level(level)
    if not isinstance(operation, str) or not operation:
        hint = msg("logs.bad_operation_hint", example="sync.import")
        raise InvalidInput(msg("logs.bad_operation"), hint=hint)
    if not isinstance(message, str):
        raise InvalidInput(msg("logs.bad_message"))
    if details is not None and not isinstance(details, dict):
        hint = msg("logs.bad_details_hint", example='{"orderId": "o_1"}')
        raise InvalidInput(msg("logs.bad_details"), hint=hint)
    limits.check_duration(duration_ms)
    limits.check_message(message)


class _Refused(Exception):
    """The store refused the rows themselves (bad data), not the connection."""


# SQLSTATE classes of a refusal by the data: 22 data exception, 23 integrity constraint
# violation, 54 program limit exceeded (e.g. jsonb nested too deep). Anything else (the
# connection, a missing table, a full disk) is the store's problem and keeps the rows buffered.
_REFUSED_CLASSES = ("22", "23", "54")


class LogWriter:
    """A context manager that buffers entries and writes them in batches.

    Flushes when `batch_size` entries are buffered, when the oldest buffered entry is
    `flush_interval` seconds old (a background thread sees to that even if no more entries
    come), and on exit, including an exit by exception. A flush the store fails (unreachable,
    locked, full) keeps its entries buffered and raises StoreError; they are written by the
    next flush. An entry the store refuses as data is dropped alone (the batch is split until
    the refused rows are found; every other row is written) and handed to `on_reject` with the
    `ref` it was written with, or, without `on_reject`, reported by the flush as InvalidInput
    after the rest is written. Entries are checked before they are buffered (see
    `limits`), so a refusal by the store is the exception, not the rule."""

    def __init__(
        self,
        engine: Engine,
        *,
        redactor: Callable[[str, TenantScope], Redactor],
        clock: Callable[[], datetime],
        batch_size: int = 1000,
        flush_interval: float | None = 1.0,
        use_copy: bool = True,
        on_reject: Callable[[Any, MercatoIntError], None] | None = None,
    ) -> None:
        self.engine = engine
        # the redactor of (integration, scope), from the caller: the writer knows no service
        self._resolve_redactor = redactor
        self.clock = clock
        self.dialect = self.engine.dialect.name
        self.batch_size = max(1, batch_size)
        self.flush_interval = flush_interval
        self.use_copy = use_copy and self.dialect == "postgresql"
        self.written = 0
        self.on_reject = on_reject
        self._pending: list[tuple[Any, ...]] = []
        self._refs: list[Any] = []
        self._oldest: float | None = None
        self._redactors: dict[tuple[str, TenantScope], Redactor] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._timer_error: BaseException | None = None
        self._sqlite = self.dialect == "sqlite"
        # id and created_at as the dialect stores them (uuid or hex; timestamptz or naive UTC
        # text), converted once per row by the columns' own types
        self._bind_id = processor(LOGS, "id", self.engine.dialect)
        self._bind_stamp = processor(LOGS, "created_at", self.engine.dialect)
        self._ids = UuidPool()  # made in batches: uuid4 reads the random source once per id

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
        if self._sqlite and self.written >= OPTIMIZE_AFTER:
            with contextlib.suppress(sa.exc.SQLAlchemyError):  # statistics only: never fatal
                optimize(self.engine)
        # A refusal found by a timer flush has no later write to be reported on; a store
        # failure it met is over (its rows were kept and are written now).
        if isinstance(self._timer_error, StoreError):
            self._timer_error = None
        self._raise_timer_error()

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
            found = self._redactors[key] = self._resolve_redactor(integration_id, scope)
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
        ref: Any = None,
    ) -> None:
        """Buffer one entry (checked and redacted now, written at the next flush).

        InvalidInput (nothing buffered) for an entry no store could keep: see `limits`.
        `ref` is handed back to `on_reject` if the store still refuses the entry."""
        if not isinstance(integration_id, str):
            limit = _LIMITS["integration_id"]
            raise InvalidInput(msg("logs.too_long", name="integration_id", limit=limit))
        _check(
            level=level,
            operation=operation,
            message=message,
            details=details,
            duration_ms=duration_ms,
        )
        red = self.redactor(integration_id, scope)
        details_text = (
            None
            if details is None
            else limits.details_json(details, lambda d: red.details_json(d, limits.dumps))
        )
        if red.pattern is not None:
            message = red.text(message)  # type: ignore[assignment]
            operation, correlation_id, entity_type, entity_id = (
                red.text(operation),  # type: ignore[assignment]
                red.text(correlation_id),
                red.text(entity_type),
                red.text(entity_id),
            )
            duration_ms = red.number(duration_ms)
        texts = {
            "integration_id": integration_id,
            "operation": operation,
            "correlation_id": correlation_id,
            "entity_type": entity_type,
            "entity_id": entity_id,
        }
        limits.check_texts(texts, _LIMITS)  # as stored: after masking
        when = limits.check_created_at(self.clock() if created_at is None else created_at)
        row_id, stamp = self._bind_id(self._ids.take()), self._bind_stamp(when)
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
            self._refs.append(ref)
            if self._oldest is None:
                self._oldest = time.monotonic()
            if len(self._pending) >= self.batch_size:
                self.flush()
            elif self.flush_interval is not None and self._thread is None:
                self._start_timer()

    def flush(self) -> int:
        """Write everything buffered now; returns how many entries were written."""
        with self._lock:
            rows, refs = self._pending, self._refs
            self._pending, self._refs, self._oldest = [], [], None
            if not rows:
                return 0
            written, refused, failure = self._insert_isolating(rows, refs)
            self.written += written
            if failure is not None:
                kept, kept_refs, _ = failure
                self._pending[:0] = kept  # nothing is lost: the next flush tries again
                self._refs[:0] = kept_refs
                self._oldest = time.monotonic()
            for ref, why in refused:
                if self.on_reject is not None:
                    self.on_reject(ref, why)
            if failure is not None:
                raise failure[2]
            if refused and self.on_reject is None:
                count = msg_n("logs.n.log_entries", len(refused), count=len(refused))
                raise InvalidInput(
                    msg("logs.refused", entries=count, reason=refused[0][1].raw_message)
                )
            return written

    def _insert_isolating(
        self, rows: list[tuple[Any, ...]], refs: list[Any]
    ) -> tuple[int, list[tuple[Any, InvalidInput]], Any]:
        """Insert `rows` in one batch; if the store refuses the data, split the batch in
        halves until each refused row stands alone (a few dozen statements for one bad row
        in 5,000), writing every other row. Returns (written, refused rows as (ref, error),
        None or (rows kept, their refs, the error) when the store itself failed or the insert
        was interrupted)."""
        written = 0
        refused: list[tuple[Any, InvalidInput]] = []
        chunks = [(0, len(rows))]
        while chunks:
            lo, hi = chunks.pop()
            try:
                self._insert(rows[lo:hi])
            except _Refused as exc:
                if hi - lo == 1:
                    why = msg("logs.store_refused", reason=exc.args[0])
                    refused.append((refs[lo], InvalidInput(why)))
                else:
                    mid = (lo + hi) // 2
                    chunks += [(mid, hi), (lo, mid)]
                continue
            except BaseException as exc:  # the store failed, or Ctrl-C: keep what is unwritten
                spans = [(lo, hi), *reversed(chunks)]
                kept = [r for a, b in spans for r in rows[a:b]]
                kept_refs = [r for a, b in spans for r in refs[a:b]]
                if isinstance(exc, StoreError) and not isinstance(exc, StoreUnwritable):
                    exc = self._store_error(len(kept), exc)
                return written, refused, (kept, kept_refs, exc)
            written += hi - lo
        return written, refused, None

    @staticmethod
    def _store_error(count: int, exc: StoreError) -> StoreError:
        entries = msg_n("logs.n.log_entries", count, count=count)
        return StoreError(
            msg("logs.write_failed", entries=entries, reason=exc.raw_message),
            hint=msg("logs.write_failed_hint"),
        )

    def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        """One transaction; _Refused when the store refuses the data, StoreError otherwise."""
        try:
            with self.engine.begin() as conn:
                if self.use_copy and len(rows) >= COPY_THRESHOLD:
                    self._copy(conn, rows)
                elif self._sqlite:
                    # rows straight to the driver, many a statement (one step): no per-row dicts
                    insert_rows(conn, *_SQLITE_INSERT, rows)
                else:
                    conn.execute(
                        sa.insert(_BULK_TABLE), [dict(zip(COLUMNS, r, strict=True)) for r in rows]
                    )
                if not self._sqlite:  # wakes `logs -f` at commit: one per batch (follow.py)
                    conn.exec_driver_sql(_NOTIFY)
        except (ValueError, OverflowError, TypeError) as exc:  # the driver could not bind a value
            raise _Refused(_first_line(exc)) from None
        except Exception as exc:
            # SQLAlchemy wraps the driver's errors; COPY raises psycopg's own
            orig = getattr(exc, "orig", None) or exc
            state = getattr(orig, "sqlstate", None) or ""
            data_error = isinstance(exc, sa.exc.DataError | sa.exc.IntegrityError)
            if data_error or state[:2] in _REFUSED_CLASSES:
                raise _Refused(_first_line(orig)) from None
            if isinstance(exc, sa.exc.SQLAlchemyError) or _is_driver_error(orig):
                raise StoreError(_first_line(orig)) from None
            raise

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
        """Raise (once) what a flush on the timer thread raised."""
        if self._timer_error is not None:
            error, self._timer_error = self._timer_error, None
            raise error


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _is_driver_error(exc: BaseException) -> bool:
    """An error of the database driver (psycopg's COPY raises them unwrapped)."""
    return type(exc).__module__.split(".")[0] in ("psycopg", "sqlite3")
