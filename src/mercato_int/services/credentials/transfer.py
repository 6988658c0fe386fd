"""Credentials export and import (`creds export|import`): rows leave a store decrypted into a
passphrase-sealed file (services/credentials/export_file.py) and enter another through the
normal save path, so each is checked against the target registry's schema, encrypted under the
target's master key and recorded as a save.

Export needs integrations.credentials in every tenant it reads; import in every tenant of the
file, checked before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from mercato_int.errors import (
    ExitCode,
    InvalidInput,
    KeyProblem,
    MercatoIntError,
    NotFound,
    Phrase,
    msg,
)
from mercato_int.registry import CredentialField, Registry
from mercato_int.scope import TenantScope
from mercato_int.services import events as kinds
from mercato_int.services.credentials import rows as sql
from mercato_int.services.credentials.export_file import ExportRow
from mercato_int.services.credentials.schema import merge_values
from mercato_int.services.credentials.sealing import open_row
from mercato_int.services.features import CREDENTIALS
from mercato_int.services.policy import Guard, requires
from mercato_int.shapes.base import utc_or_none
from mercato_int.store.engine import Store
from mercato_int.store.schema import CREDENTIALS as TABLE

if TYPE_CHECKING:
    from mercato_int.services.credentials.service import CredentialsService
    from mercato_int.services.events import EventsService

OnConflict = Literal["skip", "overwrite", "fail"]
ON_CONFLICT: tuple[str, ...] = ("skip", "overwrite", "fail")


@dataclass(frozen=True)
class RowProblem:
    """A row that could not be exported (its key is missing, it does not decrypt)."""

    scope: TenantScope
    integration_id: str
    error: str
    exit_code: ExitCode


@dataclass
class ExportResult:
    rows: list[ExportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    scopes: list[TenantScope] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        """5 (or the first problem's code) when a row was left out, else 0."""
        return self.problems[0].exit_code if self.problems else ExitCode.OK


@dataclass(frozen=True)
class RowOutcome:
    """What an import did (or, on a dry run or an aborted one, would do) with one row."""

    scope: TenantScope
    integration_id: str
    status: str  # imported, skipped, overwritten, rejected, conflict
    reason: Phrase | None = None  # worded when shown
    changed: tuple[str, ...] = ()


@dataclass
class ImportReport:
    dry_run: bool
    on_conflict: str
    outcomes: list[RowOutcome] = field(default_factory=list)
    aborted: bool = False  # --on-conflict fail found a conflict: nothing was written

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.aborted

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def exit_code(self) -> ExitCode:
        """1 when a row was rejected or the import was aborted on a conflict, else 0."""
        if self.aborted or self.count("rejected"):
            return ExitCode.FAILED
        return ExitCode.OK


class CredentialsTransferService:
    def __init__(
        self,
        *,
        guard: Guard,
        store: Store,
        registry: Registry,
        credentials: Callable[[], CredentialsService],
        events: EventsService,
        clock: Callable[[], datetime],
    ) -> None:
        self.guard = guard
        self.store = store
        self.registry = registry
        self._credentials = credentials
        self.events = events
        self.clock = clock

    # --- export -------------------------------------------------------------------------------
    def _owner(self, some_id: str) -> str:
        """The id whose row holds `some_id`'s credentials: itself, or the bundle of a member
        with no fields of its own. NotFound names the known ids."""
        item = self.registry.get(some_id)
        bundle_id = getattr(item, "bundle_id", None)
        if not item.fields and bundle_id in self.registry.bundles:
            return str(bundle_id)
        return item.id

    def _fields(self, owner_id: str) -> tuple[CredentialField, ...]:
        # a row of an id the registry no longer knows still exports (the target decides)
        try:
            return self.registry.get(owner_id).fields
        except NotFound:
            return ()

    def all_scopes(self) -> list[TenantScope]:
        """Every (organization, tenant) that holds credentials (no values)."""
        import sqlalchemy as sa

        stmt = sa.select(TABLE.c.organization_id, TABLE.c.tenant_id).distinct()
        with self.store.connect() as conn:
            return [TenantScope(o, te) for o, te in sorted(conn.execute(stmt).all())]

    @requires(CREDENTIALS)
    def export(
        self,
        *,
        scopes: list[TenantScope] | None,
        integration_ids: list[str] | None = None,
        actor: str,
        decrypted: bool = False,
    ) -> ExportResult:
        """The decrypted rows of `scopes` (None: every tenant), of `integration_ids` only if
        given. A row that does not decrypt is a problem of the result, not of the export. One
        `integrations.credentials.exported` event per tenant (ids, never values) is committed
        before the rows are handed out."""
        import sqlalchemy as sa

        owners = sorted({self._owner(i) for i in integration_ids}) if integration_ids else None
        result = ExportResult(scopes=self.all_scopes() if scopes is None else list(scopes))
        credentials = self._credentials()
        for scope in result.scopes:
            stmt = sa.select(TABLE).where(
                TABLE.c.organization_id == scope.organization_id,
                TABLE.c.tenant_id == scope.tenant_id,
            )
            if owners is not None:
                stmt = stmt.where(TABLE.c.integration_id.in_(owners))
            with self.store.connect() as conn:
                found = conn.execute(stmt.order_by(TABLE.c.integration_id)).all()
            for row in found:
                try:
                    values = open_row(row, scope, keys=credentials.keys, fields_of=self._fields)
                except KeyProblem as exc:
                    result.problems.append(
                        RowProblem(scope, row.integration_id, str(exc), exc.exit_code)
                    )
                    continue
                stamp = utc_or_none(row.updated_at)
                result.rows.append(
                    ExportRow(scope, row.integration_id, values, stamp, int(row.version))
                )
        self._audit_export(result, actor=actor, decrypted=decrypted)
        return result

    def _audit_export(self, result: ExportResult, *, actor: str, decrypted: bool) -> None:
        by_scope: dict[TenantScope, list[str]] = {}
        for r in result.rows:
            by_scope.setdefault(r.scope, []).append(r.integration_id)
        if not by_scope:
            return
        with self.store.session() as session:
            recorded = [
                self.events.record(
                    session,
                    kinds.CREDENTIALS_EXPORTED,
                    scope=scope,
                    actor=actor,
                    subject_id=None,
                    payload={
                        "integrationIds": ids,
                        "decrypted": decrypted,
                        "actor": actor,
                        **scope.as_dict(),
                    },
                )
                for scope, ids in by_scope.items()
            ]
        self.events.deliver(recorded)

    # --- import -------------------------------------------------------------------------------
    def _plan_row(self, row: ExportRow, versions: dict[Any, int]) -> tuple[RowOutcome, int, dict]:
        """(planned outcome, version found in the target, values to save) for one row."""
        credentials = self._credentials()
        try:
            owner_id, fields = credentials.write_target(row.integration_id, scope=row.scope)
            if owner_id != row.integration_id:  # pragma: no cover - write_target refuses it
                raise NotFound(row.integration_id)
            # the row replaces the target's whole form: fields it does not hold are cleared
            given = {f.key: None for f in fields} | row.values
            merge_values(owner_id, fields, {}, row.values)  # checked as a first save is
        except MercatoIntError as exc:
            return RowOutcome(row.scope, row.integration_id, "rejected", str(exc)), 0, {}
        current = versions.get((row.scope, row.integration_id), 0)
        status = "imported" if current == 0 else "conflict"
        return RowOutcome(row.scope, row.integration_id, status), current, given

    def _versions(self, rows: list[ExportRow]) -> dict[Any, int]:
        found: dict[Any, int] = {}
        by_scope: dict[TenantScope, list[str]] = {}
        for r in rows:
            by_scope.setdefault(r.scope, []).append(r.integration_id)
        with self.store.connect() as conn:
            for scope, ids in by_scope.items():
                for owner, row in sql.find_rows(session=conn, owner_ids=ids, scope=scope).items():
                    found[(scope, owner)] = int(row.version)
        return found

    @requires(CREDENTIALS)
    def import_rows(
        self,
        rows: list[ExportRow],
        *,
        actor: str,
        on_conflict: str = "skip",
        dry_run: bool = False,
    ) -> ImportReport:
        """Save each row in its tenant through the credentials service (checked against the
        target registry, encrypted under the target's key, one `credentials.updated` event per
        row written). A row already in the target is skipped, overwritten (its form replaced
        by the row's values) or, with `fail`, stops the import before anything is written.
        A row the target refuses is rejected with the reason; the others still go in."""
        if on_conflict not in ON_CONFLICT:
            raise InvalidInput(
                msg("export.err.on_conflict", mode=on_conflict, known=", ".join(ON_CONFLICT))
            )
        report = ImportReport(dry_run=dry_run, on_conflict=on_conflict)
        versions = self._versions(rows)
        plans = [self._plan_row(r, versions) for r in rows]
        if on_conflict == "fail" and any(o.status == "conflict" for o, _, _ in plans):
            report.aborted = True
            report.outcomes = [o for o, _, _ in plans]
            return report
        credentials = self._credentials()
        for row, (planned, current, given) in zip(rows, plans, strict=True):
            outcome = planned
            if planned.status == "conflict":
                status = "skipped" if on_conflict == "skip" else "overwritten"
                reason = msg("export.import.exists") if status == "skipped" else None
                outcome = RowOutcome(row.scope, row.integration_id, status, reason)
                if status == "skipped":
                    report.outcomes.append(outcome)
                    continue
            if dry_run or planned.status == "rejected":
                report.outcomes.append(outcome)
                continue
            try:
                saved = credentials.save(
                    row.integration_id, given, row.scope, actor=actor, expected_version=current
                )
            except MercatoIntError as exc:
                outcome = RowOutcome(row.scope, row.integration_id, "rejected", str(exc))
            else:
                outcome = RowOutcome(
                    row.scope, row.integration_id, outcome.status, changed=tuple(saved.changed)
                )
            report.outcomes.append(outcome)
        return report
