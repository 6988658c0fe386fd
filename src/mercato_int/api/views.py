"""The JSON answers of the routes: the same camelCase shapes as the CLI's `--json`, built in
one place per route from the services' results (their `to_json`), so that a change of shapes
(pydantic models) is made here and nowhere else in the API."""

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
    return market.to_json()


def item(svc: Services, item_id: str) -> dict[str, Any]:
    """`GET /api/integrations/{id}`: as `show --json`, for an integration or a bundle."""
    from mercato_int.services.state.reads import iso

    registry = svc.registry
    found = registry.get(item_id)
    scope = svc.scope
    data: dict[str, Any]
    if registry.is_bundle(item_id):
        members = registry.members(item_id)
        states = svc.state.all_states(scope)
        saved = svc.state.credentials_times(scope).get(item_id)
        data = {
            **found.to_json(),
            "kind": "bundle",
            "scope": scope.as_dict(),
            "hasCredentials": saved is not None,
            "credentialsUpdatedAt": iso(saved),
            "integrations": [
                {"id": m.id, "title": m.title, "category": m.category, **states[m.id].to_json()}
                for m in members
            ],
        }
        subjects = [item_id, *(m.id for m in members)]
    else:
        state = svc.state.get(item_id, scope)
        bundle = registry.bundle_of(item_id)
        data = {
            **found.to_json(),
            "kind": "integration",
            "scope": scope.as_dict(),
            "hasCredentials": state.has_credentials,
            "credentialsUpdatedAt": iso(state.credentials_updated_at),
            "state": state.to_json(),
            "bundle": bundle.to_json() if bundle else None,
        }
        subjects = [item_id]
    events, _ = svc.events.query(scope, subject_ids=subjects, limit=RECENT_EVENTS)
    data["recentEvents"] = [e.to_json() for e in events]
    return data


def state_change(change: StateChange) -> dict[str, Any]:
    """`PUT /api/integrations/{id}/state`: as `enable --json` / `disable --json`."""
    return change.to_json()


def credentials(view: CredentialsView) -> dict[str, Any]:
    """`GET|PUT /api/integrations/{id}/credentials`: as `creds get --json` (masked)."""
    return view.to_json()


def health(run: HealthRun) -> dict[str, Any]:
    """`POST /api/integrations/{id}/health`: one item of `health --json`; a bundle whose
    members are checked separately answers `health --json` as a whole ({items, ...})."""
    data = run.to_json()
    if len(data["items"]) == 1:
        return data["items"][0]  # type: ignore[no-any-return]
    return data
