"""`creds` and `keys` with `--lang pl`: messages, prompts, errors and progress in Polish;
`--json` exactly as in English."""

from __future__ import annotations

import os
from pathlib import Path

ARGS = ["publishableKey=pk_1", "secretKey=sk_live_PL", "webhookSecret=whsec_PL"]
SCOPE = "tenant default · organizacja default"
MEDUSA = ["medusaApiUrl=https://api.mystore.test", "medusaApiKey=k", "medusaWebhookSecret=w"]


def _pl(cli, *args, **kw):
    return cli("--lang", "pl", *args, **kw)


def test_set_get_explain_unset_speak_polish(cli) -> None:
    saved = _pl(cli, "creds", "set", "gateway_stripe", *ARGS)
    assert saved.exit_code == 0, saved.stderr
    assert saved.stdout == (
        "Zapisano dane uwierzytelniające gateway_stripe (zmienione: publishableKey, secretKey, "
        f"webhookSecret) · {SCOPE}\n"
    )
    assert saved.stderr.startswith("ostrzeżenie: utworzono klucz główny ")
    assert "(miejsce: plik kluczy " in saved.stderr
    same = _pl(cli, "creds", "set", "gateway_stripe", "publishableKey=pk_1")
    assert same.stdout == f"Dane uwierzytelniające gateway_stripe bez zmian · {SCOPE}\n"

    lines = _pl(cli, "creds", "get", "gateway_stripe").stdout.splitlines()
    assert lines[0] == f"gateway_stripe · {SCOPE}"
    assert lines[1].startswith("własne dane uwierzytelniające, zaktualizowano ")
    assert lines[1].endswith(" przez tester")
    assert lines[-1].split() == ["Enable", "Apple", "Pay", "(enableApplePay)", "nieustawione"]

    shown = _pl(cli, "creds", "get", "gateway_stripe", "--reveal")
    assert (
        shown.stderr
        == "sekrety pokazano jawnym tekstem; zapisano to w dzienniku audytu jako tester\n"
    )

    explained = _pl(cli, "creds", "explain", "gateway_stripe").stdout.splitlines()
    assert explained[1].split() == ["pole", "źródło", "wartość"]
    assert explained[3].split()[-3:] == ["ta", "integracja", "••••••••"]
    assert explained[-1].split()[-1] == "nieustawione"

    declined = _pl(cli, "creds", "unset", "gateway_stripe", input="n\n")
    assert declined.exit_code == 2  # no terminal: the question is asked in test_confirm_cli.py
    assert declined.stderr == (
        "błąd: mercato-int creds unset prosi o potwierdzenie, a nie ma terminala, by zapytać: "
        "użyj --yes\n"
    )
    removed = _pl(cli, "creds", "unset", "gateway_stripe", "--yes")
    assert removed.stdout == f"Usunięto dane uwierzytelniające gateway_stripe · {SCOPE}\n"
    again = _pl(cli, "creds", "unset", "gateway_stripe", "--yes")
    assert again.exit_code == 3
    assert again.stderr.splitlines()[0] == (
        f"błąd: dane uwierzytelniające gateway_stripe nie są ustawione w {SCOPE}"
    )


def test_bundle_fall_through_in_polish(cli) -> None:
    empty = _pl(cli, "creds", "get", "sync_medusa_products").stdout.splitlines()
    assert empty[1:] == [
        "brak ustawionych danych uwierzytelniających",
        "Ustaw je poleceniem `mercato-int creds set sync_medusa KLUCZ=WARTOŚĆ...`",
    ]
    _pl(cli, "creds", "set", "sync_medusa", *MEDUSA)
    got = _pl(cli, "creds", "get", "sync_medusa_products").stdout.splitlines()
    assert got[1].startswith(
        "dane uwierzytelniające pakietu sync_medusa (sync_medusa_products nie ma własnych), "
        "zaktualizowano "
    )
    explained = _pl(cli, "creds", "explain", "sync_medusa_orders").stdout
    assert "pakiet sync_medusa" in explained
    refused = _pl(cli, "creds", "unset", "sync_medusa_orders", "--yes")
    assert refused.exit_code == 2
    assert refused.stderr.splitlines()[0] == (
        "błąd: sync_medusa_orders nie ma własnych danych uwierzytelniających: są zapisane w jej "
        "pakiecie sync_medusa (uruchom `mercato-int creds unset sync_medusa`)"
    )


def test_input_errors_in_polish_with_plural_forms(cli) -> None:
    def first_line(*args: str) -> str:
        run = _pl(cli, "creds", "set", *args)
        assert run.exit_code == 2, run.stdout
        return run.stderr.splitlines()[0]

    assert first_line("gateway_stripe", "publishableKey=pk") == (
        "błąd: brak wymaganych pól secretKey, webhookSecret dla gateway_stripe "
        "(podaj je jako KLUCZ=WARTOŚĆ)"
    )
    assert first_line("gateway_stripe", *ARGS[:2]) == (
        "błąd: brak wymaganego pola webhookSecret dla gateway_stripe (podaj je jako KLUCZ=WARTOŚĆ)"
    )
    assert first_line("gateway_stripe", "bogus=1").startswith(
        "błąd: argument 1: tekst przed „=” nie jest polem gateway_stripe (nie pokazuję go: "
        "może być częścią wartości) (znane pola: publishableKey, "
    )
    assert first_line("gateway_stripe", *ARGS, "enableApplePay=maybe") == (
        "błąd: pole 'enableApplePay' musi mieć wartość true/false, yes/no lub 1/0"
    )
    assert first_line("gateway_stripe", *ARGS, "oops") == (
        "błąd: argument 4 nie ma postaci KLUCZ=WARTOŚĆ (użyj KLUCZ=WARTOŚĆ, KLUCZ=@PLIK "
        "(wartość z pliku) lub KLUCZ=- (wartość ze standardowego wejścia))"
    )
    assert first_line("gateway_stripe", *ARGS[:2], "webhookSecret=" + "x" * 20_002) == (
        "błąd: pole 'webhookSecret' ma 20002 znaki; dozwolone najwyżej 20000"
    )
    assert first_line("gateway_stripe", *ARGS[:2], "webhookSecret=" + "x" * 20_005) == (
        "błąd: pole 'webhookSecret' ma 20005 znaków; dozwolone najwyżej 20000"
    )
    assert first_line("sync_medusa", *MEDUSA[1:], "medusaApiUrl=https://a:b@h.test") == (
        "błąd: pole 'medusaApiUrl' nie może zawierać user:password w adresie URL "
        "(umieść sekret w osobnym polu)"
    )
    assert first_line("sync_medusa_products", "medusaApiKey=x") == (
        "błąd: sync_medusa_products nie ma własnych danych uwierzytelniających: są zapisane w jej "
        "pakiecie sync_medusa (uruchom `mercato-int creds set sync_medusa KLUCZ=WARTOŚĆ...`)"
    )


def test_prompt_keeps_labels_and_reports_in_polish(cli) -> None:
    _pl(cli, "creds", "set", "gateway_stripe", *ARGS)
    run = _pl(cli, "creds", "set", "gateway_stripe", "--prompt", input="\nsk_new\n\n\nyes\n")
    assert run.exit_code == 0, run.stderr
    assert "Enable Apple Pay (enableApplePay) [true/false]" in run.stderr
    assert run.stdout.splitlines()[-1] == (
        "Zapisano dane uwierzytelniające gateway_stripe (zmienione: enableApplePay, "
        f"secretKey) · {SCOPE}"
    )


def test_keys_status_rotate_drop_in_polish(cli) -> None:
    none = _pl(cli, "keys", "status").stdout.splitlines()
    assert none[:2] == [
        "Klucze główne · wszyscy najemcy tego magazynu danych",
        "Nie ma jeszcze klucza głównego; utworzy go pierwsze `mercato-int creds set`.",
    ]
    assert none[2].startswith("sprawdzone miejsca: MERCATO_INT_MASTER_KEY: nieustawiona; ")
    assert none[2].endswith("master.key: brak pliku")
    for tenant in ("a", "b"):
        cli("--tenant", tenant, "creds", "set", "gateway_stripe", *ARGS)
    key_file = Path(os.environ["MERCATO_INT_HOME"]) / "master.key"
    old = cli("keys", "status", "--json").json()["activeKeyId"]
    status = _pl(cli, "keys", "status", "--verify").stdout.splitlines()
    assert status[1] == f"aktywny: {old}, źródło: plik kluczy {key_file}"
    assert status[2].split() == [
        old,
        "2",
        "wiersze",
        "plik",
        "kluczy",
        str(key_file),
        "·",
        "aktywny",
    ]
    assert status[3] == "sprawdzono: każdy wiersz otwiera się swoim kluczem (2 wiersze)"

    declined = _pl(cli, "keys", "rotate", input="n\n")
    assert declined.exit_code == 2  # no terminal: the question is asked in test_confirm_cli.py
    assert "mercato-int keys rotate prosi o potwierdzenie" in declined.stderr
    run = _pl(cli, "keys", "rotate", "--yes")
    assert run.exit_code == 0, run.stderr
    new = cli("keys", "status", "--json").json()["activeKeyId"]
    assert run.stderr.splitlines()[-1] == "ponownie zaszyfrowano wiersze: 2/2"
    first, second = run.stdout.splitlines()
    assert first.startswith(
        f"przełączono na nowy klucz {new} (plik kluczy {key_file}): ponownie zaszyfrowano "
        "2 wiersze w "
    )
    assert first.endswith(" wierszy/s)") and "," in first.split(" w ")[-1]  # 0,0 s
    assert second.startswith(f"stary klucz {old} zachowano do odczytu; żaden wiersz go nie używa")

    refused = _pl(cli, "keys", "drop", new, "--yes")
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"błąd: klucz {new} nadal szyfruje 2 wiersze (najpierw uruchom `mercato-int keys rotate`)\n"
    )
    dropped = _pl(cli, "keys", "drop", old, "--yes")
    assert dropped.stdout == f"Usunięto klucz {old} (miejsce: plik kluczy {key_file})\n"


def test_key_problems_in_polish_exit_5(cli) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    kid = cli("keys", "status", "--json").json()["activeKeyId"]
    home = Path(os.environ["MERCATO_INT_HOME"])
    (home / "master.key").rename(home / "backup.key")
    run = _pl(cli, "creds", "set", "carrier_dhl", "apiKey=k", "accountNumber=1")
    assert run.exit_code == 5
    assert run.stderr.splitlines()[0] == (
        "błąd: nie znaleziono klucza głównego, a magazyn danych zawiera dane uwierzytelniające "
        f"zaszyfrowane kluczem {kid} (1 wiersz); sprawdzone miejsca: MERCATO_INT_MASTER_KEY: "
        "nieustawiona; systemowy pęk kluczy (usługa mercato-int): brak działającego backendu "
        f"(NoKeyringError); plik kluczy {home / 'master.key'}: brak pliku (przywróć ten klucz; "
        "mercato-int nie utworzy nowego, dopóki dane wymagają starego)"
    )
    status = _pl(cli, "keys", "status")
    assert status.exit_code == 5
    assert (
        f"1 wiersz zaszyfrowany kluczem {kid}, którego nie otwiera żaden dostępny klucz: "
        "przywróć ten klucz"
    ) in status.stdout


def test_json_is_the_same_in_polish(cli) -> None:
    cli("creds", "set", "sync_medusa", *MEDUSA)
    for args in (
        ["creds", "get", "sync_medusa_products", "--json"],
        ["creds", "explain", "sync_medusa_orders", "--json"],
        ["keys", "status", "--verify", "--json"],
    ):
        english = cli(*args)
        polish = _pl(cli, *args)
        assert english.exit_code == polish.exit_code == 0
        assert polish.stdout == english.stdout
    looked_in = _pl(cli, "keys", "status", "--json").json()["lookedIn"]
    assert looked_in.startswith("MERCATO_INT_MASTER_KEY: not set; the OS keyring (service ")


def test_the_new_refusals_speak_polish(cli, tmp_path) -> None:
    """The mask on a first save, a control character, a stale --if-version, a drop another
    store needs, and a backup that does not open: in Polish, with the same exit codes."""
    mask = "\u2022" * 8
    first = _pl(cli, "creds", "set", "gateway_stripe", "publishableKey=pk", f"secretKey={mask}")
    assert first.exit_code == 2
    assert first.stderr.splitlines()[0].startswith(
        f"błąd: pole 'secretKey' zawiera maskę {mask}, a nie ma zapisanej wartości do zachowania"
    )
    control = _pl(cli, "creds", "set", "gateway_stripe", *ARGS[:2], "webhookSecret=a\x1bb")
    assert control.exit_code == 2
    assert control.stderr.startswith("błąd: pole 'webhookSecret' zawiera znak sterujący")
    _pl(cli, "creds", "set", "gateway_stripe", *ARGS)
    stale = _pl(cli, "creds", "set", "gateway_stripe", "publishableKey=x", "--if-version", "7")
    assert stale.exit_code == 1
    assert stale.stderr.startswith(
        f"błąd: dane uwierzytelniające gateway_stripe w {SCOPE} zmieniły się w międzyczasie: "
        "są w wersji 1, zapis oczekiwał 7; nic nie zapisano"
    )
    other = {"MERCATO_INT_DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}"}
    _pl(cli, "creds", "set", "gateway_stripe", *ARGS, env=other)
    old = _pl(cli, "keys", "status", "--json").json()["activeKeyId"]
    _pl(cli, "keys", "rotate", "--yes")
    refused = _pl(cli, "keys", "drop", old, "--yes")
    assert refused.exit_code == 2
    assert refused.stderr.startswith(
        f"błąd: klucz {old} jest zapisany jako używany przez 1 inny magazyn danych "
    )
    backup = tmp_path / "keys.backup"
    env = {"MERCATO_INT_KEYS_PASSPHRASE": "długie hasło kopii"}
    assert _pl(cli, "keys", "export", str(backup), env=env).stdout.startswith(
        "Wyeksportowano 2 klucze ("
    )
    wrong = _pl(cli, "keys", "import", str(backup), env={"MERCATO_INT_KEYS_PASSPHRASE": "x" * 9})
    assert wrong.exit_code == 5
    assert wrong.stderr.startswith(f"błąd: nie można otworzyć {backup}: hasło jest błędne")
