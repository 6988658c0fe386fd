"""The read side of per-tenant state: what `list` and `show` display for a scope.

These reads go through SQLAlchemy Core on lightweight table clauses, not the SQLModel ORM:
the ORM (sqlmodel, sqlalchemy.orm and the mapped tables) costs ~130 ms to import, more than
everything else `mercato-int list` does. A test keeps these columns in step with
`store/tables.py`, which stays the one definition of the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, String, column, select, table
from sqlalchemy.engine import Connection

from mercato_int.scope import TenantScope
from mercato_int.store.types import JSONType, UTCDateTime

STATES = table(
    "integration_states",
    column("integration_id", String),
    column("is_enabled", Boolean),
    column("last_health_check", JSONType),
    column("last_health_check_at", UTCDateTime),
    column("enabled_at", UTCDateTime),
    column("enabled_by", String),
    column("organization_id", String),
    column("tenant_id", String),
)
CREDENTIALS = table(
    "integration_credentials",
    column("integration_id", String),
    column("organization_id", String),
    column("tenant_id", String),
)


@dataclass(frozen=True)
class StateView:
    """The effective state of one integration in one scope (defaults when no row exists)."""

    integration_id: str
    is_enabled: bool
    enabled_at: datetime | None = None
    enabled_by: str | None = None
    last_health_check: dict[str, Any] | None = None
    last_health_check_at: datetime | None = None

    @property
    def health_status(self) -> str | None:
        return (self.last_health_check or {}).get("status")

    def to_json(self) -> dict[str, Any]:
        return {
            "isEnabled": self.is_enabled,
            "enabledAt": iso(self.enabled_at),
            "enabledBy": self.enabled_by,
            "healthStatus": self.health_status,
            "lastHealthCheck": self.last_health_check,
            "lastHealthCheckAt": iso(self.last_health_check_at),
        }


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a `Z`, as the spec's API returns timestamps."""
    return value.isoformat().replace("+00:00", "Z") if value else None


def read_state_rows(
    conn: Connection, *, scope: TenantScope, integration_id: str | None = None
) -> dict[str, StateView]:
    """The stored state rows of `scope` (one integration's, or all), by integration id."""
    query = select(
        STATES.c.integration_id,
        STATES.c.is_enabled,
        STATES.c.enabled_at,
        STATES.c.enabled_by,
        STATES.c.last_health_check,
        STATES.c.last_health_check_at,
    ).where(
        STATES.c.organization_id == scope.organization_id,
        STATES.c.tenant_id == scope.tenant_id,
    )
    if integration_id is not None:
        query = query.where(STATES.c.integration_id == integration_id)
    return {
        row.integration_id: StateView(
            integration_id=row.integration_id,
            is_enabled=bool(row.is_enabled),
            enabled_at=row.enabled_at,
            enabled_by=row.enabled_by,
            last_health_check=row.last_health_check,
            last_health_check_at=row.last_health_check_at,
        )
        for row in conn.execute(query)
    }


def read_configured_ids(conn: Connection, *, scope: TenantScope) -> set[str]:
    """Integration and bundle ids that have a credentials row in `scope`."""
    query = select(CREDENTIALS.c.integration_id).where(
        CREDENTIALS.c.organization_id == scope.organization_id,
        CREDENTIALS.c.tenant_id == scope.tenant_id,
    )
    return set(conn.execute(query).scalars())
