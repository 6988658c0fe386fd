"""The log service on a real store: single entries, the batched writer (size, time, exit,
failure), redaction before storage, queries, the keyset cursor and follow."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from mercato_int.errors import InvalidInput, NotFound, StoreError
from mercato_int.redaction import MASK
from mercato_int.scope import TenantScope
from mercato_int.services.logs.model import LogFilter
from mercato_int.services.logs.service import LogService
from mercato_int.shapes.logs import LogEntryShape

SCOPE = TenantScope()
OTHER = TenantScope("default", "other")
T0 = datetime(2026, 2, 1, tzinfo=UTC)


def count(services, scope: TenantScope = SCOPE) -> int:
    return services.logs.query(scope=scope, limit=1).total


def test_log_and_scoped_logger_write_every_field(services) -> None:
    services.logs.log(
        integration_id="gateway_stripe",
        level="error",
        operation="webhook.failed",
        message="Failed",
        scope=SCOPE,
        details={"paymentId": "pay_1"},
        correlation_id="evt_1",
        entity_type="sales.payment",
        entity_id="pay_1",
        duration_ms=5200,
    )
    log = services.logs.scoped("gateway_stripe", "evt_2", SCOPE)
    log.info("webhook.received", "Received", {"a": 1}, duration_ms=3)
    page = services.logs.query(scope=SCOPE)
    assert page.total == 2
    received, failed = page.items
    assert (received.operation, received.correlation_id, received.duration_ms) == (
        "webhook.received",
        "evt_2",
        3,
    )
    assert LogEntryShape.of(failed).document() | {"id": "x", "createdAt": "t"} == {
        "id": "x",
        "integrationId": "gateway_stripe",
        "level": "error",
        "operation": "webhook.failed",
        "message": "Failed",
        "details": {"paymentId": "pay_1"},
        "correlationId": "evt_1",
        "entityType": "sales.payment",
        "entityId": "pay_1",
        "durationMs": 5200,
        "organizationId": "default",
        "tenantId": "default",
        "createdAt": "t",
    }
    assert count(services, OTHER) == 0


def nested(depth: int) -> dict:
    """Details nested `depth` levels deep (the object itself is level 1)."""
    value: dict = {}
    for _ in range(depth - 1):
        value = {"k": value}
    return value


BAD_ENTRIES = [
    ({"level": "fatal"}, "unknown level 'fatal'"),
    ({"details": ["x"]}, "details must be a JSON object"),
    ({"duration_ms": -1}, "durationMs must be an integer from 0 to 2,147,483,647, not -1"),
    ({"duration_ms": 2**31}, "durationMs must be an integer from 0 to 2,147,483,647"),
    ({"duration_ms": 10**5000}, "durationMs must be an integer from 0 to 2,147,483,647, not '…'"),
    ({"duration_ms": 1.5}, "durationMs must be an integer"),
    ({"duration_ms": "12"}, "durationMs must be an integer from 0 to 2,147,483,647, not '12'"),
    ({"created_at": "2026-01-01T00:00:00Z"}, "createdAt must be between"),
    ({"operation": "x" * 101}, "operation must be a string of at most 100 characters"),
    ({"message": "a\ud800b"}, "message is not valid Unicode (it holds a lone surrogate)"),
    ({"operation": "op\udcff"}, "operation is not valid Unicode"),
    ({"correlation_id": "c\udcff"}, "correlation_id is not valid Unicode"),
    ({"message": "a\x00b"}, "message holds a NUL character, which the store cannot keep"),
    ({"entity_id": "e\x00"}, "entity_id holds a NUL character"),
    ({"details": {"a": "x\x00"}}, "details holds a NUL character"),
    ({"details": {"k\x00": 1}}, "details holds a NUL character"),
    ({"details": {"a": "\udc80"}}, "details is not valid Unicode"),
    ({"details": {"x": float("nan")}}, "NaN and Infinity are not allowed in JSON"),
    ({"details": {"x": [float("-inf")]}}, "NaN and Infinity are not allowed in JSON"),
    ({"details": {"n": 10**5000}}, "a number longer than 4,300 digits"),
    ({"details": {(1, 2): "tuple key"}}, "details must be a JSON object"),
    ({"details": nested(101)}, "details are nested deeper than 100 levels"),
    ({"details": nested(3000)}, "details are nested deeper than 100 levels"),
    ({"created_at": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))}, "createdAt must"),
    ({"created_at": datetime.max.replace(tzinfo=timezone(-timedelta(hours=1)))}, "createdAt"),
    ({"created_at": datetime(1969, 12, 31, 23, 59, tzinfo=UTC)}, "createdAt must be between"),
    ({"created_at": datetime(9999, 12, 31, tzinfo=UTC)}, "createdAt must be between"),
    ({"created_at": datetime(2026, 1, 1)}, "createdAt needs a time zone"),
    ({"message": "m" * (64 * 1024 + 1)}, "message is 65,537 bytes, more than the 64 KiB"),
]


@pytest.mark.parametrize(("kw", "message"), BAD_ENTRIES)
def test_bad_entries_are_refused_and_nothing_is_stored(services, kw: dict, message: str) -> None:
    entry = {"level": "info", "operation": "op", "message": "m"} | kw
    with pytest.raises(InvalidInput) as info:
        services.logs.log(integration_id="gateway_stripe", scope=SCOPE, **entry)
    assert str(info.value).startswith(message)
    assert count(services) == 0


def test_unknown_integration_is_not_found(services) -> None:
    with pytest.raises(NotFound):
        services.logs.log(
            integration_id="nope", level="info", operation="o", message="m", scope=SCOPE
        )


def test_one_bad_entry_in_the_writer_costs_only_itself(services) -> None:
    """The writer API: every kind of bad entry raises at write(), before it is buffered, and
    the good entries around it are all stored."""
    with services.logs.writer(batch_size=5000, flush_interval=None) as w:
        for i, (kw, _) in enumerate(BAD_ENTRIES):
            write(w, 3, details={"i": i})
            entry = {"level": "info", "operation": "op", "message": "m"} | kw
            with pytest.raises(InvalidInput):
                w.write(integration_id="gateway_stripe", scope=SCOPE, **entry)
        assert w.pending == 3 * len(BAD_ENTRIES)
    assert count(services) == 3 * len(BAD_ENTRIES)


def test_size_caps_hold_at_the_boundary(services) -> None:
    def log(**kw) -> None:
        entry = {"level": "info", "operation": "op", "message": "m"} | kw
        services.logs.log(integration_id="gateway_stripe", scope=SCOPE, **entry)

    log(message="m" * 65536)
    log(message="ł" * 32768)  # 65,536 bytes of UTF-8
    with pytest.raises(InvalidInput, match="message is 65,538 bytes"):
        log(message="ł" * 32769)
    pad = 256 * 1024 - len('{"p":""}')
    log(details={"p": "x" * pad})  # stored compact: exactly 256 KiB
    with pytest.raises(InvalidInput, match="details is 262,145 bytes, more than the 256 KiB"):
        log(details={"p": "x" * (pad + 1)})
    log(details=nested(100))
    log(details={"x": "a literal \\u0000, not a NUL"})  # JSON text "\\u0000": no NUL
    log(duration_ms=2**31 - 1, created_at=datetime(9999, 12, 30, tzinfo=UTC))
    log(created_at=datetime(1970, 1, 1, tzinfo=UTC))
    page = services.logs.query(scope=SCOPE, limit=10)
    assert page.total == 7
    assert {"x": "a literal \\u0000, not a NUL"} in [e.details for e in page.items]
    messages = sorted(e.message for e in page.items)
    assert messages[-2:] == ["m" * 65536, "ł" * 32768]
    assert sorted(len(json.dumps(e.details or {})) for e in page.items)[-1] > 256 * 1024 - 10
    assert max(e.duration_ms or 0 for e in page.items) == 2**31 - 1
    assert {e.created_at.year for e in page.items} >= {1970, 9999}


def write(w, n: int, **kw) -> None:
    for i in range(n):
        w.write(
            integration_id="gateway_stripe",
            level="info",
            operation="sync.import",
            message=f"m{i}",
            scope=SCOPE,
            **kw,
        )


def test_writer_flushes_by_size_and_on_exit(services) -> None:
    with services.logs.writer(batch_size=10, flush_interval=None) as w:
        write(w, 25)
        assert count(services) == 20
        assert w.pending == 5
    assert count(services) == 25


def test_writer_flushes_by_time_without_further_writes(services) -> None:
    with services.logs.writer(batch_size=1000, flush_interval=0.2) as w:
        write(w, 3)
        deadline = time.monotonic() + 10
        while count(services) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert count(services) == 3
        assert w.pending == 0


def test_writer_keeps_buffered_entries_when_the_body_raises(services) -> None:
    w = services.logs.writer(batch_size=1000, flush_interval=None)
    with pytest.raises(RuntimeError, match="producer broke"), w:
        write(w, 7)
        raise RuntimeError("producer broke")
    assert count(services) == 7


def test_failed_flush_keeps_entries_for_the_next_one(services) -> None:
    engine = services.store.engine
    w = services.logs.writer(batch_size=1000, flush_interval=None)
    write(w, 4)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE integration_logs RENAME TO integration_logs_away"))
    try:
        with pytest.raises(StoreError, match="could not write 4 log entries"):
            w.flush()
        assert w.pending == 4
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE integration_logs_away RENAME TO integration_logs"))
    write(w, 1)
    w.close()
    assert count(services) == 5


@pytest.mark.parametrize("where", [0, 2500, 4999])
def test_a_row_the_store_refuses_costs_only_itself(services, db_url, poison, where: int) -> None:
    """One row the store refuses in a batch of 5,000 (COPY on Postgres): the batch is split
    until that row stands alone, the 4,999 others are written, the row is handed back."""
    assert count(services) == 0  # the store exists and is migrated
    poison(db_url)
    refused: list[tuple[object, str]] = []
    with services.logs.writer(
        batch_size=5000, flush_interval=None, on_reject=lambda ref, e: refused.append((ref, str(e)))
    ) as w:
        for i in range(5000):
            w.write(
                integration_id="gateway_stripe",
                level="info",
                operation="op",
                message="poison" if i == where else f"m{i}",
                scope=SCOPE,
                ref=i + 1,
            )
    assert count(services) == 4999
    assert w.written == 4999 and w.pending == 0
    assert [ref for ref, _ in refused] == [where + 1]
    assert refused[0][1].startswith("the store refused this entry: ")
    messages = {e.message for e in services.logs.query(scope=SCOPE, limit=1000).items}
    assert "poison" not in messages


def test_without_on_reject_the_flush_reports_the_refused_row_after_writing_the_rest(
    services, db_url, poison
) -> None:
    assert count(services) == 0  # the store exists and is migrated
    poison(db_url)
    with pytest.raises(InvalidInput) as info:
        services.logs.log(
            integration_id="gateway_stripe",
            level="info",
            operation="o",
            message="poison",
            scope=SCOPE,
        )
    assert str(info.value).startswith(
        "the store refused 1 log entry (the others were written): the store refused this entry"
    )
    w = services.logs.writer(batch_size=1000, flush_interval=None)
    write(w, 3)
    w.write(
        integration_id="gateway_stripe", level="info", operation="o", message="poison", scope=SCOPE
    )
    write(w, 3)
    with pytest.raises(InvalidInput, match="the store refused 1 log entry"):
        w.close()
    assert count(services) == 6 and w.pending == 0


def test_a_refusal_met_by_the_timer_flush_is_reported_by_close(services, db_url, poison) -> None:
    assert count(services) == 0
    poison(db_url)
    w = services.logs.writer(batch_size=1000, flush_interval=0.2)
    write(w, 2)
    w.write(
        integration_id="gateway_stripe", level="info", operation="o", message="poison", scope=SCOPE
    )
    deadline = time.monotonic() + 10
    while count(services) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert count(services) == 2 and w.pending == 0
    with pytest.raises(InvalidInput, match="the store refused 1 log entry"):
        w.close()


def test_copy_path_writes_big_batches(services) -> None:
    with services.logs.writer(batch_size=500, flush_interval=None) as w:
        write(w, 1200, details={"k": [1, {"x": "é"}]})
    page = services.logs.query(scope=SCOPE, limit=1)
    assert page.total == 1200
    assert page.items[0].details == {"k": [1, {"x": "é"}]}


def test_secret_keys_and_values_never_reach_the_store(services) -> None:
    logs = LogService(
        guard=services.guard,
        store=services.store,
        registry=services.registry,
        clock=services.clock,
        secret_values=lambda i, s: ["sk_live_abcdef123", "abc"] if i == "gateway_stripe" else [],
    )
    with logs.writer() as w:
        w.write(
            integration_id="gateway_stripe",
            level="error",
            operation="webhook.failed",
            message="auth with sk_live_abcdef123 failed (abc)",
            scope=SCOPE,
            details={"req": {"secretKey": "whatever", "h": ["Bearer sk_live_abcdef123"]}},
            correlation_id="sk_live_abcdef123",
        )
    entry = services.logs.query(scope=SCOPE).items[0]
    assert entry.message == f"auth with {MASK} failed (abc)"
    assert entry.details == {"req": {"h": [f"Bearer {MASK}"]}}
    assert entry.correlation_id == MASK


def test_numeric_secret_and_secret_in_operation_never_reach_the_store(services) -> None:
    """A digits-only secret logged as a JSON number (int, float, in a list, as a float's
    exponent form) is masked; one in `operation` too; a durationMs spelling it is dropped."""
    logs = LogService(
        guard=services.guard,
        store=services.store,
        registry=services.registry,
        clock=services.clock,
        secret_values=lambda i, s: ["98765432", "sk_live_abcdef123"],
    )
    logs.log(
        integration_id="gateway_stripe",
        level="info",
        operation="charge.sk_live_abcdef123",
        message="pin check",
        scope=SCOPE,
        details={
            "pin": 98765432,
            "pins": [1, 1987654321, 98765432.0, 9.8765432e20],
            "ok": 42,
            "flag": True,
        },
        duration_ms=98765432,
    )
    entry = services.logs.query(scope=SCOPE).items[0]
    assert entry.operation == f"charge.{MASK}"
    assert entry.details == {"pin": MASK, "pins": [1, MASK, MASK, MASK], "ok": 42, "flag": True}
    assert entry.duration_ms is None
    with services.store.engine.connect() as conn:
        raw = conn.execute(sa.text("SELECT * FROM integration_logs")).all()
    assert "98765432" not in repr(raw) and "sk_live_abcdef123" not in repr(raw)


def seed(services) -> None:
    rows = [
        ("gateway_stripe", "error", "webhook.failed", "Failed to process", "evt_1", 0),
        ("gateway_stripe", "info", "webhook.received", "Received event", "evt_1", 1),
        ("gateway_stripe", "warning", "webhook.slow", "Slow answer", "evt_2", 2),
        ("sync_medusa_products", "info", "sync.import.started", "Import started", "run_1", 3),
        ("sync_medusa_products", "debug", "sync.import.batch", "100% of batch_1", "run_1", 4),
        ("sync_medusa_products", "error", "sync.import.item_failed", "Product p_9", "run_1", 5),
    ]
    with services.logs.writer() as w:
        for integration, level, op, msg, corr, minutes in rows:
            w.write(
                integration_id=integration,
                level=level,
                operation=op,
                message=msg,
                scope=SCOPE,
                correlation_id=corr,
                entity_type="catalog.product" if "item" in op else None,
                entity_id="p_9" if "item" in op else None,
                created_at=T0 + timedelta(minutes=minutes),
            )
    services.logs.log(
        integration_id="gateway_stripe", level="error", operation="x", message="m", scope=OTHER
    )


@pytest.mark.parametrize(
    ("f", "operations"),
    [
        (LogFilter(), ["item_failed", "batch", "started", "slow", "received", "failed"]),
        (LogFilter(integration_id="gateway_stripe"), ["slow", "received", "failed"]),
        (LogFilter(level="error"), ["item_failed", "failed"]),
        (LogFilter(min_level="warning"), ["item_failed", "slow", "failed"]),
        (LogFilter(operation="sync.import.*"), ["item_failed", "batch", "started"]),
        (LogFilter(operation="webhook.?low"), ["slow"]),
        (LogFilter(operation="webhook"), []),
        (LogFilter(correlation_id="evt_1"), ["received", "failed"]),
        (LogFilter(entity_type="catalog.product", entity_id="p_9"), ["item_failed"]),
        (LogFilter(since=T0 + timedelta(minutes=2)), ["item_failed", "batch", "started", "slow"]),
        (LogFilter(until=T0 + timedelta(minutes=1)), ["failed"]),
        (LogFilter(search="PRODUCT"), ["item_failed"]),
        (LogFilter(search="100%"), ["batch"]),
        (LogFilter(search="batch*"), []),  # search text is literal, not a glob
    ],
)
def test_query_filters_newest_first(services, f: LogFilter, operations: list[str]) -> None:
    seed(services)
    page = services.logs.query(scope=SCOPE, filters=f)
    assert [e.operation.rsplit(".", 1)[-1] for e in page.items] == operations
    assert page.total == len(operations)


def test_offset_and_cursor_pages(services) -> None:
    with services.logs.writer() as w:
        for i in range(23):
            w.write(
                integration_id="gateway_stripe",
                level="info",
                operation="op",
                message=f"m{i}",
                scope=SCOPE,
                created_at=T0 + timedelta(seconds=i // 3),  # ties: the id breaks them
            )
    everything = [e.id for e in services.logs.query(scope=SCOPE, limit=100).items]
    seen, cursor = [], None
    while True:
        page = services.logs.query(scope=SCOPE, limit=5, cursor=cursor)
        seen += [e.id for e in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == everything
    by_offset = services.logs.query(scope=SCOPE, limit=5, offset=10).items
    assert [e.id for e in by_offset] == everything[10:15]
    with pytest.raises(InvalidInput, match="not a log cursor"):
        services.logs.query(scope=SCOPE, cursor="garbage")


def test_follow_prints_backlog_then_late_and_new_entries_once(services) -> None:
    seed(services)
    stop = threading.Event()
    got: list[str] = []

    def run() -> None:
        for entry in services.logs.follow(
            scope=SCOPE, backlog=2, poll_seconds=0.05, should_stop=stop.is_set
        ):
            got.append(entry.message)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while len(got) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        now = services.clock()
        # one new entry, and one stamped earlier than it but committed later (a batched writer)
        services.logs.log(
            integration_id="gateway_stripe", level="info", operation="o", message="new", scope=SCOPE
        )
        services.logs.log(
            integration_id="gateway_stripe",
            level="info",
            operation="o",
            message="late",
            scope=SCOPE,
            created_at=now - timedelta(seconds=2),
        )
        services.logs.log(
            integration_id="gateway_stripe", level="info", operation="o", message="x", scope=OTHER
        )
        while len(got) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join()
    assert got[:2] == ["100% of batch_1", "Product p_9"]
    assert sorted(got[2:]) == ["late", "new"]


def test_writer_resolves_secrets_once_per_integration_and_scope(services) -> None:
    calls: list[tuple[str, str]] = []

    def secret_values(integration_id: str, scope: TenantScope) -> list[str]:
        calls.append((integration_id, scope.tenant_id))
        return ["sk_live_abcdef123"]

    logs = LogService(
        guard=services.guard,
        store=services.store,
        registry=services.registry,
        clock=services.clock,
        secret_values=secret_values,
    )
    with logs.writer(batch_size=7) as w:
        for i in range(30):
            w.write(
                integration_id="gateway_stripe" if i % 2 else "carrier_dhl",
                level="info",
                operation="op",
                message="sk_live_abcdef123",
                scope=SCOPE if i % 3 else OTHER,
            )
    assert sorted(calls) == [
        ("carrier_dhl", "default"),
        ("carrier_dhl", "other"),
        ("gateway_stripe", "default"),
        ("gateway_stripe", "other"),
    ]
    assert {e.message for e in services.logs.query(scope=SCOPE).items} == {MASK}
