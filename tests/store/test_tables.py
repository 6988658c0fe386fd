"""The store's schema on SQLite and Postgres: tables, types, constraints, indexes, revisions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import select

from mercato_int.scope import TenantScope
from mercato_int.services.state.reads import read_state_rows
from mercato_int.shapes.state import StateShape
from mercato_int.store import schema
from mercato_int.store.engine import open_store
from mercato_int.store.migrate import script_heads
from mercato_int.store.revisions import HEAD_REVISION, KNOWN_REVISIONS
from mercato_int.store.schema import not_in_metadata
from mercato_int.store.tables import (
    ALL_TABLES,
    AclGrant,
    IntegrationCredentials,
    IntegrationLog,
    IntegrationState,
    TenantSetting,
)

JSON_COLUMNS = {
    ("integration_credentials", "encrypted_values"),
    ("integration_states", "last_health_check"),
    ("integration_logs", "details"),
    ("integration_events", "payload"),
    ("integration_settings", "value"),
}


@pytest.fixture
def store(db_url: str):
    store = open_store(db_url, auto_migrate=True)
    yield store
    store.dispose()


def test_revisions_module_matches_the_alembic_scripts() -> None:
    assert script_heads() == [HEAD_REVISION]
    from alembic.script import ScriptDirectory

    from mercato_int.store.migrate import MIGRATIONS_DIR

    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    chain = [s.revision for s in scripts.walk_revisions()][::-1]  # oldest first
    assert tuple(chain) == KNOWN_REVISIONS


def test_the_migration_creates_every_table_at_head(store) -> None:
    from mercato_int.store.partitions import partition_names

    with store.engine.connect() as conn:
        months = partition_names(conn)  # Postgres: the months of integration_logs
    names = {
        n for n in sa.inspect(store.engine).get_table_names() if not not_in_metadata(n)
    } - months
    assert {t.__tablename__ for t in ALL_TABLES} | {"alembic_version"} == names
    if store.dialect == "postgresql":
        assert "integration_logs_default" in months and len(months) >= 5
    else:
        assert months == set()
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == (
            HEAD_REVISION
        )


def test_the_tables_and_the_migration_agree(store) -> None:
    """Autogenerate against the migrated store finds nothing to do: no drift."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from mercato_int.store.migrations.naming import include_name
    from mercato_int.store.schema import METADATA

    with store.engine.connect() as conn:
        opts = {
            "compare_type": True,
            "include_object": lambda _o, name, _t, _r, _c: not not_in_metadata(name),
            "include_name": include_name(conn),
        }
        ctx = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(ctx, METADATA)
    assert diff == []


def test_the_sqlmodel_classes_map_onto_the_core_tables() -> None:
    """One definition: each SQLModel class is mapped onto the Core table of store/schema.py
    (the same object), with a field per column; SQLModel builds no table of its own."""
    from sqlmodel import SQLModel

    assert [t.__table__ for t in ALL_TABLES] == list(schema.ALL)
    for model in ALL_TABLES:
        assert list(model.model_fields) == model.__table__.c.keys(), model.__name__
        for name in model.model_fields:  # the mapped attribute is the table's own column
            assert getattr(model, name).property.columns == [model.__table__.c[name]]
    assert SQLModel.metadata.tables == {}
    assert set(schema.METADATA.tables) == {t.name for t in schema.ALL}


def test_the_services_use_the_core_tables_themselves() -> None:
    from mercato_int.services import acl, events
    from mercato_int.services.credentials import rotation
    from mercato_int.services.logs import activity, query, writer
    from mercato_int.services.retention import prune, settings
    from mercato_int.services.state import reads, service

    assert reads.STATES is service.STATES is schema.STATES
    assert reads.CREDENTIALS is rotation.T is schema.CREDENTIALS
    assert acl.GRANTS is schema.ACL_GRANTS
    assert events.EVENTS is schema.EVENTS
    assert query.LOGS is activity.LOGS is prune.LOGS is writer.LOGS is schema.LOGS
    assert settings.SETTINGS is schema.SETTINGS
    # the bulk writer's columns and length checks come from the table
    assert tuple(c.name for c in schema.LOGS.c if c.name != "seq") == writer.COLUMNS
    assert writer._LIMITS["correlation_id"] == schema.LOGS.c.correlation_id.type.length


def test_no_table_is_defined_outside_the_schema_module() -> None:
    """No second copy of a table or its columns: no `Table("…")`, `table("…")` or
    `column("…")` naming one, nor SQLModel `max_length=` or `sa_column=Column(`, anywhere in
    src/ but store/schema.py (migrations, which record history, aside)."""
    import re
    from pathlib import Path

    import mercato_int

    root = Path(mercato_int.__file__).parent
    pattern = re.compile(r"\b(Table|table|column)\(\s*[\"']|max_length=|sa_column=Column\(")
    found = [
        f"{path.relative_to(root)}:{text.count(chr(10), 0, match.start()) + 1}"
        for path in sorted(root.rglob("*.py"))
        if path.name != "schema.py" and "migrations" not in path.parts
        for text in [path.read_text()]
        for match in pattern.finditer(text)
    ]
    assert found == []


def test_the_schema_module_imports_no_orm() -> None:
    import subprocess
    import sys

    code = "import sys, mercato_int.store.schema; print(' '.join(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = run.stdout.split()
    assert not [m for m in modules if m.split(".")[0] == "sqlmodel" or m == "sqlalchemy.orm"]


def test_indexes_serve_the_log_queries_and_the_prune(store) -> None:
    indexes = {
        i["name"]: i["column_names"]
        for i in sa.inspect(store.engine).get_indexes("integration_logs")
    }
    assert indexes["ix_logs_scope_integration_created"] == [
        "tenant_id",
        "organization_id",
        "integration_id",
        "created_at",
        "id",
    ]
    assert indexes["ix_logs_scope_created"] == ["tenant_id", "organization_id", "created_at", "id"]
    assert "ix_logs_scope_integration_level_created" in indexes


def test_unique_constraints(store) -> None:
    uniques = {
        t.__tablename__: [
            u["column_names"]
            for u in sa.inspect(store.engine).get_unique_constraints(t.__tablename__)
        ]
        for t in ALL_TABLES
    }
    assert uniques["integration_credentials"] == [
        ["integration_id", "organization_id", "tenant_id"]
    ]
    assert uniques["integration_states"] == [["integration_id", "organization_id", "tenant_id"]]
    assert uniques["integration_settings"] == [["organization_id", "tenant_id", "key"]]
    assert uniques["integration_acl_grants"] == [["organization_id", "tenant_id", "actor", "grant"]]


@pytest.mark.parametrize(
    "make",
    [
        lambda t: IntegrationState(
            integration_id="gateway_stripe", organization_id="o", tenant_id=t
        ),
        lambda t: IntegrationCredentials(
            integration_id="gateway_stripe",
            encrypted_values={"v": 1},
            organization_id="o",
            tenant_id=t,
        ),
        lambda t: TenantSetting(
            key="log.retention_days", value=30, organization_id="o", tenant_id=t
        ),
        lambda t: AclGrant(actor="ann", grant="admin", organization_id="o", tenant_id=t),
    ],
    ids=["states", "credentials", "settings", "acl"],
)
def test_unique_constraints_hold(store, make) -> None:
    with store.session() as session:
        session.add(make("t1"))
        session.add(make("t2"))  # another tenant: fine
    with pytest.raises(IntegrityError), store.session() as session:
        session.add(make("t1"))


def test_timestamps_come_back_aware_utc(store) -> None:
    plus_two = datetime(2026, 3, 1, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    entry = IntegrationLog(
        integration_id="gateway_stripe",
        level="info",
        operation="test",
        message="hello",
        details={"n": 1, "nested": {"ok": True}},
        organization_id="o",
        tenant_id="t",
        created_at=plus_two,
    )
    with store.session() as session:
        session.add(entry)
    with store.session() as session:
        # seq is the primary key (the insertion order); id stays unique
        back = session.exec(select(IntegrationLog).where(IntegrationLog.id == entry.id)).one()
        assert back.seq is not None
        assert back.created_at == plus_two
        assert back.created_at.tzinfo == UTC
        assert back.created_at.hour == 12
        assert back.details == {"n": 1, "nested": {"ok": True}}
        assert isinstance(back.id, uuid.UUID)


def test_a_naive_timestamp_is_refused(store) -> None:
    with pytest.raises(StatementError, match="naive datetime"), store.session() as session:
        session.add(
            IntegrationState(
                integration_id="x",
                organization_id="o",
                tenant_id="t",
                enabled_at=datetime(2026, 1, 1),
            )
        )


def test_the_read_model_reads_what_the_orm_wrote(store) -> None:
    when = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
    with store.session() as session:
        session.add(
            IntegrationState(
                integration_id="gateway_stripe",
                is_enabled=True,
                enabled_at=when,
                enabled_by="ann",
                last_health_check={"status": "healthy", "message": "ok"},
                last_health_check_at=when,
                organization_id="o",
                tenant_id="t",
            )
        )
    with store.connect() as conn:
        rows = read_state_rows(conn, scope=TenantScope("o", "t"))
        assert read_state_rows(conn, scope=TenantScope("o", "other")) == {}
    view = rows["gateway_stripe"]
    assert (view.is_enabled, view.enabled_by, view.health_status) == (True, "ann", "healthy")
    assert StateShape.of(view).document()["enabledAt"] == "2026-05-04T03:02:01Z"
    assert view.last_health_check_at == when and view.last_health_check_at.tzinfo == UTC


@pytest.mark.postgres
def test_json_columns_are_jsonb_on_postgres(pg_url: str) -> None:
    store = open_store(pg_url, auto_migrate=True)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT table_name, column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND data_type IN ('jsonb', 'json')"
                )
            ).all()
            stamps = conn.execute(
                sa.text(
                    "SELECT DISTINCT data_type FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND column_name LIKE '%\\_at'"
                )
            ).scalars()
            assert set(stamps) == {"timestamp with time zone"}
            from mercato_int.store.partitions import partition_names

            months = partition_names(conn)  # a partition has its parent's columns
    finally:
        store.dispose()
    assert {(t, c) for t, c, _ in rows if t not in months} == JSON_COLUMNS
    assert {d for _, _, d in rows} == {"jsonb"}


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    finally:
        store.dispose()


@pytest.mark.postgres
def test_the_postgres_tests_reach_a_real_server(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(sa.text("SELECT version()")).scalar()
            database = conn.execute(sa.text("SELECT current_database()")).scalar()
            schema = conn.execute(sa.text("SELECT current_schema()")).scalar()
    finally:
        engine.dispose()
    assert version.startswith("PostgreSQL ")
    assert database.startswith("mercato_test_")  # this run's own database…
    assert schema.startswith("t_")  # …and this test's own schema
