"""Many-row INSERTs bound by hand (store/bound.py), as the health run's state upserts and
events use them: what they store is what the typed SQLAlchemy insert stored (same text of the
JSON, the time stamps and the ids, on a real SQLite file and on Postgres), however many rows a
statement holds; ids made in batches are random version-4 UUIDs, never handed out twice."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from mercato_int.scope import TenantScope
from mercato_int.services.events import HEALTH_CHECKED, NewEvent
from mercato_int.services.state.rows import HealthWrite, upsert_health
from mercato_int.store.bound import BoundInsert, UuidPool, new_uuids
from mercato_int.store.schema import EVENTS, STATES

WHEN = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
RESULT = {
    "status": "healthy",
    "message": 'Stripe API reachable (test mode) — é, "quoted"',
    "details": {"httpStatus": 200, "livemode": False, "nested": {"list": [1, 2.5, None]}},
    "latencyMs": 12,
    "checkedAt": "2026-03-04T05:06:07Z",
}


def _raw(engine: sa.Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def test_new_uuids_are_random_version_4_and_never_repeat() -> None:
    ids = new_uuids(1000)
    assert len(set(ids)) == 1000
    assert all(i.version == 4 and i.variant == uuid.RFC_4122 for i in ids)
    assert new_uuids(0) == []
    pool = UuidPool(batch=7)
    taken: list[uuid.UUID] = []

    def take() -> None:
        for _ in range(500):
            taken.append(pool.take())

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(taken) == 4000 and len(set(taken)) == 4000


def test_events_recorded_by_hand_are_stored_as_the_typed_insert_stored_them(services) -> None:
    engine = services.store.engine
    scope = TenantScope("org-a", "shop-1")
    payload = {"integrationId": "gateway_stripe", "result": RESULT, "changes": {"n": None}}
    with engine.begin() as conn:  # the typed insert the events service made before
        conn.execute(
            sa.insert(EVENTS),
            [
                {
                    "id": uuid.uuid4(),
                    "type": HEALTH_CHECKED,
                    "subject_id": "gateway_stripe",
                    "actor": "tester",
                    "payload": payload,
                    "organization_id": scope.organization_id,
                    "tenant_id": scope.tenant_id,
                    "created_at": WHEN,
                }
            ],
        )
    services.events.clock = lambda: WHEN
    with engine.begin() as conn:
        events = services.events.record_many(
            conn, [NewEvent(HEALTH_CHECKED, scope, "tester", "gateway_stripe", payload)]
        )
    columns = "type, subject_id, actor, payload, organization_id, tenant_id, created_at"
    typed, by_hand = _raw(engine, f"SELECT {columns}, id FROM integration_events ORDER BY seq")
    assert by_hand[:-1] == typed[:-1]  # the same text of the JSON and of the time stamp
    assert type(by_hand[-1]) is type(typed[-1])  # the id as the store keeps it (hex or uuid)
    assert len(str(by_hand[-1])) == len(str(typed[-1]))
    assert uuid.UUID(str(by_hand[-1])) == uuid.UUID(events[0].id)
    # and the events service reads it back as it was recorded
    found, total = services.events.query(scope)
    assert total == 2 and {e.id: e.payload for e in found}[events[0].id] == payload


def test_more_rows_than_a_statement_holds_are_all_written_in_order(services) -> None:
    engine = services.store.engine
    scope = TenantScope("org-a", "shop-2")
    insert = BoundInsert(
        EVENTS,
        ("id", "type", "subject_id", "payload", "organization_id", "tenant_id", "created_at"),
        engine.dialect,
    )
    assert insert.rows_per_statement == 500
    rows = [
        (uuid.uuid4(), HEALTH_CHECKED, f"s{n}", {"n": n}, "org-a", "shop-2", WHEN)
        for n in range(1201)
    ]
    with engine.begin() as conn:
        insert.execute(conn, rows)
    stored = _raw(engine, "SELECT subject_id FROM integration_events ORDER BY seq")
    assert [s for (s,) in stored] == [f"s{n}" for n in range(1201)]  # in order
    found, total = services.events.query(scope)
    assert total == 1201
    assert {e.subject_id: e.payload for e in found} == {f"s{n}": {"n": n} for n in range(1201)}


def test_health_upsert_by_hand_stores_what_the_typed_upsert_stored(services) -> None:
    engine = services.store.engine
    dialect = services.store.dialect
    default = {i: d.default_enabled for i, d in services.registry.integrations.items()}
    typed_scope, scope = TenantScope("org-a", "typed"), TenantScope("org-a", "by-hand")
    with engine.begin() as conn:  # the typed rows, as the state service wrote them before
        conn.execute(
            sa.insert(STATES),
            [
                {
                    "id": uuid.uuid4(),
                    "integration_id": i,
                    "organization_id": typed_scope.organization_id,
                    "tenant_id": typed_scope.tenant_id,
                    "is_enabled": default[i],
                    "last_health_check": RESULT,
                    "last_health_check_at": WHEN,
                    "created_at": WHEN,
                    "updated_at": WHEN,
                    "version": 1,
                }
                for i in ("sync_medusa_products", "sync_medusa_orders")
            ],
        )
    members = ("sync_medusa_products", "sync_medusa_orders")
    with engine.begin() as conn:  # a bundle's one result on two members: new rows
        upsert_health(conn, dialect, default, [HealthWrite(members, scope, RESULT, WHEN)])
    columns = (
        "integration_id, is_enabled, last_health_check, last_health_check_at, created_at, "
        "updated_at, version, enabled_at, enabled_by"
    )

    def rows(tenant: str) -> list[tuple[object, ...]]:
        return _raw(
            engine,
            f"SELECT {columns} FROM integration_states WHERE tenant_id = '{tenant}' "
            "ORDER BY integration_id",
        )

    assert rows("by-hand") == rows("typed")
    # a second result updates the result, its time and updated_at, nothing else
    later = WHEN + timedelta(minutes=5)
    second = {**RESULT, "status": "degraded"}
    with engine.begin() as conn:
        upsert_health(conn, dialect, default, [HealthWrite(members, scope, second, later)])
    views = services.state.all_states_of([scope])[scope]
    for i in members:
        assert views[i].last_health_check == second
        assert views[i].last_health_check_at == later and views[i].updated_at == later
        assert views[i].version == 1
    created = {r[0]: r[4] for r in rows("by-hand")}
    assert created == {r[0]: r[4] for r in rows("typed")}  # created_at kept
