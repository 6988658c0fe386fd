"""`enable`, `disable`, `health` and `events` in Polish (`--lang pl`); their `--json` is data and
stays the same whatever the language."""

from __future__ import annotations

SCOPE_PL = "tenant default · organizacja default"
MEDUSA = [
    "sync_medusa_products",
    "sync_medusa_customers",
    "sync_medusa_orders",
    "sync_medusa_inventory",
    "sync_medusa_webhooks",
]


def test_enable_and_disable_in_polish(cli) -> None:
    run = cli("--lang", "pl", "--actor", "alicja", "enable", "sync_medusa")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines() == [
        f"Włączono w {SCOPE_PL} przez alicja (pakiet sync_medusa):",
        *[f"  {i}" for i in MEDUSA],
    ]
    assert run.stderr == (
        "ostrzeżenie: sync_medusa (5 integracji): nie ustawiono wymaganych danych "
        "uwierzytelniających: medusaApiUrl, medusaApiKey, medusaWebhookSecret; ustaw je "
        "poleceniem `mercato-int creds set sync_medusa medusaApiUrl=... medusaApiKey=... "
        "medusaWebhookSecret=...`\n"
    )
    one = cli("--lang", "pl", "enable", "sync_medusa_orders")
    assert one.stdout == f"Już włączone w {SCOPE_PL}: sync_medusa_orders\n"
    assert one.stderr.startswith(
        "ostrzeżenie: sync_medusa_orders (dane uwierzytelniające pakietu sync_medusa): "
    )
    off = cli("--lang", "pl", "disable", "sync_medusa_orders", "gateway_stripe")
    assert off.stdout.splitlines() == [
        f"Wyłączono w {SCOPE_PL} przez tester:",
        "  sync_medusa_orders",
        f"Już wyłączone w {SCOPE_PL}: gateway_stripe",
    ]


def test_json_of_enable_and_events_is_not_translated(cli) -> None:
    english = cli("enable", "gateway_stripe", "--json").json()
    cli("disable", "gateway_stripe")
    polish = cli("--lang", "pl", "enable", "gateway_stripe", "--json").json()
    # the second enable is the row's third change: its version is data, like the ids
    assert (english.pop("versions"), polish.pop("versions")) == (
        {"gateway_stripe": 1},
        {"gateway_stripe": 3},
    )
    for data in (english, polish):
        for e in data["events"]:
            e.pop("id"), e.pop("createdAt")
            e["payload"].pop("enabledAt")
    assert polish == english
    assert polish["missingCredentials"][0]["command"].startswith("mercato-int creds set")
    events_en = cli("events", "--json").stdout
    assert cli("--lang", "pl", "events", "--json").stdout == events_en


def test_events_and_last_changes_in_polish(cli) -> None:
    empty = cli("--lang", "pl", "events")
    assert empty.stdout.splitlines() == [f"Zdarzenia · {SCOPE_PL}", "Brak zdarzeń."]
    cli("--actor", "bob", "enable", "sync_medusa")
    run = cli("--lang", "pl", "events", "--limit", "2")
    lines = run.stdout.splitlines()
    assert lines[0] == f"Zdarzenia · {SCOPE_PL}"
    assert lines[-1] == "ostatnie 2 z 6 · więcej: --limit N"
    bundle = cli("--lang", "pl", "events", "--type", "bundle.enabled").stdout.splitlines()[1]
    assert bundle.endswith(
        "integrations.bundle.enabled  sync_medusa  przez bob  isEnabled: false → true "
        "(5 integracji)"
    )
    show = cli("--lang", "pl", "show", "sync_medusa_orders").stdout
    assert "Ostatnie zmiany:\n" in show
    assert "integrations.integration.enabled  sync_medusa_orders  przez bob" in show
    assert "Ostatnie zmiany: brak" in cli("--lang", "pl", "show", "gateway_stripe").stdout


def test_event_type_errors_in_polish(cli) -> None:
    run = cli("--lang", "pl", "events", "--type", "nope")
    assert run.exit_code == 2
    assert run.stderr.startswith(
        "błąd: nieznany typ zdarzenia 'nope' (użyj jednego z: integrations.integration.enabled, "
    )


def test_health_in_polish_keeps_the_stored_message_english(cli) -> None:
    run = cli("--lang", "pl", "health", "carrier_dhl")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == f"Kontrola stanu · {SCOPE_PL}"
    # the status is translated; the result's message is data, stored in English
    assert lines[1].startswith("· nieskonfigurowana carrier_dhl  –  ")  # nothing measured
    assert lines[1].endswith(
        "required credentials not set: apiKey; set them with "
        "`mercato-int creds set carrier_dhl apiKey=...`"
    )
    assert lines[2] == "1 kontrola stanu: 1 nieskonfigurowana"
    assert run.stderr.splitlines() == [
        f"sprawdzanie: 1 integracja w {SCOPE_PL} (limit czasu 10 s)",
        "[1/1] carrier_dhl: nieskonfigurowana",
    ]
    # `show` uses the same term as the rest of the tool (the glossary's "kontrola stanu")
    shown = cli("--lang", "pl", "show", "carrier_dhl").stdout.splitlines()
    health = [line for line in shown if line.startswith("Kontrola stanu: ")]
    assert len(health) == 1 and health[0].startswith("Kontrola stanu: nieskonfigurowana o ")
    assert "Zdrowie" not in "\n".join(shown)


def test_health_json_and_notes_and_errors(cli) -> None:
    english = cli("health", "carrier_dhl", "--json").json()
    polish = cli("--lang", "pl", "health", "carrier_dhl", "--json").json()
    for data in (english, polish):
        for item in data["items"]:
            for volatile in ("checkedAt", "latencyMs", "correlationId"):
                item.pop(volatile, None)
        data.pop("correlationId", None)
    assert polish == english
    none = cli("--lang", "pl", "health", "--all")
    assert none.exit_code == 0
    assert none.stderr == (
        f"brak włączonych integracji w {SCOPE_PL}; włącz je poleceniem `mercato-int enable ID`\n"
    )
    everywhere = cli("--lang", "pl", "health", "--all-tenants")
    assert everywhere.stderr.startswith("brak włączonych integracji u wszystkich najemców;")
    usage = cli("--lang", "pl", "health")
    assert (usage.exit_code, usage.stderr.splitlines()[0]) == (
        2,
        "błąd: wskaż integracje lub pakiety do sprawdzenia albo użyj --all (np. "
        "`mercato-int health gateway_stripe` lub `mercato-int health --all`)",
    )
    both = cli("--lang", "pl", "health", "carrier_dhl", "--all")
    assert both.stderr.startswith(
        "błąd: podaj identyfikatory integracji albo --all/--all-tenants, nie jedno i drugie"
    )
    slow = cli("--lang", "pl", "health", "carrier_dhl", "--timeout", "0")
    assert slow.stderr.startswith(
        "błąd: --timeout musi wynosić więcej niż 0 i najwyżej 3600 sekund, podano 0"
    )


def test_polish_plural_forms_of_the_health_summary() -> None:
    from mercato_int import i18n

    i18n.choose("pl")
    try:
        assert [i18n.tn("state.health.count.healthy", n) for n in (1, 3, 5, 22)] == [
            "1 sprawna",
            "3 sprawne",
            "5 sprawnych",
            "22 sprawne",
        ]
        assert i18n.tn("state.health.n_checks", 12) == "12 kontroli stanu"
    finally:
        i18n.reset()
