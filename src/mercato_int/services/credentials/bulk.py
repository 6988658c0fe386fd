"""Credentials of many tenants at once (fleet runs such as `health --all-tenants`): every row
of the scopes asked for read in one query, each row decrypted at most once, however many
integrations fall through to it (a bundle's five members) and however often it is asked for.

`resolve` answers as `CredentialsService.resolve` does (the integration's own row, else its
bundle's, else empty; a row that cannot be opened raises its KeyProblem, each time it is
asked for, from the one attempt)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, tuple_

from mercato_int.errors import KeyProblem
from mercato_int.scope import TenantScope
from mercato_int.services.credentials.schema import Credentials
from mercato_int.services.features import CREDENTIALS as CREDENTIALS_FEATURE
from mercato_int.store.schema import CREDENTIALS

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mercato_int.services.credentials.service import CredentialsService

_IN_CHUNK = 400  # at most this many scopes are read by an `IN` list, more by one scan


class BulkCredentials:
    """A snapshot of the credentials rows of some scopes (see the module doc)."""

    def __init__(self, service: CredentialsService, rows: dict[tuple[str, TenantScope], Any]):
        self._service = service
        self._rows = rows
        self._opened: dict[tuple[str, TenantScope], Credentials | KeyProblem] = {}
        self.decrypted = 0  # rows opened (one per row at most)

    def owner(self, integration_id: str, scope: TenantScope) -> str | None:
        """The id of the row that applies: the integration's own, else its bundle's."""
        if (integration_id, scope) in self._rows:
            return integration_id
        bundle_id = self._service._bundle_id(integration_id)
        if bundle_id and (bundle_id, scope) in self._rows:
            return bundle_id
        return None

    def resolve(self, integration_id: str, scope: TenantScope) -> Credentials:
        """The decrypted values that apply to `integration_id` in `scope` (see the module doc)."""
        owner = self.owner(integration_id, scope)
        if owner is None:
            return Credentials()
        key = (owner, scope)
        found = self._opened.get(key)
        if found is None:
            found = self._open(key)
        if isinstance(found, KeyProblem):
            raise found
        return found

    def _open(self, key: tuple[str, TenantScope]) -> Credentials | KeyProblem:
        owner, scope = key
        self.decrypted += 1
        found: Credentials | KeyProblem
        try:
            values = self._service._open(self._rows[key], scope)
            found = Credentials(values, secret_keys=self._service._secret_keys(owner, values))
        except KeyProblem as exc:
            found = exc
        self._opened[key] = found
        return found

    def secret_values(self, integration_id: str, scope: TenantScope) -> set[str]:
        """As `CredentialsService.secret_values`, from this snapshot."""
        creds = self.resolve(integration_id, scope)
        return {str(creds[k]) for k in creds.secret_keys if creds.get(k) not in (None, "")}


def open_bulk(service: CredentialsService, scopes: list[TenantScope] | None) -> BulkCredentials:
    """The credentials of `scopes` (None: every scope) for a fleet run. Needs the credentials
    feature in each of them (nothing to check inside a call that was already checked)."""
    if scopes is None:
        service.guard.require_everywhere(CREDENTIALS_FEATURE)
    else:
        service.guard.require_each(CREDENTIALS_FEATURE, scopes)
    with service.store.connect() as conn:  # a read: Core, no ORM
        return BulkCredentials(service, read_rows(conn, scopes))


def read_rows(
    conn: Connection, scopes: Iterable[TenantScope] | None
) -> dict[tuple[str, TenantScope], Any]:
    """The credentials rows of `scopes` (None: of every scope), by (owner id, scope): one
    query (every row, when more than `_IN_CHUNK` scopes are asked for: a fleet run asks for
    nearly all of them, and one scan beats many `IN` lists)."""
    wanted = None if scopes is None else set(scopes)
    query = select(CREDENTIALS)
    if wanted is not None and len(wanted) <= _IN_CHUNK:
        pairs = [(s.organization_id, s.tenant_id) for s in wanted]
        query = query.where(
            tuple_(CREDENTIALS.c.organization_id, CREDENTIALS.c.tenant_id).in_(pairs)
        )
    found: dict[tuple[str, TenantScope], Any] = {}
    for row in conn.execute(query):
        scope = TenantScope(row.organization_id, row.tenant_id)
        if wanted is None or scope in wanted:
            found[(row.integration_id, scope)] = row
    return found
