"""`mercato-int tokens create|list|revoke` as a user and a script see them: the token printed
once (alone on stdout), never listed, bound to the command's tenant and organization, exit
codes as documented, and the tenant's policy applied."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta


def as_(actor: str, tenant: str = "t1") -> list[str]:
    return ["--actor", actor, "--tenant", tenant]


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_create_prints_the_token_once_and_list_never_shows_it(cli, services) -> None:
    made = cli(*as_("alice"), "--org", "o1", "tokens", "create", "ci", "--for", "bot", "--json")
    assert made.exit_code == 0, made.stderr
    data = made.json()
    assert list(data) == [
        "id",
        "name",
        "actor",
        "tenantId",
        "organizationId",
        "prefix",
        "token",
        "expiresAt",
    ]
    token = data["token"]
    assert (data["name"], data["actor"], data["tenantId"], data["organizationId"]) == (
        "ci",
        "bot",
        "t1",
        "o1",
    )
    assert token.startswith(data["prefix"]) and data["prefix"].startswith("mit_")
    # the default expiry: 90 days
    left = _iso(data["expiresAt"]) - datetime.now(UTC)
    assert timedelta(days=89, hours=23) < left <= timedelta(days=90)
    assert services.tokens.authenticate(token).actor == "bot"

    listed = cli(*as_("alice"), "--org", "o1", "tokens", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert token not in listed.stdout and token[12:] not in listed.stdout
    (item,) = listed.json()["tokens"]
    assert (item["id"], item["prefix"], item["status"], item["createdBy"]) == (
        data["id"],
        data["prefix"],
        "active",
        "alice",
    )
    assert "token" not in item and "tokenHash" not in item
    table = cli(*as_("alice"), "--org", "o1", "tokens", "list")
    assert token[12:] not in table.stdout
    assert data["prefix"] in table.stdout and "bot" in table.stdout
    # another tenant (or organization) sees none of it
    assert cli(*as_("alice"), "tokens", "list", "--json").json()["tokens"] == []
    other = cli(*as_("alice", "t2"), "--org", "o1", "tokens", "list")
    assert other.stdout == "No API tokens in tenant t2 · org o1 (`tokens create NAME` makes one).\n"


def test_human_create_puts_the_token_alone_on_stdout_and_warns(cli) -> None:
    made = cli(*as_("alice"), "tokens", "create", "nightly", "--expires", "never")
    assert made.exit_code == 0, made.stderr
    token = made.stdout.strip()
    assert made.stdout == token + "\n" and token.startswith("mit_") and len(token) == 47
    lines = made.stderr.splitlines()
    assert lines[0] == (
        f"Created API token nightly ({token[:12]}) for alice in tenant t1 · org default; "
        "expires: never"
    )
    assert lines[1].startswith("warning: this is the only time the token is shown")
    (item,) = cli(*as_("alice"), "tokens", "list", "--json").json()["tokens"]
    assert item["expiresAt"] is None


def test_expires_takes_an_age_or_never_and_nothing_else(cli) -> None:
    made = cli(*as_("alice"), "tokens", "create", "short", "--expires", "1h30m", "--json")
    left = _iso(made.json()["expiresAt"]) - datetime.now(UTC)
    assert timedelta(minutes=89) < left <= timedelta(minutes=90)
    for bad in ("tomorrow", "0d", "-5m", "2026-12-31"):
        run = cli(*as_("alice"), "tokens", "create", "bad", "--expires", bad)
        assert run.exit_code == 2, bad
        assert run.stderr.splitlines() == [
            f"error: --expires {bad!r} is neither an age nor never "
            "(give an age such as 30d, 12h or 90m, or never)"
        ]
        assert run.stdout == ""
    bad_name = cli(*as_("alice"), "tokens", "create", "")
    assert bad_name.exit_code == 2
    bad_actor = cli(*as_("alice"), "tokens", "create", "x", "--for", "two words")
    assert bad_actor.exit_code == 2
    assert len(cli(*as_("alice"), "tokens", "list", "--json").json()["tokens"]) == 1


def test_revoke_by_prefix_then_the_token_is_refused(cli, services) -> None:
    data = cli(*as_("alice"), "tokens", "create", "ci", "--json").json()
    run = cli(*as_("alice"), "tokens", "revoke", data["prefix"])
    assert run.exit_code == 0, run.stderr
    assert run.stdout == (
        f"Revoked API token ci ({data['prefix']}) in tenant t1 · org default: "
        "the next request with it is refused\n"
    )
    refused = None
    try:
        services.tokens.authenticate(data["token"])
    except Exception as exc:
        refused = exc
    assert getattr(refused, "reason", None) == "revoked"
    again = cli(*as_("alice"), "tokens", "revoke", data["id"])
    assert again.exit_code == 0
    assert again.stdout.startswith(f"API token ci ({data['prefix']}) in tenant t1 · org default")
    assert "already revoked" in again.stdout
    (item,) = cli(*as_("alice"), "tokens", "list", "--json").json()["tokens"]
    assert item["status"] == "revoked" and item["revokedAt"]
    types = [e["type"] for e in json.loads(cli(*as_("alice"), "events", "--json").stdout)["items"]]
    assert types == ["integrations.tokens.created", "integrations.tokens.revoked"]


def test_revoke_exit_codes(cli) -> None:
    data = cli(*as_("alice"), "tokens", "create", "ci", "--json").json()
    missing = cli(*as_("alice"), "tokens", "revoke", "zzzz9999")
    assert missing.exit_code == 3
    assert missing.stderr.splitlines() == [
        "error: no API token 'zzzz9999' in tenant t1 · org default "
        "(`mercato-int --tenant t1 --org default tokens list` shows each token's prefix)"
    ]
    # from another tenant: not found, and the token stays valid
    assert cli(*as_("alice", "t2"), "tokens", "revoke", data["prefix"]).exit_code == 3
    short = cli(*as_("alice"), "tokens", "revoke", "ab")
    assert short.exit_code == 2
    # a whole token pasted: found, and never echoed
    wrong = data["token"][:-2] + "xx"
    leaked = cli(*as_("alice"), "tokens", "revoke", wrong)
    assert leaked.exit_code == 3
    assert wrong not in leaked.stderr and wrong[12:] not in leaked.stderr
    assert cli(*as_("alice"), "tokens", "revoke", data["token"]).exit_code == 0


def test_tokens_need_manage_where_the_tenant_has_a_policy(cli) -> None:
    cli(*as_("alice"), "acl", "grant", "alice", "admin")
    cli(*as_("alice"), "acl", "grant", "bob", "employee")
    data = cli(*as_("alice"), "tokens", "create", "ci", "--for", "bob", "--json").json()
    for args in (["create", "mine"], ["list"], ["revoke", data["prefix"]]):
        run = cli(*as_("bob"), "tokens", *args)
        assert run.exit_code == 6, args
        assert run.stderr.splitlines()[0].startswith(
            "error: not allowed: bob lacks integrations.manage in tenant t1 · org default"
        )
        assert run.stdout == ""
    assert len(cli(*as_("alice"), "tokens", "list", "--json").json()["tokens"]) == 1


def test_polish_messages(cli) -> None:
    made = cli("--lang", "pl", *as_("alice"), "tokens", "create", "ci", "--expires", "never")
    assert made.exit_code == 0, made.stderr
    assert made.stderr.splitlines()[0].startswith("Utworzono token API ci (mit_")
    gone = cli("--lang", "pl", *as_("alice"), "tokens", "revoke", "zzzz9999")
    assert gone.stderr.startswith("błąd: brak tokenu API 'zzzz9999' w ")
