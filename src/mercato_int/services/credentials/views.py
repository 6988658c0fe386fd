"""What credential reads return: the effective credentials of an integration (masked unless
revealed), where each field comes from, and the outcome of a save."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mercato_int.errors import Phrase
from mercato_int.keys import MasterKey
from mercato_int.registry import CredentialField
from mercato_int.services.credentials.schema import mask_value

OWN, BUNDLE, NONE = "own", "bundle", "none"


@dataclass(frozen=True)
class CredentialsView:
    """The effective credentials of an integration in a scope, masked unless revealed."""

    integration_id: str
    owner_id: str  # whose form the values belong to: the integration or its bundle
    source: str  # own | bundle | none
    fields: tuple[CredentialField, ...]
    values: dict[str, Any]
    secret_fields_configured: dict[str, bool]
    updated_at: datetime | None = None
    updated_by: str | None = None
    revealed: bool = False
    version: int = 0  # of the integration's own row (0: none); a save's `expected_version`

    def __repr__(self) -> str:
        shown = self.values if not self.revealed else {k: "<revealed>" for k in self.values}
        return f"CredentialsView({self.integration_id!r}, source={self.source!r}, values={shown})"


@dataclass(frozen=True)
class FieldOrigin:
    """Where one field's effective value comes from (`creds explain`)."""

    field: CredentialField
    source: str  # own | bundle | unset
    source_id: str | None
    value: Any  # masked
    shadowed_by_own: bool = False  # the bundle has a value the own row hides


@dataclass(frozen=True)
class SaveResult:
    owner_id: str
    changed: list[str]
    created_key: MasterKey | None = None
    notes: list[Phrase] = field(default_factory=list)
    version: int = 0  # of the row after the save


def field_origins(
    fields: Sequence[CredentialField],
    bundle_fields: Sequence[CredentialField],
    *,
    integration_id: str,
    bundle_id: str | None,
    own: Mapping[str, Any] | None,
    bundle: Mapping[str, Any] | None,
) -> list[FieldOrigin]:
    """Per field of an integration (`fields`, its own row's values `own`) and of its bundle
    (`bundle_fields`, `bundle`): where the effective value comes from, masked."""
    out: list[FieldOrigin] = []
    for f in fields:
        value = (own or {}).get(f.key)
        set_here = own is not None and value not in (None, "")
        out.append(
            FieldOrigin(
                field=f,
                source=OWN if set_here else "unset",
                source_id=integration_id if set_here else None,
                value=mask_value(f, value) if set_here else None,
            )
        )
    for f in bundle_fields:
        value = (bundle or {}).get(f.key)
        has = bundle is not None and value not in (None, "")
        used = has and own is None
        out.append(
            FieldOrigin(
                field=f,
                source=BUNDLE if used else "unset",
                source_id=bundle_id if used else None,
                value=mask_value(f, value) if used else None,
                shadowed_by_own=has and own is not None,
            )
        )
    return out
