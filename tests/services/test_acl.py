"""AclService: features, default roles, policy per tenant, refusals in the audit trail."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mercato_int.errors import InvalidInput, NotAllowed, NotFound
from mercato_int.scope import TenantScope
from mercato_int.services.acl import CREDENTIALS, MANAGE, ROLES, VIEW
from mercato_int.store.tables import IntegrationEvent

T1 = TenantScope("org", "t1")
T2 = TenantScope("org", "t2")


def test_default_roles_follow_the_upstream_setup() -> None:
    assert ROLES == {"admin": (VIEW, MANAGE, CREDENTIALS), "employee": (VIEW,)}


def test_no_policy_allows_everything(services) -> None:
    assert services.acl.grants(T1) == []
    for feature in (VIEW, MANAGE, CREDENTIALS):
        services.acl.require(feature, T1, "anyone")


def test_roles_and_features_once_a_policy_exists(services) -> None:
    acl = services.acl
    assert acl.grant(T1, "alice", "admin", by="root") is True
    assert acl.grant(T1, "alice", "admin", by="alice") is False  # idempotent
    acl.grant(T1, "bob", "employee", by="alice")
    acl.grant(T1, "carol", CREDENTIALS, by="alice")
    acl.require(CREDENTIALS, T1, "alice")
    acl.require(VIEW, T1, "bob")
    acl.require(CREDENTIALS, T1, "carol")
    with pytest.raises(NotAllowed) as denied:
        acl.require(MANAGE, T1, "bob", subject_id="gateway_stripe", action="mercato-int enable")
    assert str(denied.value) == (
        "not allowed: bob lacks integrations.manage in tenant t1 · org org (an admin can run "
        "`mercato-int --tenant t1 --org org acl grant bob integrations.manage` or grant a role)"
    )
    with pytest.raises(NotAllowed):
        acl.require(VIEW, T1, "carol")
    with pytest.raises(NotAllowed):
        acl.require(VIEW, T1, "mallory")


def test_refusals_are_recorded_in_the_audit_trail(services) -> None:
    services.acl.grant(T1, "alice", "admin", by="root")
    with pytest.raises(NotAllowed):
        services.acl.require(MANAGE, T1, "bob", subject_id="carrier_dhl", action="x enable")
    with services.store.session() as session:
        rows = session.exec(
            select(IntegrationEvent).where(IntegrationEvent.type == "integrations.access.denied")
        ).all()
    assert [(r.actor, r.subject_id, r.payload, r.tenant_id) for r in rows] == [
        ("bob", "carrier_dhl", {"feature": MANAGE, "action": "x enable"}, "t1")
    ]


def test_grants_do_not_leak_across_tenants(services) -> None:
    services.acl.grant(T1, "alice", "admin", by="root")
    services.acl.grant(T1, "bob", "employee", by="alice")
    assert [g.actor for g in services.acl.grants(T2)] == []
    services.acl.require(MANAGE, T2, "bob")  # no policy in t2
    services.acl.grant(T2, "bob", "admin", by="root")
    services.acl.require(MANAGE, T2, "bob")
    with pytest.raises(NotAllowed):
        services.acl.require(MANAGE, T1, "bob")
    with pytest.raises(NotAllowed):
        services.acl.require(VIEW, T2, "alice")


def test_the_policy_always_keeps_someone_who_can_manage_it(services) -> None:
    acl = services.acl
    with pytest.raises(InvalidInput, match="the first grant in tenant t1 · org org must include"):
        acl.grant(T1, "bob", "employee", by="alice")
    acl.grant(T1, "alice", "admin", by="root")
    acl.grant(T1, "bob", "employee", by="alice")
    with pytest.raises(InvalidInput, match=r"would leave nobody with integrations\.manage"):
        acl.revoke(T1, "alice", "admin", by="alice")
    with pytest.raises(NotFound):
        acl.revoke(T1, "bob", "admin", by="alice")
    acl.revoke(T1, "bob", "employee", by="alice")
    acl.revoke(T1, "alice", "admin", by="alice")  # the last grant: back to no policy
    assert not acl.has_policy(T1)


def test_unknown_role_or_feature_is_rejected(services) -> None:
    with pytest.raises(InvalidInput, match="unknown role or feature 'superuser'"):
        services.acl.grant(T1, "alice", "superuser", by="root")


def test_all_tenant_runs_need_the_feature_wherever_there_is_a_policy(services) -> None:
    services.acl.require_everywhere(MANAGE, "cron")  # no policy anywhere
    services.acl.grant(T1, "cron", "admin", by="root")
    services.acl.require_everywhere(MANAGE, "cron")
    services.acl.grant(T2, "alice", "admin", by="root")
    with pytest.raises(NotAllowed, match=r"cron lacks integrations\.manage in tenant t2"):
        services.acl.require_everywhere(MANAGE, "cron")


def test_the_acl_reads_the_table_the_orm_maps() -> None:
    """`acl.GRANTS` reads without the ORM: it is the Core table `AclGrant` is mapped onto."""
    from mercato_int.services.acl import GRANTS
    from mercato_int.store.tables import AclGrant

    assert GRANTS is AclGrant.__table__


def test_rows_written_through_the_orm_read_back_through_core(services) -> None:
    from mercato_int.store.tables import AclGrant

    with services.store.session() as session:
        session.add(AclGrant(actor="zoe", grant="admin", organization_id="org", tenant_id="t1"))
    (grant,) = _stored_grants(services, T1)
    assert (grant.actor, grant.grant, grant.created_at.tzinfo is not None) == ("zoe", "admin", True)


def _stored_grants(services, scope: TenantScope) -> list:
    """The grants of `scope` as stored (read past the service: `tester` may not list them)."""
    from mercato_int.services.acl import Grant
    from mercato_int.store.tables import AclGrant

    with services.store.session() as session:
        rows = session.exec(
            select(AclGrant)
            .where(AclGrant.organization_id == scope.organization_id)
            .where(AclGrant.tenant_id == scope.tenant_id)
            .order_by(AclGrant.actor, AclGrant.grant)
        ).all()
        return [Grant(r.actor, r.grant, r.created_at, r.created_by) for r in rows]


def _race_revokes(acl, scope: TenantScope) -> dict[str, str]:
    """alice revokes bob's admin while bob revokes alice's, released together by a barrier;
    what each got: `revoked` or the error's class name."""
    import threading

    from mercato_int.errors import MercatoIntError

    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def revoke(by: str, target: str) -> None:
        barrier.wait()
        try:
            acl.revoke(scope, target, "admin", by=by)
        except MercatoIntError as exc:
            outcomes[by] = type(exc).__name__
        else:
            outcomes[by] = "revoked"

    threads = [
        threading.Thread(target=revoke, args=("alice", "bob")),
        threading.Thread(target=revoke, args=("bob", "alice")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("others", [(), (("carol", "employee"),)], ids=["two-admins", "plus-one"])
def test_two_admins_revoking_each_other_at_once_leave_a_manager(services, others) -> None:
    """The attack of the hardening issue: each admin revokes the other at the same moment, 30
    times over. Exactly one revoke wins; the loser no longer holds integrations.manage when its
    turn comes and is refused, so the tenant always keeps someone who can manage its policy."""
    from mercato_int.services.acl import features_of

    acl = services.acl
    for round_ in range(30):
        scope = TenantScope("org", f"race{round_}")
        acl.grant(scope, "alice", "admin", by="root")
        acl.grant(scope, "bob", "admin", by="alice")
        for actor, grant in others:
            acl.grant(scope, actor, grant, by="alice")
        outcomes = _race_revokes(acl, scope)
        grants = _stored_grants(services, scope)
        managers = [a for a in ("alice", "bob") if MANAGE in features_of(grants, a)]
        assert len(managers) == 1, (round_, outcomes, grants)
        assert sorted(outcomes.values()) == ["NotAllowed", "revoked"], (round_, outcomes)
        assert [outcomes[m] for m in managers] == ["revoked"]


def test_a_revoke_by_someone_without_manage_is_refused_and_audited(services) -> None:
    acl = services.acl
    acl.grant(T1, "alice", "admin", by="root")
    acl.grant(T1, "bob", "employee", by="alice")
    with pytest.raises(NotAllowed, match=r"bob lacks integrations\.manage"):
        acl.revoke(T1, "alice", "admin", by="bob")
    assert [(g.actor, g.grant) for g in _stored_grants(services, T1)] == [
        ("alice", "admin"),
        ("bob", "employee"),
    ]
    with services.store.session() as session:
        rows = session.exec(
            select(IntegrationEvent).where(IntegrationEvent.type == "integrations.access.denied")
        ).all()
    assert [(r.actor, r.payload) for r in rows] == [
        ("bob", {"feature": MANAGE, "action": "acl revoke"})
    ]
