"""Access control documents: a grant, and `acl list --json`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Self

from mercato_int.services.features import FEATURES, ROLES
from mercato_int.shapes.base import ScopeShape, Shape, UtcTime

if TYPE_CHECKING:
    from mercato_int.scope import TenantScope
    from mercato_int.services.acl import Grant


class GrantShape(Shape):
    """A grant of a role or a single feature (`kind`) to an actor, with what it allows."""

    actor: str
    grant: str
    kind: str
    features: list[str]
    created_at: UtcTime | None
    created_by: str | None

    @classmethod
    def of(cls, obj: Grant) -> Self:
        return cls(
            actor=obj.actor,
            grant=obj.grant,
            kind="role" if obj.grant in ROLES else "feature",
            features=list(obj.features),
            created_at=obj.created_at,
            created_by=obj.created_by,
        )


class AclListShape(Shape):
    """`acl list --json`: `{scope, policy, grants, roles, features}` (`policy`: the tenant has
    grants at all; `roles`: each role's features; `features`: each feature's description)."""

    scope: ScopeShape
    policy: bool
    grants: list[GrantShape]
    roles: dict[str, list[str]]
    features: dict[str, str]

    @classmethod
    def of_grants(cls, scope: TenantScope, grants: Sequence[Grant]) -> Self:
        return cls(
            scope=ScopeShape.of(scope),
            policy=bool(grants),
            grants=[GrantShape.of(g) for g in grants],
            roles={name: list(features) for name, features in ROLES.items()},
            features=FEATURES,
        )
