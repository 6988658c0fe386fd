"""Every call the TUI makes into the Services container, in one place.

The screens never touch a session, a query or a key: they call these methods, which call the
services and turn their results into the plain shapes the widgets render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mercato_int.errors import OperationFailed
from mercato_int.i18n import t
from mercato_int.redaction import MASK
from mercato_int.shapes.base import utc_or_none

if TYPE_CHECKING:
    from mercato_int.registry import CredentialField
    from mercato_int.scope import TenantScope
    from mercato_int.services import Services
    from mercato_int.services.fleet import Fleet
    from mercato_int.services.logs.activity import Activity
    from mercato_int.services.state.marketplace import Marketplace
    from mercato_int.services.state.service import StateView


@dataclass(frozen=True)
class CredentialsView:
    """What the form shows: masked values, which secrets are set, where they come from, and
    the row's `updatedAt` (for the overwrite check on save)."""

    integration_id: str
    fields: tuple[CredentialField, ...]
    values: dict[str, Any] = field(default_factory=dict)
    secrets_set: frozenset[str] = frozenset()
    source: str = "none"  # own | bundle | none
    updated_at: str | None = None
    updated_by: str | None = None
    version: int = 0  # of the own row (0: none): what the form's save is conditional on


@dataclass(frozen=True)
class LogPage:
    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int


class ServiceCalls:
    def __init__(self, services: Services) -> None:
        self.services = services

    def enter(self, scope: TenantScope) -> None:
        """NotAllowed (audited) unless the actor may open `scope` (the tenant switcher)."""
        self.services.acl.enter(scope)

    def tenants(self) -> Fleet:
        """The tenants the actor may view (the scope switch's list), the others counted."""
        return self.services.fleet.tenants()

    # --- marketplace ---------------------------------------------------------------------------
    def overview(
        self, scope: TenantScope, *, search: str | None = None, category: str | None = None
    ) -> Marketplace:
        return self.services.marketplace.overview(
            scope, search=search or None, category=category or None
        )

    def activity(self, scope: TenantScope, ids: list[str]) -> dict[str, Activity]:
        return self.services.log_activity.figures(scope, ids, days=30)

    def categories(self) -> list[str]:
        return self.services.registry.categories()

    # --- state ---------------------------------------------------------------------------------
    def state(self, integration_id: str, scope: TenantScope) -> StateView:
        return self.services.state.get(integration_id, scope)

    def states(self, scope: TenantScope) -> dict[str, StateView]:
        return self.services.state.all_states(scope)

    def enabled_members(self, bundle_id: str, scope: TenantScope) -> list[str]:
        """The integrations of a bundle that are enabled in `scope` now."""
        states = self.states(scope)
        members = self.services.registry.members(bundle_id)
        return [m.id for m in members if m.id in states and states[m.id].is_enabled]

    def change_marker(self, scope: TenantScope) -> tuple[int, str | None]:
        """Changes `scope`'s newest event and count: every enable, disable, credentials save
        or removal and health check emits one (whichever process made it), so a marketplace
        polls this one cheap read and re-reads itself only when it moves."""
        events, total = self.services.events.query(scope, limit=1)
        return total, events[-1].id if events else None

    def set_enabled(self, ids: list[str], enabled: bool, scope: TenantScope) -> list[str]:
        """Enable or disable integrations (a bundle id means all of its integrations).
        Returns warnings to show (required credentials that are not set)."""
        state = self.services.state
        method = state.enable if enabled else state.disable
        change = method(ids, scope, actor=self.services.actor)
        # The service's message names a shell command; here the form is one key away.
        missing = [
            t("tui_panels.missing_creds", owner=m.owner_id, keys=", ".join(m.keys))
            for m in change.missing_credentials
        ]
        return missing + [str(note) for note in change.notes]

    # --- credentials ---------------------------------------------------------------------------
    def credentials(self, some_id: str, scope: TenantScope) -> CredentialsView:
        """The masked credentials that apply to `some_id` (own, else its bundle's)."""
        fields = self.services.registry.credential_fields(some_id)
        view = self.services.credentials.read_masked(some_id, scope)
        configured = view.secret_fields_configured or {}
        return CredentialsView(
            integration_id=some_id,
            fields=fields,
            values={k: v for k, v in view.values.items() if v != MASK},
            secrets_set=frozenset(k for k, is_set in configured.items() if is_set),
            source=view.source,
            updated_at=utc_or_none(view.updated_at),
            updated_by=view.updated_by,
            version=view.version,
        )

    def save_credentials(
        self,
        some_id: str,
        values: dict[str, str],
        scope: TenantScope,
        *,
        expected_version: int | None = None,
    ) -> None:
        """Save; with `expected_version`, only if the row is still at that version
        (VersionConflict otherwise: the condition is in the store's UPDATE)."""
        self.services.credentials.save(
            some_id, values, scope, actor=self.services.actor, expected_version=expected_version
        )

    def remove_credentials(self, some_id: str, scope: TenantScope) -> None:
        self.services.credentials.remove(some_id, scope, actor=self.services.actor)

    # --- health --------------------------------------------------------------------------------
    async def run_health(self, some_id: str, scope: TenantScope) -> dict[str, Any]:
        """Run the check that applies to an integration or bundle (a bundle's runs once,
        against the shared credentials); the result as stored in `lastHealthCheck`."""
        health = self.services.health
        jobs = health.plan([some_id], scope)
        run = await health.arun(jobs, actor=self.services.actor)
        if not run.outcomes:
            raise OperationFailed(t("tui_panels.nothing_to_check", id=some_id))
        from mercato_int.shapes.health import HealthResultShape

        return HealthResultShape.of(run.outcomes[0]).document()

    def last_health(self, some_id: str, scope: TenantScope) -> dict[str, Any] | None:
        registry = self.services.registry
        if registry.is_bundle(some_id):
            members = registry.members(some_id)
            if not members:
                return None
            some_id = members[0].id
        state = self.state(some_id, scope)
        if not state.last_health_check:
            return None
        return {
            **state.last_health_check,
            "checkedAt": state.last_health_check.get("checkedAt")
            or utc_or_none(state.last_health_check_at),
        }

    # --- logs ----------------------------------------------------------------------------------
    def logs(
        self,
        scope: TenantScope,
        integration_id: str,
        *,
        level: str | None = None,
        search: str | None = None,
        limit: int = 25,
        offset: int = 0,
    ) -> LogPage:
        """One page of an integration's operation logs, newest first, with the total."""
        from mercato_int.services.logs.model import LogFilter

        filters = LogFilter(
            integration_id=integration_id, level=level or None, search=search or None
        )
        page = self.services.logs.query(scope=scope, filters=filters, limit=limit, offset=offset)
        from mercato_int.shapes.logs import LogEntryShape

        return LogPage(
            items=[LogEntryShape.of(e).document() for e in page.items],
            total=int(page.total or 0),
            offset=offset,
            limit=limit,
        )
