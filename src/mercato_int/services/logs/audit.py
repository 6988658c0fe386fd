"""`logs audit`: scan every stored text field and number of stored entries for the current
secret values (and secret keys) of each integration's resolved credentials. Findings name the
entry and the field, never the value. A tenant or integration that cannot be audited (its
credentials do not decrypt, the store fails) is reported and the others are still audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mercato_int.errors import ExitCode, MercatoIntError, NotFound
from mercato_int.redaction import number_texts
from mercato_int.scope import TenantScope
from mercato_int.services.logs.redaction import Redactor
from mercato_int.shapes.base import utc_text
from mercato_int.store.schema import LOGS

if TYPE_CHECKING:
    from mercato_int.services.logs.service import LogService, SecretValues

BATCH = 2000


@dataclass(frozen=True)
class Finding:
    scope: TenantScope
    integration_id: str
    entry_id: str
    created_at: str
    where: str  # a field (message, details, operation, durationMs, ...) or "details key K"


@dataclass(frozen=True)
class AuditError:
    """A part of the audit that could not run: one tenant, or one integration in it."""

    scope: TenantScope
    integration_id: str | None
    error: str
    exit_code: ExitCode


@dataclass
class AuditReport:
    scopes: list[TenantScope]
    scanned: int = 0
    findings: list[Finding] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # ids no longer in the registry
    errors: list[AuditError] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """No finding in what was audited (see `errors` for what could not be)."""
        return not self.findings

    @property
    def exit_code(self) -> ExitCode:
        """An audit that could not run everywhere exits with the first error's code (after
        auditing the rest); otherwise 1 on any finding."""
        if self.errors:
            return self.errors[0].exit_code
        return ExitCode.OK if self.clean else ExitCode.FAILED


def audit(
    service: LogService,
    scopes: list[TenantScope],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> AuditReport:
    """Every entry of `scopes`, checked against its integration's current secrets. A failure
    in one tenant (or one integration's credentials) is recorded and the audit goes on. The
    credentials of all of `scopes` are read together, each row decrypted once."""
    report = AuditReport(scopes=scopes)
    secrets: SecretValues | None = None
    for done, scope in enumerate(scopes, 1):
        try:
            integration_ids = service.integrations_in(scope=scope)
            if integration_ids and secrets is None:
                secrets = service.fleet_secret_values(scopes)
        except (MercatoIntError, sa.exc.SQLAlchemyError) as exc:
            report.errors.append(error_of(scope, None, exc))
            integration_ids = []
        for integration_id in integration_ids:
            try:
                keys = service.registry.secret_keys(integration_id)  # NotFound: unknown id
                red = Redactor.build(keys, secrets(integration_id, scope) if secrets else ())
                if not red.is_noop:
                    _scan(service, scope, integration_id, red, report)
            except NotFound:
                report.unchecked.append(integration_id)
            except (MercatoIntError, sa.exc.SQLAlchemyError) as exc:
                report.errors.append(error_of(scope, integration_id, exc))
        if progress is not None:
            progress(done, len(scopes))
    return report


def error_of(scope: TenantScope, integration_id: str | None, exc: Exception) -> AuditError:
    """The AuditError of `exc` (a store failure is exit 4, with its first line)."""
    if isinstance(exc, MercatoIntError):
        return AuditError(scope, integration_id, str(exc), exc.exit_code)
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()
    return AuditError(scope, integration_id, reason[0] if reason else "?", ExitCode.STORE)


def _scan(
    service: LogService,
    scope: TenantScope,
    integration_id: str,
    red: Redactor,
    report: AuditReport,
) -> None:
    c = LOGS.c
    base = sa.select(*LOGS.c).where(
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
                # every stored text field and number, the identifying ones included
                places = {
                    "message": row.message,
                    "details": "\n".join(_strings(row.details)),
                    "operation": row.operation,
                    "correlationId": row.correlation_id,
                    "entityType": row.entity_type,
                    "entityId": row.entity_id,
                    "durationMs": None if row.duration_ms is None else str(row.duration_ms),
                    "integrationId": row.integration_id,
                    "level": row.level,
                    "tenantId": row.tenant_id,
                    "organizationId": row.organization_id,
                }
                hits = [name for name, text in places.items() if red.findings(text)]
                hits += [f"details key {k}" for k in red.stray_keys(row.details)]
                stamp = utc_text(row.created_at)
                for where in hits:
                    report.findings.append(
                        Finding(scope, integration_id, str(row.id), stamp, where)
                    )
            if len(rows) < BATCH:
                return
            after = (rows[-1].created_at, rows[-1].id)


def _strings(value: Any) -> list[str]:
    """Every string in a JSON value, dict keys included (unescaped, unlike its JSON text), and
    every number in the decimal forms its digits can be read in."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_texts(value)
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
