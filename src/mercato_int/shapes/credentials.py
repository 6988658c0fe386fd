"""Credentials documents: the effective credentials of an integration (`creds get --json`,
masked unless revealed) and where each field comes from (`creds explain --json`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from mercato_int.shapes.base import ScopeShape, Shape, UtcTime

if TYPE_CHECKING:
    from mercato_int.services.credentials.views import CredentialsView, FieldOrigin


class CredentialsViewShape(Shape):
    """`creds get --json`: `source` is `own`, `bundle` or `none`; `version` is the own row's
    (0: none), what a save's expected version compares with."""

    integration_id: str
    credentials: dict[str, Any]
    secret_fields_configured: dict[str, bool]
    source: str
    updated_at: UtcTime | None
    version: int

    @classmethod
    def of(cls, obj: CredentialsView) -> Self:
        return cls(
            integration_id=obj.integration_id,
            credentials=obj.values,
            secret_fields_configured=obj.secret_fields_configured,
            source=obj.source,
            updated_at=obj.updated_at,
            version=obj.version,
        )


class FieldOriginShape(Shape):
    """One field of `creds explain`: its source (`own`, `bundle`, `unset`) and masked value."""

    key: str
    label: str
    type: str
    required: bool
    source: str
    source_id: str | None
    value: Any
    bundle_value_shadowed: bool

    @classmethod
    def of(cls, obj: FieldOrigin) -> Self:
        return cls(
            key=obj.field.key,
            label=obj.field.label,
            type=obj.field.type,
            required=obj.field.required,
            source=obj.source,
            source_id=obj.source_id,
            value=obj.value,
            bundle_value_shadowed=obj.shadowed_by_own,
        )


class CredentialsExplainShape(Shape):
    """`creds explain --json`: `{integrationId, scope, fields}`."""

    integration_id: str
    scope: ScopeShape
    fields: list[FieldOriginShape]
