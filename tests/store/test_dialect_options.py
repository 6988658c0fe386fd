"""The Postgres-only options of the schema are attached later (store/dialect_options.py): on
SQLite the Postgres dialect is not loaded, on Postgres (DDL, copies, listings) they are all
there, checked as SQLAlchemy checks a constructor's keywords."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex, CreateTable

from mercato_int.store.dialect_options import later
from mercato_int.store.schema import LOGS

PG = "sqlalchemy.dialects.postgresql"


def _index(table: sa.Table, name: str) -> sa.Index:
    return next(i for i in table.indexes if i.name == name)


def test_the_schema_and_a_sqlite_store_load_no_postgres_dialect(tmp_path) -> None:
    code = f"""
import json, sys
from mercato_int.store.engine import open_store
from mercato_int.store import schema
import sqlalchemy as sa
store = open_store("sqlite:///{tmp_path / "s.db"}")
with store.engine.connect() as conn:
    conn.execute(sa.select(schema.LOGS.c.id).where(schema.LOGS.c.operation.like("a%")))
    dict(schema.LOGS.dialect_options["sqlite"])
store.dispose()
print(json.dumps(sorted(sys.modules)))
"""
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr  # made and migrated (Alembic loads Postgres)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    modules = json.loads(out.stdout)
    assert "mercato_int.store.schema" in modules and "sqlalchemy.dialects.sqlite" in modules
    assert not [m for m in modules if m == PG or m.startswith(PG + ".")]


def test_on_postgres_the_options_are_all_there() -> None:
    from sqlalchemy.dialects import postgresql

    pg = postgresql.dialect()
    assert LOGS.dialect_options["postgresql"]["partition_by"] == "RANGE (created_at)"
    assert (
        str(CreateTable(LOGS).compile(dialect=pg))
        .rstrip()
        .endswith("PARTITION BY RANGE (created_at)")
    )
    operation = str(CreateIndex(_index(LOGS, "ix_logs_scope_operation")).compile(dialect=pg))
    assert "operation varchar_pattern_ops" in operation
    trgm = str(CreateIndex(_index(LOGS, "ix_logs_message_trgm")).compile(dialect=pg))
    assert trgm.endswith("USING gin (message gin_trgm_ops)")
    # listed with the others, and so carried by a copy (store/partitions.py makes them)
    assert dict(LOGS.dialect_kwargs) == {
        "sqlite_autoincrement": True,
        "postgresql_partition_by": "RANGE (created_at)",
    }
    copy = LOGS.to_metadata(sa.MetaData(), name="integration_logs_copy")
    assert copy.dialect_options["postgresql"]["partition_by"] == "RANGE (created_at)"
    assert _index(copy, "ix_logs_message_trgm").dialect_kwargs == {
        "postgresql_using": "gin",
        "postgresql_ops": {"message": "gin_trgm_ops"},
    }


def test_the_same_as_given_to_the_constructor() -> None:
    """A table given its options later equals one given them at once, in every view."""
    made = {}
    for how in ("at_once", "later"):
        meta = sa.MetaData()
        options = {"postgresql_partition_by": "RANGE (a)", "sqlite_autoincrement": True}
        index_options = {"postgresql_using": "gin", "postgresql_ops": {"b": "gin_trgm_ops"}}
        if how == "at_once":
            table = sa.Table(
                "t", meta, sa.Column("a", sa.Integer), sa.Column("b", sa.Text), **options
            )
            index = sa.Index("ix_b", table.c.b, **index_options)
        else:
            table = sa.Table(
                "t",
                meta,
                sa.Column("a", sa.Integer),
                sa.Column("b", sa.Text),
                sqlite_autoincrement=True,
            )
            later(table, postgresql_partition_by="RANGE (a)")
            index = later(sa.Index("ix_b", table.c.b), **index_options)
        made[how] = (table, index)
    (table, index), (once_table, once_index) = made["later"], made["at_once"]
    assert dict(table.dialect_kwargs) == dict(once_table.dialect_kwargs)
    assert dict(index.dialect_kwargs) == dict(once_index.dialect_kwargs)
    for dialect in ("postgresql", "sqlite"):
        assert dict(table.dialect_options[dialect]) == dict(once_table.dialect_options[dialect])
        assert dict(index.dialect_options[dialect]) == dict(once_index.dialect_options[dialect])
    assert "postgresql" in table.dialect_options
    assert len(table.dialect_kwargs) == len(once_table.dialect_kwargs) == 2


def test_an_option_the_dialect_does_not_take_is_refused_when_it_is_set() -> None:
    table = later(sa.Table("t", sa.MetaData(), sa.Column("a", sa.Integer)), postgresql_nope=1)
    with pytest.raises(sa.exc.ArgumentError, match="postgresql_nope"):
        table.dialect_options["postgresql"]
    with pytest.raises(TypeError):
        later(sa.Table("u", sa.MetaData(), sa.Column("a", sa.Integer)), nodialect=1)
