"""every primary key and unique constraint of tenant data carries tenant_id (the store can be
distributed by tenant with Citus); Postgres: integration_logs partitioned by month

Credentials, states, settings and ACL grants: primary key (id, tenant_id). Events: primary
key (seq, tenant_id) and uq_events_id (id, tenant_id). Logs: uq_logs_id (id, tenant_id,
created_at). SQLite rebuilds each table (batch mode: its other indexes, constraints and
triggers kept, and AUTOINCREMENT's high-water mark); logs and events keep `seq INTEGER PRIMARY
KEY AUTOINCREMENT` as their key there (the rowid, unique by itself and so with tenant_id too;
SQLite is never distributed), one table each. Postgres: logs become a table partitioned by
month on created_at with primary key (seq, tenant_id, created_at), built from store/schema.py
(columns and indexes, whichever revisions added them), when the table holds at most
partition_copy.INLINE_ROWS rows (copied under the migration's lock); a bigger one is left as
it is for `mercato-int db partition-logs`, which moves it online. api_tokens is a reference table (a
token is found by its hash alone) and keeps its keys.

Revision ID: 0007_tenant_keys
Revises: 0006_log_search
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import CreateIndex
from sqlalchemy.sql.elements import quoted_name

revision = "0007_tenant_keys"
down_revision = "0006_log_search"
branch_labels = None
depends_on = None

_BY_ID = ("integration_credentials", "integration_states", "integration_settings")
_REKEYED = (*_BY_ID, "integration_acl_grants")


def _rebuild_sqlite(table: str, key: list[str], uniques: dict[str, list[str]]) -> None:
    """SQLite: the table as it is (columns, indexes, other constraints, whichever revisions
    added them) rebuilt with primary key `key` and the unique constraints `uniques`; its
    triggers are put back. A single integer key stays `INTEGER PRIMARY KEY AUTOINCREMENT`."""
    conn = op.get_bind()
    triggers = (
        conn.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": table},
        )
        .scalars()
        .all()
    )
    # AUTOINCREMENT's high-water mark: a seq of pruned newest rows is never handed out again
    mark = conn.execute(
        sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table}
    ).scalar()
    shape = sa.Table(table, sa.MetaData(), autoload_with=conn).to_metadata(sa.MetaData())
    for column in shape.c:
        column.primary_key = False
    shape.append_constraint(sa.PrimaryKeyConstraint(*(shape.c[c] for c in key)))
    for constraint in list(shape.constraints):
        if isinstance(constraint, sa.UniqueConstraint) and constraint.name in uniques:
            shape.constraints.discard(constraint)
    for name, columns in uniques.items():
        shape.append_constraint(sa.UniqueConstraint(*(shape.c[c] for c in columns), name=name))
    if key == ["seq"]:
        shape.dialect_options["sqlite"]["autoincrement"] = True
    with op.batch_alter_table(table, copy_from=shape, recreate="always"):
        pass
    for sql in triggers:
        conn.exec_driver_sql(sql)
    if mark is not None:
        conn.execute(
            sa.text("UPDATE sqlite_sequence SET seq = max(seq, :m) WHERE name = :t"),
            {"m": mark, "t": table},
        )


def _rekey(table: str, columns: list[str]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(table, columns, {})
        return
    op.drop_constraint(f"{table}_pkey", table, type_="primary")
    op.create_primary_key(f"{table}_pkey", table, columns)


def _unique(table: str, name: str, columns: list[str]) -> None:
    op.drop_constraint(name, table, type_="unique")
    op.create_unique_constraint(name, table, columns)


def _partition_logs() -> None:
    from mercato_int.store import partition_copy, partitions

    conn = op.get_bind()
    if partitions.is_partitioned(conn):
        return
    limit = partition_copy.INLINE_ROWS
    rows = conn.execute(
        sa.text(f"SELECT count(*) FROM (SELECT 1 FROM integration_logs LIMIT {limit + 1}) s")
    ).scalar_one()
    if rows > limit:
        return  # `db partition-logs` moves it without holding the table for the copy
    new = partition_copy.TARGET
    partitions.create_partitioned(conn, new, suffix=partition_copy.SUFFIX)
    wanted = partitions.data_months(conn, "integration_logs")
    partitions.ensure_months(conn, wanted, new, commit=False)
    partitions.ensure_ahead(conn, datetime.now(UTC), new, commit=False)
    names = ", ".join(f'"{c}"' for c in partition_copy._columns(conn, "integration_logs"))
    conn.exec_driver_sql(
        f'INSERT INTO "{new}" ({names}) OVERRIDING SYSTEM VALUE '
        f"SELECT {names} FROM integration_logs"
    )
    partition_copy.swap_names(conn, "integration_logs", new, None)


def _unpartition_logs() -> None:
    """Back to one table with the 0005 keys (copied under the migration's lock)."""
    from mercato_int.store import partition_copy, partitions

    conn = op.get_bind()
    if not partitions.is_partitioned(conn):
        _unique("integration_logs", "uq_logs_id", ["id"])
        return
    new = partition_copy.TARGET
    conn.exec_driver_sql(
        f'CREATE TABLE "{new}" (LIKE integration_logs INCLUDING DEFAULTS INCLUDING IDENTITY)'
    )
    names = ", ".join(f'"{c}"' for c in partition_copy._columns(conn, "integration_logs"))
    conn.exec_driver_sql(
        f'INSERT INTO "{new}" ({names}) OVERRIDING SYSTEM VALUE '
        f"SELECT {names} FROM integration_logs"
    )
    conn.exec_driver_sql(f'ALTER TABLE "{new}" ADD PRIMARY KEY (seq)')
    conn.exec_driver_sql(f'ALTER TABLE "{new}" ADD CONSTRAINT uq_logs_id_p UNIQUE (id)')
    copy = partitions.logs_copy(conn, new)
    for index in copy.indexes:
        index.name = quoted_name(f"{index.name}{partition_copy.SUFFIX}", None)
        conn.execute(CreateIndex(index))
    partition_copy.swap_names(conn, "integration_logs", new, None)


def upgrade() -> None:
    for table in _REKEYED:
        _rekey(table, ["id", "tenant_id"])
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite("integration_events", ["seq"], {"uq_events_id": ["id", "tenant_id"]})
        unique = {"uq_logs_id": ["id", "tenant_id", "created_at"]}
        _rebuild_sqlite("integration_logs", ["seq"], unique)
        return
    _rekey("integration_events", ["seq", "tenant_id"])
    _unique("integration_events", "uq_events_id", ["id", "tenant_id"])
    _partition_logs()


def downgrade() -> None:
    for table in _REKEYED:
        _rekey(table, ["id"])
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite("integration_events", ["seq"], {"uq_events_id": ["id"]})
        _rebuild_sqlite("integration_logs", ["seq"], {"uq_logs_id": ["id"]})
        return
    _rekey("integration_events", ["seq"])
    _unique("integration_events", "uq_events_id", ["id"])
    _unpartition_logs()
