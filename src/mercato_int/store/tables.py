"""The SQLModel classes of the store, mapped onto the Core tables of `store/schema.py` (the one
definition of the schema: names, types, lengths, constraints, indexes) for ORM use.

Each class names its table (`__table__`) and each field its column (`sa_column`), so SQLModel
builds no table of its own; the fields only add Python types and defaults. Reads that must stay
light import `store/schema.py` instead: this module loads sqlmodel and the ORM (~130 ms).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from mercato_int.store.schema import (
    ACL_GRANTS,
    API_TOKENS,
    CREDENTIALS,
    EVENTS,
    LOGS,
    SETTINGS,
    STATES,
)
from mercato_int.store.types import utcnow


def _col(column: Column[Any], **kw: Any) -> Any:
    """A field on `column` of the Core table (no second column definition)."""
    return Field(sa_column=column, **kw)


def _new_id(column: Column[Any]) -> Any:
    return _col(column, default_factory=uuid.uuid4)


def _now(column: Column[Any]) -> Any:
    return _col(column, default_factory=utcnow)


class IntegrationCredentials(SQLModel, table=True):
    """One encrypted credentials row per (integration or bundle, organization, tenant)."""

    __tablename__ = CREDENTIALS.name
    __table__ = CREDENTIALS
    c = CREDENTIALS.c

    id: uuid.UUID = _new_id(c.id)
    integration_id: str = _col(c.integration_id)
    encrypted_values: dict[str, Any] = _col(c.encrypted_values)
    key_id: str | None = _col(c.key_id, default=None)
    organization_id: str = _col(c.organization_id)
    tenant_id: str = _col(c.tenant_id)
    created_at: datetime = _now(c.created_at)
    updated_at: datetime = _now(c.updated_at)
    updated_by: str | None = _col(c.updated_by, default=None)
    version: int = _col(c.version, default=1)
    del c


class IntegrationState(SQLModel, table=True):
    """Enabled or not, by whom and since when, and the last health check, per tenant."""

    __tablename__ = STATES.name
    __table__ = STATES
    c = STATES.c

    id: uuid.UUID = _new_id(c.id)
    integration_id: str = _col(c.integration_id)
    is_enabled: bool = _col(c.is_enabled, default=False)
    last_health_check: dict[str, Any] | None = _col(c.last_health_check, default=None)
    last_health_check_at: datetime | None = _col(c.last_health_check_at, default=None)
    enabled_at: datetime | None = _col(c.enabled_at, default=None)
    enabled_by: str | None = _col(c.enabled_by, default=None)
    organization_id: str = _col(c.organization_id)
    tenant_id: str = _col(c.tenant_id)
    created_at: datetime = _now(c.created_at)
    updated_at: datetime = _now(c.updated_at)
    version: int = _col(c.version, default=1)
    del c


class IntegrationLog(SQLModel, table=True):
    """A structured operation log entry (spec §3.3). Never holds a secret."""

    __tablename__ = LOGS.name
    __table__ = LOGS
    c = LOGS.c

    seq: int | None = _col(c.seq, default=None)
    id: uuid.UUID = _new_id(c.id)
    integration_id: str = _col(c.integration_id)
    level: str = _col(c.level)
    operation: str = _col(c.operation)
    message: str = _col(c.message)
    details: dict[str, Any] | None = _col(c.details, default=None)
    correlation_id: str | None = _col(c.correlation_id, default=None)
    entity_type: str | None = _col(c.entity_type, default=None)
    entity_id: str | None = _col(c.entity_id, default=None)
    duration_ms: int | None = _col(c.duration_ms, default=None)
    organization_id: str = _col(c.organization_id)
    tenant_id: str = _col(c.tenant_id)
    created_at: datetime = _now(c.created_at)
    del c


class IntegrationEvent(SQLModel, table=True):
    """The event outbox (spec §7), which doubles as the audit trail of who changed what."""

    __tablename__ = EVENTS.name
    __table__ = EVENTS
    c = EVENTS.c

    seq: int | None = _col(c.seq, default=None)
    id: uuid.UUID = _new_id(c.id)
    type: str = _col(c.type)
    subject_id: str | None = _col(c.subject_id, default=None)
    actor: str | None = _col(c.actor, default=None)
    payload: dict[str, Any] = _col(c.payload, default_factory=dict)
    organization_id: str = _col(c.organization_id)
    tenant_id: str = _col(c.tenant_id)
    created_at: datetime = _now(c.created_at)
    delivered_at: datetime | None = _col(c.delivered_at, default=None)
    del c


class TenantSetting(SQLModel, table=True):
    """Per-tenant settings such as `log.retention_days`."""

    __tablename__ = SETTINGS.name
    __table__ = SETTINGS
    c = SETTINGS.c

    id: uuid.UUID = _new_id(c.id)
    key: str = _col(c.key)
    value: Any = _col(c.value)
    organization_id: str = _col(c.organization_id)
    tenant_id: str = _col(c.tenant_id)
    updated_at: datetime = _now(c.updated_at)
    updated_by: str | None = _col(c.updated_by, default=None)
    del c


class AclGrant(SQLModel, table=True):
    """A role or feature granted to an actor in one tenant."""

    __tablename__ = ACL_GRANTS.name
    __table__ = ACL_GRANTS
    c = ACL_GRANTS.c

    id: uuid.UUID = _new_id(c.id)
    actor: str = _col(c.actor)
    grant: str = _col(c.grant)
    organization_id: str = _col(c.organization_id)
    tenant_id: str = _col(c.tenant_id)
    created_at: datetime = _now(c.created_at)
    created_by: str | None = _col(c.created_by, default=None)
    del c


class ApiToken(SQLModel, table=True):
    """A bearer token of the HTTP API, bound to an actor and one (tenant, organization)."""

    __tablename__ = API_TOKENS.name
    __table__ = API_TOKENS
    c = API_TOKENS.c

    id: uuid.UUID = _new_id(c.id)
    name: str = _col(c.name)
    actor: str = _col(c.actor)
    organization_id: str = _col(c.organization_id)
    tenant_id: str = _col(c.tenant_id)
    prefix: str = _col(c.prefix)
    token_hash: str = _col(c.token_hash)
    created_at: datetime = _now(c.created_at)
    created_by: str | None = _col(c.created_by, default=None)
    expires_at: datetime | None = _col(c.expires_at, default=None)
    revoked_at: datetime | None = _col(c.revoked_at, default=None)
    last_used_at: datetime | None = _col(c.last_used_at, default=None)
    del c


ALL_TABLES = [
    IntegrationCredentials,
    IntegrationState,
    IntegrationLog,
    IntegrationEvent,
    TenantSetting,
    AclGrant,
    ApiToken,
]
