"""`context list|show|use|add|remove`: contexts in the config file, picked per command by
`--context`, MERCATO_INT_CONTEXT or `current_context`; flags and variables still win."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

CONFIG = """\
# written by hand: this comment stays
tenant = "top"   # a comment after a value stays too
org = "toporg"

[contexts.staging]
tenant = "stg"
# a comment inside a context stays
"""


@pytest.fixture
def config(isolation: Path) -> Path:
    path = isolation / "config.toml"
    path.write_text(CONFIG)
    return path


def test_add_use_show_remove_keep_the_rest_of_the_file(cli, config: Path) -> None:
    added = cli("context", "add", "prod", "--tenant", "acme", "--org", "eu", "--json")
    assert added.exit_code == 0, added.stderr
    assert added.json() == {
        "name": "prod",
        "databaseUrl": None,
        "tenantId": "acme",
        "organizationId": "eu",
        "actor": None,
        "lang": None,
        "created": True,
    }
    used = cli("context", "use", "prod")
    assert used.exit_code == 0
    assert "Now using context prod: tenant=acme org=eu" in used.stdout
    text = config.read_text()
    top = CONFIG.split("\n[contexts")[0]
    assert text.startswith(top + 'current_context = "prod"\n\n[contexts.staging]\n')
    assert "# a comment inside a context stays" in text
    assert text.endswith('[contexts.prod]\ntenant = "acme"\norg = "eu"\n')
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    listed = cli("context", "list", "--json").json()
    assert [(c["name"], c["current"], c["active"]) for c in listed["contexts"]] == [
        ("prod", True, True),
        ("staging", False, False),
    ]
    assert listed["chosenBy"] == "current_context"
    shown = cli("context", "show", "--json").json()
    assert shown["name"] == "prod"
    assert shown["effective"]["tenantId"] == "acme"
    assert shown["effective"]["organizationId"] == "eu"
    # an existing context: only the values given change
    changed = cli("context", "add", "prod", "--actor", "ops", "--json").json()
    assert (changed["tenantId"], changed["actor"], changed["created"]) == ("acme", "ops", False)
    removed = cli("context", "remove", "prod", "--json")
    assert removed.json() == {"name": "prod", "removed": True, "wasCurrent": True}
    assert config.read_text() == CONFIG


def test_the_context_sits_between_the_environment_and_the_file(cli, config, monkeypatch):
    assert cli("context", "add", "prod", "--tenant", "acme", "--org", "eu").exit_code == 0
    assert cli("context", "use", "prod").exit_code == 0

    def effective(*args: str, env: dict[str, str] | None = None) -> tuple[str, str]:
        run = cli(*args, "context", "show", "--json", env=env)
        assert run.exit_code == 0, run.stderr
        shown = run.json()["effective"]
        return shown["tenantId"], shown["organizationId"]

    assert effective() == ("acme", "eu")  # the context wins over the file's top level
    assert effective("--tenant", "flag") == ("flag", "eu")  # a flag wins over it
    assert effective(env={"MERCATO_INT_TENANT": "env"}) == ("env", "eu")  # and a variable
    assert effective("--context", "staging") == ("stg", "toporg")
    assert effective(env={"MERCATO_INT_CONTEXT": "staging"}) == ("stg", "toporg")
    # --context wins over MERCATO_INT_CONTEXT
    assert effective("--context", "prod", env={"MERCATO_INT_CONTEXT": "staging"}) == (
        "acme",
        "eu",
    )


@pytest.mark.parametrize(
    ("args", "env", "origin"),
    [
        (["--context", "nope"], {}, "--context"),
        ([], {"MERCATO_INT_CONTEXT": "nope"}, "MERCATO_INT_CONTEXT"),
    ],
)
def test_an_unknown_context_is_exit_2_naming_the_known_ones(cli, config, args, env, origin):
    run = cli(*args, "list", env=env)
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"error: unknown context 'nope' (chosen by {origin}) (known contexts: staging)"
    )
    assert run.stdout == ""


def test_an_unknown_current_context_still_lets_one_list_and_pick(cli, config) -> None:
    config.write_text(CONFIG.replace('org = "toporg"\n', 'org = "toporg"\ncurrent_context = "x"\n'))
    assert cli("list").exit_code == 2
    listed = cli("context", "list")
    assert listed.exit_code == 0
    assert "unknown context 'x' (chosen by current_context)" in listed.stderr
    assert "staging" in listed.stdout
    assert cli("context", "use", "staging").exit_code == 0
    assert cli("list", "--json").exit_code == 0


def test_no_context_anywhere(cli, isolation: Path) -> None:
    assert cli("context", "list").stdout.startswith("No contexts.")
    assert cli("context", "show", "--json").json()["name"] is None
    run = cli("context", "use", "prod")
    assert run.exit_code == 2
    assert "there is no context 'prod' (there are none: add one with" in run.stderr
    assert not (isolation / "config.toml").exists()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ops:s3cretpass@db.internal/mercato",
        "postgresql://ops@db.internal/mercato?password=s3cretpass",
    ],
)
def test_a_url_with_a_password_is_refused_and_never_echoed(cli, config, url) -> None:
    run = cli("context", "add", "prod", "--db", url)
    assert run.exit_code == 2
    assert "s3cretpass" not in run.stdout + run.stderr
    assert "db.internal" not in run.stderr  # the URL is not shown at all
    assert "~/.pgpass" in run.stderr and "PGPASSFILE" in run.stderr
    assert config.read_text() == CONFIG


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bad.name"], "invalid context name 'bad.name'"),
        (["x", "--tenant", "a b"], "invalid tenant 'a b'"),
        (["x", "--lang", "de"], "unknown language 'de'"),
        (["x", "--db", "mysql://u@h/db"], "which mercato-int does not support"),
    ],
)
def test_bad_values_are_exit_2_and_write_nothing(cli, config, args, message) -> None:
    run = cli("context", "add", *args)
    assert run.exit_code == 2
    assert message in run.stderr
    assert config.read_text() == CONFIG


def test_a_file_the_editor_cannot_change_safely_is_left_alone(cli, isolation: Path) -> None:
    path = isolation / "config.toml"
    inline = 'contexts = { staging = { tenant = "stg" } }\n'
    path.write_text(inline)
    run = cli("context", "add", "prod", "--tenant", "acme")
    assert run.exit_code == 2
    assert "edit it by hand" in run.stderr
    assert path.read_text() == inline


def test_the_context_store_and_scope_apply_and_the_header_names_the_context(
    cli, db_url: str, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MERCATO_INT_DATABASE_URL")  # the context says which store
    added = cli("context", "add", "prod", "--db", db_url, "--tenant", "acme")
    assert added.exit_code == 0, added.stderr
    assert cli("context", "use", "prod").exit_code == 0
    assert cli("enable", "carrier_dhl").exit_code == 0
    # the same store, named without the context: the state is acme's
    run = cli("--db", db_url, "--tenant", "acme", "list", "--json")
    items = {i["id"]: i for i in run.json()["items"]}  # type: ignore[index]
    assert items["carrier_dhl"]["isEnabled"] is True
    human = cli("list")
    assert human.stdout.splitlines()[0] == "Integrations · tenant acme · org toporg · context prod"
    assert "· context prod" in cli("settings", "list").stdout.splitlines()[0]
    # without a context, the default store of the home has nothing enabled
    other = cli("--context", "staging", "list", "--json").json()
    assert not {i["id"]: i for i in other["items"]}["carrier_dhl"]["isEnabled"]  # type: ignore[index]


def test_the_language_of_the_context_in_effect(cli, config: Path) -> None:
    assert cli("context", "add", "pl_ops", "--lang", "pl", "--tenant", "acme").exit_code == 0
    # `--lang pl` of `context add` set the context's language, not the command's
    assert cli("context", "add", "x", "--lang", "pl").stdout.startswith("Added context x")
    run = cli("--context", "pl_ops", "context", "show")
    assert run.stdout.startswith("Kontekst pl_ops (wybrany przez --context):")
    assert cli("--context", "pl_ops", "--lang", "en", "context", "show").stdout.startswith(
        "Context pl_ops"
    )
