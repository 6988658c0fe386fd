"""logs: indexes for the filters that had none (correlation, entity id, operation, level
tenant-wide, the last also the prune's keyset walk), and text search: an FTS5 trigram table
kept by triggers on SQLite (filled from the existing rows here), a pg_trgm GIN index on
Postgres (where the extension is, or can be, installed; search scans without it)

Revision ID: 0006_log_search
Revises: 0005_api_tokens_state_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_log_search"
down_revision = "0005_api_tokens_state_version"
branch_labels = None
depends_on = None

TABLE = "integration_logs"
SCOPE = ("tenant_id", "organization_id")
# as store/schema.py defines them at this revision
INDEXES = {
    "ix_logs_scope_level_created": [*SCOPE, "level", "created_at", "id"],
    "ix_logs_scope_correlation": [*SCOPE, "correlation_id", "created_at", "id"],
    "ix_logs_scope_entity": [*SCOPE, "entity_id", "created_at", "id"],
    "ix_logs_scope_operation": [*SCOPE, "operation", "created_at", "id"],
}
LOGS_TRGM_INDEX = "ix_logs_message_trgm"
LOGS_FTS = "integration_logs_fts"
LOGS_FTS_DDL = (
    f"CREATE VIRTUAL TABLE {LOGS_FTS} USING fts5(message, content='integration_logs', "
    "content_rowid='seq', tokenize='trigram', detail='none', columnsize=0)",
    f"CREATE TRIGGER {LOGS_FTS}_ai AFTER INSERT ON integration_logs BEGIN "
    f"INSERT INTO {LOGS_FTS}(rowid, message) VALUES (new.seq, new.message); END",
    f"CREATE TRIGGER {LOGS_FTS}_ad AFTER DELETE ON integration_logs BEGIN "
    f"INSERT INTO {LOGS_FTS}({LOGS_FTS}, rowid, message) VALUES ('delete', old.seq, old.message); "
    "END",
    f"CREATE TRIGGER {LOGS_FTS}_au AFTER UPDATE OF message ON integration_logs BEGIN "
    f"INSERT INTO {LOGS_FTS}({LOGS_FTS}, rowid, message) VALUES ('delete', old.seq, old.message); "
    f"INSERT INTO {LOGS_FTS}(rowid, message) VALUES (new.seq, new.message); END",
)


def _trigram_schema(bind: sa.Connection) -> str | None:
    """The schema pg_trgm is installed in; installed (in `public`, so that dropping one
    store's schema never drops it under another's) when it is available and may be."""
    find = sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    )
    found = bind.execute(find).scalar()
    if found is not None:
        return str(found)
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).scalar()
    if not available:
        return None
    try:
        with bind.begin_nested():  # a refusal (not trusted, no rights) must not end the migration
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except sa.exc.DBAPIError:
        return None
    return "public"


def upgrade() -> None:
    bind = op.get_bind()
    for name, columns in INDEXES.items():
        # LIKE 'prefix%' as a range on Postgres, whatever the database's collation
        ops = {"operation": "varchar_pattern_ops"} if name == "ix_logs_scope_operation" else {}
        op.create_index(name, TABLE, columns, postgresql_ops=ops)
    if bind.dialect.name == "sqlite":
        for statement in LOGS_FTS_DDL:
            op.execute(statement)
        op.execute(f"INSERT INTO {LOGS_FTS}({LOGS_FTS}) VALUES ('rebuild')")  # existing rows
        op.execute("PRAGMA analysis_limit=1000")
        op.execute(f"ANALYZE {TABLE}")
    elif bind.dialect.name == "postgresql":
        schema = _trigram_schema(bind)
        if schema is not None:
            op.create_index(
                LOGS_TRGM_INDEX,
                TABLE,
                ["message"],
                postgresql_using="gin",
                postgresql_ops={"message": f'"{schema}".gin_trgm_ops'},
            )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for suffix in ("_au", "_ad", "_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {LOGS_FTS}{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {LOGS_FTS}")
    else:
        op.execute(f"DROP INDEX IF EXISTS {LOGS_TRGM_INDEX}")
    for name in reversed(INDEXES):
        op.drop_index(name, table_name=TABLE)
