"""State documents: the state of one integration in a scope (`show --json`'s `state`, a
bundle's `integrations`), what an `enable`/`disable` did, and missing credentials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from mercato_int.shapes.base import ScopeShape, Shape, UtcTime
from mercato_int.shapes.events import EventShape

if TYPE_CHECKING:
    from mercato_int.services.credentials.requirements import MissingCredentials
    from mercato_int.services.state.reads import StateView
    from mercato_int.services.state.service import StateChange


class StateShape(Shape):
    """The effective state of one integration in one scope. `lastHealthCheck` is the stored
    HealthCheckResult (its `latencyMs` null when the result is `unconfigured`: nothing was
    measured); `credentialsSource` is `own`, `bundle` or `none`, as in `creds get --json`."""

    is_enabled: bool
    enabled_at: UtcTime | None
    enabled_by: str | None
    health_status: str | None
    last_health_check: dict[str, Any] | None
    last_health_check_at: UtcTime | None
    has_credentials: bool
    credentials_source: str
    credentials_updated_at: UtcTime | None
    # the state row's version (0: no row): the ETag of a conditional write (`--if-version`)
    version: int

    @classmethod
    def of(cls, obj: StateView) -> Self:
        last = obj.last_health_check
        if last and last.get("status") == "unconfigured":
            last = {**last, "latencyMs": None}  # nothing was measured
        owner = obj.credentials_owner
        return cls(
            is_enabled=obj.is_enabled,
            enabled_at=obj.enabled_at,
            enabled_by=obj.enabled_by,
            health_status=obj.health_status,
            last_health_check=last,
            last_health_check_at=obj.last_health_check_at,
            has_credentials=obj.has_credentials,
            credentials_source=(
                "none" if owner is None else "own" if owner == obj.integration_id else "bundle"
            ),
            credentials_updated_at=obj.credentials_updated_at,
            version=obj.version,
        )


class MissingCredentialsShape(Shape):
    """Required credentials not set for some integrations, and the command that sets them."""

    credentials_id: str
    integration_ids: list[str]
    missing: list[str]
    command: str

    @classmethod
    def of(cls, obj: MissingCredentials) -> Self:
        return cls(
            credentials_id=obj.owner_id,
            integration_ids=list(obj.integration_ids),
            missing=list(obj.keys),
            command=obj.command,
        )


class StateChangeShape(Shape):
    """`enable --json` / `disable --json`: `{scope, actor, isEnabled, changed, unchanged,
    bundles, events, missingCredentials, versions}`; `versions` is each target's state version
    after the change (0: no row), the ETag a conditional write gives next."""

    scope: ScopeShape
    actor: str
    is_enabled: bool
    changed: list[str]
    unchanged: list[str]
    bundles: list[str]
    events: list[EventShape]
    missing_credentials: list[MissingCredentialsShape]
    versions: dict[str, int]

    @classmethod
    def of(cls, obj: StateChange) -> Self:
        return cls(
            scope=ScopeShape.of(obj.scope),
            actor=obj.actor,
            is_enabled=obj.enabled,
            changed=obj.changed,
            unchanged=obj.unchanged,
            bundles=obj.bundles,
            events=[EventShape.of(e) for e in obj.events],
            missing_credentials=[MissingCredentialsShape.of(m) for m in obj.missing_credentials],
            versions=obj.versions,
        )
