"""Access control on every command: a tenant with a policy checks the actor before acting."""

from __future__ import annotations

import pytest


def as_(actor: str, tenant: str = "t1") -> list[str]:
    return ["--actor", actor, "--tenant", tenant]


@pytest.fixture
def policy(cli):
    """Tenant t1: alice is admin, bob employee, carol may only handle credentials."""
    for actor, grant in (("alice", "admin"), ("bob", "employee"), ("carol", "integrations.view")):
        assert cli(*as_("alice"), "acl", "grant", actor, grant).exit_code == 0
    assert cli(*as_("alice"), "acl", "grant", "carol", "integrations.credentials").exit_code == 0
    return cli


def denied(feature: str, actor: str = "bob", tenant: str = "t1") -> str:
    return (
        f"error: not allowed: {actor} lacks {feature} in tenant {tenant} · org default "
        f"(an admin can run `mercato-int --tenant {tenant} --org default acl grant {actor} "
        f"{feature}` or grant a role)"
    )


def test_an_employee_can_look(policy) -> None:
    for args in (
        ["list"],
        ["list", "--json"],
        ["show", "gateway_stripe"],
        ["logs"],
        ["events"],
        ["settings", "list"],
        ["acl", "list"],
    ):
        run = policy(*as_("bob"), *args)
        assert run.exit_code == 0, (args, run.stderr)


@pytest.mark.parametrize(
    ("args", "feature"),
    [
        (["creds", "get", "gateway_stripe"], "integrations.credentials"),
        (["creds", "get", "gateway_stripe", "--reveal"], "integrations.credentials"),
        (["creds", "set", "gateway_stripe", "secretKey=sk_test_1"], "integrations.credentials"),
        (["creds", "explain", "gateway_stripe"], "integrations.credentials"),
        (["creds", "unset", "gateway_stripe", "--yes"], "integrations.credentials"),
        (["enable", "gateway_stripe"], "integrations.manage"),
        (["disable", "sync_medusa"], "integrations.manage"),
        (["health", "gateway_stripe"], "integrations.manage"),
        (["health", "--all"], "integrations.manage"),
        (["prune", "--dry-run"], "integrations.manage"),
        (["settings", "set", "log.retention_days", "7"], "integrations.manage"),
        (["logs", "audit"], "integrations.manage"),
        (
            [
                "logs",
                "write",
                "carrier_dhl",
                "--level",
                "info",
                "--operation",
                "x",
                "--message",
                "m",
            ],
            "integrations.manage",
        ),
    ],
)
def test_an_employee_is_refused_with_exit_6_naming_the_feature(policy, args, feature) -> None:
    run = policy(*as_("bob"), *args)
    assert run.exit_code == 6, run.stderr
    assert run.stderr.splitlines()[0] == denied(feature)
    assert run.stdout == ""


def test_nothing_happens_when_refused(policy) -> None:
    assert policy(*as_("bob"), "enable", "gateway_stripe").exit_code == 6
    item = next(
        i for i in policy(*as_("bob"), "list", "--json").json()["items"]
        if i["id"] == "gateway_stripe"
    )  # fmt: skip
    assert item["isEnabled"] is False


def test_the_features_of_a_role_or_a_grant_let_an_actor_act(policy) -> None:
    assert policy(*as_("alice"), "enable", "gateway_stripe").exit_code == 0
    carol = policy(*as_("carol"), "creds", "explain", "gateway_stripe")
    assert carol.exit_code == 0, carol.stderr
    assert policy(*as_("carol"), "enable", "carrier_dhl").exit_code == 6


def test_an_actor_without_any_grant_cannot_even_list(policy) -> None:
    run = policy(*as_("mallory"), "list")
    assert run.exit_code == 6
    assert run.stderr.splitlines()[0] == denied("integrations.view", "mallory")


def test_refusals_are_in_the_audit_trail(policy) -> None:
    policy(*as_("bob"), "enable", "gateway_stripe")
    policy(*as_("bob"), "creds", "get", "gateway_stripe")
    data = policy(*as_("alice"), "events", "--type", "integrations.access.denied", "--json").json()
    assert [
        (e["actor"], e["payload"]["feature"], e["payload"]["action"]) for e in data["items"]
    ] == [
        ("bob", "integrations.manage", "mercato-int enable"),
        ("bob", "integrations.credentials", "mercato-int creds get"),
    ]


def test_grants_in_one_tenant_do_not_leak_into_another(policy) -> None:
    # t2 has no policy: bob may do everything there, and alice's admin role means nothing.
    assert policy(*as_("bob", "t2"), "enable", "gateway_stripe").exit_code == 0
    policy(*as_("bob", "t2"), "acl", "grant", "bob", "admin")
    assert policy(*as_("alice", "t2"), "enable", "carrier_dhl").exit_code == 6
    assert policy(*as_("bob", "t1"), "enable", "carrier_dhl").exit_code == 6


def test_all_tenant_runs_need_the_feature_in_every_tenant_with_a_policy(policy) -> None:
    run = policy(*as_("cron", "t2"), "prune", "--all-tenants", "--dry-run")
    assert run.exit_code == 6
    assert run.stderr.splitlines()[0] == denied("integrations.manage", "cron")
    policy(*as_("alice"), "acl", "grant", "cron", "integrations.manage")
    assert policy(*as_("cron", "t2"), "prune", "--all-tenants", "--dry-run").exit_code == 0
