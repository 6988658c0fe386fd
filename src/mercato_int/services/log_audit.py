"""`logs audit`: scan stored entries for the current secret values (and secret keys) of each
integration's resolved credentials. Findings name the entry and the field, never the value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mercato_int.errors import NotFound
from mercato_int.scope import TenantScope
from mercato_int.services.log_query import T

if TYPE_CHECKING:
    from mercato_int.services.logs import LogService

BATCH = 2000


@dataclass(frozen=True)
class Finding:
    scope: TenantScope
    integration_id: str
    entry_id: str
    created_at: str
    where: str  # message, details, correlationId, entityType, entityId, or "details key K"

    def to_json(self) -> dict[str, Any]:
        return {
            **self.scope.as_dict(),
            "integrationId": self.integration_id,
            "entryId": self.entry_id,
            "createdAt": self.created_at,
            "where": self.where,
        }


@dataclass
class AuditReport:
    scopes: list[TenantScope]
    scanned: int = 0
    findings: list[Finding] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # ids no longer in the registry

    @property
    def clean(self) -> bool:
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        return {
            "clean": self.clean,
            "scanned": self.scanned,
            "tenants": [s.as_dict() for s in self.scopes],
            "findings": [f.to_json() for f in self.findings],
            "unchecked": sorted(set(self.unchecked)),
        }


def audit(service: LogService, scopes: list[TenantScope]) -> AuditReport:
    """Every entry of `scopes`, checked against its integration's current secrets."""
    report = AuditReport(scopes=scopes)
    for scope in scopes:
        for integration_id in service.integrations_in(scope=scope):
            try:
                red = service.redactor(integration_id, scope)
            except NotFound:
                report.unchecked.append(integration_id)
                continue
            if red.is_noop:
                continue
            _scan(service, scope, integration_id, red, report)
    return report


def _scan(service: LogService, scope: TenantScope, integration_id: str, red: Any, report) -> None:
    c = T.c
    cols = (c.id, c.created_at, c.message, c.details, c.correlation_id, c.entity_type, c.entity_id)
    base = sa.select(*cols).where(
        c.tenant_id == scope.tenant_id,
        c.organization_id == scope.organization_id,
        c.integration_id == integration_id,
    )
    after: tuple[Any, Any] | None = None
    with service.store.engine.connect() as conn:
        while True:
            stmt = base
            if after is not None:
                stmt = stmt.where(sa.tuple_(c.created_at, c.id) > sa.tuple_(*after))
            rows = conn.execute(stmt.order_by(c.created_at, c.id).limit(BATCH)).all()
            for row in rows:
                report.scanned += 1
                places = {
                    "message": row.message,
                    "details": "\n".join(_strings(row.details)),
                    "correlationId": row.correlation_id,
                    "entityType": row.entity_type,
                    "entityId": row.entity_id,
                }
                hits = [name for name, text in places.items() if red.findings(text)]
                hits += [f"details key {k}" for k in red.stray_keys(row.details)]
                stamp = row.created_at.isoformat().replace("+00:00", "Z")
                for where in hits:
                    report.findings.append(
                        Finding(scope, integration_id, str(row.id), stamp, where)
                    )
            if len(rows) < BATCH:
                return
            after = (rows[-1].created_at, rows[-1].id)


def _strings(value: Any) -> list[str]:
    """Every string in a JSON value, dict keys included (unescaped, unlike its JSON text)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
