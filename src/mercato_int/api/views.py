"""The JSON answers of the routes: the same camelCase shapes as the CLI's `--json`, built in
one place per route from the services' results through `mercato_int.shapes` (the pydantic
models the CLI's `--json` uses)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mercato_int.services import Services
    from mercato_int.services.credentials.views import CredentialsView
    from mercato_int.services.health.jobs import HealthRun
    from mercato_int.services.state.marketplace import Marketplace
    from mercato_int.services.state.service import StateChange

# the last changes `show --json` carries (cli/commands/events.py: RECENT_IN_SHOW)
RECENT_EVENTS = 5


def marketplace(market: Marketplace) -> dict[str, Any]:
    """`GET /api/integrations`: as `list --json` ({items, bundles, total})."""
    from mercato_int.shapes.catalog import MarketplaceShape

    return MarketplaceShape.of(market).document()


def item(svc: Services, item_id: str) -> dict[str, Any]:
    """`GET /api/integrations/{id}`: as `show --json`, for an integration or a bundle."""
    from mercato_int.shapes.item import show_shape

    registry = svc.registry
    registry.get(item_id)  # NotFound first, before any read
    subjects = [item_id]
    if registry.is_bundle(item_id):
        subjects += [m.id for m in registry.members(item_id)]
    events, _ = svc.events.query(svc.scope, subject_ids=subjects, limit=RECENT_EVENTS)
    return show_shape(svc, item_id, events).document()


def state_change(change: StateChange) -> dict[str, Any]:
    """`PUT /api/integrations/{id}/state`: as `enable --json` / `disable --json`."""
    from mercato_int.shapes.state import StateChangeShape

    return StateChangeShape.of(change).document()


def credentials(view: CredentialsView) -> dict[str, Any]:
    """`GET|PUT /api/integrations/{id}/credentials`: as `creds get --json` (masked)."""
    from mercato_int.shapes.credentials import CredentialsViewShape

    return CredentialsViewShape.of(view).document()


def health(run: HealthRun) -> dict[str, Any]:
    """`POST /api/integrations/{id}/health`: one item of `health --json`; a bundle whose
    members are checked separately answers `health --json` as a whole ({items, ...})."""
    from mercato_int.shapes.health import HealthRunShape

    data = HealthRunShape.of(run).document()
    if len(data["items"]) == 1:
        return data["items"][0]  # type: ignore[no-any-return]
    return data
