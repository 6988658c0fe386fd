"""Messages of the `logs` area: `logs` (timeline, write, ingest, audit), `prune`, `settings`,
`db`, times and ages, and the store, settings and config-file errors. Same keys and
placeholders in EN and PL (tested). Counts arrive formatted (`{count}`), see `cli/logs.py`."""

from typing import Any

EN: dict[str, Any] = {
    # counts (plural forms; `count` is the number already formatted)
    "logs.n.entries": {"one": "{count} entry", "other": "{count} entries"},
    "logs.n.log_entries": {"one": "{count} log entry", "other": "{count} log entries"},
    "logs.n.lines": {"one": "{count} line", "other": "{count} lines"},
    "logs.n.findings": {"one": "{count} finding", "other": "{count} findings"},
    "logs.n.tenants": {"one": "{count} tenant", "other": "{count} tenants"},
    # `logs` timeline
    "logs.correlation": "Correlation: {id}",
    "logs.duration": "Duration: {ms}ms",
    "logs.entity": "Entity: {type} {id}",
    "logs.details_open": "▾ Details",
    "logs.details_closed": "▸ Details",
    "logs.showing": {
        "one": "── Showing {shown} of {total} entry · {scope} ──",
        "other": "── Showing {shown} of {total} entries · {scope} ──",
    },
    "logs.next_page": "next page: --cursor {cursor}",
    "logs.following": "following logs of {scope} (Ctrl-C stops)",
    "logs.exclusive": "{first} and {second} exclude each other",
    "logs.pick_one": "pick one",
    "logs.follow_stream": "--follow prints a stream",
    "logs.follow_stream_hint": "use --jsonl with --follow",
    # `logs write` / `logs ingest` / `logs audit`
    "logs.details_not_json": "--details is not valid JSON: {error}",
    "logs.details_not_json_hint": "give an object",
    "logs.logged": "logged {level} {operation} for {integration} in {scope}",
    "logs.ingested": "ingested {entries} into {scope}; rejected {lines}",
    "logs.cannot_read": "cannot read {source}: {reason}",
    "logs.ingesting": "ingesting {name}",
    "logs.line": "line {number}: {reason}",
    "logs.more_rejected": {
        "one": "... and {count} more rejected line",
        "other": "... and {count} more rejected lines",
    },
    "logs.audit.secret": "secret in {where}: entry {entry} ({integration}, {scope}, {created})",
    "logs.audit.summary": "audit of {where}: {scanned} scanned, {verdict}",
    "logs.audit.all_tenants": "all tenants",
    "logs.audit.clean": "clean",
    # `logs ingest` lines (services/log_ingest.py) and entry checks (services/log_writer.py)
    "logs.ingest.not_json": "not JSON ({error} at column {column})",
    "logs.ingest.not_object": "not a JSON object",
    "logs.ingest.missing": "missing {fields}",
    "logs.ingest.other_scope": "{name} {value!r} is not the command's scope ({scope})",
    "logs.ingest.created_at": "createdAt must be an ISO 8601 string",
    "logs.unknown_level": "unknown level {level!r}",
    "logs.unknown_level_hint": "use one of {levels}",
    "logs.bad_operation": "operation must be a non-empty string",
    "logs.bad_operation_hint": "e.g. {example}",
    "logs.bad_message": "message must be a string",
    "logs.bad_details": "details must be a JSON object",
    "logs.bad_details_hint": "e.g. {example}",
    "logs.bad_duration": "durationMs must be a non-negative integer, not {value!r}",
    "logs.too_long": "{name} must be a string of at most {limit} characters",
    "logs.no_time_zone": "createdAt needs a time zone",
    "logs.no_time_zone_hint": "e.g. {example}",
    "logs.write_failed": "could not write {entries}: {reason}",
    "logs.write_failed_hint": "they stay buffered; check the store",
    "logs.lost_store": "lost the store while following: {reason}",
    "logs.bad_cursor": "not a log cursor: {cursor!r}",
    "logs.bad_cursor_hint": "pass the cursor a previous page returned",
    "logs.bad_limit": "limit must be between 1 and {maximum}, not {limit}",
    "logs.bad_offset": "offset must not be negative, not {offset}",
    # times and ages (when.py)
    "logs.when.not_age": "not an age: {text!r}",
    "logs.when.age_hint": "use e.g. 90s, 15m, 2h, 7d, 2w or 1h30m",
    "logs.when.too_large": "age too large: {text!r}",
    "logs.when.too_large_hint": "use at most a few years",
    "logs.when.not_positive": "age must be positive: {text!r}",
    "logs.when.empty": "empty time",
    "logs.when.not_time": "not a time or age: {text!r}",
    "logs.when.time_hint": "use an age like 90s, 15m, 2h, 7d, 2w or an ISO 8601 time like "
    "2026-02-24T00:00:00Z",
    # `prune`
    "logs.prune.nothing": "nothing",
    "logs.prune.tenant_dry": "{scope}: would prune {total} ({levels})",
    "logs.prune.dry_run": "dry run: would prune {entries} in {where} ({levels})",
    "logs.prune.done": "pruned {entries} in {where} ({levels}){tail}",
    "logs.prune.reclaimed": "; space reclaimed ({reclaimed})",
    "logs.prune.failed": "prune failed for {scope}: {error}",
    "logs.prune.reclaim_failed": "reclaiming space failed: {error}",
    # `settings`
    "logs.settings.title": "settings of {scope}",
    "logs.settings.line": "  {name} = {value}  ({origin}; {help})",
    "logs.settings.default": "default",
    "logs.settings.set_by": "set by {actor}",
    "logs.settings.stored": "{name} = {value} for {scope}",
    "logs.settings.unset": "{name} = {value} (the default) for {scope}",
    "logs.settings.errors_shorter": "error entries would now be kept {errors} days, fewer than "
    "the {general} days of every other level: prune deletes errors first",
    "logs.setting.log.retention_days": "days to keep log entries below error",
    "logs.setting.log.error_retention_days": "days to keep error entries",
    "logs.settings.not_days": "{name} must be a whole number of days, not {raw!r}",
    "logs.settings.not_days_hint": "use {minimum}-{maximum}",
    "logs.settings.out_of_range": "{name} must be between {minimum} and {maximum}, not {value}",
    "logs.settings.out_of_range_hint": "use {minimum}-{maximum} days",
    "logs.settings.unknown": "no setting {name!r}",
    "logs.settings.unknown_hint": "known settings: {known}",
    # `db` and the store (store/engine.py, store/migrate.py)
    "logs.db.current": "{url}: revision {current} (head {head}, {state})",
    "logs.db.none": "none",
    "logs.db.up_to_date": "up to date",
    "logs.db.behind": "behind: run `mercato-int db upgrade`",
    "logs.db.already": "{url}: already at {head}",
    "logs.db.upgraded": "{url}: upgraded {before} → {after}",
    "logs.db.empty_store": "empty store",
    "logs.store.bad_url": "not a database URL: {url!r}",
    "logs.store.bad_url_hint": "use e.g. sqlite:///path/to.db or postgresql://user@host/db",
    "logs.store.no_folder": "cannot create the folder of the SQLite store {folder}: {reason}",
    "logs.store.no_folder_hint": "check --db / MERCATO_INT_DATABASE_URL or MERCATO_INT_HOME",
    "logs.store.unusable_url": "cannot use database URL {url!r}: {reason}",
    "logs.store.behind": "the store at {url} has schema revision {revision}, expected {head}",
    "logs.store.behind_hint": "run `mercato-int db upgrade`",
    "logs.store.unreachable": "cannot reach the store at {url}: {reason}",
    "logs.store.unreachable_hint": "check --db / MERCATO_INT_DATABASE_URL and that the server "
    "is running",
    "logs.store.migration_failed": "migration failed: {reason}",
    "logs.store.migration_failed_hint": "see `mercato-int db current`",
    # settings.py / config_file.py
    "logs.id.tenant": "tenant",
    "logs.id.org": "org",
    "logs.id.actor": "actor",
    "logs.id.invalid": "invalid {what} {value!r}",
    "logs.id.invalid_hint": "use 1-100 letters, digits or _ . : @ - for the {what}",
    "logs.config.unreadable": "cannot read config file {path}: {error}",
    "logs.config.unreadable_hint": "fix or remove the file",
    "logs.config.unknown_keys": "unknown key(s) {keys} in config file {path}",
    "logs.config.unknown_keys_hint": "known keys: {known}",
    "logs.config.not_string": "config key {name!r} in {path} must be a string",
}

PL: dict[str, Any] = {
    # liczebniki (formy mnogie; `count` to liczba już sformatowana)
    "logs.n.entries": {"one": "{count} wpis", "few": "{count} wpisy", "many": "{count} wpisów"},
    # dopełniacz po przeczeniu: „nie udało się zapisać 1 wpisu logu”
    "logs.n.log_entries": {
        "one": "{count} wpisu logu",
        "few": "{count} wpisów logu",
        "many": "{count} wpisów logu",
    },
    "logs.n.lines": {"one": "{count} wiersz", "few": "{count} wiersze", "many": "{count} wierszy"},
    "logs.n.findings": {
        "one": "{count} znalezisko",
        "few": "{count} znaleziska",
        "many": "{count} znalezisk",
    },
    # miejscownik: „w 1 najemcy”, „w 2 najemcach”
    "logs.n.tenants": {
        "one": "{count} najemcy",
        "few": "{count} najemcach",
        "many": "{count} najemcach",
    },
    # oś czasu `logs`
    "logs.correlation": "Korelacja: {id}",
    "logs.duration": "Czas trwania: {ms} ms",
    "logs.entity": "Obiekt: {type} {id}",
    "logs.details_open": "▾ Szczegóły",
    "logs.details_closed": "▸ Szczegóły",
    # dopełniacz po „z”: z 1 wpisu, z 3 wpisów
    "logs.showing": {
        "one": "── Pokazano {shown} z {total} wpisu · {scope} ──",
        "few": "── Pokazano {shown} z {total} wpisów · {scope} ──",
        "many": "── Pokazano {shown} z {total} wpisów · {scope} ──",
    },
    "logs.next_page": "następna strona: --cursor {cursor}",
    "logs.following": "śledzenie logów w {scope} (Ctrl-C kończy)",
    "logs.exclusive": "{first} i {second} wykluczają się nawzajem",
    "logs.pick_one": "wybierz jedno",
    "logs.follow_stream": "--follow wypisuje strumień",
    "logs.follow_stream_hint": "użyj --jsonl razem z --follow",
    # `logs write` / `logs ingest` / `logs audit`
    "logs.details_not_json": "--details to niepoprawny JSON: {error}",
    "logs.details_not_json_hint": "podaj obiekt",
    "logs.logged": "zapisano wpis {level} {operation} dla {integration} w {scope}",
    "logs.ingested": "wczytano {entries} do {scope}; odrzucono {lines}",
    "logs.cannot_read": "nie można odczytać {source}: {reason}",
    "logs.ingesting": "wczytywanie {name}",
    "logs.line": "wiersz {number}: {reason}",
    "logs.more_rejected": {
        "one": "... i jeszcze {count} odrzucony wiersz",
        "few": "... i jeszcze {count} odrzucone wiersze",
        "many": "... i jeszcze {count} odrzuconych wierszy",
    },
    "logs.audit.secret": "sekret w {where}: wpis {entry} ({integration}, {scope}, {created})",
    "logs.audit.summary": "audyt {where}: sprawdzono {scanned}, {verdict}",
    "logs.audit.all_tenants": "wszystkich najemców",
    "logs.audit.clean": "bez znalezisk",
    # wiersze `logs ingest` i sprawdzanie wpisów
    "logs.ingest.not_json": "to nie jest JSON ({error}, kolumna {column})",
    "logs.ingest.not_object": "to nie jest obiekt JSON",
    "logs.ingest.missing": "brak pól: {fields}",
    "logs.ingest.other_scope": "{name} {value!r} nie jest zakresem polecenia ({scope})",
    "logs.ingest.created_at": "createdAt musi być napisem w formacie ISO 8601",
    "logs.unknown_level": "nieznany poziom {level!r}",
    "logs.unknown_level_hint": "użyj jednego z: {levels}",
    "logs.bad_operation": "operation musi być niepustym napisem",
    "logs.bad_operation_hint": "np. {example}",
    "logs.bad_message": "message musi być napisem",
    "logs.bad_details": "details musi być obiektem JSON",
    "logs.bad_details_hint": "np. {example}",
    "logs.bad_duration": "durationMs musi być nieujemną liczbą całkowitą, a nie {value!r}",
    "logs.too_long": "{name} musi być napisem o długości najwyżej {limit} znaków",
    "logs.no_time_zone": "createdAt wymaga strefy czasowej",
    "logs.no_time_zone_hint": "np. {example}",
    "logs.write_failed": "nie udało się zapisać {entries}: {reason}",
    "logs.write_failed_hint": "zostają w buforze; sprawdź magazyn danych",
    "logs.lost_store": "utracono magazyn danych podczas śledzenia: {reason}",
    "logs.bad_cursor": "to nie jest kursor logów: {cursor!r}",
    "logs.bad_cursor_hint": "podaj kursor zwrócony przez poprzednią stronę",
    "logs.bad_limit": "limit musi wynosić od 1 do {maximum}, a nie {limit}",
    "logs.bad_offset": "offset nie może być ujemny, a jest {offset}",
    # czas i okresy (when.py)
    "logs.when.not_age": "to nie jest okres: {text!r}",
    "logs.when.age_hint": "użyj np. 90s, 15m, 2h, 7d, 2w lub 1h30m",
    "logs.when.too_large": "za długi okres: {text!r}",
    "logs.when.too_large_hint": "użyj najwyżej kilku lat",
    "logs.when.not_positive": "okres musi być dodatni: {text!r}",
    "logs.when.empty": "pusty czas",
    "logs.when.not_time": "to nie jest ani czas, ani okres: {text!r}",
    "logs.when.time_hint": "podaj okres, np. 90s, 15m, 2h, 7d, 2w, albo czas ISO 8601, np. "
    "2026-02-24T00:00:00Z",
    # `prune`
    "logs.prune.nothing": "nic",
    "logs.prune.tenant_dry": "{scope}: do usunięcia {total} ({levels})",
    "logs.prune.dry_run": "próba na sucho: do usunięcia {entries} w {where} ({levels})",
    "logs.prune.done": "usunięto {entries} w {where} ({levels}){tail}",
    "logs.prune.reclaimed": "; odzyskano miejsce ({reclaimed})",
    "logs.prune.failed": "usuwanie nie powiodło się w {scope}: {error}",
    "logs.prune.reclaim_failed": "odzyskiwanie miejsca nie powiodło się: {error}",
    # `settings`
    "logs.settings.title": "ustawienia w {scope}",
    "logs.settings.line": "  {name} = {value}  ({origin}; {help})",
    "logs.settings.default": "domyślne",
    "logs.settings.set_by": "ustawione przez {actor}",
    "logs.settings.stored": "{name} = {value} w {scope}",
    "logs.settings.unset": "{name} = {value} (domyślne) w {scope}",
    "logs.settings.errors_shorter": "wpisy błędów będą teraz przechowywane {errors} dni, krócej "
    "niż {general} dni pozostałych poziomów: prune usunie błędy najpierw",
    "logs.setting.log.retention_days": "ile dni przechowywać wpisy logu poniżej poziomu error",
    "logs.setting.log.error_retention_days": "ile dni przechowywać wpisy poziomu error",
    "logs.settings.not_days": "{name} musi być całkowitą liczbą dni, a nie {raw!r}",
    "logs.settings.not_days_hint": "użyj {minimum}-{maximum}",
    "logs.settings.out_of_range": "{name} musi wynosić od {minimum} do {maximum}, a nie {value}",
    "logs.settings.out_of_range_hint": "użyj {minimum}-{maximum} dni",
    "logs.settings.unknown": "nie ma ustawienia {name!r}",
    "logs.settings.unknown_hint": "znane ustawienia: {known}",
    # `db` i magazyn danych
    "logs.db.current": "{url}: rewizja {current} (najnowsza {head}, {state})",
    "logs.db.none": "brak",
    "logs.db.up_to_date": "aktualna",
    "logs.db.behind": "nieaktualna: uruchom `mercato-int db upgrade`",
    "logs.db.already": "{url}: już w rewizji {head}",
    "logs.db.upgraded": "{url}: zaktualizowano {before} → {after}",
    "logs.db.empty_store": "pusty magazyn danych",
    "logs.store.bad_url": "to nie jest URL bazy danych: {url!r}",
    "logs.store.bad_url_hint": "użyj np. sqlite:///sciezka/do.db lub postgresql://user@host/db",
    "logs.store.no_folder": "nie można utworzyć folderu magazynu danych SQLite {folder}: {reason}",
    "logs.store.no_folder_hint": "sprawdź --db / MERCATO_INT_DATABASE_URL lub MERCATO_INT_HOME",
    "logs.store.unusable_url": "nie można użyć URL bazy danych {url!r}: {reason}",
    "logs.store.behind": "magazyn danych pod {url} ma rewizję schematu {revision}, "
    "oczekiwano {head}",
    "logs.store.behind_hint": "uruchom `mercato-int db upgrade`",
    "logs.store.unreachable": "nie można połączyć się z magazynem danych pod {url}: {reason}",
    "logs.store.unreachable_hint": "sprawdź --db / MERCATO_INT_DATABASE_URL i czy serwer działa",
    "logs.store.migration_failed": "migracja nie powiodła się: {reason}",
    "logs.store.migration_failed_hint": "zobacz `mercato-int db current`",
    # settings.py / config_file.py (dopełniacz: „nazwa najemcy”)
    "logs.id.tenant": "najemcy",
    "logs.id.org": "organizacji",
    "logs.id.actor": "aktora",
    "logs.id.invalid": "nieprawidłowa nazwa {what}: {value!r}",
    "logs.id.invalid_hint": "użyj 1-100 liter, cyfr lub znaków _ . : @ - w nazwie {what}",
    "logs.config.unreadable": "nie można odczytać pliku konfiguracyjnego {path}: {error}",
    "logs.config.unreadable_hint": "popraw lub usuń plik",
    "logs.config.unknown_keys": "nieznane klucze w pliku konfiguracyjnym {path}: {keys}",
    "logs.config.unknown_keys_hint": "znane klucze: {known}",
    "logs.config.not_string": "klucz {name!r} w pliku konfiguracyjnym {path} musi być napisem",
}


def grouped(n: int) -> str:
    """`n` with its thousands grouped as the current language writes them: 12,345 / 12 345."""
    from mercato_int.i18n import current

    text = f"{n:,}"
    return text.replace(",", " ") if current() == "pl" else text


def counted(key: str, n: int) -> str:
    """A plural count message (`logs.n.*`) for `n`, the number grouped by `grouped`."""
    from mercato_int.i18n import tn

    return tn(key, n, count=grouped(n))
