"""The read side of per-tenant state: what `list` and `show` display for a scope.

These reads go through SQLAlchemy Core on the tables of `store/schema.py`, not the SQLModel
ORM: the ORM (sqlmodel, sqlalchemy.orm and the mapped classes) costs ~130 ms to import, more
than everything else `mercato-int list` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from mercato_int.scope import TenantScope
from mercato_int.store.schema import CREDENTIALS, STATES

if TYPE_CHECKING:
    from mercato_int.registry import Registry

# what `list --health-status` accepts: the stored statuses, and `unchecked` for none yet
HEALTH_FILTERS: tuple[str, ...] = ("healthy", "degraded", "unhealthy", "unconfigured", "unchecked")


@dataclass(frozen=True)
class StateView:
    """The effective state of one integration in one scope (defaults when no row exists)."""

    integration_id: str
    is_enabled: bool
    enabled_at: datetime | None = None
    enabled_by: str | None = None
    last_health_check: dict[str, Any] | None = None
    last_health_check_at: datetime | None = None
    updated_at: datetime | None = None  # of the state row
    # of the state row: 1 when first written, +1 on each enable or disable that changed it;
    # 0 without a row. What a conditional enable/disable compares (the API's ETag).
    version: int = 0
    # What the registry and the credentials rows say now (see `effective_views`).
    has_health_check: bool = True
    credentials_missing: bool = False  # required fields, and no row of the form that has them
    credentials_owner: str | None = None  # the row that applies: its own, else its bundle's
    credentials_updated_at: datetime | None = None

    @property
    def has_credentials(self) -> bool:
        return self.credentials_owner is not None

    @property
    def health_status(self) -> str | None:
        """What is true now: `unconfigured` when there is no check or the required credentials
        are missing (whatever an earlier check said), else the last result's status; None
        when it was never checked."""
        if not self.has_health_check or self.credentials_missing:
            return "unconfigured"
        return (self.last_health_check or {}).get("status")

    @property
    def last_changed_at(self) -> datetime | None:
        """The latest change in the scope: state row or credentials (`list --sort updated`)."""
        times = [t for t in (self.updated_at, self.credentials_updated_at) if t is not None]
        return max(times) if times else None


# built once (every API request reads them; building a statement costs more than running it):
# a scope's state rows, one integration's, and when each credentials row was saved
_STATES_OF = select(
    STATES.c.integration_id,
    STATES.c.is_enabled,
    STATES.c.enabled_at,
    STATES.c.enabled_by,
    STATES.c.last_health_check,
    STATES.c.last_health_check_at,
    STATES.c.updated_at,
    STATES.c.version,
).where(
    STATES.c.organization_id == bindparam("organization_id"),
    STATES.c.tenant_id == bindparam("tenant_id"),
)
_STATE_OF = _STATES_OF.where(STATES.c.integration_id == bindparam("integration_id"))
_CREDENTIAL_TIMES = select(CREDENTIALS.c.integration_id, CREDENTIALS.c.updated_at).where(
    CREDENTIALS.c.organization_id == bindparam("organization_id"),
    CREDENTIALS.c.tenant_id == bindparam("tenant_id"),
)


def _status(conn: Connection) -> Any:
    """The `status` of each row's last result, read out of its JSON by the database."""
    if conn.dialect.name == "postgresql":
        return func.jsonb_extract_path_text(STATES.c.last_health_check, "status")
    return func.json_extract(STATES.c.last_health_check, "$.status")


def _view(row: Any) -> StateView:
    """A state row (the columns of _STATES_OF) as the view the services hand out."""
    return StateView(
        integration_id=row.integration_id,
        is_enabled=bool(row.is_enabled),
        enabled_at=row.enabled_at,
        enabled_by=row.enabled_by,
        last_health_check=row.last_health_check,
        last_health_check_at=row.last_health_check_at,
        updated_at=row.updated_at,
        version=int(row.version),
    )


def read_state_rows(
    conn: Connection, *, scope: TenantScope, integration_id: str | None = None
) -> dict[str, StateView]:
    """The stored state rows of `scope` (one integration's, or all), by integration id."""
    given = {"organization_id": scope.organization_id, "tenant_id": scope.tenant_id}
    query = _STATES_OF
    if integration_id is not None:
        query, given["integration_id"] = _STATE_OF, integration_id
    return {row.integration_id: _view(row) for row in conn.execute(query, given)}


def read_configured_ids(conn: Connection, *, scope: TenantScope) -> set[str]:
    """Integration and bundle ids that have a credentials row in `scope`."""
    return set(read_credentials_times(conn, scope=scope))


def read_credentials_times(conn: Connection, *, scope: TenantScope) -> dict[str, datetime]:
    """When each credentials row of `scope` was last saved, by integration or bundle id."""
    given = {"organization_id": scope.organization_id, "tenant_id": scope.tenant_id}
    return {row.integration_id: row.updated_at for row in conn.execute(_CREDENTIAL_TIMES, given)}


@dataclass(frozen=True)
class ViewRule:
    """What the registry says about one integration for `effective_views`: the same for
    every tenant, so a reader of many tenants works it out once (`view_rules`)."""

    default_enabled: bool
    bundle_id: str | None  # a registered bundle, else None
    needs_keys: bool  # its form has required fields
    form_owner: str  # the integration or bundle whose row holds them
    has_check: bool


def view_rules(registry: Registry, ids: Iterable[str]) -> dict[str, ViewRule]:
    from mercato_int.services.credentials.requirements import requirements

    rules = {}
    for i in ids:
        definition = registry.integrations[i]
        need = requirements(registry, i)
        rules[i] = ViewRule(
            default_enabled=definition.default_enabled,
            bundle_id=definition.bundle_id if definition.bundle_id in registry.bundles else None,
            needs_keys=bool(need.keys),
            form_owner=need.owner_id,
            has_check=registry.health_check_config(i) is not None,
        )
    return rules


def registry_rules(registry: Registry) -> dict[str, ViewRule]:
    """`view_rules` of every integration of `registry`, worked out once per registry (it is
    complete once discovered, and the API shares one per process): every state read of every
    request needs them, and they cost more than the rows they are joined with."""
    cached: tuple[int, dict[str, ViewRule]] | None = registry.__dict__.get("_view_rules")
    if cached is None or cached[0] != len(registry.integrations):
        cached = (len(registry.integrations), view_rules(registry, registry.integrations))
        registry.__dict__["_view_rules"] = cached
    return cached[1]


def effective_views(
    registry: Registry,
    ids: Iterable[str],
    rows: dict[str, StateView],
    credentials: dict[str, datetime],
    rules: dict[str, ViewRule] | None = None,
) -> dict[str, StateView]:
    """The state of each integration in `ids` as every reader shows it: its row (or its
    definition's default) joined with what the registry and the credentials rows say now, so
    that `healthStatus` is derived at read time (`creds unset` makes it `unconfigured` at
    once). `credentials`: `read_credentials_times` of the scope; `rules`: `view_rules` of
    `ids`, when the caller reads many scopes."""
    rules = rules if rules is not None else registry_rules(registry)
    views = {}
    for i in ids:
        rule = rules[i]
        view = rows.get(i)
        # the integration's own row first, else its bundle's (the credentials fall-through)
        bundle_id = rule.bundle_id
        owner = i if i in credentials else bundle_id if bundle_id in credentials else None
        # a save refuses a row without every required field, so the row of the form that
        # declares them is the proof (the values stay encrypted: no key needed to list)
        missing = rule.needs_keys and owner != rule.form_owner
        last = view.last_health_check if view else None
        last_at = view.last_health_check_at if view else None
        if rule.has_check and not missing and (last or {}).get("status") == "unconfigured":
            # its reason is gone (a check, and the credentials it needs): never checked since
            last, last_at = None, None
        views[i] = StateView(
            integration_id=i,
            is_enabled=view.is_enabled if view else rule.default_enabled,
            enabled_at=view.enabled_at if view else None,
            enabled_by=view.enabled_by if view else None,
            last_health_check=last,
            last_health_check_at=last_at,
            updated_at=view.updated_at if view else None,
            version=view.version if view else 0,
            has_health_check=rule.has_check,
            credentials_missing=missing,
            credentials_owner=owner,
            credentials_updated_at=credentials[owner] if owner else None,
        )
    return views


def read_fleet_rows(
    conn: Connection, scopes: Iterable[TenantScope], *, results: bool = True
) -> tuple[dict[TenantScope, dict[str, StateView]], dict[TenantScope, dict[str, datetime]]]:
    """`read_state_rows` and `read_credentials_times` of many scopes in two queries (every
    row of both tables, kept when its scope is one of `scopes`): a fleet run asks for nearly
    every scope, and one scan beats a query per scope. `results=False` (health planning):
    each row's enabled flag and the status of its last result only (`last_health_check` is
    then `{"status": …}`, the database reads it out of the JSON): not the JSON of 7,000
    results, their time stamps and who enabled them."""
    wanted = set(scopes)
    states: dict[TenantScope, dict[str, StateView]] = {s: {} for s in wanted}
    times: dict[TenantScope, dict[str, datetime]] = {s: {} for s in wanted}
    scope_columns = (STATES.c.organization_id, STATES.c.tenant_id)
    if results:
        every_state = select(*_STATES_OF.selected_columns, *scope_columns)
        for row in conn.execute(every_state):
            found = states.get(TenantScope(row.organization_id, row.tenant_id))
            if found is not None:
                found[row.integration_id] = _view(row)
    else:
        statuses = select(
            STATES.c.integration_id, STATES.c.is_enabled, _status(conn), *scope_columns
        )
        for i, enabled, status, org, tenant in conn.execute(statuses):
            found = states.get(TenantScope(org, tenant))
            if found is not None:
                last = None if status is None else {"status": status}
                found[i] = StateView(i, bool(enabled), last_health_check=last)
    query = select(
        CREDENTIALS.c.organization_id,
        CREDENTIALS.c.tenant_id,
        CREDENTIALS.c.integration_id,
        CREDENTIALS.c.updated_at,
    )
    for org, tenant, owner, updated_at in conn.execute(query):
        held = times.get(TenantScope(org, tenant))
        if held is not None:
            held[owner] = updated_at
    return states, times
