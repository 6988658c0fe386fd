"""Operation logs (spec §3): structured entries written one at a time or through a scoped
logger. (The batched writer, secret redaction, query and prune are built on top of this.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mercato_int.registry import Registry
from mercato_int.scope import TenantScope
from mercato_int.store.engine import Store
from mercato_int.store.tables import IntegrationLog

LEVELS: tuple[str, ...] = ("debug", "info", "warning", "error")


class LogService:
    def __init__(self, *, store: Store, registry: Registry, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.registry = registry
        self.clock = clock

    def log(
        self,
        *,
        integration_id: str,
        level: str,
        operation: str,
        message: str,
        scope: TenantScope,
        details: dict[str, Any] | None = None,
        correlation_id: str | None = None,
        entity_type: str | None = None,
        entity_id: str | None = None,
        duration_ms: int | None = None,
    ) -> None:
        """Write one entry."""
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}")
        with self.store.session() as session:
            session.add(
                IntegrationLog(
                    integration_id=integration_id,
                    level=level,
                    operation=operation,
                    message=message,
                    details=details,
                    correlation_id=correlation_id,
                    entity_type=entity_type,
                    entity_id=entity_id,
                    duration_ms=duration_ms,
                    organization_id=scope.organization_id,
                    tenant_id=scope.tenant_id,
                    created_at=self.clock(),
                )
            )

    def scoped(
        self, integration_id: str, correlation_id: str | None, scope: TenantScope
    ) -> ScopedLogger:
        """A logger bound to one integration, correlation id and scope."""
        return ScopedLogger(self, integration_id, correlation_id, scope)


@dataclass(frozen=True)
class ScopedLogger:
    service: LogService
    integration_id: str
    correlation_id: str | None
    scope: TenantScope

    def _write(self, level: str, operation: str, message: str, **kw: Any) -> None:
        self.service.log(
            integration_id=self.integration_id,
            level=level,
            operation=operation,
            message=message,
            scope=self.scope,
            correlation_id=self.correlation_id,
            **kw,
        )

    def info(
        self, operation: str, message: str, details: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        self._write("info", operation, message, details=details, **kw)

    def warning(
        self, operation: str, message: str, details: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        self._write("warning", operation, message, details=details, **kw)

    def error(
        self, operation: str, message: str, details: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        self._write("error", operation, message, details=details, **kw)

    def debug(
        self, operation: str, message: str, details: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        self._write("debug", operation, message, details=details, **kw)
