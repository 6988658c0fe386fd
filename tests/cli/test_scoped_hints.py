"""Every hint that suggests a command carries the scope it was given, so that copying it acts
in that tenant and organization, never in `default` (issue 10, item 9)."""

from __future__ import annotations

import shlex

SCOPE = ["--tenant", "acme", "--org", "eu"]
FLAGS = "--tenant acme --org eu "


def commands_in(text: str) -> list[str]:
    """The `mercato-int ...` commands quoted in backticks in `text`."""
    parts = text.split("`")
    return [p for p in parts[1::2] if p.startswith("mercato-int ")]


def test_enable_warning_names_the_scoped_command_and_running_it_works(cli) -> None:
    run = cli(*SCOPE, "enable", "carrier_dhl", "--json")
    assert run.exit_code == 0
    (missing,) = run.json()["missingCredentials"]
    assert missing["command"] == (f"mercato-int {FLAGS}creds set carrier_dhl apiKey=...")
    human = cli(*SCOPE, "enable", "gateway_stripe")
    (command,) = commands_in(human.stderr)
    assert command.startswith(f"mercato-int {FLAGS}creds set gateway_stripe publishableKey=")
    # the copied command, with values filled in, writes to acme/eu and not to default
    args = shlex.split(command)[1:]
    args = [a.replace("...", "pk_or_secret_1") for a in args]
    assert cli(*args).exit_code == 0
    assert cli(*SCOPE, "creds", "get", "gateway_stripe", "--json").json()["source"] == "own"
    assert cli("creds", "get", "gateway_stripe", "--json").json()["source"] == "none"


def test_default_scope_hints_stay_short(cli) -> None:
    run = cli("enable", "carrier_dhl", "--json")
    assert run.json()["missingCredentials"][0]["command"] == (
        "mercato-int creds set carrier_dhl apiKey=..."
    )


def test_access_refusal_names_the_grant_in_the_scope(cli) -> None:
    cli(*SCOPE, "--actor", "alice", "acl", "grant", "alice", "admin")
    cli(*SCOPE, "--actor", "alice", "acl", "grant", "bob", "employee")
    run = cli(*SCOPE, "--actor", "bob", "enable", "gateway_stripe")
    assert run.exit_code == 6
    assert commands_in(run.stderr) == [
        f"mercato-int {FLAGS}acl grant bob integrations.manage",
    ]
    gone = cli(*SCOPE, "--actor", "alice", "acl", "revoke", "carol", "admin")
    assert gone.exit_code == 3
    assert commands_in(gone.stderr) == [f"mercato-int {FLAGS}acl list"]


def test_credentials_hints_carry_the_scope(cli) -> None:
    none = cli(*SCOPE, "creds", "get", "carrier_dhl")
    assert commands_in(none.stdout) == [f"mercato-int {FLAGS}creds set carrier_dhl KEY=VALUE..."]
    member = cli(*SCOPE, "creds", "set", "sync_medusa_orders", "medusaApiKey=k")
    assert member.exit_code == 2
    assert commands_in(member.stderr) == [f"mercato-int {FLAGS}creds set sync_medusa KEY=VALUE..."]
    unset = cli(*SCOPE, "creds", "unset", "sync_medusa_orders", "--yes")
    assert commands_in(unset.stderr) == [f"mercato-int {FLAGS}creds unset sync_medusa"]


def test_list_and_show_point_at_show_in_the_scope(cli) -> None:
    listing = cli(*SCOPE, "list")
    assert commands_in(listing.stdout) == [f"mercato-int {FLAGS}show ID"]
    shown = cli(*SCOPE, "show", "sync_medusa_orders")
    assert commands_in(shown.stdout) == [f"mercato-int {FLAGS}show sync_medusa"]
    polish = cli("--lang", "pl", *SCOPE, "list")
    assert commands_in(polish.stdout) == [f"mercato-int {FLAGS}show ID"]


def test_an_unknown_id_hint_runs_list_in_the_same_scope(cli) -> None:
    for args in (["show", "zzzz"], ["enable", "zzzz"], ["creds", "get", "zzzz"]):
        run = cli(*SCOPE, *args)
        assert run.exit_code == 3, run.stderr
        assert commands_in(run.stderr) == [f"mercato-int {FLAGS}list"]
    assert commands_in(cli("show", "zzzz").stderr) == ["mercato-int list"]
