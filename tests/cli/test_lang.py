"""`--lang pl` and friends, as a user sees them; `--json` is never translated."""

from __future__ import annotations


def test_list_in_polish(cli) -> None:
    run = cli("--lang", "pl", "list")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Integracje · tenant default · organizacja default"
    assert "5 integracji, włączone: 0" in run.stdout
    assert "○ Wyłączona" in run.stdout
    assert "Płatności" in run.stdout
    assert lines[-1] == "7 integracji · szczegóły: `mercato-int show ID`"


def test_the_environment_and_the_locale_choose_too(cli) -> None:
    assert cli("list", env={"MERCATO_INT_LANG": "pl"}).stdout.startswith("Integracje")
    assert cli("list", env={"LANG": "pl_PL.UTF-8"}).stdout.startswith("Integracje")
    english = cli("--lang", "en", "list", env={"MERCATO_INT_LANG": "pl"})
    assert english.stdout.startswith("Integrations · tenant default · org default")


def test_json_is_never_translated(cli) -> None:
    assert cli("--lang", "pl", "list", "--json").stdout == cli("list", "--json").stdout
    assert cli("--lang", "pl", "validate", "--json").stdout == cli("validate", "--json").stdout
    assert (
        cli("--lang", "pl", "acl", "list", "--json").stdout == cli("acl", "list", "--json").stdout
    )


def test_validate_and_errors_in_polish(cli) -> None:
    ok = cli("--lang", "pl", "validate")
    assert ok.stdout == "ok: 7 integracji i 1 pakiet od 3 dostawców, bez problemów\n"
    missing = cli("--lang", "pl", "show", "nope")
    assert missing.exit_code == 3
    assert missing.stderr.startswith("błąd: nie ma integracji ani pakietu o id 'nope'")
    usage = cli("--lang", "pl", "shw")
    assert usage.exit_code == 2
    assert usage.stderr.splitlines() == [
        "błąd: nieznane polecenie 'shw'. Czy chodziło o 'show'?",
        "Pomoc: 'mercato-int --help'.",
    ]


def test_unknown_language_exits_2(cli) -> None:
    run = cli("--lang", "de", "list")
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == "error: unknown language 'de' (use en or pl)"


def test_acl_and_scaffold_speak_polish(cli, tmp_path) -> None:
    assert cli("--lang", "pl", "acl", "list").stdout.startswith(
        "Brak zasad dostępu w tenant default · organizacja default: każdy może wszystko."
    )
    run = cli("--lang", "pl", "scaffold", "crm_x", "--category", "crm", "--hub", "h")
    assert run.stderr.splitlines()[0] == "błąd: brak --title (scaffold pyta tylko w terminalu)"


def test_show_in_polish(cli) -> None:
    run = cli("--lang", "pl", "show", "gateway_stripe")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Stripe (gateway_stripe) · integracja · tenant default · organizacja default"
    assert "Dane uwierzytelniające" in lines
    assert any(line.startswith("Stan: ○ Wyłączona") for line in lines)
    english = cli("show", "gateway_stripe").stdout.splitlines()
    assert english[0] == "Stripe (gateway_stripe) · integration · tenant default · org default"


def test_an_unknown_id_is_reported_in_polish(cli) -> None:
    run = cli("--lang", "pl", "show", "gateway_strip")
    assert run.exit_code == 3
    assert run.stderr.splitlines()[0] == (
        "błąd: nie ma integracji ani pakietu o id 'gateway_strip' (czy chodziło o gateway_stripe?)"
    )
    english = cli("show", "gateway_strip")
    assert english.stderr.splitlines()[0] == (
        "error: no integration or bundle with id 'gateway_strip' (did you mean gateway_stripe?)"
    )


def test_usage_errors_in_polish(cli) -> None:
    bad_option = cli("--lang", "pl", "list", "--bogus")
    assert (bad_option.exit_code, bad_option.stderr.splitlines()) == (
        2,
        ["błąd: nieznana opcja: --bogus", "Pomoc: 'mercato-int list --help'."],
    )
    typo = cli("--lang", "pl", "lst")
    assert typo.stderr.splitlines()[0] == "błąd: nieznane polecenie 'lst'. Czy chodziło o 'list'?"
    missing = cli("--lang", "pl", "show")
    assert missing.stderr.splitlines()[0] == "błąd: brak argumentu 'ID'."
    english = cli("list", "--bogus")
    assert english.stderr.splitlines()[0] == "error: No such option: --bogus"
