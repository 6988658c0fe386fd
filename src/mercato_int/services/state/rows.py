"""SQL for state rows used by the writes: the per-row lock and version check of a conditional
enable or disable (compare-and-set on the row's version), the versions after a change, and
the dialect's INSERT … ON CONFLICT. Every function takes the caller's session, so the check and
the write happen in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from mercato_int.errors import MercatoIntError, VersionConflict, msg, scope_msg
from mercato_int.scope import TenantScope
from mercato_int.store.bound import BoundInsert, new_uuids
from mercato_int.store.schema import STATES

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlalchemy.orm import Session


def check_version(session: Session, integration_id: str, scope: TenantScope, expected: int) -> None:
    """Serialise the conditional writers of one state row, then VersionConflict unless the
    row is at `expected` (0: no row). SQLite: take the write lock now (BEGIN IMMEDIATE);
    Postgres: a transaction-scoped advisory lock on the row's identity (the row may not exist
    yet, so there is nothing to SELECT … FOR UPDATE). The write that follows repeats the
    condition in its own statement."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
    elif dialect == "postgresql":
        name = f"mercato-int/states/{integration_id}/{scope.organization_id}/{scope.tenant_id}"
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:n, 0))"), {"n": name})
    current = versions(session, [integration_id], scope)[integration_id]
    if current != expected:
        raise state_version_conflict(integration_id, scope, expected, current)


def versions(session: Session, ids: Sequence[str], scope: TenantScope) -> dict[str, int]:
    """The version of each integration's state row in `scope` (0: no row)."""
    rows = session.execute(
        select(STATES.c.integration_id, STATES.c.version).where(
            STATES.c.integration_id.in_(list(ids)),
            STATES.c.organization_id == scope.organization_id,
            STATES.c.tenant_id == scope.tenant_id,
        )
    ).all()
    found = {i: int(v) for i, v in rows}
    return {i: found.get(i, 0) for i in ids}


def state_version_conflict(
    integration_id: str, scope: TenantScope, expected: int, current: int
) -> VersionConflict:
    """The error of an enable or disable whose condition found the state at another version."""
    params = {
        "id": integration_id,
        "scope": scope_msg(scope),
        "expected": expected,
        "current": current,
        "flags": scope.cli_flags(),
    }
    return VersionConflict(
        msg("state.err.version_conflict", **params),
        hint=msg("state.hint.version_conflict", **params),
        code="state.err.version_conflict",
        params=params,
        hint_code="state.hint.version_conflict",
        current=current,
    )


def insert_for(dialect: str) -> Any:
    """The dialect's INSERT with ON CONFLICT support."""
    insert: Callable[..., Any]
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise MercatoIntError(
            msg("state.store_unsupported", dialect=dialect),
            hint=msg("state.store_unsupported.hint"),
        )
    return insert


@dataclass(frozen=True)
class HealthWrite:
    """One health result to store on the state of `integration_ids` in `scope`."""

    integration_ids: tuple[str, ...]
    scope: TenantScope
    result: dict[str, Any]
    checked_at: datetime


def upsert_health(
    session: Session | Connection,
    dialect: str,
    default_enabled: dict[str, bool],
    writes: Sequence[HealthWrite],
) -> None:
    """Put each health result on its integrations' state rows (an upsert: a row that did not
    exist is created in its integration's default state), many rows a statement, bound by
    hand (store/bound.py): a fleet run writes thousands."""
    if not writes:
        return
    conn = session if isinstance(session, Connection) else session.connection()
    insert = _health_upsert(conn.dialect, dialect)
    serialize = insert.serializer
    ids = new_uuids(sum(len(w.integration_ids) for w in writes))
    rows = []
    for w in writes:
        # the result's JSON once for all the members it goes on
        result = serialize(w.result)
        org, tenant, at = w.scope.organization_id, w.scope.tenant_id, w.checked_at
        for i in w.integration_ids:
            rows.append((ids.pop(), i, org, tenant, default_enabled[i], result, at, at, at, 1))
    insert.execute(conn, rows)


_HEALTH_COLUMNS = (
    "id",
    "integration_id",
    "organization_id",
    "tenant_id",
    "is_enabled",
    "last_health_check",
    "last_health_check_at",
    "created_at",
    "updated_at",
    "version",
)
_HEALTH_CONFLICT = (
    "ON CONFLICT (integration_id, organization_id, tenant_id) DO UPDATE SET "
    "last_health_check = excluded.last_health_check, "
    "last_health_check_at = excluded.last_health_check_at, updated_at = excluded.updated_at"
)
_HEALTH_UPSERTS: dict[int, _HealthUpsert] = {}


class _HealthUpsert(BoundInsert):
    """The upsert of health results, its JSON column serialized by the caller (once per
    result, not once per member it goes on)."""

    def __init__(self, dialect: Dialect) -> None:
        super().__init__(STATES, _HEALTH_COLUMNS, dialect, _HEALTH_CONFLICT)
        json_column = _HEALTH_COLUMNS.index("last_health_check")
        process = dict(self._processed).get(json_column)
        # the column's own processor turns the value into what the driver is sent (JSON text
        # on SQLite, a Jsonb wrapper on Postgres): done per result by the caller instead
        self.serializer: Callable[[Any], Any] = process or (lambda v: v)
        self._processed = [(i, p) for i, p in self._processed if i != json_column]


def _health_upsert(dialect: Dialect, name: str) -> _HealthUpsert:
    if name not in ("sqlite", "postgresql"):
        insert_for(name)  # raises: the store is not supported
    found = _HEALTH_UPSERTS.get(id(dialect))
    if found is None or found.dialect is not dialect:
        found = _HEALTH_UPSERTS[id(dialect)] = _HealthUpsert(dialect)
    return found
