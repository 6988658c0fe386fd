"""Access control per tenant (spec §5: acl.ts features, setup.ts default roles).

A grant gives an actor a role or a single feature in one tenant. A tenant with no grants has no
policy and everything is allowed (the local operator may do everything); once it has one, each
command requires its feature, and a refusal is recorded in the audit trail (the events outbox).
Actors are asserted (`--actor`, `MERCATO_INT_ACTOR`), not authenticated: this guards against
mistakes by people sharing a store, not against someone who can edit it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy import bindparam, delete, select, text

from mercato_int.errors import InvalidInput, NotAllowed, NotFound
from mercato_int.scope import TenantScope
from mercato_int.services.features import CREDENTIALS as CREDENTIALS  # re-exported
from mercato_int.services.features import FEATURES as FEATURES
from mercato_int.services.features import MANAGE as MANAGE
from mercato_int.services.features import ROLES as ROLES
from mercato_int.services.features import VIEW as VIEW
from mercato_int.store.engine import Store
from mercato_int.store.schema import ACL_GRANTS as GRANTS

if TYPE_CHECKING:
    from mercato_int.services.events import Event, EventsService
    from mercato_int.services.policy import Caller

# GRANTS is the Core table (store/schema.py): every command checks access, and `list` must not
# pay ~130 ms for the ORM just to find that a tenant has no policy.


# Commands that are installation-wide, not a tenant's, and so check no feature. Access is
# granted per tenant; what holds no tenant's data has no tenant to check it in, and whoever
# runs these already holds what they work on (the store URL, the key source, the disk).
INSTALLATION_WIDE: dict[str, str] = {
    "validate": "reads the provider definitions on disk; never opens the store",
    "scaffold": "writes a new provider's files to disk; no tenant data",
    "db": "creates or upgrades the store's schema: the database's, no tenant's rows",
    "keys": "master keys encrypt every tenant's rows at once; whoever runs it holds the key "
    "source (keyring, env, key file), and no row is decrypted for display",
    "acl grant (first)": "a tenant with no grants has no policy: its first grant is allowed "
    "to anyone and must include integrations.manage, so someone can manage it afterwards",
}

# Public service methods that check no feature (tests/services/test_policy.py fails on any
# other public method of a tenant service that is not marked `@requires`).
UNCHECKED: dict[str, str] = {
    "AclService.require": "the check itself",
    "AclService.require_everywhere": "the check itself",
    "AclService.require_each": "the check itself",
    "AclService.allows": "the check itself",
    "AclService.has_policy": "whether a tenant has grants at all (a note after a revoke)",
    "AclService.can_manage": "a warning after a grant the caller was allowed to make",
    "AclService.enter": "checks integrations.view itself (a front end opening a tenant)",
    "AclService.grants": "checks integrations.view itself",
    "AclService.grant": "checks integrations.manage itself, for `by`",
    "AclService.revoke": "checks integrations.manage itself, for `by`, again under the lock",
    "EventsService.record": "writes inside a checked call's transaction (or records a refusal)",
    "EventsService.record_many": "writes inside a checked call's transaction (a health run's)",
    "EventsService.deliver": "hands recorded events to subscribers, after a checked call",
    "EventsService.subscribe": "registers a subscriber (in-process wiring, no tenant data)",
    "CredentialsTransferService.all_scopes": "which tenants hold credentials: no values",
    "FleetService.tenants": "filters, never refuses: lists the tenants whose policy lets the "
    "caller view (no policy, or integrations.view) and only counts the others (`hidden`)",
    "FleetService.matrix": "filters like FleetService.tenants: columns only for the tenants the "
    "caller may view, the others counted",
    "LogService.writer": "each (integration, scope) written is checked when first written",
    "LogService.scopes": "which tenants have logs: installation-wide runs check each tenant",
    "RetentionService.all_scopes": "which tenants have logs: prune checks each tenant",
    "RetentionService.reclaim": "returns freed pages to the file system: the store's, no rows",
    "StateService.enabled_scopes": "which tenants have enabled integrations (health planning)",
    "TenantSettingsService.scopes": "which tenants have settings: no values",
    "TokenService.authenticate": "a bearer token is who calls: it finds the token's actor and "
    "scope, grants nothing (the API then calls every service as that actor, checked against "
    "the tenant's current policy)",
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
        caller: Callable[[], Caller],
    ) -> None:
        self.store = store
        self._caller = caller  # whom `grants` is read for; grant and revoke act `by` someone
        self._events = events  # built on first write or refusal: it needs the ORM
        self.clock = clock

    @property
    def events(self) -> EventsService:
        return self._events()

    def grants(self, scope: TenantScope) -> list[Grant]:
        """Every grant in `scope`, by actor then grant (the caller needs integrations.view).
        Empty: the tenant has no policy."""
        caller = self._caller()
        self.require(VIEW, scope, caller.actor, action=caller.action)
        return self._policy(scope)

    def _policy(self, scope: TenantScope) -> list[Grant]:
        with self.store.connect() as conn:
            return _grants_in(conn, scope)

    def enter(self, scope: TenantScope) -> None:
        """May the caller open `scope` at all (a front end about to show a tenant)? Needs
        integrations.view; NotAllowed, audited, otherwise."""
        caller = self._caller()
        self.require(VIEW, scope, caller.actor, action=caller.action)

    def can_manage(self, scope: TenantScope, actor: str) -> bool:
        """Whether `actor` could change `scope`'s policy now (a warning after a grant)."""
        return self.allows(MANAGE, scope, actor)

    def has_policy(self, scope: TenantScope) -> bool:
        return bool(self._policy(scope))

    def allows(self, feature: str, scope: TenantScope, actor: str) -> bool:
        grants = self._policy(scope)
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

    def require_each(
        self, feature: str, scopes: Iterable[TenantScope], actor: str, *, action: str | None = None
    ) -> None:
        """`require` in each of `scopes`, with one read of which tenants have a policy (a
        fleet run's thousand tenants are not a thousand reads when few have one)."""
        if feature not in FEATURES:
            raise ValueError(f"unknown feature {feature!r}")
        with self.store.connect() as conn:
            query = select(GRANTS.c.organization_id, GRANTS.c.tenant_id).distinct()
            with_policy = {TenantScope(org, tenant) for org, tenant in conn.execute(query)}
        for scope in dict.fromkeys(scopes):
            if scope in with_policy:
                self.require(feature, scope, actor, action=action)

    def grant(self, scope: TenantScope, actor: str, grant: str, *, by: str) -> bool:
        """Give `actor` a role or feature in `scope`; False when it already had it. `by` needs
        integrations.manage there (anyone may start a tenant's policy)."""
        check_grant(grant)
        self.require(MANAGE, scope, by, action=self._caller().action)
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
        action: str | None = None,
    ) -> None:
        """Take a grant away. Refuses to leave a policy in which nobody can manage it, and
        refuses (NotAllowed, audited) when `by` no longer holds integrations.manage.

        The policy is read, checked and changed in one transaction holding the tenant's policy
        lock, so two admins revoking each other at once are serialised: the second finds that
        it lost its own grant and is refused."""
        check_grant(grant)
        action = action or self._caller().action or "acl revoke"
        self.require(MANAGE, scope, by, action=action)
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


# built once: every API request reads the policy, and building the statement cost more than
# running it (the compiled form is cached by SQLAlchemy either way)
_GRANTS_OF = (
    select(GRANTS.c.actor, GRANTS.c.grant, GRANTS.c.created_at, GRANTS.c.created_by)
    .where(
        GRANTS.c.organization_id == bindparam("organization_id"),
        GRANTS.c.tenant_id == bindparam("tenant_id"),
    )
    .order_by(GRANTS.c.actor, GRANTS.c.grant)
)


def _grants_in(conn: Any, scope: TenantScope) -> list[Grant]:
    """The grants of `scope` by actor then grant, read on the caller's connection or session
    (inside its transaction)."""
    given = {"organization_id": scope.organization_id, "tenant_id": scope.tenant_id}
    return [Grant(*row) for row in conn.execute(_GRANTS_OF, given).all()]


def _insert_ignore(session: Any, values: dict[str, Any]) -> bool:
    """Insert a grant unless it exists, atomically (ON CONFLICT DO NOTHING); True if inserted."""
    import uuid

    values = {"id": uuid.uuid4(), **values}
    dialect = session.get_bind().dialect.name
    insert: Callable[..., Any]  # the dialect's INSERT, with ON CONFLICT
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
