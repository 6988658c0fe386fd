"""The SQLModel tables of the store (spec §2.1, §3.3, §4, plus outbox, settings and ACL).

Ids are UUIDs, timestamps timezone-aware UTC, JSON columns `jsonb` on Postgres. Any change
here needs an Alembic migration in `store/migrations/versions/`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from mercato_int.store.types import JSONType, UTCDateTime, utcnow


def _ts(nullable: bool = False, index: bool = False) -> Any:
    return Field(
        default_factory=utcnow if not nullable else None,
        sa_column=Column(UTCDateTime(), nullable=nullable, index=index),
    )


class IntegrationCredentials(SQLModel, table=True):
    """One encrypted credentials row per (integration or bundle, organization, tenant)."""

    __tablename__ = "integration_credentials"
    __table_args__ = (
        UniqueConstraint(
            "integration_id", "organization_id", "tenant_id", name="uq_credentials_scope"
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    integration_id: str = Field(max_length=100)
    # The spec's `values`, encrypted at rest: an envelope ({"v", "kid", "nonce", "ct"}),
    # never plaintext. (`values` is a reserved word in SQL, hence the column name.)
    encrypted_values: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    key_id: str | None = Field(default=None, max_length=64, index=True)
    organization_id: str = Field(max_length=100)
    tenant_id: str = Field(max_length=100)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    updated_by: str | None = Field(default=None, max_length=100)
    # 1 on insert, +1 on every save: a save can be made conditional on it (compare-and-set
    # in the UPDATE), and it is the ETag of the credentials. Rotation does not change it.
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))


class IntegrationState(SQLModel, table=True):
    """Enabled or not, by whom and since when, and the last health check, per tenant."""

    __tablename__ = "integration_states"
    __table_args__ = (
        UniqueConstraint("integration_id", "organization_id", "tenant_id", name="uq_states_scope"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    integration_id: str = Field(max_length=100)
    is_enabled: bool = Field(default=False)
    last_health_check: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSONType, nullable=True)
    )
    last_health_check_at: datetime | None = _ts(nullable=True)
    enabled_at: datetime | None = _ts(nullable=True)
    enabled_by: str | None = Field(default=None, max_length=100)
    organization_id: str = Field(max_length=100)
    tenant_id: str = Field(max_length=100)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class IntegrationLog(SQLModel, table=True):
    """A structured operation log entry (spec §3.3). Never holds a secret."""

    __tablename__ = "integration_logs"
    __table_args__ = (
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
        # tenant-wide queries and the per-tenant prune by created_at
        Index("ix_logs_scope_created", "tenant_id", "organization_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    integration_id: str = Field(max_length=100)
    level: str = Field(max_length=50)
    operation: str = Field(max_length=100)
    message: str = Field(sa_column=Column(Text, nullable=False))
    details: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    correlation_id: str | None = Field(default=None, max_length=255)
    entity_type: str | None = Field(default=None, max_length=255)
    entity_id: str | None = Field(default=None, max_length=255)
    duration_ms: int | None = Field(default=None)
    organization_id: str = Field(max_length=100)
    tenant_id: str = Field(max_length=100)
    created_at: datetime = _ts()


class IntegrationEvent(SQLModel, table=True):
    """The event outbox (spec §7), which doubles as the audit trail of who changed what."""

    __tablename__ = "integration_events"
    __table_args__ = (
        Index("ix_events_scope_created", "tenant_id", "organization_id", "created_at"),
        Index("ix_events_type_created", "type", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    type: str = Field(max_length=100)
    subject_id: str | None = Field(default=None, max_length=100)  # integration or bundle id
    actor: str | None = Field(default=None, max_length=100)
    payload: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    organization_id: str = Field(max_length=100)
    tenant_id: str = Field(max_length=100)
    created_at: datetime = _ts()
    delivered_at: datetime | None = _ts(nullable=True)


class TenantSetting(SQLModel, table=True):
    """Per-tenant settings such as `log.retention_days`."""

    __tablename__ = "integration_settings"
    __table_args__ = (
        UniqueConstraint("organization_id", "tenant_id", "key", name="uq_settings_scope_key"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    key: str = Field(sa_column=Column(String(100), nullable=False))
    value: Any = Field(sa_column=Column(JSONType, nullable=False))
    organization_id: str = Field(max_length=100)
    tenant_id: str = Field(max_length=100)
    updated_at: datetime = _ts()
    updated_by: str | None = Field(default=None, max_length=100)


class AclGrant(SQLModel, table=True):
    """A role or feature granted to an actor in one tenant."""

    __tablename__ = "integration_acl_grants"
    __table_args__ = (
        UniqueConstraint(
            "organization_id", "tenant_id", "actor", "grant", name="uq_acl_scope_actor_grant"
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    actor: str = Field(max_length=100)
    grant: str = Field(max_length=100)
    organization_id: str = Field(max_length=100)
    tenant_id: str = Field(max_length=100)
    created_at: datetime = _ts()
    created_by: str | None = Field(default=None, max_length=100)


ALL_TABLES = [
    IntegrationCredentials,
    IntegrationState,
    IntegrationLog,
    IntegrationEvent,
    TenantSetting,
    AclGrant,
]
