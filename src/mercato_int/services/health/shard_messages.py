"""The messages between `health --all-tenants` and its worker processes (shards.py,
workers/health.py): the settings a worker builds its services from, an outcome, a tenant's or
a subscriber's failure; JSON, as lists where there are thousands."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mercato_int.errors import ExitCode
from mercato_int.scope import TenantScope
from mercato_int.services.health.jobs import FAILURE_CODES, TenantFailure
from mercato_int.services.health.result import HealthOutcome

if TYPE_CHECKING:
    from mercato_int.services.events import DeliveryFailure
    from mercato_int.settings import Settings


def settings_spec(settings: Settings) -> dict[str, Any]:
    """What a worker builds its settings from (the store's URL among them: the pipe only)."""
    return {
        "config_dir": str(settings.config_dir),
        "data_dir": str(settings.data_dir),
        "database_url": settings.database_url,
        "scope": [settings.scope.organization_id, settings.scope.tenant_id],
        "actor": settings.actor,
        "providers_path": [str(p) for p in settings.providers_path],
        "lang": settings.lang,
        "master_keys_env": settings.master_keys_env,
        "context": settings.context,
    }


def settings_of(spec: dict[str, Any]) -> Settings:
    from mercato_int.settings import Settings

    return Settings(
        config_dir=Path(spec["config_dir"]),
        data_dir=Path(spec["data_dir"]),
        database_url=spec["database_url"],
        scope=TenantScope(*spec["scope"]),
        actor=spec["actor"],
        providers_path=tuple(Path(p) for p in spec["providers_path"]),
        lang=spec["lang"],
        master_keys_env=spec["master_keys_env"],
        context=spec["context"],
    )


def outcome_line(index: int, o: HealthOutcome) -> dict[str, Any]:
    """An outcome as a worker sends it (`index`: its place in the worker's jobs)."""
    return {
        "outcome": [
            index,
            o.subject_id,
            list(o.integration_ids),
            o.owner_id,
            o.scope.organization_id,
            o.scope.tenant_id,
            o.status,
            o.message,
            o.details,
            o.latency_ms,
            o.checked_at.isoformat(),
            o.error,
        ]
    }


def outcome_of(values: list[Any]) -> tuple[int, HealthOutcome]:
    index, subject, ids, owner, org, tenant, status, message, details, latency, at, error = values
    return index, HealthOutcome(
        subject_id=subject,
        integration_ids=tuple(ids),
        owner_id=owner,
        scope=TenantScope(org, tenant),
        status=status,
        message=message,
        details=details,
        latency_ms=latency,
        checked_at=datetime.fromisoformat(at),
        error=error,
    )


def delivery_failure_of(values: list[Any]) -> DeliveryFailure:
    from mercato_int.services.events import DeliveryFailure, Event

    event_id, type_, subject, org, tenant, actor, payload, at, subscriber, error = values
    event = Event(
        event_id,
        type_,
        subject,
        TenantScope(org, tenant),
        actor,
        payload,
        datetime.fromisoformat(at),
    )
    return DeliveryFailure(event=event, subscriber=subscriber, error=error)


def delivery_line(f: DeliveryFailure) -> list[Any]:
    e = f.event
    scope = e.scope
    return [
        e.id,
        e.type,
        e.subject_id,
        scope.organization_id,
        scope.tenant_id,
        e.actor,
        e.payload,
        e.created_at.isoformat(),
        f.subscriber,
        f.error,
    ]


def failure_line(f: TenantFailure) -> list[Any]:
    return [f.scope.organization_id, f.scope.tenant_id, f.error, f.exit_code]


def failure_of(values: list[Any]) -> TenantFailure:
    org, tenant, error, code = values
    if not isinstance(error, str):
        raise TypeError("a failure's error is text")
    return TenantFailure(TenantScope(org, tenant), error, exit_code_of(code))


def exit_code_of(value: Any) -> int:
    """The exit code a worker says a failure costs, if it is one a failure can cost; else 1."""
    return int(value) if type(value) is int and value in FAILURE_CODES else ExitCode.FAILED
