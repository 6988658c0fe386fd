"""The grouped reads behind the fleet views (see `services/fleet/__init__.py`): Core queries
over every tenant at once, never one per tenant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, literal, select, text, union_all
from sqlalchemy.engine import Connection

from mercato_int.scope import TenantScope
from mercato_int.services.state.reads import StateView, effective_views, view_rules
from mercato_int.store.schema import ACL_GRANTS, CREDENTIALS, LOGS, SETTINGS, STATES
from mercato_int.store.types import UTCDateTime

if TYPE_CHECKING:
    from mercato_int.registry import Registry


@dataclass
class Known:
    sources: dict[TenantScope, set[str]] = field(default_factory=dict)
    logs_24h: dict[TenantScope, int] = field(default_factory=dict)

    def add(self, scope: TenantScope, source: str) -> None:
        self.sources.setdefault(scope, set()).add(source)


def tenant_matcher(pattern: str | None) -> Callable[[TenantScope], bool]:
    """`--tenant-filter`: a glob (`acme-*`) when it has `*?[`, else a substring, matched
    without case against the tenant id, the org id and `tenant/org`."""
    if not pattern:
        return lambda scope: True
    needle = pattern.casefold()
    glob = any(c in needle for c in "*?[")

    def match(scope: TenantScope) -> bool:
        names = (
            scope.tenant_id.casefold(),
            scope.organization_id.casefold(),
            f"{scope.tenant_id}/{scope.organization_id}".casefold(),
        )
        if glob:
            return any(fnmatchcase(n, needle) for n in names)
        return any(needle in n for n in names)

    return match


def known_scopes(conn: Connection, *, since: datetime, counts: bool = True) -> Known:
    """Every scope with a row in states, credentials, settings, grants or logs, and (with
    `counts`) its log entries since `since`."""
    known = Known()
    parts = [
        select(table.c.organization_id, table.c.tenant_id, literal(name).label("source")).distinct()
        for name, table in (
            ("states", STATES),
            ("credentials", CREDENTIALS),
            ("settings", SETTINGS),
            ("grants", ACL_GRANTS),
        )
    ]
    for org, tenant, source in conn.execute(union_all(*parts)):
        known.add(TenantScope(org, tenant), source)
    params = {"since": since} if counts else {}
    query = _log_scopes_query(counts, conn.dialect.name)
    for tenant, org, count in conn.execute(query, params):
        scope = TenantScope(org, tenant)
        known.add(scope, "logs")
        known.logs_24h[scope] = int(count or 0)
    return known


def _log_scopes_query(counts: bool, dialect: str = "postgresql") -> Any:
    """The distinct (tenant, org) of the logs by a loose index scan over
    `ix_logs_scope_created` (each step one index seek to the next scope, so the cost grows with
    the number of scopes, not of entries), each with its entries since `:since` counted by a
    range on the same index. SQLite is told the index (`INDEXED BY`): otherwise, depending on its
    statistics, it picks any index led by (tenant, org), one with `level` second among them."""
    logs = LOGS.name
    hint = " INDEXED BY ix_logs_scope_created" if dialect == "sqlite" else ""
    count = (
        f"(SELECT count(*) FROM {logs} c{hint} WHERE c.tenant_id = s.tenant_id "
        "AND c.organization_id = s.organization_id AND c.created_at >= :since)"
        if counts
        else "0"
    )
    nxt = (
        f"FROM {logs} n{hint} WHERE (n.tenant_id, n.organization_id) "
        "> (s.tenant_id, s.organization_id) "
        "ORDER BY n.tenant_id, n.organization_id LIMIT 1"
    )
    sql = f"""
        WITH RECURSIVE s(tenant_id, organization_id) AS (
            SELECT * FROM (
                SELECT CAST(tenant_id AS TEXT), CAST(organization_id AS TEXT) FROM {logs}{hint}
                ORDER BY tenant_id, organization_id LIMIT 1
            ) AS first_scope
            UNION ALL
            SELECT CAST((SELECT n.tenant_id {nxt}) AS TEXT),
                   CAST((SELECT n.organization_id {nxt}) AS TEXT)
            FROM s WHERE s.tenant_id IS NOT NULL
        )
        SELECT s.tenant_id, s.organization_id, {count} AS n FROM s
        WHERE s.tenant_id IS NOT NULL
    """
    query = text(sql)
    return query.bindparams(bindparam("since", type_=UTCDateTime())) if counts else query


def views_by_scope(
    conn: Connection, registry: Registry, ids: list[str], scopes: list[TenantScope]
) -> dict[TenantScope, dict[str, StateView]]:
    """The effective state of `ids` in each of `scopes`: every state row and every
    credentials row read in one query each, then `effective_views` per scope with the
    registry's rules worked out once. Only what the fleet shows is read: enabled, the last
    check's status (not the whole result), which credentials rows exist."""
    keys = {(s.organization_id, s.tenant_id): s for s in scopes}
    rows: dict[tuple[str, str], dict[str, StateView]] = {k: {} for k in keys}
    credentials: dict[tuple[str, str], dict[str, Any]] = {k: {} for k in keys}
    if ids and scopes:
        status = STATES.c.last_health_check["status"].as_string()
        query = select(
            STATES.c.organization_id,
            STATES.c.tenant_id,
            STATES.c.integration_id,
            STATES.c.is_enabled,
            status,
        )
        for org, tenant, integration_id, is_enabled, last in conn.execute(query):
            found = rows.get((org, tenant))
            if found is not None:
                found[integration_id] = StateView(
                    integration_id=integration_id,
                    is_enabled=bool(is_enabled),
                    last_health_check=None if last is None else {"status": last},
                )
        query = select(
            CREDENTIALS.c.organization_id, CREDENTIALS.c.tenant_id, CREDENTIALS.c.integration_id
        )
        for org, tenant, integration_id in conn.execute(query):
            held = credentials.get((org, tenant))
            if held is not None:
                held[integration_id] = None  # which rows exist: their times are not shown
    rules = view_rules(registry, ids)
    return {
        scope: effective_views(registry, ids, rows[key], credentials[key], rules)
        for key, scope in keys.items()
    }
