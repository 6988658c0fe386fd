"""`POST /api/integrations/{id}/health`: run the check now, as `health ID --json` does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from mercato_int.api import metrics, views
from mercato_int.api.deps import services
from mercato_int.api.errors import documented
from mercato_int.services import Services

router = APIRouter(
    prefix="/api/integrations",
    tags=["health"],
    responses=documented(400, 401, 403, 404, 413, 500, 503),
)


@router.post("/{integration_id}/health")
def run_health(
    integration_id: str,
    svc: Annotated[Services, Depends(services)],
    timeout: Annotated[
        float, Query(gt=0, le=60, description="Seconds before the check is cut")
    ] = 10.0,
) -> dict[str, Any]:
    """Run the integration's (or bundle's) health check now: the result is stored on the
    state, logged as `health.check` and emitted, and answered as one `health --json` item.
    Credentials that cannot be decrypted: 500 `key_unavailable`."""
    jobs = svc.health.plan([integration_id], svc.scope)
    run = svc.health.run(jobs, actor=svc.actor, timeout=timeout)
    for outcome in run.outcomes:
        metrics.health_result(outcome.status)
    problems = run.key_problems
    if problems:
        from mercato_int.errors import KeyProblem

        raise KeyProblem(problems[0].message)
    return views.health(run)
