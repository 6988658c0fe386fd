"""Opening and sealing a credentials row: the AES-GCM envelope bound to the row's integration
and scope, under the master key it names; errors name the row and scope, never a value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mercato_int.errors import KeyProblem, msg, scope_msg
from mercato_int.keys import MasterKey, MasterKeys
from mercato_int.keys.envelope import EnvelopeError, associated_data, envelope_kid, open_envelope
from mercato_int.keys.envelope import seal as seal_envelope
from mercato_int.registry import CredentialField
from mercato_int.scope import TenantScope


class Undecryptable(KeyProblem):
    """A stored row that the key it names cannot open (altered, or moved to another scope):
    its values are lost, and only a save of the whole form replaces it."""


def open_row(
    row: Any,  # a credentials row (Core Row or ORM object): its columns by attribute
    scope: TenantScope,
    *,
    keys: MasterKeys,
    fields_of: Callable[[str], tuple[CredentialField, ...]],
) -> dict[str, Any]:
    """The row's values. KeyProblem when its key is not found, Undecryptable when the key does
    not open it (the hint names the save that replaces it)."""
    kid = envelope_kid(row.encrypted_values) or row.key_id
    key = keys.find(kid) if kid else None
    if key is None:
        raise KeyProblem(
            msg(
                "creds.err.key_missing",
                integration=row.integration_id,
                scope=scope_msg(scope),
                kid=kid,
                places=keys.places_text(),
            ),
            hint=msg("creds.hint.restore_key"),
        )
    aad = associated_data(row.integration_id, row.organization_id, row.tenant_id)
    try:
        return open_envelope(row.encrypted_values, key=key.material, aad=aad)
    except EnvelopeError as exc:
        fields = fields_of(row.integration_id)
        needed = [f.key for f in fields if f.required] or [f.key for f in fields]
        raise Undecryptable(
            msg(
                "creds.err.cannot_decrypt",
                integration=row.integration_id,
                scope=scope_msg(scope),
                kid=kid,
                reason=exc,
            ),
            hint=msg(
                "creds.hint.replace_unreadable",
                integration=row.integration_id,
                flags=scope.cli_flags(),
                fields=" ".join(f"{k}=..." for k in needed),
            ),
        ) from None


def seal_values(
    values: dict[str, Any], key: MasterKey, owner_id: str, scope: TenantScope
) -> dict[str, Any]:
    """`values` encrypted under `key`, bound to the owner id and scope."""
    aad = associated_data(owner_id, scope.organization_id, scope.tenant_id)
    return seal_envelope(values, key=key.material, kid=key.kid, aad=aad)
