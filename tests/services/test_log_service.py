"""The log service on a real store: single entries, the batched writer (size, time, exit,
failure), redaction before storage, queries, the keyset cursor and follow."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mercato_int.errors import InvalidInput, NotFound, StoreError
from mercato_int.scope import TenantScope
from mercato_int.services.log_query import LogFilter
from mercato_int.services.log_redaction import MASK
from mercato_int.services.logs import LogService

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
    assert failed.to_json() | {"id": "x", "createdAt": "t"} == {
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


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"level": "fatal"}, "unknown level 'fatal'"),
        ({"details": ["x"]}, "details must be a JSON object"),
        ({"duration_ms": -1}, "durationMs must be a non-negative integer, not -1"),
        ({"operation": "x" * 101}, "operation must be a string of at most 100 characters"),
    ],
)
def test_bad_entries_are_refused(services, kw: dict, message: str) -> None:
    entry = {"level": "info", "operation": "op", "message": "m"} | kw
    with pytest.raises(InvalidInput) as info:
        services.logs.log(integration_id="gateway_stripe", scope=SCOPE, **entry)
    assert str(info.value).startswith(message)
    with pytest.raises(NotFound):
        services.logs.log(
            integration_id="nope", level="info", operation="o", message="m", scope=SCOPE
        )


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


def test_copy_path_writes_big_batches(services) -> None:
    with services.logs.writer(batch_size=500, flush_interval=None) as w:
        write(w, 1200, details={"k": [1, {"x": "é"}]})
    page = services.logs.query(scope=SCOPE, limit=1)
    assert page.total == 1200
    assert page.items[0].details == {"k": [1, {"x": "é"}]}


def test_secret_keys_and_values_never_reach_the_store(services) -> None:
    logs = LogService(
        store=services.store,
        registry=services.registry,
        clock=services.clock,
        secret_values=lambda i, s: ["sk_live_abcdef123", "short"] if i == "gateway_stripe" else [],
    )
    with logs.writer() as w:
        w.write(
            integration_id="gateway_stripe",
            level="error",
            operation="webhook.failed",
            message="auth with sk_live_abcdef123 failed (short)",
            scope=SCOPE,
            details={"req": {"secretKey": "whatever", "h": ["Bearer sk_live_abcdef123"]}},
            correlation_id="sk_live_abcdef123",
        )
    entry = services.logs.query(scope=SCOPE).items[0]
    assert entry.message == f"auth with {MASK} failed (short)"
    assert entry.details == {"req": {"h": [f"Bearer {MASK}"]}}
    assert entry.correlation_id == MASK


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
