"""API token documents: a stored token (`tokens list --json` items), the list, and the one
document that holds a token itself (`tokens create --json`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Self

from mercato_int.shapes.base import ScopeShape, Shape, UtcTime, scope_fields

if TYPE_CHECKING:
    from mercato_int.scope import TenantScope
    from mercato_int.services.tokens.service import TokenRecord


class TokenShape(Shape):
    """A stored token, never the token or its hash; `status` (`active`, `expired`, `revoked`)
    at the time the list was read."""

    id: str
    name: str
    actor: str
    organization_id: str
    tenant_id: str
    prefix: str
    created_at: UtcTime
    created_by: str | None
    expires_at: UtcTime | None
    revoked_at: UtcTime | None
    last_used_at: UtcTime | None
    status: str

    @classmethod
    def of_record(cls, record: TokenRecord, now: datetime) -> Self:
        return cls(
            id=record.id,
            name=record.name,
            actor=record.actor,
            **scope_fields(record.scope),
            prefix=record.prefix,
            created_at=record.created_at,
            created_by=record.created_by,
            expires_at=record.expires_at,
            revoked_at=record.revoked_at,
            last_used_at=record.last_used_at,
            status=record.status(now),
        )


class TokenListShape(Shape):
    """`tokens list --json`: `{scope, tokens}`."""

    scope: ScopeShape
    tokens: list[TokenShape]

    @classmethod
    def of_records(cls, scope: TenantScope, records: Sequence[TokenRecord], now: datetime) -> Self:
        return cls(
            scope=ScopeShape.of(scope), tokens=[TokenShape.of_record(r, now) for r in records]
        )


class CreatedTokenShape(Shape):
    """`tokens create --json`: the new token, shown this once (`token`), with its name."""

    id: str
    name: str
    actor: str
    tenant_id: str
    organization_id: str
    prefix: str
    token: str
    expires_at: UtcTime | None

    @classmethod
    def of_created(cls, record: TokenRecord, token: str) -> Self:
        return cls(
            id=record.id,
            name=record.name,
            actor=record.actor,
            tenant_id=record.scope.tenant_id,
            organization_id=record.scope.organization_id,
            prefix=record.prefix,
            token=token,
            expires_at=record.expires_at,
        )
