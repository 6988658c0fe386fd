"""logs and events: `seq`, the insertion order, as the primary key (`logs -f` and `events -f`
follow it); id stays unique

SQLite: each table is rebuilt with `seq INTEGER PRIMARY KEY AUTOINCREMENT`, an alias of the
rowid, so existing rows keep their insertion order (seq = the old rowid) and a seq is never
handed out twice, not even after the newest rows were pruned or the file vacuumed (a plain
rowid would be, and VACUUM may renumber it). Postgres: a `bigint` identity column, existing
rows numbered in (created_at, id) order (Postgres keeps no insertion order), new rows after
them.

Revision ID: 0004_logs_seq
Revises: 0002_logs_level_index
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # `sqlmodel.sql` is no attribute of the bare package
from alembic import op
from sqlalchemy.dialects import postgresql

import mercato_int.store.types

revision = "0004_logs_seq"
down_revision = "0003_credentials_version"
branch_labels = None
depends_on = None


def _text(length: int) -> sa.types.TypeEngine:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _stamp() -> sa.types.TypeEngine:
    return mercato_int.store.types.UTCDateTime()


# table -> (columns as 0001 made them, its indexes, the name of id's unique constraint)
def _tables() -> dict[str, tuple[list[sa.Column], dict[str, list[str]], str]]:
    return {
        "integration_logs": (
            [
                sa.Column("id", sa.Uuid(), nullable=False),
                sa.Column("integration_id", _text(100), nullable=False),
                sa.Column("level", _text(50), nullable=False),
                sa.Column("operation", _text(100), nullable=False),
                sa.Column("message", sa.Text(), nullable=False),
                sa.Column("details", _json(), nullable=True),
                sa.Column("correlation_id", _text(255), nullable=True),
                sa.Column("entity_type", _text(255), nullable=True),
                sa.Column("entity_id", _text(255), nullable=True),
                sa.Column("duration_ms", sa.Integer(), nullable=True),
                sa.Column("organization_id", _text(100), nullable=False),
                sa.Column("tenant_id", _text(100), nullable=False),
                sa.Column("created_at", _stamp(), nullable=False),
            ],
            {
                "ix_logs_scope_created": ["tenant_id", "organization_id", "created_at", "id"],
                "ix_logs_scope_integration_created": [
                    *("tenant_id", "organization_id", "integration_id", "created_at", "id")
                ],
                "ix_logs_scope_integration_level_created": [
                    *("tenant_id", "organization_id", "integration_id", "level", "created_at"),
                    "id",
                ],
            },
            "uq_logs_id",
        ),
        "integration_events": (
            [
                sa.Column("id", sa.Uuid(), nullable=False),
                sa.Column("type", _text(100), nullable=False),
                sa.Column("subject_id", _text(100), nullable=True),
                sa.Column("actor", _text(100), nullable=True),
                sa.Column("payload", _json(), nullable=False),
                sa.Column("organization_id", _text(100), nullable=False),
                sa.Column("tenant_id", _text(100), nullable=False),
                sa.Column("created_at", _stamp(), nullable=False),
                sa.Column("delivered_at", _stamp(), nullable=True),
            ],
            {
                "ix_events_scope_created": ["tenant_id", "organization_id", "created_at"],
                "ix_events_type_created": ["type", "created_at"],
            },
            "uq_events_id",
        ),
    }


def _rebuild_sqlite(table: str, *, with_seq: bool) -> None:
    """SQLite cannot change a primary key in place: copy into a new table, swap, re-index."""
    columns, indexes, unique = _tables()[table]
    names = ", ".join(c.name for c in columns)
    new = f"{table}_new"
    if with_seq:
        op.create_table(
            new,
            sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
            *columns,
            sa.UniqueConstraint("id", name=unique),
            sqlite_autoincrement=True,
        )
        # the old rowid is the insertion order: it becomes seq
        op.execute(f"INSERT INTO {new} (seq, {names}) SELECT rowid, {names} FROM {table}")
    else:
        op.create_table(new, *columns, sa.PrimaryKeyConstraint("id"))
        op.execute(f"INSERT INTO {new} ({names}) SELECT {names} FROM {table} ORDER BY seq")
    op.drop_table(table)  # and its indexes
    op.rename_table(new, table)
    for name, cols in indexes.items():
        op.create_index(name, table, cols, unique=False)


def _add_seq_postgres(table: str) -> None:
    unique = _tables()[table][2]
    op.add_column(table, sa.Column("seq", sa.BigInteger(), nullable=True))
    op.execute(
        f"UPDATE {table} SET seq = n.seq FROM ("
        f"SELECT id, row_number() OVER (ORDER BY created_at, id) AS seq FROM {table}"
        f") AS n WHERE {table}.id = n.id"
    )
    start = op.get_bind().execute(sa.text(f"SELECT coalesce(max(seq), 0) + 1 FROM {table}"))
    op.alter_column(table, "seq", nullable=False)
    op.execute(
        f"ALTER TABLE {table} ALTER COLUMN seq "
        f"ADD GENERATED ALWAYS AS IDENTITY (START WITH {int(start.scalar_one())})"
    )
    op.drop_constraint(f"{table}_pkey", table, type_="primary")
    op.create_primary_key(f"{table}_pkey", table, ["seq"])
    op.create_unique_constraint(unique, table, ["id"])


def _drop_seq_postgres(table: str) -> None:
    op.drop_constraint(_tables()[table][2], table, type_="unique")
    op.drop_constraint(f"{table}_pkey", table, type_="primary")
    op.create_primary_key(f"{table}_pkey", table, ["id"])
    op.drop_column(table, "seq")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in _tables():
        if sqlite:
            _rebuild_sqlite(table, with_seq=True)
        else:
            _add_seq_postgres(table)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in _tables():
        if sqlite:
            _rebuild_sqlite(table, with_seq=False)
        else:
            _drop_seq_postgres(table)
