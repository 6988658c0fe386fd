"""The fleet: every tenant the store knows, with counts (`tenants`), and the integrations ×
tenants matrix (`list --all-tenants`).

Installation-wide reads in a handful of grouped queries, never one per tenant: which scopes
have state, credentials, settings or grants (one UNION), which have logs with their entries of
the last 24 h (a loose index scan of `ix_logs_scope_created`: one seek per scope, then a range
count on (tenant, org, created_at)), every state row and every credentials row (one query
each), and the grants (two). The state of each (tenant, integration) is derived by
`effective_views`, the rule `list` uses, so `healthStatus` is the same in both.

Access: a fleet read filters, it does not refuse. A tenant is listed when the caller may view
it (no policy, or a grant holding integrations.view); the others are only counted (`hidden`),
their ids never shown, and nothing is audited for them (the caller asked for no one tenant).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from mercato_int.errors import InvalidInput, msg
from mercato_int.scope import TenantScope
from mercato_int.services.features import ROLES, VIEW
from mercato_int.services.fleet.reads import known_scopes, tenant_matcher, views_by_scope
from mercato_int.services.state.reads import HEALTH_FILTERS, StateView
from mercato_int.store.engine import Store
from mercato_int.store.schema import ACL_GRANTS

if TYPE_CHECKING:
    from mercato_int.registry import IntegrationDefinition, Registry
    from mercato_int.services.policy import Caller

# where a tenant was found, in this order in `sources`
SOURCES = ("states", "credentials", "settings", "grants", "logs")
# the grants that give integrations.view: the feature itself, and every role holding it
VIEW_GRANTS = (VIEW, *(role for role, features in ROLES.items() if VIEW in features))
# `list --all-tenants --sort`: orders the rows (a health sort has no one tenant to sort by)
MATRIX_SORTS = ("title", "category")


@dataclass(frozen=True)
class TenantSummary:
    """One (tenant, organization) of the fleet and its counts over the registered
    integrations."""

    scope: TenantScope
    sources: tuple[str, ...]
    has_policy: bool
    integrations: int
    enabled: int
    with_credentials: int
    unhealthy: int
    logs_24h: int


@dataclass(frozen=True)
class Fleet:
    tenants: list[TenantSummary]
    hidden: int  # tenants the caller may not view: counted, never named
    since: datetime  # the start of the 24 h the log counts cover


@dataclass(frozen=True)
class MatrixRow:
    definition: IntegrationDefinition
    cells: list[StateView | None]  # one per column; None: filtered out


@dataclass(frozen=True)
class FleetMatrix:
    columns: list[TenantScope]
    rows: list[MatrixRow]
    hidden: int
    filtered_out: int  # visible tenants left out by the filters (tenant filter, no match)


class FleetService:
    """Read-only, installation-wide; filters by the caller's access (see the module doc)."""

    def __init__(
        self,
        *,
        store: Store,
        registry: Registry,
        caller: Callable[[], Caller],
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.registry = registry
        self._caller = caller
        self.clock = clock or (lambda: datetime.now(UTC))

    def tenants(self, *, tenant_filter: str | None = None) -> Fleet:
        """Every tenant the caller may view, with its counts, by tenant then org."""
        since = self.clock().astimezone(UTC) - timedelta(hours=24)
        ids = list(self.registry.integrations)
        with self.store.connect() as conn:
            known = known_scopes(conn, since=since)
            visible, hidden, policies = self._visible(conn, known.sources, tenant_filter)
            views = views_by_scope(conn, self.registry, ids, visible)
        summaries = []
        for scope in visible:
            states = views[scope].values()
            summaries.append(
                TenantSummary(
                    scope=scope,
                    sources=tuple(s for s in SOURCES if s in known.sources[scope]),
                    has_policy=scope in policies,
                    integrations=len(ids),
                    enabled=sum(v.is_enabled for v in states),
                    with_credentials=sum(v.has_credentials for v in states),
                    unhealthy=sum(v.health_status == "unhealthy" for v in states),
                    logs_24h=known.logs_24h.get(scope, 0),
                )
            )
        return Fleet(tenants=summaries, hidden=hidden, since=since)

    def matrix(
        self,
        *,
        search: str | None = None,
        category: str | None = None,
        bundle_id: str | None = None,
        enabled: bool | None = None,
        health_status: str | None = None,
        sort: str | None = None,
        descending: bool = False,
        tenant_filter: str | None = None,
    ) -> FleetMatrix:
        """Integrations (rows, `list`'s filters) × the tenants the caller may view (columns).
        `enabled` and `health_status` select cells: a cell that does not match is None, and a
        row or a column with no matching cell is left out."""
        if health_status is not None and health_status not in HEALTH_FILTERS:
            known_text = ", ".join(HEALTH_FILTERS)
            raise InvalidInput(msg("list.unknown_health", status=health_status, known=known_text))
        if sort is not None and sort not in MATRIX_SORTS:
            raise InvalidInput(msg("fleet.unknown_sort", sort=sort, known=", ".join(MATRIX_SORTS)))
        matches = list(self.registry.search(query=search, category=category, bundle_id=bundle_id))
        matches.sort(key=self._order(sort or ("title" if descending else None)), reverse=descending)
        ids = [d.id for d in matches]
        since = self.clock().astimezone(UTC) - timedelta(hours=24)
        with self.store.connect() as conn:
            known = known_scopes(conn, since=since, counts=False)
            visible, hidden, _ = self._visible(conn, known.sources, tenant_filter)
            views = views_by_scope(conn, self.registry, ids, visible)

        def wanted(v: StateView) -> bool:
            return (enabled is None or v.is_enabled == enabled) and (
                health_status is None or (v.health_status or "unchecked") == health_status
            )

        grid = {s: {i: (v if wanted(v) else None) for i, v in views[s].items()} for s in visible}
        filtering = enabled is not None or health_status is not None
        columns = [s for s in visible if not filtering or any(grid[s].values())]
        rows = [MatrixRow(d, [grid[s][d.id] for s in columns]) for d in matches]
        if filtering:
            rows = [r for r in rows if any(c is not None for c in r.cells)]
        filtered_out = len(known.sources) - hidden - len(columns)
        return FleetMatrix(columns=columns, rows=rows, hidden=hidden, filtered_out=filtered_out)

    def _order(self, sort: str | None) -> Callable[[IntegrationDefinition], tuple[Any, ...]]:
        """`list`'s order: bundle members (bundle by bundle) then standalone integrations;
        or by title, or by category then title."""
        if sort == "title":
            return lambda d: (d.title.casefold(), d.id)
        if sort == "category":
            return lambda d: (d.category, d.title.casefold())
        rank = {b: n for n, b in enumerate(self.registry.bundles)}
        return lambda d: (rank.get(d.bundle_id or "", len(rank)),)

    def _visible(
        self,
        conn: Connection,
        known: Iterable[TenantScope],
        tenant_filter: str | None,
    ) -> tuple[list[TenantScope], int, set[TenantScope]]:
        """(the scopes the caller may view that match the filter, sorted; how many it may
        not view; the scopes that have a policy)."""
        actor = self._caller().actor
        policies = {
            TenantScope(o, te)
            for o, te in conn.execute(
                select(ACL_GRANTS.c.organization_id, ACL_GRANTS.c.tenant_id).distinct()
            )
        }
        viewers = {
            TenantScope(o, te)
            for o, te in conn.execute(
                select(ACL_GRANTS.c.organization_id, ACL_GRANTS.c.tenant_id)
                .where(ACL_GRANTS.c.actor == actor, ACL_GRANTS.c.grant.in_(VIEW_GRANTS))
                .distinct()
            )
        }
        match = tenant_matcher(tenant_filter)
        allowed = [s for s in known if s not in policies or s in viewers]
        # all of them, whatever the filter: counting the hidden ones that match would tell
        # the caller something about ids it may not see
        hidden = sum(1 for _ in known) - len(allowed)
        visible = sorted(
            (s for s in allowed if match(s)), key=lambda s: (s.tenant_id, s.organization_id)
        )
        return visible, hidden, policies
