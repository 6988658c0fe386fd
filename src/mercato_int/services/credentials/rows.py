"""SQL for credential rows: scoped lookups, the per-row write lock, and the conditional
insert and update (compare-and-set on the row's version).

Every function takes the caller's session (or, for reads, a Core connection), so a read, its
merge and the write happen in one transaction. All of it is Core on the credentials table of
`store/schema.py`: reads need no ORM.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, delete, func, select, text, update
from sqlalchemy.engine import Connection

from mercato_int.errors import VersionConflict, msg, scope_msg
from mercato_int.scope import TenantScope
from mercato_int.store.engine import rowcount
from mercato_int.store.schema import CREDENTIALS as _T

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_UNIQUE = ["integration_id", "organization_id", "tenant_id"]


def _dialect(session: Session | Connection) -> str:
    if isinstance(session, Connection):
        return session.dialect.name
    return session.get_bind().dialect.name


def lock_row(*, session: Session, owner_id: str, scope: TenantScope) -> None:
    """Serialise writers of one (owner, organization, tenant), so read-merge-write cannot lose
    a concurrent save's fields. SQLite: take the write lock now (BEGIN IMMEDIATE), which also
    avoids the busy-snapshot error a deferred transaction gets when it upgrades to a writer.
    Postgres: a transaction-scoped advisory lock on the row's identity."""
    dialect = _dialect(session)
    if dialect == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
    elif dialect == "postgresql":
        name = f"mercato-int/credentials/{owner_id}/{scope.organization_id}/{scope.tenant_id}"
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:n, 0))"), {"n": name})


def find_rows(
    *, session: Session | Connection, owner_ids: Sequence[str], scope: TenantScope
) -> dict[str, Row[Any]]:
    """The rows of these integration or bundle ids in `scope`, by id."""
    rows = session.execute(
        select(_T).where(
            _T.c.integration_id.in_(list(owner_ids)),
            _T.c.organization_id == scope.organization_id,
            _T.c.tenant_id == scope.tenant_id,
        )
    ).all()
    return {r.integration_id: r for r in rows}


def insert_row(
    *,
    session: Session,
    owner_id: str,
    scope: TenantScope,
    envelope: dict[str, Any],
    kid: str,
    actor: str,
    now: datetime,
) -> bool:
    """Insert the row of (owner, organization, tenant) at version 1, only if there is none
    (INSERT … ON CONFLICT DO NOTHING). False if a row exists: the caller's condition failed."""
    dialect = _dialect(session)
    insert: Callable[..., Any]  # the dialect's INSERT, with ON CONFLICT
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and Postgres are supported stores
        raise NotImplementedError(f"no upsert for {dialect}")
    stmt = insert(_T).values(
        id=uuid.uuid4(),
        integration_id=owner_id,
        encrypted_values=envelope,
        key_id=kid,
        organization_id=scope.organization_id,
        tenant_id=scope.tenant_id,
        created_at=now,
        updated_at=now,
        updated_by=actor,
        version=1,
    )
    result = session.execute(stmt.on_conflict_do_nothing(index_elements=_UNIQUE))
    return bool(rowcount(result))


def update_row_if_version(
    *,
    session: Session,
    owner_id: str,
    scope: TenantScope,
    version: int,
    envelope: dict[str, Any],
    kid: str,
    actor: str,
    now: datetime,
) -> bool:
    """Compare-and-set: replace the row's values and bump its version, only if it is still
    at `version` (the condition is in the UPDATE, so a concurrent writer that got there first
    makes this one match no row). False when the condition failed."""
    result = session.execute(
        update(_T)
        .where(
            _T.c.integration_id == owner_id,
            _T.c.organization_id == scope.organization_id,
            _T.c.tenant_id == scope.tenant_id,
            _T.c.version == version,
        )
        .values(
            encrypted_values=envelope,
            key_id=kid,
            updated_at=now,
            updated_by=actor,
            version=_T.c.version + 1,
        )
    )
    return bool(rowcount(result))


def delete_row(
    *, session: Session, owner_id: str, scope: TenantScope, version: int | None = None
) -> int:
    """Hard-delete the row of (owner, organization, tenant), only at `version` when given;
    the number of rows removed."""
    where = [
        _T.c.integration_id == owner_id,
        _T.c.organization_id == scope.organization_id,
        _T.c.tenant_id == scope.tenant_id,
    ]
    if version is not None:
        where.append(_T.c.version == version)
    result = session.execute(delete(_T).where(*where))
    return rowcount(result)


def envelope_kid_column() -> Any:
    """The key id a row's envelope names (what reads use), else its `key_id` column: the two
    can disagree in a store edited by hand or by an older tool, and the envelope decides."""
    return func.coalesce(_T.c.encrypted_values["kid"].as_string(), _T.c.key_id)


def count_by_key(*, session: Session | Connection) -> dict[str | None, int]:
    """Rows per key id (the envelope's, as reads decide), across every tenant (keys are per
    host, not per tenant)."""
    kid = envelope_kid_column()
    rows = session.execute(select(kid, func.count()).group_by(kid)).all()
    return {k: int(n) for k, n in rows}


def version_conflict(
    owner_id: str, scope: TenantScope, expected: int, current: int
) -> VersionConflict:
    """The error of a save whose compare-and-set found the row at another version."""
    return VersionConflict(
        msg(
            "creds.err.version_conflict",
            owner=owner_id,
            scope=scope_msg(scope),
            expected=expected,
            current=current,
        ),
        hint=msg("creds.hint.version_conflict", owner=owner_id),
        current=current,
    )
