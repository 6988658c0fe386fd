"""The result of a health check: what a provider may return, what is stored, and the
redaction that keeps credential values out of every message and detail."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mercato_int.scope import TenantScope
from mercato_int.services.log_redaction import MASK

STATUSES: tuple[str, ...] = ("healthy", "degraded", "unhealthy", "unconfigured")
LOG_LEVEL = {
    "healthy": "info",
    "degraded": "warning",
    "unconfigured": "warning",
    "unhealthy": "error",
}
_MIN_SECRET_LEN = 4  # shorter values would mask ordinary words


@dataclass(frozen=True)
class HealthOutcome:
    """One completed check: `{status, message, details, latencyMs, checkedAt}` plus what it
    was about."""

    subject_id: str
    integration_ids: tuple[str, ...]
    owner_id: str | None
    scope: TenantScope
    status: str
    message: str
    details: dict[str, Any] | None
    latency_ms: int
    checked_at: datetime

    def result_json(self) -> dict[str, Any]:
        """The spec's HealthCheckResult, as stored in `lastHealthCheck`."""
        return {
            "status": self.status,
            "message": self.message,
            "details": self.details,
            # unconfigured: no check ran, so nothing was measured
            "latencyMs": None if self.status == "unconfigured" else self.latency_ms,
            "checkedAt": self.checked_at.isoformat().replace("+00:00", "Z"),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.subject_id,
            "integrationIds": list(self.integration_ids),
            "checkOwner": self.owner_id,
            **self.scope.as_dict(),
            **self.result_json(),
        }


def normalize(raw: Any) -> tuple[str, str, dict[str, Any] | None]:
    """(status, message, details) from what a check returned: a HealthResult, a dict, or an
    object with those attributes. Anything else is `unhealthy`, saying what was wrong."""
    from pydantic import ValidationError

    from mercato_int.registry import HealthResult

    if isinstance(raw, HealthResult):
        return raw.status, raw.message, raw.details
    data = raw if isinstance(raw, Mapping) else None
    if data is None and hasattr(raw, "status"):
        data = {k: getattr(raw, k) for k in ("status", "message", "details") if hasattr(raw, k)}
    if data is None:
        return (
            "unhealthy",
            f"the check returned {type(raw).__name__}, not a result with a status",
            None,
        )
    try:
        result = HealthResult.model_validate(dict(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "result"
        return "unhealthy", f"the check returned an invalid result ({where}: {first['msg']})", None
    return result.status, result.message, result.details


def redactor(credentials: Mapping[str, Any], secret_keys: Iterable[str]) -> Callable[[Any], Any]:
    """A function that masks the values of `secret` credential fields wherever they appear
    (in text or nested details) and the values under keys that are secret field names."""
    keys = set(secret_keys)
    values = sorted(
        {
            str(v)
            for k, v in credentials.items()
            if k in keys and v is not None and len(str(v)) >= _MIN_SECRET_LEN
        },
        key=len,
        reverse=True,  # longest first: a secret containing another is masked whole
    )

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            for secret in values:
                value = value.replace(secret, MASK)
            return value
        if isinstance(value, Mapping):
            return {str(k): MASK if k in keys else clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return clean
