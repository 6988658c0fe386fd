"""The store can be distributed by tenant (Citus): every primary key and unique constraint of a
tenant table carries tenant_id, and foreign keys join only on it. A reference table (copied to
every node) is the one exception, and says so."""

from __future__ import annotations

import sqlalchemy as sa

from mercato_int.store.schema import METADATA


def _tenant_tables() -> list[sa.Table]:
    return [t for t in METADATA.sorted_tables if "tenant_id" in t.c]


def _keys(table: sa.Table) -> list[tuple[str, list[str]]]:
    keys = [("primary key", [c.name for c in table.primary_key.columns])]
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            keys.append((str(constraint.name), [c.name for c in constraint.columns]))
    for index in table.indexes:
        if index.unique:
            keys.append((str(index.name), [c.name for c in index.columns]))
    return keys


def lacking_tenant(tables: list[sa.Table]) -> list[str]:
    """`table: key` for each key of a distributed tenant table without tenant_id."""
    return [
        f"{table.name}: {name} {columns}"
        for table in tables
        if table.info.get("distribution") != "reference"
        for name, columns in _keys(table)
        if "tenant_id" not in columns
    ]


def test_every_key_of_a_distributed_tenant_table_carries_tenant_id() -> None:
    tables = _tenant_tables()
    assert {t.name for t in tables} == set(METADATA.tables)  # all of them hold tenant data
    assert lacking_tenant(tables) == []


def test_the_walk_finds_a_key_without_tenant_id() -> None:
    """The check itself fails on a table like the logs before 0007."""
    meta = sa.MetaData()
    table = sa.Table(
        "t",
        meta,
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("tenant_id", sa.String(10), nullable=False),
        sa.UniqueConstraint("id", name="uq_t_id"),
        sa.Index("ix_t_other", "id", unique=True),
    )
    assert lacking_tenant([table]) == [
        "t: primary key ['seq']",
        "t: uq_t_id ['id']",
        "t: ix_t_other ['id']",
    ]


def test_reference_tables_are_the_api_tokens_only() -> None:
    """A token is found by its hash before its tenant is known: a reference table."""
    reference = [t.name for t in METADATA.sorted_tables if t.info.get("distribution")]
    assert reference == ["api_tokens"]


def test_foreign_keys_join_tenant_tables_on_tenant_id() -> None:
    for table in _tenant_tables():
        for fk in table.foreign_key_constraints:
            pairs = {(e.parent.name, e.column.name) for e in fk.elements}
            assert ("tenant_id", "tenant_id") in pairs, f"{table.name}: {fk.name}"


def test_the_logs_key_holds_the_partition_key() -> None:
    from mercato_int.store.schema import LOGS

    assert LOGS.dialect_options["postgresql"]["partition_by"] == "RANGE (created_at)"
    for _name, columns in _keys(LOGS):
        assert "created_at" in columns


def test_every_on_conflict_target_is_a_unique_constraint_that_carries_tenant_id() -> None:
    """The upserts (credentials, states, settings, ACL) name a unique constraint of their
    table; after the keys changed they still do, and it holds tenant_id."""
    import ast
    from pathlib import Path

    import mercato_int

    root = Path(mercato_int.__file__).parent
    uniques = {
        frozenset(c.name for c in constraint.columns)
        for table in METADATA.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, sa.UniqueConstraint)
    }
    targets = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text())
        names = {
            n.targets[0].id: n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "index_elements":
                value = node.value
                if isinstance(value, ast.Name):
                    value = names[value.id]
                targets.append((path.name, frozenset(ast.literal_eval(value))))
    assert len(targets) >= 4
    for where, columns in targets:
        assert columns in uniques, where
        assert "tenant_id" in columns, where
