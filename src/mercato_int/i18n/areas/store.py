"""Messages of the store (database URLs, schema revisions, read-only or full stores, the
store's file modes) and of the command line as a whole (`cli/app.py`). Same keys and
placeholders in EN and PL (tested)."""

from typing import Any

EN: dict[str, Any] = {
    # database URLs (store/urls.py)
    "store.url.undecodable": "it holds bytes that are not valid text: write it in UTF-8",
    "store.url.bad_port": "the port in database URL {url!r} is not a number from 1 to 65535",
    "store.url.bad_port_hint": "write e.g. postgresql://user@host:5432/db",
    "store.url.unsupported": "database URL {url!r} is of kind {kind}, which mercato-int does "
    "not support",
    "store.url.unsupported_hint": "supported: {examples}",
    # the store (store/engine.py)
    "store.no_file": "cannot create the SQLite store {path}: {reason}",
    "store.not_initialised": "the store at {url} is not initialised",
    "store.upgrade_hint": "run `mercato-int --db {url} db upgrade`",
    "store.newer": "the store at {url} was migrated by a newer mercato-int (revision "
    "{revision}); upgrade the tool",
    "store.readonly": "the store at {url} is read-only: this command writes to it (reading "
    "commands still work)",
    "store.readonly_hint": "make the store's file, folder and file system writable",
    "store.full": "the disk of the store at {url} is full: this command writes to it (reading "
    "commands still work)",
    "store.full_hint": "free some space on that disk, then run the command again",
    "store.readonly_server_hint": "use a server that takes writes (not a standby) and no "
    "default_transaction_read_only",
    "store.full_server_hint": "free some space on the database server's disk",
    "store.readable_by_others": "the store file {path} can be read by other users (mode "
    "{mode}): it holds encrypted credentials and logs; run `chmod 600 {path}`",
    # the command line (cli/app.py)
    "cli.undecodable_option": "the value of {option} holds bytes that are not valid {encoding} "
    "text",
    "cli.undecodable_argument": "argument {position} holds bytes that are not valid {encoding} "
    "text",
    "cli.undecodable_hint": "pass it as {encoding} text (see LANG / LC_ALL)",
}

PL: dict[str, Any] = {
    "store.url.undecodable": "zawiera bajty, które nie są poprawnym tekstem: zapisz go w UTF-8",
    "store.url.bad_port": "port w URL bazy danych {url!r} nie jest liczbą od 1 do 65535",
    "store.url.bad_port_hint": "napisz np. postgresql://user@host:5432/db",
    "store.url.unsupported": "URL bazy danych {url!r} jest rodzaju {kind}, którego mercato-int "
    "nie obsługuje",
    "store.url.unsupported_hint": "obsługiwane: {examples}",
    "store.no_file": "nie można utworzyć magazynu danych SQLite {path}: {reason}",
    "store.not_initialised": "magazyn danych pod {url} nie jest zainicjowany",
    "store.upgrade_hint": "uruchom `mercato-int --db {url} db upgrade`",
    "store.newer": "magazyn danych pod {url} został zmigrowany przez nowszą wersję mercato-int "
    "(rewizja {revision}); zaktualizuj narzędzie",
    "store.readonly": "magazyn danych pod {url} jest tylko do odczytu: to polecenie go zmienia "
    "(polecenia, które tylko czytają, działają)",
    "store.readonly_hint": "pozwól na zapis pliku magazynu, jego folderu i systemu plików",
    "store.full": "dysk magazynu danych pod {url} jest pełny: to polecenie go zmienia "
    "(polecenia, które tylko czytają, działają)",
    "store.full_hint": "zwolnij miejsce na tym dysku i uruchom polecenie ponownie",
    "store.readonly_server_hint": "użyj serwera, który przyjmuje zapisy (nie repliki "
    "standby), bez default_transaction_read_only",
    "store.full_server_hint": "zwolnij miejsce na dysku serwera bazy danych",
    "store.readable_by_others": "plik magazynu danych {path} mogą czytać inni użytkownicy "
    "(tryb {mode}): zawiera zaszyfrowane dane uwierzytelniające i logi; uruchom "
    "`chmod 600 {path}`",
    "cli.undecodable_option": "wartość {option} zawiera bajty, które nie są poprawnym tekstem "
    "{encoding}",
    "cli.undecodable_argument": "argument {position} zawiera bajty, które nie są poprawnym "
    "tekstem {encoding}",
    "cli.undecodable_hint": "podaj go jako tekst {encoding} (zob. LANG / LC_ALL)",
}
