"""`logs scrub`: rewrite the stored entries that hold a current secret value (what `logs audit`
finds), masking it with the one redactor, as the writer would have stored them.

Batched and resumable: entries are read in pages of BATCH by (createdAt, id); each page's
rewrites and its `integrations.logs.scrubbed` event (counts, never a value) are one
transaction. A scrub killed midway keeps every page it committed, and a rerun finds only what
is left: a rewritten entry holds no secret any more, so a second run rewrites nothing.

What is rewritten: message, details (secret keys dropped, values masked in strings and keys,
a number that spells one replaced by the mask), operation, correlationId, entityType and
entityId (masked), durationMs (cleared: a number column cannot carry the mask). The columns
that identify an entry (integration, level, tenant, organization) are left as they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mercato_int.errors import ExitCode, MercatoIntError, NotFound
from mercato_int.scope import TenantScope
from mercato_int.services.logs.audit import AuditError, error_of
from mercato_int.services.logs.redaction import Redactor
from mercato_int.store.schema import LOGS

if TYPE_CHECKING:
    from mercato_int.services.events import EventsService
    from mercato_int.services.logs.service import LogService

BATCH = 500
_TEXT = ("operation", "correlation_id", "entity_type", "entity_id")
_JSON_NAMES = {
    "message": "message",
    "details": "details",
    "operation": "operation",
    "correlation_id": "correlationId",
    "entity_type": "entityType",
    "entity_id": "entityId",
    "duration_ms": "durationMs",
}


@dataclass
class ScrubReport:
    scopes: list[TenantScope]
    dry_run: bool
    scanned: int = 0
    entries: int = 0  # entries rewritten (a dry run: that would be)
    fields: dict[str, int] = field(default_factory=dict)  # per field, in camelCase
    batches: int = 0  # transactions committed
    unchecked: list[str] = field(default_factory=list)
    errors: list[AuditError] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        """The first error's code when a tenant or integration could not be scrubbed."""
        return self.errors[0].exit_code if self.errors else ExitCode.OK


def _suspicious(row: Any, red: Redactor) -> bool:
    """False when one regex scan shows `row` holds no secret (the common case), as the writer
    decides for details; True when it may, and the fields must be walked."""
    if red.escapes or red.numeric:  # forms a text scan can miss: always walk
        return True
    texts = [row.message, *(getattr(row, name) for name in _TEXT)]
    if row.details is not None:
        texts.append(json.dumps(row.details, ensure_ascii=False))
        if red.key_pattern is not None and red.key_pattern.search(texts[-1]):
            return True
    return red.pattern is not None and any(t and red.pattern.search(t) for t in texts)


def rewrite(row: Any, red: Redactor) -> dict[str, Any]:
    """The columns of `row` that change once its secrets are masked (empty: nothing to do)."""
    changes: dict[str, Any] = {}
    if not _suspicious(row, red):
        return changes
    message = red.text(row.message)
    if message != row.message:
        changes["message"] = message
    if row.details is not None:
        details = red.details(row.details)
        if details != row.details:
            changes["details"] = details
    for name in _TEXT:
        value = getattr(row, name)
        masked = red.text(value)
        if masked != value:
            limit: int | None = getattr(LOGS.c[name].type, "length", None)
            changes[name] = masked[:limit] if limit and masked is not None else masked
    duration = red.number(row.duration_ms)
    if duration != row.duration_ms:
        changes["duration_ms"] = duration
    return changes


def scrub(
    service: LogService,
    scopes: list[TenantScope],
    *,
    redactor: Callable[[str, TenantScope], Redactor],
    events: EventsService,
    actor: str,
    dry_run: bool,
    batch: int = BATCH,
) -> ScrubReport:
    """Scrub every entry of `scopes`; a tenant or integration that fails (its credentials do
    not decrypt) is reported and the others are still scrubbed."""
    report = ScrubReport(scopes=scopes, dry_run=dry_run)
    for scope in scopes:
        try:
            integration_ids = service.integrations_in(scope=scope)
        except (MercatoIntError, sa.exc.SQLAlchemyError) as exc:
            report.errors.append(error_of(scope, None, exc))
            continue
        for integration_id in integration_ids:
            try:
                red = redactor(integration_id, scope)
                if not red.is_noop:
                    _scrub_one(service, events, scope, integration_id, red, report, actor, batch)
            except NotFound:
                report.unchecked.append(integration_id)
            except (MercatoIntError, sa.exc.SQLAlchemyError) as exc:
                report.errors.append(error_of(scope, integration_id, exc))
    return report


def _scrub_one(
    service: LogService,
    events: EventsService,
    scope: TenantScope,
    integration_id: str,
    red: Redactor,
    report: ScrubReport,
    actor: str,
    batch: int,
) -> None:
    dry_run = report.dry_run
    from mercato_int.services import events as kinds

    c = LOGS.c
    base = sa.select(*LOGS.c).where(
        c.tenant_id == scope.tenant_id,
        c.organization_id == scope.organization_id,
        c.integration_id == integration_id,
    )
    after: tuple[Any, Any] | None = None
    while True:
        stmt = base
        if after is not None:
            stmt = stmt.where(sa.tuple_(c.created_at, c.id) > sa.tuple_(*after))
        with service.store.connect() as conn:
            rows = conn.execute(stmt.order_by(c.created_at, c.id).limit(batch)).all()
        report.scanned += len(rows)
        changed = [(row, ch) for row in rows if (ch := rewrite(row, red))]
        counts: dict[str, int] = {}
        for _, ch in changed:
            for name in ch:
                counts[_JSON_NAMES[name]] = counts.get(_JSON_NAMES[name], 0) + 1
        if changed and not dry_run:
            with service.store.session() as session:
                for row, ch in changed:
                    session.execute(sa.update(LOGS).where(c.id == row.id).values(**ch))
                ev = events.record(
                    session,
                    kinds.LOGS_SCRUBBED,
                    scope=scope,
                    actor=actor,
                    subject_id=integration_id,
                    payload={
                        "integrationId": integration_id,
                        "entries": len(changed),
                        "fields": dict(sorted(counts.items())),
                        "actor": actor,
                        **scope.as_dict(),
                    },
                )
            events.deliver([ev])
            report.batches += 1
        report.entries += len(changed)
        for name, n in counts.items():
            report.fields[name] = report.fields.get(name, 0) + n
        if len(rows) < batch:
            return
        after = (rows[-1].created_at, rows[-1].id)
