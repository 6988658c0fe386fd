"""SQL for credential rows: scoped lookups, the per-row write lock and the atomic upsert.

Every function takes the caller's session, so a read, its merge and the write happen in one
transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, text
from sqlmodel import Session, select

from mercato_int.scope import TenantScope
from mercato_int.store.tables import IntegrationCredentials

_UNIQUE = ["integration_id", "organization_id", "tenant_id"]


def lock_row(*, session: Session, owner_id: str, scope: TenantScope) -> None:
    """Serialise writers of one (owner, organization, tenant), so read-merge-write cannot lose
    a concurrent save's fields. SQLite: take the write lock now (BEGIN IMMEDIATE), which also
    avoids the busy-snapshot error a deferred transaction gets when it upgrades to a writer.
    Postgres: a transaction-scoped advisory lock on the row's identity."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
    elif dialect == "postgresql":
        name = f"mercato-int/credentials/{owner_id}/{scope.organization_id}/{scope.tenant_id}"
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:n, 0))"), {"n": name})


def find_rows(
    *, session: Session, owner_ids: Sequence[str], scope: TenantScope
) -> dict[str, IntegrationCredentials]:
    """The rows of these integration or bundle ids in `scope`, by id."""
    rows = session.exec(
        select(IntegrationCredentials).where(
            IntegrationCredentials.integration_id.in_(list(owner_ids)),  # type: ignore[attr-defined]
            IntegrationCredentials.organization_id == scope.organization_id,
            IntegrationCredentials.tenant_id == scope.tenant_id,
        )
    ).all()
    return {r.integration_id: r for r in rows}


def upsert_row(
    *,
    session: Session,
    owner_id: str,
    scope: TenantScope,
    envelope: dict[str, Any],
    kid: str,
    actor: str,
    now: datetime,
) -> None:
    """Insert or replace the row of (owner, organization, tenant) in one statement
    (INSERT … ON CONFLICT DO UPDATE): never two rows, never a half-written one."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and Postgres are supported stores
        raise NotImplementedError(f"no upsert for {dialect}")
    stmt = insert(IntegrationCredentials).values(
        id=uuid.uuid4(),
        integration_id=owner_id,
        encrypted_values=envelope,
        key_id=kid,
        organization_id=scope.organization_id,
        tenant_id=scope.tenant_id,
        created_at=now,
        updated_at=now,
        updated_by=actor,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=_UNIQUE,
        set_={
            "encrypted_values": stmt.excluded.encrypted_values,
            "key_id": stmt.excluded.key_id,
            "updated_at": stmt.excluded.updated_at,
            "updated_by": stmt.excluded.updated_by,
        },
    )
    session.execute(stmt)


def delete_row(*, session: Session, owner_id: str, scope: TenantScope) -> int:
    """Hard-delete the row of (owner, organization, tenant); the number of rows removed."""
    result = session.execute(
        delete(IntegrationCredentials).where(
            IntegrationCredentials.integration_id == owner_id,  # type: ignore[arg-type]
            IntegrationCredentials.organization_id == scope.organization_id,  # type: ignore[arg-type]
            IntegrationCredentials.tenant_id == scope.tenant_id,  # type: ignore[arg-type]
        )
    )
    return int(result.rowcount or 0)


def count_by_key(*, session: Session) -> dict[str | None, int]:
    """Rows per key id, across every tenant (keys are per host, not per tenant)."""
    rows = session.exec(
        select(IntegrationCredentials.key_id, func.count()).group_by(IntegrationCredentials.key_id)
    ).all()
    return {kid: int(n) for kid, n in rows}
