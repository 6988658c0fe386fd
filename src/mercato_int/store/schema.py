"""The store's tables, defined once, as SQLAlchemy Core `Table`s on one `MetaData` (spec §2.1,
§3.3, §4, plus outbox, settings and ACL).

Reads and bulk writes use these directly; `store/tables.py` maps the SQLModel classes onto the
same objects for ORM use, and Alembic compares the migrations with `METADATA`. This module
imports nothing but SQLAlchemy Core (no sqlmodel, no ORM), so read-only commands stay light.

Ids are UUIDs, timestamps timezone-aware UTC (`UTCDateTime`), JSON columns `jsonb` on Postgres.
Any change here needs an Alembic migration in `store/migrations/versions/`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    Column,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    column,
    event,
    table,
)

from mercato_int.store.dialect_options import later
from mercato_int.store.types import JSONType, UTCDateTime

METADATA = MetaData()

ID = 100  # integration, bundle, organization, tenant and actor ids
LONG = 255  # correlation and entity ids


def _scope() -> tuple[Column[str], Column[str]]:
    return (
        Column("organization_id", String(ID), nullable=False),
        Column("tenant_id", String(ID), nullable=False),
    )


def _ts(name: str, *, nullable: bool = False) -> Column[datetime]:
    return Column(name, UTCDateTime(), nullable=nullable)


def _seq() -> Column[int]:
    """The insertion order, leading the primary key (`logs -f` and `events -f` follow it): an
    identity on Postgres; on SQLite the rowid, which AUTOINCREMENT never hands out twice (there
    the table keeps `seq INTEGER PRIMARY KEY AUTOINCREMENT`, unique by itself and so with
    `tenant_id` too: SQLite is never distributed, see migration 0007)."""
    return Column(
        "seq",
        BigInteger().with_variant(Integer(), "sqlite"),
        Identity(always=True),
        nullable=False,
        autoincrement=True,
    )


def _key(*columns: str) -> PrimaryKeyConstraint:
    """A primary key that carries `tenant_id`, so the table can be distributed by tenant
    (Citus: every primary key and unique constraint must include the distribution column)."""
    return PrimaryKeyConstraint(*columns)


CREDENTIALS = Table(
    "integration_credentials",
    METADATA,
    Column("id", Uuid(), nullable=False),
    Column("integration_id", String(ID), nullable=False),
    # The spec's `values`, encrypted at rest: an envelope ({"v", "kid", "nonce", "ct"}), never
    # plaintext. (`values` is a reserved word in SQL, hence the column name.)
    Column("encrypted_values", JSONType(), nullable=False),
    Column("key_id", String(64), nullable=True, index=True),
    *_scope(),
    _ts("created_at"),
    _ts("updated_at"),
    Column("updated_by", String(ID), nullable=True),
    # 1 on insert, +1 on every save: a save can be made conditional on it (compare-and-set in
    # the UPDATE), and it is the ETag of the credentials. Rotation does not change it.
    Column("version", Integer(), nullable=False, server_default="1"),
    UniqueConstraint("integration_id", "organization_id", "tenant_id", name="uq_credentials_scope"),
    _key("id", "tenant_id"),
)
"""One encrypted credentials row per (integration or bundle, organization, tenant)."""

STATES = Table(
    "integration_states",
    METADATA,
    Column("id", Uuid(), nullable=False),
    Column("integration_id", String(ID), nullable=False),
    Column("is_enabled", Boolean(), nullable=False),
    Column("last_health_check", JSONType(), nullable=True),
    _ts("last_health_check_at", nullable=True),
    _ts("enabled_at", nullable=True),
    Column("enabled_by", String(ID), nullable=True),
    *_scope(),
    _ts("created_at"),
    _ts("updated_at"),
    # 1 on insert, +1 on every change of the enabled state (in the statement that makes it):
    # enable and disable can be compare-and-set on it, and it is the ETag of the state. A
    # health result stored on the row does not change it (it is not what a caller sets).
    Column("version", Integer(), nullable=False, server_default="1"),
    UniqueConstraint("integration_id", "organization_id", "tenant_id", name="uq_states_scope"),
    _key("id", "tenant_id"),
)
"""Enabled or not, by whom and since when, and the last health check, per tenant."""

LOGS = Table(
    "integration_logs",
    METADATA,
    _seq(),
    Column("id", Uuid(), nullable=False),
    Column("integration_id", String(ID), nullable=False),
    Column("level", String(50), nullable=False),
    Column("operation", String(100), nullable=False),
    Column("message", Text(), nullable=False),
    Column("details", JSONType(), nullable=True),
    Column("correlation_id", String(LONG), nullable=True),
    Column("entity_type", String(LONG), nullable=True),
    Column("entity_id", String(LONG), nullable=True),
    Column("duration_ms", Integer(), nullable=True),
    *_scope(),
    _ts("created_at"),
    # newest-first pages per integration, and the keyset cursor (created_at, id)
    Index(
        "ix_logs_scope_integration_created",
        "tenant_id",
        "organization_id",
        "integration_id",
        "created_at",
        "id",
    ),
    # level filters per integration (level=error pages and totals)
    Index(
        "ix_logs_scope_integration_level_created",
        "tenant_id",
        "organization_id",
        "integration_id",
        "level",
        "created_at",
        "id",
    ),
    # tenant-wide queries by created_at
    Index("ix_logs_scope_created", "tenant_id", "organization_id", "created_at", "id"),
    # tenant-wide level pages, and the prune's keyset walk per level (level before created_at)
    Index(
        "ix_logs_scope_level_created", "tenant_id", "organization_id", "level", "created_at", "id"
    ),
    # --correlation, --entity-id and --operation (exact, or a glob's literal prefix as a range)
    Index(
        "ix_logs_scope_correlation",
        "tenant_id",
        "organization_id",
        "correlation_id",
        "created_at",
        "id",
    ),
    Index("ix_logs_scope_entity", "tenant_id", "organization_id", "entity_id", "created_at", "id"),
    # (pattern ops on Postgres, attached below: LIKE 'prefix%' as a range whatever the
    # database's collation)
    Index(
        "ix_logs_scope_operation",
        "tenant_id",
        "organization_id",
        "operation",
        "created_at",
        "id",
    ),
    # a partitioned table's keys must hold the partition key (created_at) too
    _key("seq", "tenant_id", "created_at"),
    UniqueConstraint("id", "tenant_id", "created_at", name="uq_logs_id"),
    sqlite_autoincrement=True,
)
"""A structured operation log entry (spec §3.3). Never holds a secret."""

# The Postgres-only options are attached with `later` (store/dialect_options.py): given to the
# constructors, they load SQLAlchemy's Postgres dialect on SQLite too (~20 ms every command).
# Postgres: one partition per month (store/partitions.py); SQLite keeps one table.
later(LOGS, postgresql_partition_by="RANGE (created_at)")
later(
    next(i for i in LOGS.indexes if i.name == "ix_logs_scope_operation"),
    postgresql_ops={"operation": "varchar_pattern_ops"},
)

# --search on Postgres: ILIKE '%text%' rides a pg_trgm GIN index (the extension is created by
# migration 0006 where it can be; without it the index is left out and search scans).
later(
    Index("ix_logs_message_trgm", LOGS.c.message).ddl_if(dialect="postgresql"),
    postgresql_using="gin",
    postgresql_ops={"message": "gin_trgm_ops"},
)
LOGS_TRGM_INDEX = "ix_logs_message_trgm"

# --search on SQLite: an external-content FTS5 table over the message, trigram-tokenized (a
# substring index, case-folded), kept by triggers, keyed by seq (the rowid). Not a Table of
# METADATA (a virtual table): created by migration 0006, or by create_all through this DDL.
LOGS_FTS = "integration_logs_fts"
LOGS_FTS_DDL: tuple[str, ...] = (
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
# the FTS table as queries name it (its rowid is the entry's seq)
LOGS_FTS_TABLE = table(LOGS_FTS, column("rowid"), column(LOGS_FTS))
for _statement in LOGS_FTS_DDL:
    event.listen(LOGS, "after_create", DDL(_statement).execute_if(dialect="sqlite"))


def not_in_metadata(name: str | None) -> bool:
    """Store objects METADATA does not describe as tables or indexes: the FTS5 table and its
    shadow tables (SQLite), and the trigram index (Postgres only). Comparisons of the store
    with METADATA leave them out."""
    return bool(name) and (str(name).startswith(LOGS_FTS) or name == LOGS_TRGM_INDEX)


EVENTS = Table(
    "integration_events",
    METADATA,
    _seq(),
    Column("id", Uuid(), nullable=False),
    Column("type", String(100), nullable=False),
    Column("subject_id", String(ID), nullable=True),  # integration or bundle id
    Column("actor", String(ID), nullable=True),
    Column("payload", JSONType(), nullable=False),
    *_scope(),
    _ts("created_at"),
    _ts("delivered_at", nullable=True),
    Index("ix_events_scope_created", "tenant_id", "organization_id", "created_at"),
    Index("ix_events_type_created", "type", "created_at"),
    _key("seq", "tenant_id"),
    UniqueConstraint("id", "tenant_id", name="uq_events_id"),
    sqlite_autoincrement=True,
)
"""The event outbox (spec §7), which doubles as the audit trail of who changed what."""

SETTINGS = Table(
    "integration_settings",
    METADATA,
    Column("id", Uuid(), nullable=False),
    Column("key", String(100), nullable=False),
    Column("value", JSONType(), nullable=False),
    *_scope(),
    _ts("updated_at"),
    Column("updated_by", String(ID), nullable=True),
    UniqueConstraint("organization_id", "tenant_id", "key", name="uq_settings_scope_key"),
    _key("id", "tenant_id"),
)
"""Per-tenant settings such as `log.retention_days`."""

ACL_GRANTS = Table(
    "integration_acl_grants",
    METADATA,
    Column("id", Uuid(), nullable=False),
    Column("actor", String(ID), nullable=False),
    Column("grant", String(100), nullable=False),
    *_scope(),
    _ts("created_at"),
    Column("created_by", String(ID), nullable=True),
    UniqueConstraint(
        "organization_id", "tenant_id", "actor", "grant", name="uq_acl_scope_actor_grant"
    ),
    _key("id", "tenant_id"),
)
"""A role or feature granted to an actor in one tenant."""

API_TOKENS = Table(
    "api_tokens",
    METADATA,
    Column("id", Uuid(), primary_key=True),
    Column("name", String(ID), nullable=False),
    Column("actor", String(ID), nullable=False),
    *_scope(),
    # the start of the random part, shown so that an operator can name a token
    Column("prefix", String(32), nullable=False),
    # SHA-256 (hex) of the whole token: the token itself is never stored
    Column("token_hash", String(64), nullable=False),
    _ts("created_at"),
    Column("created_by", String(ID), nullable=True),
    _ts("expires_at", nullable=True),
    _ts("revoked_at", nullable=True),
    _ts("last_used_at", nullable=True),
    UniqueConstraint("prefix", name="uq_api_tokens_prefix"),
    Index("ix_api_tokens_hash", "token_hash", unique=True),
    Index("ix_api_tokens_scope", "tenant_id", "organization_id", "created_at"),
    # A token is found by its hash alone, before its tenant is known: with Citus this is a
    # reference table (a copy on every node), so its keys need not carry tenant_id.
    info={"distribution": "reference"},
)
"""A bearer token of the HTTP API, bound to an actor and one (tenant, organization)."""

ALL = (CREDENTIALS, STATES, LOGS, EVENTS, SETTINGS, ACL_GRANTS, API_TOKENS)
