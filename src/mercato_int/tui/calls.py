"""Every call the TUI makes into the Services container, in one place.

The screens never touch a session, a query or a key: they call these methods, which call the
services and turn their results into the plain shapes the widgets render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mercato_int.errors import OperationFailed

if TYPE_CHECKING:
    from mercato_int.registry import CredentialField
    from mercato_int.scope import TenantScope
    from mercato_int.services import Services
    from mercato_int.services.log_activity import Activity
    from mercato_int.services.marketplace import Marketplace

MASK = "••••••••"


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


@dataclass(frozen=True)
class LogPage:
    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int


def _missing(what: str) -> OperationFailed:
    return OperationFailed(
        f"the {what} is not available in this build",
        hint="update mercato-int, or use the command line",
    )


class ServiceCalls:
    def __init__(self, services: Services) -> None:
        self.services = services

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
    def set_enabled(self, ids: list[str], enabled: bool, scope: TenantScope) -> None:
        """Enable or disable integrations (a bundle id means all of its integrations)."""
        state = self.services.state
        method = getattr(state, "enable" if enabled else "disable", None)
        if method is None:
            raise _missing("enable/disable service")
        method(ids, scope, actor=self.services.actor)

    # --- credentials ---------------------------------------------------------------------------
    def credentials(self, some_id: str, scope: TenantScope) -> CredentialsView:
        fields = self.services.registry.credential_fields(some_id)
        svc = getattr(self.services, "credentials", None)
        if svc is None:
            return CredentialsView(integration_id=some_id, fields=fields)
        masked = svc.read_masked(some_id, scope)
        data = masked.to_json() if hasattr(masked, "to_json") else dict(masked)
        values = dict(data.get("credentials") or {})
        secrets = {
            f.key
            for f in fields
            if f.is_secret and (data.get("secretFieldsConfigured") or {}).get(f.key)
        }
        return CredentialsView(
            integration_id=some_id,
            fields=fields,
            values={k: v for k, v in values.items() if v != MASK},
            secrets_set=frozenset(secrets),
            source=data.get("source") or "none",
            updated_at=data.get("updatedAt"),
            updated_by=data.get("updatedBy"),
        )

    def save_credentials(self, some_id: str, values: dict[str, str], scope: TenantScope) -> None:
        svc = getattr(self.services, "credentials", None)
        if svc is None:
            raise _missing("credentials service")
        svc.save(some_id, values, scope, actor=self.services.actor)

    def remove_credentials(self, some_id: str, scope: TenantScope) -> None:
        svc = getattr(self.services, "credentials", None)
        if svc is None:
            raise _missing("credentials service")
        svc.remove(some_id, scope, actor=self.services.actor)

    # --- health --------------------------------------------------------------------------------
    def run_health(self, some_id: str, scope: TenantScope) -> dict[str, Any]:
        svc = getattr(self.services, "health", None)
        if svc is None:
            raise _missing("health service")
        result = svc.check(some_id, scope, actor=self.services.actor)
        return result.to_json() if hasattr(result, "to_json") else dict(result)

    def last_health(self, some_id: str, scope: TenantScope) -> dict[str, Any] | None:
        registry = self.services.registry
        if registry.is_bundle(some_id):
            members = registry.members(some_id)
            if not members:
                return None
            some_id = members[0].id
        state = self.services.state.get(some_id, scope)
        if not state.last_health_check:
            return None
        return {
            **state.last_health_check,
            "checkedAt": state.last_health_check.get("checkedAt")
            or _iso(state.last_health_check_at),
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
        svc = self.services.logs
        if not hasattr(svc, "query"):
            raise _missing("log query")
        result = svc.query(
            scope=scope,
            integration_id=integration_id,
            level=level or None,
            search=search or None,
            limit=limit,
            offset=offset,
        )
        data = result.to_json() if hasattr(result, "to_json") else result
        return LogPage(
            items=list(data["items"]), total=int(data["total"]), offset=offset, limit=limit
        )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None
