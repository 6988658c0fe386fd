"""`--help` in Polish: every help text of every command, group and option has a translation in
the `cli_help` catalogue (locale/pl/LC_MESSAGES/cli_help.po; so a new command cannot slip
through untranslated), `--lang pl` and
MERCATO_INT_LANG=pl show it, and English help stays as written in the command modules."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mercato_int import i18n

LOCALE = Path(__file__).resolve().parents[2] / "src" / "mercato_int" / "locale"
HELP_OPTION = "Show this message and exit."
# what Typer and click write around the help (not help texts of our commands)
FRAMING = {"Usage:", "Arguments", "Options", "Commands", "required", "default: {default}",
           "env var: {var}"}  # fmt: skip


def polish() -> dict[str, str]:
    """{English help text: Polish} of the cli_help catalogue, framing left out."""
    from babel.messages.pofile import read_po

    # the source in this checkout: an installed wheel carries only the compiled .mo
    with (LOCALE / f"pl/LC_MESSAGES/{i18n.HELP_DOMAIN}.po").open("rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id and m.id not in FRAMING}


def help_texts(root: Any = None) -> dict[str, list[str]]:
    """{help text: [where it is used]} over the whole command tree from `root` (a fresh one by
    default), in the current language, walked through the group API (the root builds its
    deferred commands when asked)."""
    import typer

    from mercato_int.cli.app import app
    from mercato_int.cli.command_index import COMMANDS

    found: dict[str, list[str]] = {}

    def add(text: str | None, where: str) -> None:
        if text:
            found.setdefault(text, []).append(where)

    def walk(command: Any, path: str) -> None:
        add(command.help, f"{path}: help")
        add(command.short_help, f"{path}: short help")
        for param in command.params:
            add(getattr(param, "help", None), f"{path} {param.name}")
        ctx = typer.Context(command, help_option_names=["-h", "--help"])
        add(command.get_help_option(ctx).help, f"{path} --help")
        for name in getattr(command, "list_commands", lambda ctx: [])(ctx):
            walk(command.get_command(ctx, name), f"{path} {name}")

    root = root or typer.main.get_command(app)
    walk(root, "mercato-int")
    fresh = typer.main.get_command(app)
    for name in COMMANDS:  # what the root's --help lists, before building
        stub = fresh.listed(name)
        add(stub.help, f"mercato-int {name}: listed help")
        add(stub.short_help, f"mercato-int {name}: listed short help")
    return found


def test_every_help_text_has_a_polish_translation() -> None:
    texts = help_texts()
    assert len(texts) > 100  # it really walked the tree
    missing = {text: where for text, where in texts.items() if text not in polish()}
    assert missing == {}, "add these to src/mercato_int/locale/pl/LC_MESSAGES/cli_help.po"
    unused = set(polish()) - set(texts)
    assert unused == set(), "no command uses these any more: remove them from cli_help.po"


def test_in_polish_the_whole_tree_is_translated(capsys) -> None:
    import typer

    from mercato_int.cli.app import app

    root = typer.main.get_command(app)
    try:
        # as a run does: the root chooses the language, then builds each command when used
        assert root.main(["--lang", "pl", "--help"], "mercato-int", standalone_mode=False) == 0
        assert capsys.readouterr().out.startswith("Użycie: mercato-int")
        texts = help_texts(root)
    finally:
        i18n.reset()
    english = {text for text, pl in polish().items() if pl != text}
    # the help option is made as a page is written; the page translates it (tests below)
    assert texts.keys() & english == {HELP_OPTION}
    # `--help` lists a command by its first sentence: a Polish abbreviation ends it early
    for text, where in texts.items():
        if any(w.endswith(("help", "listed help")) for w in where):
            first = text.split("\n\n")[0].split(". ")[0]
            assert not re.search(r"\b(np|zob|tzn|tj|m\.in|itd|itp|ok)$", first), where


@pytest.fixture
def run() -> Callable[..., Any]:
    def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
        from mercato_int.cli.app import app

        result = CliRunner().invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    return invoke


def test_list_help_in_polish(run) -> None:
    assert run("--lang", "pl", "list", "--help") == (
        "Użycie: mercato-int list [OPCJE]\n"
        "\n"
        "  Pokaż katalog integracji: pakiety z ich integracjami, potem samodzielne\n"
        "  integracje.\n"
        "\n"
        "Opcje:\n"
        "  --category <str>        Tylko ta kategoria.\n"
        "  --search <str>          Tekst w id, tytule, opisie lub tagach.\n"
        "  --bundle <str>          Tylko integracje tego pakietu.\n"
        "  --enabled / --disabled  Tylko włączone albo tylko wyłączone integracje.\n"
        "  --health-status STATUS  Tylko ten stan zdrowia albo unchecked.\n"
        "  --sort KEY              Kolejność: title, category, health lub updated.\n"
        "  --desc                  Kolejność malejąca.\n"
        "  --all-tenants           Macierz: integracje × każdy najemca, którego możesz\n"
        "                          oglądać.\n"
        "  --tenant-filter TEXT    Tylko najemcy, których identyfikator najemcy lub\n"
        "                          organizacji zawiera TEXT (wzorzec glob z * ? [).\n"
        "  --page N                Z --all-tenants: N-ta strona kolumn najemców.\n"
        "  --json                  Wynik w JSON: {items, bundles, total}, z analityką.\n"
        "  -h, --help              Pokaż tę pomoc i zakończ.\n"
    )


def test_english_help_is_as_written(run) -> None:
    english = run("list", "--help")
    assert english == (
        "Usage: mercato-int list [OPTIONS]\n"
        "\n"
        "  Show the marketplace: bundles with their integrations, then standalone\n"
        "  integrations.\n"
        "\n"
        "Options:\n"
        "  --category <str>        Only this category.\n"
        "  --search <str>          Text in id, title, description or tags.\n"
        "  --bundle <str>          Only the integrations of this bundle.\n"
        "  --enabled / --disabled  Only enabled, or only disabled, integrations.\n"
        "  --health-status STATUS  Only this health status, or unchecked.\n"
        "  --sort KEY              Order by title, category, health or updated.\n"
        "  --desc                  Descending order.\n"
        "  --all-tenants           A matrix: integrations × every tenant you may view.\n"
        "  --tenant-filter TEXT    Only tenants whose tenant or org id holds TEXT (a glob\n"
        "                          with * ? [).\n"
        "  --page N                With --all-tenants: the Nth page of tenant columns.\n"
        "  --json                  JSON: {items, bundles, total}, with analytics.\n"
        "  -h, --help              Show this message and exit.\n"
    )
    assert run("--lang", "en", "list", "--help", env={"MERCATO_INT_LANG": "pl"}) == english
    # a Polish invocation before does not leave Polish behind
    run("--lang", "pl", "list", "--help")
    assert run("list", "--help") == english


def test_the_environment_chooses_polish_for_the_command_list(run) -> None:
    page = run("--help", env={"MERCATO_INT_LANG": "pl"})
    assert page.startswith("Użycie: mercato-int [OPCJE] POLECENIE [ARGUMENTY]...\n")
    lines = page.splitlines()
    assert "Polecenia:" in lines and "Opcje:" in lines
    assert any(re.match(r"  list +Pokaż katalog integracji: pakiety", line) for line in lines)
    assert any(re.match(r"  creds +Dane uwierzytelniające: szyfrowane", line) for line in lines)
    assert any(re.match(r"  --tenant <str> +Id najemcy \(tenant\)", line) for line in lines)
    assert "Commands:" not in lines and "Show this message and exit." not in page


def test_groups_arguments_defaults_and_required_in_polish(run) -> None:
    group = run("--lang", "pl", "creds", "--help").splitlines()
    assert "Polecenia:" in group
    assert any(
        re.match(r"  unset +Usuń zapisane dane uwierzytelniające \(trwale\)", ln) for ln in group
    )
    page = run("--lang", "pl", "settings", "set", "--help").splitlines()
    assert "Argumenty:" in page
    assert "  key <str>    np. log.retention_days  [wymagane]" in page
    events = run("--lang", "pl", "events", "--help").splitlines()
    assert "  --limit N     Pokaż ostatnie N.  [domyślnie: 50; x>=1]" in events


def test_a_bare_group_shows_its_polish_help() -> None:
    from mercato_int.cli.app import app

    result = CliRunner().invoke(app, ["--lang", "pl", "db"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Użycie: mercato-int db [OPCJE] POLECENIE [ARGUMENTY]...\n")
    assert re.search(r"  upgrade +Utwórz schemat magazynu danych", result.stderr)


def test_a_polish_page_leaves_gettext_as_it_found_it(run, monkeypatch) -> None:
    import gettext
    import os

    monkeypatch.setenv("LANGUAGE", "de")
    domain = gettext.textdomain()
    assert "[wymagane]" in run("--lang", "pl", "settings", "set", "--help")
    assert gettext.textdomain() == domain and os.environ["LANGUAGE"] == "de"
    assert "[required]" in run("settings", "set", "--help")
