"""Access control per tenant (spec §5: acl.ts features, setup.ts default roles).

A grant gives an actor a role or a single feature in one tenant. A tenant with no grants has no
policy and everything is allowed (the local operator may do everything); once it has one, each
command requires its feature, and a refusal is recorded in the audit trail (the events outbox).
Actors are asserted (`--actor`, `MERCATO_INT_ACTOR`), not authenticated: this guards against
mistakes by people sharing a store, not against someone who can edit it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy import delete, select, text

from mercato_int.errors import InvalidInput, NotAllowed, NotFound
from mercato_int.scope import TenantScope
from mercato_int.store.engine import Store
from mercato_int.store.schema import ACL_GRANTS as GRANTS

if TYPE_CHECKING:
    from mercato_int.services.events import Event, EventsService

# GRANTS is the Core table (store/schema.py): every command checks access, and `list` must not
# pay ~130 ms for the ORM just to find that a tenant has no policy.

VIEW = "integrations.view"
MANAGE = "integrations.manage"
CREDENTIALS = "integrations.credentials"

FEATURES: dict[str, str] = {
    VIEW: "see integrations, their state, health and logs",
    MANAGE: "enable, disable, run health checks, prune logs, change settings and grants",
    CREDENTIALS: "set, read and reveal credentials",
}
# The default roles of the upstream setup.ts.
ROLES: dict[str, tuple[str, ...]] = {
    "admin": (VIEW, MANAGE, CREDENTIALS),
    "employee": (VIEW,),
}


@dataclass(frozen=True)
class Grant:
    actor: str
    grant: str
    created_at: datetime | None
    created_by: str | None

    @property
    def features(self) -> tuple[str, ...]:
        return ROLES.get(self.grant, (self.grant,))

    def to_json(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "grant": self.grant,
            "kind": "role" if self.grant in ROLES else "feature",
            "features": list(self.features),
            "createdAt": self.created_at.isoformat().replace("+00:00", "Z")
            if self.created_at
            else None,
            "createdBy": self.created_by,
        }


def check_grant(grant: str) -> str:
    """A role or feature name; InvalidInput (exit 2) listing the known ones otherwise."""
    if grant in ROLES or grant in FEATURES:
        return grant
    raise InvalidInput(
        f"unknown role or feature {grant!r}",
        hint=f"roles: {', '.join(ROLES)}; features: {', '.join(FEATURES)}",
    )


def features_of(grants: list[Grant], actor: str) -> set[str]:
    return {f for g in grants if g.actor == actor for f in g.features}


class AclService:
    def __init__(
        self,
        *,
        store: Store,
        events: Callable[[], EventsService],
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self._events = events  # built on first write or refusal: it needs the ORM
        self.clock = clock

    @property
    def events(self) -> EventsService:
        return self._events()

    def grants(self, scope: TenantScope) -> list[Grant]:
        """Every grant in `scope`, by actor then grant. Empty: the tenant has no policy."""
        with self.store.connect() as conn:
            return _grants_in(conn, scope)

    def has_policy(self, scope: TenantScope) -> bool:
        return bool(self.grants(scope))

    def allows(self, feature: str, scope: TenantScope, actor: str) -> bool:
        grants = self.grants(scope)
        return not grants or feature in features_of(grants, actor)

    def require(
        self,
        feature: str,
        scope: TenantScope,
        actor: str,
        *,
        subject_id: str | None = None,
        action: str | None = None,
    ) -> None:
        """Return when `actor` may use `feature` in `scope` (always, with no policy); otherwise
        record the refusal in the audit trail and raise NotAllowed (exit 6) naming the feature."""
        if feature not in FEATURES:
            raise ValueError(f"unknown feature {feature!r}")
        if self.allows(feature, scope, actor):
            return
        self._refuse(feature, scope, actor, subject_id=subject_id, action=action)

    def _refuse(
        self,
        feature: str,
        scope: TenantScope,
        actor: str,
        *,
        subject_id: str | None = None,
        action: str | None = None,
    ) -> NoReturn:
        """Record the refusal in the audit trail and raise NotAllowed naming the feature."""
        from mercato_int.services.events import ACCESS_DENIED

        with self.store.session() as session:
            event = self.events.record(
                session,
                ACCESS_DENIED,
                scope=scope,
                actor=actor,
                subject_id=subject_id,
                payload={"feature": feature, "action": action},
            )
        self.events.deliver([event])
        raise NotAllowed(
            f"not allowed: {actor} lacks {feature} in {scope}",
            hint=f"an admin can run `mercato-int {scope.cli_flags()}acl grant {actor} {feature}` "
            "or grant a role",
        )

    def require_everywhere(self, feature: str, actor: str, *, action: str | None = None) -> None:
        """`require` in every tenant that has a policy (for `--all-tenants` runs): the first
        tenant that refuses raises NotAllowed, after recording the refusal there."""
        with self.store.connect() as conn:
            scopes = conn.execute(
                select(GRANTS.c.organization_id, GRANTS.c.tenant_id)
                .distinct()
                .order_by(GRANTS.c.organization_id, GRANTS.c.tenant_id)
            ).all()
        for org, tenant in scopes:
            self.require(feature, TenantScope(org, tenant), actor, action=action)

    def grant(self, scope: TenantScope, actor: str, grant: str, *, by: str) -> bool:
        """Give `actor` a role or feature in `scope`; False when it already had it."""
        check_grant(grant)
        from mercato_int.services.events import ACCESS_GRANTED

        with self.store.session() as session:
            _lock_policy(session, scope)
            if MANAGE not in ROLES.get(grant, (grant,)) and not _grants_in(session, scope):
                raise InvalidInput(
                    f"the first grant in {scope} must include {MANAGE}, or nobody could change "
                    "the policy afterwards",
                    hint=f"start with `mercato-int {scope.cli_flags()}acl grant {by} admin`",
                )
            created = _insert_ignore(
                session,
                {
                    "actor": actor,
                    "grant": grant,
                    "organization_id": scope.organization_id,
                    "tenant_id": scope.tenant_id,
                    "created_at": self.clock(),
                    "created_by": by,
                },
            )
            event = None
            if created:
                event = self._record_change(session, ACCESS_GRANTED, scope, actor, grant, by)
        if event is not None:
            self.events.deliver([event])
        return created

    def revoke(
        self,
        scope: TenantScope,
        actor: str,
        grant: str,
        *,
        by: str,
        action: str | None = "acl revoke",
    ) -> None:
        """Take a grant away. Refuses to leave a policy in which nobody can manage it, and
        refuses (NotAllowed, audited) when `by` no longer holds integrations.manage.

        The policy is read, checked and changed in one transaction holding the tenant's policy
        lock, so two admins revoking each other at once are serialised: the second finds that
        it lost its own grant and is refused."""
        check_grant(grant)
        from mercato_int.services.events import ACCESS_REVOKED

        event = None
        with self.store.session() as session:
            _lock_policy(session, scope)
            current = _grants_in(session, scope)
            if not current or MANAGE in features_of(current, by):
                remaining = [g for g in current if not (g.actor == actor and g.grant == grant)]
                if len(remaining) == len(current):
                    raise NotFound(
                        f"{actor} has no grant {grant!r} in {scope}",
                        hint=f"see `mercato-int {scope.cli_flags()}acl list`",
                    )
                if remaining and not any(MANAGE in g.features for g in remaining):
                    raise InvalidInput(
                        f"revoking {grant} from {actor} would leave nobody with {MANAGE} "
                        f"in {scope}",
                        hint=f"grant {MANAGE} (or admin) to someone else first, "
                        "or revoke every grant",
                    )
                session.execute(
                    delete(GRANTS).where(
                        GRANTS.c.organization_id == scope.organization_id,
                        GRANTS.c.tenant_id == scope.tenant_id,
                        GRANTS.c.actor == actor,
                        GRANTS.c.grant == grant,
                    )
                )
                event = self._record_change(session, ACCESS_REVOKED, scope, actor, grant, by)
        if event is None:
            # `by` lost integrations.manage since the command checked it (another admin's
            # revoke won the race): refused, recorded once the policy lock is released.
            self._refuse(MANAGE, scope, by, action=action)
        self.events.deliver([event])

    def _record_change(
        self, session: Any, kind: str, scope: TenantScope, actor: str, grant: str, by: str
    ) -> Event:
        """The audit event of a grant given to or taken from `actor` by `by`."""
        return self.events.record(
            session,
            kind,
            scope=scope,
            actor=by,
            subject_id=None,
            payload={"grantee": actor, "grant": grant},
        )


def _lock_policy(session: Any, scope: TenantScope) -> None:
    """Serialise changes to one tenant's policy until the transaction ends. SQLite: take the
    write lock now (BEGIN IMMEDIATE; a deferred transaction would read, then fail or race when
    it upgrades to a writer). Postgres: a transaction-scoped advisory lock keyed by the scope,
    which also covers a tenant with no grant rows yet to lock FOR UPDATE."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
    elif dialect == "postgresql":
        name = f"mercato-int/acl/{scope.organization_id}/{scope.tenant_id}"
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:n, 0))"), {"n": name})


def _grants_in(conn: Any, scope: TenantScope) -> list[Grant]:
    """The grants of `scope` by actor then grant, read on the caller's connection or session
    (inside its transaction)."""
    rows = conn.execute(
        select(GRANTS.c.actor, GRANTS.c.grant, GRANTS.c.created_at, GRANTS.c.created_by)
        .where(
            GRANTS.c.organization_id == scope.organization_id,
            GRANTS.c.tenant_id == scope.tenant_id,
        )
        .order_by(GRANTS.c.actor, GRANTS.c.grant)
    ).all()
    return [Grant(*row) for row in rows]


def _insert_ignore(session: Any, values: dict[str, Any]) -> bool:
    """Insert a grant unless it exists, atomically (ON CONFLICT DO NOTHING); True if inserted."""
    import uuid

    values = {"id": uuid.uuid4(), **values}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - other stores: rely on the unique constraint
        from sqlalchemy import insert as plain_insert
        from sqlalchemy.exc import IntegrityError

        try:
            with session.begin_nested():
                session.execute(plain_insert(GRANTS).values(**values))
        except IntegrityError:
            return False
        return True
    stmt = (
        insert(GRANTS)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["organization_id", "tenant_id", "actor", "grant"])
        .returning(GRANTS.c.id)
    )
    # rowcount is unreliable for ON CONFLICT on some drivers; a returned id is not.
    return session.execute(stmt).first() is not None
