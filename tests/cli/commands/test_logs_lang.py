"""The `logs` area in Polish: the timeline, `logs write|ingest|audit`, `prune`, `settings`,
`db`, and the errors of times, settings, the store and the config file; its JSON is untouched."""

from __future__ import annotations

import json

import pytest

SCOPE_PL = "tenant default · organizacja default"
OLD = {"integrationId": "gateway_stripe", "operation": "o", "message": "m"}


def pl(cli, *args: str, **kw):
    return cli("--lang", "pl", *args, **kw)


def write(cli, *extra: str, level: str = "info") -> None:
    base = ["logs", "write", "gateway_stripe", "--level", level, "--operation", "webhook.received"]
    run = cli(*base, "--message", "Received", *extra)
    assert run.exit_code == 0, run.stderr


def ingest_old(cli, tmp_path, levels: list[str], *flags: str) -> None:
    path = tmp_path / "old.jsonl"
    rows = [OLD | {"level": lv, "createdAt": "2020-01-01T00:00:00Z"} for lv in levels]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert cli(*flags, "logs", "ingest", str(path)).exit_code == 0


def test_timeline_and_write_in_polish(cli) -> None:
    write(cli, "--correlation", "evt_1", "--duration-ms", "340", "--details", '{"a": 1}')
    args = ["logs", "write", "gateway_stripe", "--level", "error", "--operation", "webhook.failed"]
    run = pl(cli, *args, "--message", "Failed: Timeout")
    assert run.stderr == (f"zapisano wpis error webhook.failed dla gateway_stripe w {SCOPE_PL}\n")
    lines = pl(cli, "logs").stdout.splitlines()
    assert lines[1] == "    Failed: Timeout"  # stored messages are data: never translated
    assert lines[4] == "    Korelacja: evt_1  •  Czas trwania: 340 ms"
    assert lines[5] == "    ▸ Szczegóły"
    assert lines[-1] == f"── Pokazano 2 z 2 wpisów · {SCOPE_PL} ──"
    detailed = pl(cli, "logs", "--details", "--level", "info").stdout.splitlines()
    assert detailed[3:5] == ["    ▾ Szczegóły", "      {"]

    page = pl(cli, "logs", "--limit", "1")
    assert page.stdout.splitlines()[-1] == f"── Pokazano 1 z 2 wpisów · {SCOPE_PL} ──"
    assert page.stderr.startswith("następna strona: --cursor ")
    follow = pl(cli, "logs", "-f", "--json")
    assert (follow.exit_code, follow.stderr) == (
        2,
        "błąd: --follow wypisuje strumień (użyj --jsonl razem z --follow)\n",
    )


def test_ingest_and_audit_in_polish(cli, tmp_path) -> None:
    good = {"integrationId": "gateway_stripe", "level": "info", "operation": "o", "message": "m"}
    lines = ["not json", json.dumps(good), json.dumps(good | {"tenantId": "other"}), "[1]",
             json.dumps(good | {"level": "loud"}), json.dumps({"level": "info"})]  # fmt: skip
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    run = pl(cli, "logs", "ingest", str(path))
    assert run.exit_code == 1
    assert run.stderr.splitlines() == [
        "wiersz 1: to nie jest JSON (Expecting value, kolumna 1)",
        f"wiersz 3: tenantId 'other' nie jest zakresem polecenia ({SCOPE_PL})",
        "wiersz 4: to nie jest obiekt JSON",
        "wiersz 5: nieznany poziom 'loud' (użyj jednego z: debug, info, warning, error)",
        "wiersz 6: brak pól: integrationId, operation, message",
        f"wczytano 1 wpis do {SCOPE_PL}; odrzucono 5 wierszy",
    ]
    missing = pl(cli, "logs", "ingest", str(tmp_path / "nope.jsonl"))
    assert missing.stderr.startswith(f"błąd: nie można odczytać {tmp_path / 'nope.jsonl'}: ")
    audit = pl(cli, "logs", "audit")
    assert audit.stdout == f"audyt {SCOPE_PL}: sprawdzono 1 wpis, bez znalezisk\n"
    every = pl(cli, "logs", "audit", "--all-tenants").stdout
    assert every == "audyt wszystkich najemców: sprawdzono 1 wpis, bez znalezisk\n"


def test_prune_in_polish_with_plural_forms(cli, tmp_path) -> None:
    ingest_old(cli, tmp_path, ["info", "info", "error"])
    ingest_old(cli, tmp_path, ["info"] * 5, "--tenant", "b")
    dry = pl(cli, "prune", "--all-tenants", "--dry-run")
    assert dry.stdout.splitlines() == [
        "tenant b · organizacja default: do usunięcia 5 (info 5)",
        f"{SCOPE_PL}: do usunięcia 3 (error 1, info 2)",
        "próba na sucho: do usunięcia 8 wpisów w 2 najemcach (error 1, info 7)",
    ]
    assert pl(cli, "prune").stdout.startswith(f"usunięto 3 wpisy w {SCOPE_PL} (error 1, info 2)")
    assert pl(cli, "--tenant", "b", "prune", "--dry-run").stdout.splitlines()[-1] == (
        "próba na sucho: do usunięcia 5 wpisów w tenant b · organizacja default (info 5)"
    )
    ingest_old(cli, tmp_path, ["warning"])
    assert pl(cli, "prune", "--all-tenants").stdout.startswith(
        "usunięto 6 wpisów w 2 najemcach (info 5, warning 1)"
    )
    assert pl(cli, "prune", "--all-tenants").stdout.startswith(
        "usunięto 0 wpisów w 0 najemcach (nic)"
    )
    bad = pl(cli, "prune", "--older-than", "soon")
    assert (bad.exit_code, bad.stderr) == (
        2,
        "błąd: to nie jest okres: 'soon' (użyj np. 90s, 15m, 2h, 7d, 2w lub 1h30m)\n",
    )


def test_settings_in_polish(cli) -> None:
    assert pl(cli, "settings", "set", "log.retention_days", "14").stdout == (
        f"log.retention_days = 14 w {SCOPE_PL}\n"
    )
    assert pl(cli, "settings", "list").stdout.splitlines() == [
        f"ustawienia w {SCOPE_PL}",
        "  log.error_retention_days = 90  (domyślne; ile dni przechowywać wpisy poziomu error)",
        "  log.retention_days = 14  (ustawione przez tester; ile dni przechowywać wpisy logu "
        "poniżej poziomu error)",
    ]
    assert pl(cli, "settings", "get", "log.retention_days").stdout == "14\n"  # a bare value
    for value, message in [
        ("x", "log.retention_days musi być całkowitą liczbą dni, a nie 'x' (użyj 1-3650)"),
        ("0", "log.retention_days musi wynosić od 1 do 3650, a nie 0 (użyj 1-3650 dni)"),
    ]:
        run = pl(cli, "settings", "set", "log.retention_days", value)
        assert (run.exit_code, run.stderr) == (2, f"błąd: {message}\n")
    unknown = pl(cli, "settings", "get", "log.nope")
    assert (unknown.exit_code, unknown.stderr) == (
        3,
        "błąd: nie ma ustawienia 'log.nope' (znane ustawienia: log.error_retention_days, "
        "log.retention_days)\n",
    )


def test_db_and_store_errors_in_polish(cli, tmp_path) -> None:
    from mercato_int.store.revisions import HEAD_REVISION

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgraded = pl(cli, "--db", url, "db", "upgrade")
    assert upgraded.stdout == f"{url}: zaktualizowano pusty magazyn danych → {HEAD_REVISION}\n"
    assert pl(cli, "--db", url, "db", "upgrade").stdout == (
        f"{url}: już w rewizji {HEAD_REVISION}\n"
    )
    assert pl(cli, "--db", url, "db", "current").stdout == (
        f"{url}: rewizja {HEAD_REVISION} (najnowsza {HEAD_REVISION}, aktualna)\n"
    )
    gone = pl(cli, "--db", "postgresql://postgres:pw@127.0.0.1:1/x", "logs")
    assert gone.exit_code == 4
    line = gone.stderr.splitlines()[0]
    assert line.startswith(
        "błąd: nie można połączyć się z magazynem danych pod "
        "postgresql+psycopg://postgres:••••••••@127.0.0.1:1/x: "
    )
    assert line.endswith("(sprawdź --db / MERCATO_INT_DATABASE_URL i czy serwer działa)")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["logs", "--since", "3x"], "błąd: to nie jest ani czas, ani okres: '3x' (podaj okres, "
         "np. 90s, 15m, 2h, 7d, 2w, albo czas ISO 8601, np. 2026-02-24T00:00:00Z)"),
        (["logs", "--json", "--jsonl"], "błąd: --json i --jsonl wykluczają się nawzajem "
         "(wybierz jedno)"),
        (["logs", "--cursor", "zz"], "błąd: to nie jest kursor logów: 'zz' (podaj kursor "
         "zwrócony przez poprzednią stronę)"),
        (["logs", "--limit", "5000"], "błąd: limit musi wynosić od 1 do 1000, a nie 5000"),
        (["--tenant", "acme corp", "logs"], "błąd: nieprawidłowa nazwa najemcy: 'acme corp' "
         "(użyj 1-100 liter, cyfr lub znaków _ . : @ - w nazwie najemcy)"),
        (["--actor", "-x", "logs"], "błąd: nieprawidłowa nazwa aktora: '-x' (użyj 1-100 liter, "
         "cyfr lub znaków _ . : @ - w nazwie aktora)"),
        (["logs", "write", "gateway_stripe", "--level", "info", "--operation", "o", "--message",
          "m", "--details", "[1]"], "błąd: details musi być obiektem JSON "
         '(np. {"orderId": "o_1"})'),
    ],
)  # fmt: skip
def test_errors_in_polish(cli, args: list[str], line: str) -> None:
    run = pl(cli, *args)
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == line


def test_a_broken_config_file_in_polish(cli, isolation) -> None:
    config = isolation / "config.toml"
    config.write_text('colour = "blue"\n')
    run = cli("logs", env={"MERCATO_INT_LANG": "pl"})
    assert (run.exit_code, run.stderr.splitlines()[0]) == (
        2,
        f"błąd: nieznane klucze w pliku konfiguracyjnym {config}: colour (znane klucze: "
        "database_url, tenant, org, actor, providers_path, lang, current_context, contexts)",
    )
    config.write_text("tenant = \n")
    assert pl(cli, "logs").stderr.startswith(
        f"błąd: nie można odczytać pliku konfiguracyjnego {config}: "
    )
    # the language is chosen from that same file: with no other hint, English, no recursion
    english = cli("logs")
    assert english.stderr.startswith(f"error: cannot read config file {config}: ")
    assert english.stderr.rstrip().endswith("(fix or remove the file)")


def test_json_output_is_the_same_in_polish(cli, tmp_path) -> None:
    write(cli, "--correlation", "evt_1", "--details", '{"a": 1}')
    ingest_old(cli, tmp_path, ["info", "error"])
    cli("settings", "set", "log.retention_days", "14")
    for args in (
        ["logs", "--json"],
        ["logs", "--jsonl"],
        ["logs", "audit", "--json"],
        ["settings", "list", "--json"],
        ["settings", "get", "log.retention_days", "--json"],
        ["db", "current", "--json"],
    ):
        english = cli(*args)
        assert english.exit_code == 0, args
        assert pl(cli, *args).stdout == english.stdout, args

    def without_timings(run) -> dict:
        doc = run.json()
        doc.pop("seconds")
        for tenant in doc["tenants"]:  # cut-offs are "now minus the policy": they move
            tenant.pop("cutoff"), tenant.pop("errorCutoff")
        return doc

    dry_en = without_timings(cli("prune", "--dry-run", "--json"))
    assert without_timings(pl(cli, "prune", "--dry-run", "--json")) == dry_en
    assert dry_en["total"] == 2


def test_counts_group_thousands_the_polish_way() -> None:
    from mercato_int import i18n
    from mercato_int.i18n.areas.logs import counted

    i18n.choose("pl")
    assert [counted("logs.n.entries", n) for n in (1, 3, 12, 22, 12345)] == [
        "1 wpis", "3 wpisy", "12 wpisów", "22 wpisy", "12 345 wpisów"
    ]  # fmt: skip
    i18n.choose("en")
    assert [counted("logs.n.entries", n) for n in (1, 12345)] == ["1 entry", "12,345 entries"]
    i18n.reset()
