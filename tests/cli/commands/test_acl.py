"""`mercato-int acl`, and the access checks of the commands, as a user sees them."""

from __future__ import annotations


def as_(actor: str, tenant: str = "t1") -> list[str]:
    return ["--actor", actor, "--tenant", tenant]


def test_acl_list_says_when_a_tenant_has_no_policy(cli) -> None:
    run = cli(*as_("alice"), "acl", "list")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines()[0] == (
        "No policy in tenant t1 · org default: every actor may do everything. "
        "`mercato-int acl grant ACTOR admin` starts one."
    )
    data = cli(*as_("alice"), "acl", "list", "--json").json()
    assert data["policy"] is False
    assert data["grants"] == []
    assert data["roles"]["employee"] == ["integrations.view"]


def test_grant_list_revoke(cli) -> None:
    run = cli(*as_("alice"), "acl", "grant", "alice", "admin")
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "alice granted admin · tenant t1 · org default\n"
    assert cli(*as_("alice"), "acl", "grant", "bob", "employee").exit_code == 0
    again = cli(*as_("alice"), "acl", "grant", "bob", "employee")
    assert again.stdout == "bob already had employee · tenant t1 · org default\n"
    data = cli(*as_("bob"), "acl", "list", "--json").json()
    assert data["policy"] is True
    assert [(g["actor"], g["grant"], g["kind"], g["createdBy"]) for g in data["grants"]] == [
        ("alice", "admin", "role", "alice"),
        ("bob", "employee", "role", "alice"),
    ]
    table = cli(*as_("bob"), "acl", "list").stdout
    assert "Access · tenant t1 · org default" in table
    assert "view, manage, credentials" in table
    revoked = cli(*as_("alice"), "acl", "revoke", "bob", "employee")
    assert revoked.stdout == "bob lost employee · tenant t1 · org default\n"


def test_an_employee_cannot_grant_himself_more(cli) -> None:
    cli(*as_("alice"), "acl", "grant", "alice", "admin")
    cli(*as_("alice"), "acl", "grant", "bob", "employee")
    run = cli(*as_("bob"), "acl", "grant", "bob", "admin")
    assert run.exit_code == 6
    assert run.stderr.splitlines()[0] == (
        "error: not allowed: bob lacks integrations.manage in tenant t1 · org default "
        "(an admin can run `mercato-int --tenant t1 --org default acl grant bob "
        "integrations.manage` or grant a role)"
    )


def test_bad_grants_exit_2_and_unknown_revokes_exit_3(cli) -> None:
    run = cli(*as_("alice"), "acl", "grant", "alice", "root")
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == (
        "error: unknown role or feature 'root' (roles: admin, employee; features: "
        "integrations.view, integrations.manage, integrations.credentials)"
    )
    first = cli(*as_("alice"), "acl", "grant", "bob", "employee")
    assert first.exit_code == 2
    assert first.stderr.startswith(
        "error: the first grant in tenant t1 · org default must include integrations.manage"
    )
    assert cli(*as_("alice"), "acl", "revoke", "bob", "employee").exit_code == 3


def test_grants_in_one_tenant_do_not_leak_into_another(cli) -> None:
    cli(*as_("alice", "t1"), "acl", "grant", "alice", "admin")
    cli(*as_("alice", "t1"), "acl", "grant", "bob", "employee")
    assert cli(*as_("bob", "t1"), "acl", "grant", "carol", "admin").exit_code == 6
    other = cli(*as_("bob", "t2"), "acl", "list", "--json").json()
    assert other["policy"] is False
    assert cli(*as_("bob", "t2"), "acl", "grant", "bob", "admin").exit_code == 0
    assert cli(*as_("alice", "t2"), "acl", "list").exit_code == 6
    assert cli(*as_("alice", "t1"), "acl", "list").exit_code == 0
