"""Help of the CLI (`--help`) in Polish.

A command's, group's or option's help is keyed by its English text as written in the command
module (`typer.Option(help=...)`, docstrings), so the English stays where it is written and a
changed English text has no translation until one is written here: tests/i18n/
test_help_catalogue.py walks every command and fails on a help text missing below (or on an
entry no command uses any more). `help.*` keys are the framing Typer writes around the help:
usage line (its OPTIONS and COMMAND words), section headings, the `[default: ...; required]` notes.

Terms as in the glossary (and the creds, state and logs areas): credentials = dane
uwierzytelniające, bundle = pakiet, health check = kontrola stanu, scope = zakres, store =
magazyn danych, tenant = najemca, key = klucz.
"""

from typing import Any

# Typer's framing: English as Typer writes it, then Polish.
_FRAMING_EN: dict[str, str] = {
    "help.usage": "Usage: ",
    "help.options_metavar": "[OPTIONS]",
    "help.command_metavar": "COMMAND [ARGS]...",
    "help.arguments": "Arguments",
    "help.options": "Options",
    "help.commands": "Commands",
    "help.required": "required",
    "help.default": "default: {default}",
    "help.env_var": "env var: {var}",
    # click's usage errors (cli/app.py `_usage_message`)
    "help.err.no_such_option": "No such option: {option}",
    "help.err.possible": "(Possible options: {options})",
    "help.err.no_such_command": "No such command {name}.",
    "help.err.did_you_mean": "Did you mean {names}?",
    "help.err.missing_argument": "Missing argument {hint}.",
    "help.err.missing_option": "Missing option {hint}.",
    "help.err.invalid_value": "Invalid value for {hint}: {message}",
}
_FRAMING_PL: dict[str, str] = {
    "help.usage": "Użycie: ",
    "help.options_metavar": "[OPCJE]",
    "help.command_metavar": "POLECENIE [ARGUMENTY]...",
    "help.arguments": "Argumenty",
    "help.options": "Opcje",
    "help.commands": "Polecenia",
    "help.required": "wymagane",
    "help.default": "domyślnie: {default}",
    "help.env_var": "zmienna środowiskowa: {var}",
    "help.err.no_such_option": "nieznana opcja: {option}",
    "help.err.possible": "(możliwe opcje: {options})",
    "help.err.no_such_command": "nieznane polecenie {name}.",
    "help.err.did_you_mean": "Czy chodziło o {names}?",
    "help.err.missing_argument": "brak argumentu {hint}.",
    "help.err.missing_option": "brak opcji {hint}.",
    "help.err.invalid_value": "nieprawidłowa wartość {hint}: {message}",
}

# English help text -> Polish, grouped by command.
TEXTS: dict[str, str] = {
    # the root group, its options and Typer's own (cli/app.py)
    "Operate the integration marketplace: registry, credentials, state, health, logs.": (
        "Obsługa katalogu integracji: rejestr, dane uwierzytelniające, stan, kontrole stanu, logi."
    ),
    "SQLAlchemy URL of the store [env: MERCATO_INT_DATABASE_URL]": (
        "URL SQLAlchemy magazynu danych [env: MERCATO_INT_DATABASE_URL]"
    ),
    "Tenant id [env: MERCATO_INT_TENANT]": "Id najemcy (tenant) [env: MERCATO_INT_TENANT]",
    "Organization id [env: MERCATO_INT_ORG]": "Id organizacji [env: MERCATO_INT_ORG]",
    "Who acts, for audit [env: MERCATO_INT_ACTOR]": (
        "Kto działa, na potrzeby audytu [env: MERCATO_INT_ACTOR]"
    ),
    "Language of messages: en or pl [env: MERCATO_INT_LANG; locale]": (
        "Język komunikatów: en lub pl [env: MERCATO_INT_LANG; ustawienia regionalne]"
    ),
    "Show the version and exit.": "Pokaż wersję i zakończ.",
    "Install completion for the current shell.": "Zainstaluj uzupełnianie dla bieżącej powłoki.",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "Pokaż uzupełnianie dla bieżącej powłoki, aby je skopiować lub dostosować instalację."
    ),
    "Show this message and exit.": "Pokaż tę pomoc i zakończ.",
    # shared by several commands
    "Integration or bundle id.": "Id integracji lub pakietu.",
    "JSON output.": "Wynik w JSON.",
    "Do not ask for confirmation.": "Nie pytaj o potwierdzenie.",
    "Integration id.": "Id integracji.",
    "Correlation id.": "Id korelacji.",
    "Every tenant.": "Każdy najemca.",
    # list, show, validate (cli/catalog.py)
    "Show the marketplace: bundles with their integrations, then standalone integrations.": (
        "Pokaż katalog integracji: pakiety z ich integracjami, potem samodzielne integracje."
    ),
    "Only this category.": "Tylko ta kategoria.",
    "Text in id, title, description or tags.": "Tekst w id, tytule, opisie lub tagach.",
    "Only the integrations of this bundle.": "Tylko integracje tego pakietu.",
    "Only enabled, or only disabled, integrations.": (
        "Tylko włączone albo tylko wyłączone integracje."
    ),
    "JSON: {items, bundles, total}, with analytics.": (
        "Wynik w JSON: {items, bundles, total}, z analityką."
    ),
    "Only this health status, or unchecked.": ("Tylko ten stan zdrowia albo unchecked."),
    "Order by title, category, health or updated.": (
        "Kolejność: title, category, health lub updated."
    ),
    "Descending order.": "Kolejność malejąca.",
    "Show one integration or bundle: definition, credentials schema and state in the scope.": (
        "Pokaż jedną integrację lub pakiet: definicję, schemat danych uwierzytelniających i stan "
        "w zakresie."
    ),
    "Check every provider; list each problem with file, id, field and what to change.\n\n"
    "Exit 0 when clean, 1 on any problem. Does not open the store.": (
        "Sprawdź każdego dostawcę; wypisz każdy problem z plikiem, id, polem i tym, co zmienić."
        "\n\nKod wyjścia 0, gdy wszystko w porządku, 1 przy jakimkolwiek problemie. "
        "Nie otwiera magazynu danych."
    ),
    "JSON: {ok, integrations, bundles, problems}.": (
        "Wynik w JSON: {ok, integrations, bundles, problems}."
    ),
    # enable, disable
    "Enable integrations in the scope; a bundle id enables all of its integrations.\n\n"
    "Records who and when, and one audit event per change. Missing required credentials do\n"
    "not stop it: a warning names the `creds set` command that sets them.": (
        "Włącz integracje w zakresie; id pakietu włącza wszystkie jego integracje.\n\n"
        "Zapisuje, kto i kiedy, oraz jedno zdarzenie audytu na każdą zmianę. Brak wymaganych "
        "danych uwierzytelniających nie przeszkadza: ostrzeżenie podaje polecenie `creds set`, "
        "które je ustawia."
    ),
    "Disable integrations in the scope; a bundle id disables all of its integrations.": (
        "Wyłącz integracje w zakresie; id pakietu wyłącza wszystkie jego integracje."
    ),
    "Integration or bundle ids (a bundle means all its integrations).": (
        "Id integracji lub pakietów (pakiet oznacza wszystkie jego integracje)."
    ),
    "JSON: {scope, actor, changed, unchanged, events, ...}.": (
        "Wynik w JSON: {scope, actor, changed, unchanged, events, ...}."
    ),
    # events
    "List the lifecycle events of the scope, oldest first: who changed what, and when.": (
        "Wypisz zdarzenia cyklu życia w zakresie, od najstarszych: kto co zmienił i kiedy."
    ),
    "Only this type (repeatable), e.g. integration.enabled.": (
        "Tylko ten typ (można powtarzać), np. integration.enabled."
    ),
    "ISO 8601 time or an age such as 90s, 15m, 2h, 7d.": (
        "Czas w ISO 8601 albo okres wstecz, np. 90s, 15m, 2h, 7d."
    ),
    "Show the last N.": "Pokaż ostatnie N.",
    "Keep printing new events (Ctrl-C stops).": (
        "Wypisuj na bieżąco nowe zdarzenia (Ctrl-C kończy)."
    ),
    "JSON: {items, total}; with -f one event per line.": (
        "Wynik w JSON: {items, total}; z -f jedno zdarzenie na wiersz."
    ),
    # health
    "Run health checks now: store, log and emit each result; exit 1 if any is unhealthy.\n\n"
    "Each result goes on the state, into the operation log as `health.check` and out as the\n"
    "event `integrations.health.checked`. A check that raises or outlives --timeout is\n"
    "unhealthy with the reason. Progress goes to stderr. Credentials that cannot be decrypted\n"
    "are that item's error: the other checks still run, and the exit is 5 at the end.": (
        "Uruchom teraz kontrole stanu: zapisz, zaloguj i roześlij każdy wynik; kod wyjścia 1, "
        "jeśli któraś integracja jest niesprawna.\n\n"
        "Każdy wynik trafia do stanu, do logu operacji jako `health.check` i na zewnątrz jako "
        "zdarzenie `integrations.health.checked`. Kontrola, która zgłosi wyjątek lub potrwa "
        "dłużej niż --timeout, daje wynik „niesprawna” z podaniem przyczyny. "
        "Postęp trafia na stderr. Dane uwierzytelniające, których nie da się odszyfrować, są "
        "błędem tylko tej pozycji: pozostałe kontrole i tak się wykonują, a na końcu kod "
        "wyjścia to 5."
    ),
    "Integrations or bundles to check (a bundle's check runs once).": (
        "Integracje lub pakiety do sprawdzenia (kontrola pakietu uruchamia się raz)."
    ),
    "Every enabled integration in the scope.": "Każda włączona integracja w zakresie.",
    "Every enabled integration of every tenant (cron).": (
        "Każda włączona integracja każdego najemcy (cron)."
    ),
    "Cut each check after this.": "Przerwij każdą kontrolę po tym czasie.",
    "Checks running at once.": "Liczba kontroli wykonywanych naraz.",
    "JSON: {items, total, counts}.": "Wynik w JSON: {items, total, counts}.",
    # prune
    "Delete expired log entries by each tenant's retention policy (for cron).\n\n"
    "Policy: 30 days, 90 for the error level, unless `settings set` says otherwise.\n\n"
    "Built for cron: batched, safe beside writers and other prunes, idempotent; one summary\n"
    "line; exit 1 on any failure.": (
        "Usuń przeterminowane wpisy logu według zasad przechowywania każdego najemcy "
        "(dla crona).\n\n"
        "Zasady: 30 dni, 90 dla poziomu error, chyba że `settings set` mówi inaczej.\n\n"
        "Zbudowane dla crona: partiami, bezpieczne obok zapisów i innych czyszczeń, "
        "idempotentne; jeden wiersz podsumowania; kod wyjścia 1 przy jakimkolwiek błędzie."
    ),
    "Every tenant, each by its own policy.": "Każdy najemca, każdy według własnych zasad.",
    "Report what would go; delete nothing.": "Pokaż, co zostałoby usunięte; nic nie usuwaj.",
    "One age for all levels instead of the policy: 7d.": (
        "Jeden próg wieku wpisów dla wszystkich poziomów zamiast zasad, np. 7d."
    ),
    "JSON summary.": "Podsumowanie w JSON.",
    # scaffold
    "Write a new provider: integration.py, a health check and a pytest test for it.\n\n"
    "Refuses to overwrite an existing folder. Exit 2 on a bad name, field or URL.": (
        "Utwórz nowego dostawcę: integration.py, kontrolę stanu i test pytest do niej.\n\n"
        "Nie nadpisuje istniejącego folderu. Kod wyjścia 2 przy błędnej nazwie, polu lub URL-u."
    ),
    "Id of the new integration (or bundle), e.g. crm_acme.": (
        "Id nowej integracji (lub pakietu), np. crm_acme."
    ),
    "Title shown in the marketplace.": "Tytuł widoczny w katalogu integracji.",
    "Category, snake_case (payment, data_sync, ...).": (
        "Kategoria w snake_case (payment, data_sync, ...)."
    ),
    "Hub, snake_case (payment_gateways, ...).": "Hub w snake_case (payment_gateways, ...).",
    "A credentials field; repeat. TYPE: text, secret, url, boolean, select=a,b. "
    "Default: apiKey:secret:required.": (
        "Pole danych uwierzytelniających; można powtarzać. TYPE: text, secret, url, boolean, "
        "select=a,b. Domyślnie: apiKey:secret:required."
    ),
    "URL the health check GETs; {key} is replaced by that credential. "
    "Default: the value of the first url field.": (
        "URL, który kontrola stanu pobiera (GET); {key} zostaje zastąpione wartością tego "
        "pola danych uwierzytelniających. Domyślnie: wartość pierwszego pola typu url."
    ),
    "Folder to create the provider in.": "Folder, w którym powstanie dostawca.",
    "Write a bundle with shared credentials.": (
        "Utwórz pakiet ze wspólnymi danymi uwierzytelniającymi."
    ),
    "An integration of the bundle; repeat.": "Integracja pakietu; można powtarzać.",
    "JSON: {folder, files, ids, test}.": "Wynik w JSON: {folder, files, ids, test}.",
    # tui
    "Open the interactive marketplace: bundles, integrations, credentials, health, logs.": (
        "Otwórz interaktywny katalog integracji: pakiety, integracje, dane uwierzytelniające, "
        "stan, logi."
    ),
    # acl
    "Access control per tenant: roles (admin, employee) and features.": (
        "Kontrola dostępu dla każdego najemcy: role (admin, employee) i funkcje."
    ),
    "Give ACTOR a role or a feature in the tenant. The first grant starts the tenant's policy\n"
    "and must include integrations.manage.": (
        "Nadaj aktorowi ACTOR rolę lub funkcję u najemcy. Pierwsze nadanie zakłada zasady "
        "dostępu najemcy i musi obejmować integrations.manage."
    ),
    "Who gets or loses the grant.": "Kto otrzymuje lub traci uprawnienie.",
    "admin, employee, or integrations.view|manage|credentials.": (
        "admin, employee lub integrations.view|manage|credentials."
    ),
    "Take a role or feature away from ACTOR. Revoking every grant removes the policy.": (
        "Odbierz aktorowi ACTOR rolę lub funkcję. Odebranie wszystkich uprawnień usuwa zasady "
        "dostępu."
    ),
    "Show the tenant's grants, or that it has no policy (everything allowed).": (
        "Pokaż uprawnienia najemcy albo to, że nie ma zasad dostępu (wszystko dozwolone)."
    ),
    "JSON: {scope, policy, grants, roles, features}.": (
        "Wynik w JSON: {scope, policy, grants, roles, features}."
    ),
    # creds
    "Credentials: encrypted at rest, masked on read, shared by a bundle's integrations.": (
        "Dane uwierzytelniające: szyfrowane w spoczynku, maskowane przy odczycie, wspólne dla "
        "integracji pakietu."
    ),
    "Set credentials: checked against the field schema, merged with the stored values,\n"
    "encrypted before they reach the store.": (
        "Ustaw dane uwierzytelniające: sprawdzane względem schematu pól, scalane z zapisanymi "
        "wartościami i szyfrowane, zanim trafią do magazynu danych."
    ),
    "KEY=VALUE, KEY=@FILE (value from a file), KEY=- (value from stdin), KEY= (clear the field).": (
        "KEY=VALUE, KEY=@FILE (wartość z pliku), KEY=- (wartość ze stdin), KEY= (wyczyść pole)."
    ),
    "Ask for each field; secrets are typed hidden.": (
        "Pytaj o każde pole; sekrety wpisuje się niewidocznie."
    ),
    "Save only if the stored credentials are still at version V (`creds get --json` shows it; "
    "0: none stored yet); exit 1 if they changed.": (
        "Zapisz tylko wtedy, gdy zapisane dane uwierzytelniające są nadal w wersji V (pokazuje "
        "ją `creds get --json`; 0: jeszcze nic nie zapisano); kod wyjścia 1, jeśli się zmieniły."
    ),
    "Show the credentials that apply (own, else the bundle's), secrets masked.": (
        "Pokaż obowiązujące dane uwierzytelniające (własne, a gdy ich brak, pakietu), "
        "z zamaskowanymi sekretami."
    ),
    "JSON: {integrationId, credentials, secretFieldsConfigured, source, updatedAt, version}.": (
        "Wynik w JSON: {integrationId, credentials, secretFieldsConfigured, source, updatedAt, "
        "version}."
    ),
    "Show secrets in plaintext (recorded in the audit trail).": (
        "Pokaż sekrety jawnym tekstem (odnotowane w śladzie audytu)."
    ),
    "Per field: where the effective value comes from (own row, bundle row, unset).": (
        "Dla każdego pola: skąd pochodzi obowiązująca wartość (własny wiersz, wiersz pakietu, "
        "nieustawiona)."
    ),
    "JSON: {integrationId, scope, fields: [...]}.": (
        "Wynik w JSON: {integrationId, scope, fields: [...]}."
    ),
    "Remove stored credentials (hard delete); asks first unless --yes.": (
        "Usuń zapisane dane uwierzytelniające (trwale); najpierw pyta, chyba że podano --yes."
    ),
    # db
    "The store's schema: upgrade it, or show where it stands.": (
        "Schemat magazynu danych: zaktualizuj go lub pokaż, w jakim jest stanie."
    ),
    "Show the store's schema revision and the one this mercato-int needs.": (
        "Pokaż rewizję schematu magazynu danych i tę, której wymaga mercato-int."
    ),
    "Create or migrate the store's schema to the newest revision.": (
        "Utwórz schemat magazynu danych lub zmigruj go do najnowszej rewizji."
    ),
    # keys
    "Master keys: which is active, which rows use which, rotation, backup.": (
        "Klucze główne: który jest aktywny, które wiersze używają którego, rotacja, kopia zapasowa."
    ),
    "The active key and where it came from, every key in use with its row count, and rows\n"
    "that no available key opens (exit 5 if there are any).": (
        "Aktywny klucz i jego pochodzenie, każdy używany klucz z liczbą wierszy oraz wiersze, "
        "których nie otwiera żaden dostępny klucz (kod wyjścia 5, jeśli takie są)."
    ),
    "JSON: {activeKeyId, activeKeySource, keys, unreadable, unreadableRows, totalRows, "
    "lookedIn, verified, damaged}.": (
        "Wynik w JSON: {activeKeyId, activeKeySource, keys, unreadable, unreadableRows, "
        "totalRows, lookedIn, verified, damaged}."
    ),
    "Also decrypt every row to find altered or moved ones.": (
        "Odszyfruj też każdy wiersz, aby znaleźć zmienione lub przeniesione."
    ),
    "Make a new master key active and re-encrypt every row under it, in batches (each its\n"
    "own transaction). Interrupted and run again, it finishes the same rotation.": (
        "Aktywuj nowy klucz główny i zaszyfruj nim ponownie każdy wiersz, partiami (każda we "
        "własnej transakcji). Przerwana i uruchomiona ponownie, kończy tę samą rotację."
    ),
    "Rows per transaction.": "Liczba wierszy na transakcję.",
    "Remove an old key that no row uses any more (refused while any row of this store\n"
    "does, or another store sharing the key source is recorded as using it).": (
        "Usuń stary klucz, którego nie używa już żaden wiersz (odmowa, dopóki używa go "
        "którykolwiek wiersz tego magazynu danych albo inny magazyn danych korzystający z tego "
        "samego miejsca kluczy jest zapisany jako jego użytkownik)."
    ),
    "The key id (see `keys status`).": "Id klucza (zob. `keys status`).",
    "Back up every master key this host can read into FILE, encrypted under a passphrase\n"
    "(scrypt and AES-256-GCM), mode 0600.": (
        "Zapisz kopię zapasową każdego klucza głównego, który ten host może odczytać, do pliku "
        "FILE, zaszyfrowaną hasłem (scrypt i AES-256-GCM), z uprawnieniami 0600."
    ),
    "The file to write (never replaced).": "Plik do zapisania (nigdy nie jest zastępowany).",
    "Read the passphrase from this file (its first line); else $MERCATO_INT_KEYS_PASSPHRASE; "
    "else it is asked for on the terminal.": (
        "Odczytaj hasło z tego pliku (jego pierwszy wiersz); w przeciwnym razie z "
        "$MERCATO_INT_KEYS_PASSPHRASE; w przeciwnym razie zapytaj o nie w terminalu."
    ),
    "Add the master keys of an export FILE beside this host's keys (none is replaced; the\n"
    "active key stays active). A wrong passphrase or an altered file imports nothing (exit 5).": (
        "Dodaj klucze główne z pliku eksportu FILE obok kluczy tego hosta (żaden nie jest "
        "zastępowany; aktywny klucz pozostaje aktywny). Błędne hasło lub zmieniony plik nie "
        "importuje niczego (kod wyjścia 5)."
    ),
    "A file written by `keys export`.": "Plik zapisany przez `keys export`.",
    "Drop it even though another store sharing the key source is recorded as using it (its "
    "rows under the key can then never be read).": (
        "Usuń go, choć inny magazyn danych korzystający z tego samego miejsca kluczy jest "
        "zapisany jako jego użytkownik (jego wierszy zaszyfrowanych tym kluczem nie da się "
        "wtedy odczytać)."
    ),
    # logs
    "Operation logs: `logs [ID] [filters]` shows them (see `logs show --help`).": (
        "Logi operacji: `logs [ID] [filtry]` je pokazuje (więcej w `logs show --help`)."
    ),
    "(default) Show log entries of the scope, newest first; -f follows new ones.": (
        "(domyślne) Pokaż wpisy logu w zakresie, od najnowszych; -f śledzi nowe."
    ),
    "Integration id (default: all).": "Id integracji (domyślnie: wszystkie).",
    "Exactly this level.": "Dokładnie ten poziom.",
    "This level or above.": "Ten poziom lub wyższy.",
    "Operation, exact or a glob like sync.import.*": (
        "Operacja, dokładnie albo wzorzec glob, np. sync.import.*"
    ),
    "ISO 8601 or an age: 90s, 15m, 2h, 7d.": "ISO 8601 albo okres wstecz: 90s, 15m, 2h, 7d.",
    "Text in the message.": "Tekst w treści wpisu.",
    "Page size (default 50).": "Rozmiar strony (domyślnie 50).",
    "Skip this many entries.": "Pomiń tyle wpisów.",
    "Continue after a previous page (deep pages).": (
        "Kontynuuj po poprzedniej stronie (dalekie strony)."
    ),
    "Keep printing new entries (Ctrl-C stops).": "Wypisuj na bieżąco nowe wpisy (Ctrl-C kończy).",
    "Expand details.": "Rozwiń szczegóły.",
    "{items, total}.": "JSON: {items, total}.",
    "One entry a line.": "Jeden wpis na wiersz.",
    "Write one log entry (secrets are stripped and masked before it is stored).": (
        "Zapisz jeden wpis logu (sekrety są usuwane i maskowane przed zapisem)."
    ),
    "debug, info, warning or error.": "debug, info, warning lub error.",
    "e.g. sync.import or webhook.received.": "np. sync.import lub webhook.received.",
    "Human-readable summary.": "Podsumowanie czytelne dla człowieka.",
    "A JSON object.": "Obiekt JSON.",
    "Write entries from JSON lines (camelCase fields as `logs --jsonl` prints them, an\n"
    "optional createdAt), batched, in the command's scope. Exit 1 if any line was rejected.": (
        "Zapisz wpisy z wierszy JSON (pola camelCase, tak jak wypisuje je `logs --jsonl`, "
        "opcjonalnie createdAt), partiami, w zakresie polecenia. Kod wyjścia 1, jeśli "
        "odrzucono którykolwiek wiersz."
    ),
    "JSON lines (- = stdin).": "Wiersze JSON (- = stdin).",
    "Scan stored entries for current secret values; exit 1 if any is found.": (
        "Przeszukaj zapisane wpisy pod kątem bieżących wartości sekretów; kod wyjścia 1, jeśli "
        "któraś się znajdzie."
    ),
    # settings
    "Per-tenant settings, such as how long logs are kept (`settings list`).": (
        "Ustawienia każdego najemcy, takie jak czas przechowywania logów (`settings list`)."
    ),
    "Every setting of the scope with its value (or default).": (
        "Każde ustawienie zakresu z jego wartością (lub domyślną)."
    ),
    "One setting's value in the scope (the bare value, for scripts).": (
        "Wartość jednego ustawienia w zakresie (sama wartość, dla skryptów)."
    ),
    "e.g. log.retention_days": "np. log.retention_days",
    "Set a setting for the scope (validated: retention days are 1-3650).\n\n"
    "Warns when error entries would be kept for less time than the other levels.": (
        "Ustaw wartość ustawienia w zakresie (ze sprawdzeniem: dni przechowywania to 1-3650).\n\n"
        "Ostrzega, gdy wpisy błędów byłyby przechowywane krócej niż pozostałe poziomy."
    ),
    "Remove the scope's value of a setting: its default applies again.": (
        "Usuń wartość ustawienia w zakresie: znów obowiązuje domyślna."
    ),
    "e.g. 14": "np. 14",
}

EN: dict[str, Any] = {**_FRAMING_EN, **{text: text for text in TEXTS}}
PL: dict[str, Any] = {**_FRAMING_PL, **TEXTS}
