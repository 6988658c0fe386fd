"""Messages of `creds set|get|explain|unset`, `keys status|rotate|drop`, the credentials
service, the master keys and their sources. Polish follows the glossary of the i18n brief:
credentials = dane uwierzytelniające, tenant = najemca, bundle = pakiet, key = klucz (the scope
line "tenant X · organizacja Y" comes from the shared catalogue)."""

from typing import Any

EN: dict[str, Any] = {
    # creds: command-line arguments and prompts (cli/creds.py)
    "creds.arg.not_pair": "argument {n} is not KEY=VALUE",
    "creds.arg.not_a_field": "argument {n}: the text before '=' is not a field of {owner} (not "
    "shown: it may be part of a value)",
    "creds.arg.forms": "use KEY=VALUE, KEY=@FILE (read from a file) or KEY=- (read from stdin)",
    "creds.arg.twice": "field {field!r} is given twice",
    "creds.arg.stdin_twice": "fields {first!r} and {second!r} both read stdin; only one field can",
    "creds.arg.reading_stdin": "reading {field} from stdin; end with Ctrl-D",
    "creds.arg.cannot_read": "field {field!r}: cannot read {path}: {reason}",
    "creds.prompt.boolean": " [true/false]",
    "creds.prompt.required": "{field} is required: type a value (Ctrl-D stops, nothing is saved)",
    # creds: output
    "creds.created_key": "created master key {kid} in {source}; back it up: without it the "
    "stored credentials cannot be read",
    "creds.unchanged": "Credentials of {owner} unchanged · {scope}",
    "creds.saved": "Saved credentials of {owner} ({changed} changed) · {scope}",
    "creds.revealed": "secrets shown in plaintext; recorded in the audit trail as {actor}",
    "creds.source.bundle": "credentials of bundle {bundle} ({integration} has none of its own)",
    "creds.source.own": "credentials of its own",
    "creds.source.none": "no credentials set",
    "creds.updated": ", updated {stamp}",
    "creds.updated_by": " by {actor}",
    "creds.set_them": "Set them with `mercato-int {flags}creds set {target} KEY=VALUE...`",
    "creds.not_set": "not set",
    "creds.takes_none": "{integration} takes no credentials.",
    "creds.col.field": "field",
    "creds.col.from": "from",
    "creds.col.value": "value",
    "creds.from.own": "this integration",
    "creds.from.bundle": "bundle {bundle}",
    "creds.from.unset": "unset",
    "creds.from.shadowed": " (bundle value unused: this integration has its own row)",
    "creds.unset.confirm": "Remove the credentials of {owner} in {scope}?",
    "creds.unset.declined": "Nothing removed.",
    "creds.removed": "Removed the credentials of {owner} · {scope}",
    # creds: errors of the credentials service (services/credentials.py)
    "creds.err.on_bundle": "{integration} has no credentials of its own: they live on its "
    "bundle {bundle}",
    "creds.hint.set_on_bundle": "run `mercato-int {flags}creds set {bundle} KEY=VALUE...`",
    "creds.hint.on_bundle": "run `mercato-int {flags}creds {command} {bundle}`",
    "creds.err.takes_none": "{integration} takes no credentials",
    "creds.err.key_missing": "cannot read the credentials of {integration} in {scope}: they are "
    "encrypted under key {kid}, which is in none of the places looked ({places})",
    "creds.hint.restore_key": "restore that key, e.g. in MERCATO_INT_MASTER_KEY",
    "creds.err.cannot_decrypt": "cannot decrypt the credentials of {integration} in {scope} "
    "with key {kid}: {reason}",
    "creds.hint.replace_unreadable": "they cannot be recovered; replace them by giving every "
    "required field: `mercato-int {flags}creds set {integration} {fields}`",
    "creds.replaced_unreadable": "replaced the credentials of {owner} that could not be decrypted "
    "(their old values are lost)",
    "creds.err.no_key_but_rows": "no master key found, and the store holds credentials "
    "encrypted under key {kids}; looked in: {places}",
    "creds.hint.no_new_key": "restore that key; mercato-int will not create a new one while "
    "data needs the old one",
    "creds.kid_rows": {"one": "{kid} ({n} row)", "other": "{kid} ({n} rows)"},
    "creds.unknown_kid": "unknown",
    "creds.err.no_fields": "no fields given for {owner}",
    "creds.hint.no_fields": "give KEY=VALUE pairs; fields: {fields}",
    "creds.err.none_set": "no credentials of {owner} are set in {scope}",
    "creds.hint.uses_bundle": "{owner} uses its bundle's: "
    "`mercato-int {flags}creds unset {bundle}`",
    # creds: checking values against the schema (services/credential_schema.py)
    "creds.err.bad_url": "field {field!r} is not a valid URL",
    "creds.err.control_char": "field {field!r} holds a control or invisible character (a line "
    "break, tab, zero-width space or similar) inside its value; it cannot go into an HTTP header",
    "creds.err.mask_first_save": "field {field!r} is the mask ••••••••, and there is no stored "
    "value to keep",
    "creds.hint.mask_first_save": 'give the real value; the mask means "keep the stored '
    'value" only once one is stored',
    "creds.err.url_scheme": "field {field!r} must be an http:// or https:// URL with a host",
    "creds.hint.url_scheme": "e.g. https://api.example.com",
    "creds.err.url_host": "field {field!r} has a URL whose host is not a valid host name",
    "creds.err.url_userinfo": "field {field!r} must not contain user:password in the URL",
    "creds.hint.url_userinfo": "put the secret in its own field",
    "creds.err.boolean": "field {field!r} must be true/false, yes/no or 1/0",
    "creds.err.text": "field {field!r} must be text",
    "creds.err.too_long": {
        "one": "field {field!r} is {n} character long; at most {max} allowed",
        "other": "field {field!r} is {n} characters long; at most {max} allowed",
    },
    "creds.err.select": "field {field!r} must be one of {allowed}",
    "creds.err.too_many": {
        "one": "{n} field given; at most {max} allowed",
        "other": "{n} fields given; at most {max} allowed",
    },
    "creds.err.name_too_long": "field name {name!r}… is longer than {max} characters",
    "creds.err.unknown_field": "unknown field {field!r} for {owner}",
    "creds.err.version_conflict": "the credentials of {owner} in {scope} changed meanwhile: "
    "they are at version {current}, the save expected {expected}; nothing was saved",
    "creds.hint.version_conflict": "read them again with `mercato-int creds get {owner}` and "
    "retry with its version",
    "creds.hint.known_fields": "known fields: {known}",
    "creds.none": "none",
    "creds.err.missing": {
        "one": "missing required field {fields} for {owner}",
        "other": "missing required fields {fields} for {owner}",
    },
    "creds.hint.missing": {"one": "set it with KEY=VALUE", "other": "set them with KEY=VALUE"},
    # keys status (cli/keys.py)
    "creds.keys.title": "Master keys",
    "creds.keys.every_tenant": "every tenant of this store",
    "creds.keys.none_yet": "No master key yet; the first `mercato-int creds set` creates one.",
    "creds.keys.active_from": "active: {kid} from {source}",
    "creds.keys.active": "active",
    "creds.keys.can_drop": "no row uses it: can be dropped with `mercato-int keys drop ID`",
    "creds.keys.in_use": "still in use: run `mercato-int keys rotate` to finish",
    "creds.keys.others_unknown": "no row here uses it, but the record of other stores using it "
    "cannot be read",
    "creds.keys.used_elsewhere": "no row here uses it; recorded as used by other stores: {stores}",
    "creds.rows": {"one": "{n} row", "other": "{n} rows"},
    "creds.keys.verified": {
        "one": "verified: every row opens with its key ({n} row)",
        "other": "verified: every row opens with its key ({n} rows)",
    },
    "creds.keys.does_not_open": "does not open",
    "creds.keys.damaged": "{integration} in {scope} (key {kid}): altered or copied from "
    "another row; set these credentials again",
    "creds.keys.unreadable": {
        "one": "{n} row under key {kid}, which no available key opens",
        "other": "{n} rows under key {kid}, which no available key opens",
    },
    "creds.keys.restore_it": "restore that key",
    "creds.keys.looked_in": "looked in: {places}",
    # keys rotate / drop
    "creds.keys.rotate.confirm": "Make a new master key active and re-encrypt the credentials "
    "of every tenant?",
    "creds.keys.rotate.declined": "Nothing rotated.",
    "creds.keys.progress": "re-encrypting",
    "creds.keys.progress_line": "re-encrypted {done}/{total} rows",
    "creds.keys.nothing_to_rotate": "No master key and no credentials yet: nothing to rotate.",
    "creds.keys.timing": "in {seconds}s ({rate} rows/s)",
    "creds.keys.resumed": {
        "one": "finished rotating to key {kid} ({source}): {n} row that still used an older "
        "key re-encrypted {timing}",
        "other": "finished rotating to key {kid} ({source}): {n} rows that still used an older "
        "key re-encrypted {timing}",
    },
    "creds.keys.rotated": {
        "one": "rotated to a new key {kid} ({source}): {n} row re-encrypted {timing}",
        "other": "rotated to a new key {kid} ({source}): {n} rows re-encrypted {timing}",
    },
    "creds.keys.old_kept": {
        "one": "old key {kids} kept for reading; no row uses it: drop with "
        "`mercato-int keys drop ID` once your backups no longer need it",
        "other": "old keys {kids} kept for reading; no row uses them: drop with "
        "`mercato-int keys drop ID` once your backups no longer need them",
    },
    "creds.keys.drop.confirm": "Remove master key {kid}? Backups made before the rotation will "
    "not open.",
    "creds.keys.drop.declined": "Nothing dropped.",
    "creds.keys.dropped": "Dropped key {kid} from {source}",
    "creds.keys.backup.prompt": "Passphrase for the key backup",
    "creds.keys.backup.exported": {
        "one": "Exported {n} key ({kids}) to {file}; keep the passphrase apart from the file",
        "other": "Exported {n} keys ({kids}) to {file}; keep the passphrase apart from the file",
    },
    "creds.keys.backup.imported": {
        "one": "Imported {n} key ({kids}) into {source}; {present} already here",
        "other": "Imported {n} keys ({kids}) into {source}; {present} already here",
    },
    "creds.keys.backup.none_new": {
        "one": "Nothing to import: the {n} key of the file is already here",
        "other": "Nothing to import: all {n} keys of the file are already here",
    },
    "creds.keys.backup.err.short": "the passphrase must be at least {min} characters long",
    "creds.keys.backup.err.no_passphrase": "no passphrase: give --passphrase-file or set {env} "
    "(there is no terminal to ask on)",
    "creds.keys.backup.err.nothing": "no master key to export; looked in: {places}",
    "creds.keys.backup.err.exists": "{file} exists; an export never replaces a file: choose "
    "another name",
    "creds.keys.backup.err.cannot_write": "cannot write {file}: {reason}",
    "creds.keys.backup.err.cannot_read": "cannot read {file}: {reason}",
    "creds.keys.backup.err.not_export": "{file} is not a mercato-int key export",
    "creds.keys.backup.err.does_not_open": "{file} does not open: the passphrase is wrong, or "
    "the file was altered; nothing was imported",
    "creds.keys.backup.hint.does_not_open": "try the passphrase again, or another copy of the "
    "export",
    "creds.keys.drop.forced": "dropping key {kid} although other stores sharing its source were "
    "recorded as using it (--force): {stores}; their rows under it can no longer be read",
    # keys: errors of rotation and drop (services/keys.py, keys/master.py)
    "creds.keys.err.rotate_missing": "cannot rotate: rows are encrypted under key {listed}, "
    "which is in none of the places looked ({places})",
    "creds.keys.hint.rotate_missing": "restore that key first, or remove those credentials",
    "creds.keys.err.rotate_row_no_key": "cannot rotate the credentials of {integration} in "
    "{scope}: key {kid} is in none of the places looked ({places})",
    "creds.keys.err.rotate_row": "cannot rotate the credentials of {integration} in {scope}: "
    "{reason}",
    "creds.keys.hint.rotate_row": "replace them by giving every required field: "
    "`mercato-int {flags}creds set {integration} ...` in that scope, or remove them, then run "
    "`keys rotate` again",
    "creds.keys.err.still_used": {
        "one": "key {kid} still encrypts {n} row",
        "other": "key {kid} still encrypts {n} rows",
    },
    "creds.keys.hint.rotate_first": "run `mercato-int keys rotate` first",
    "creds.keys.err.cannot_create": "cannot create a master key: {places}",
    "creds.keys.hint.cannot_create": "set MERCATO_INT_MASTER_KEY, or make the config dir writable",
    "creds.keys.err.none_to_rotate": "no master key to rotate: {places}",
    "creds.keys.err.read_only_active": "the active key {kid} comes from {source}, which "
    "mercato-int cannot write, and every row already uses it",
    "creds.keys.hint.read_only_active": "put a new key first in MERCATO_INT_MASTER_KEY, keep "
    "the old one after a comma, and run `mercato-int keys rotate` again; make a key with "
    "{command}",
    "creds.keys.err.cannot_store": "cannot store the new key: {status}",
    "creds.keys.err.drop_active": "key {kid} is the active key and cannot be dropped",
    "creds.keys.err.read_only_source": "key {kid} comes from {source}",
    "creds.keys.hint.read_only_source": "remove it from that variable yourself",
    "creds.keys.err.cannot_update": "cannot update {status}",
    "creds.keys.err.no_such_key": "no available key has id {kid}",
    "creds.keys.hint.see_status": "see `mercato-int keys status`",
    # key sources (keys/sources.py): names, states, errors
    "creds.keys.source.keyring": "the OS keyring (service {service})",
    "creds.keys.source.file": "key file {path}",
    "creds.keys.state.env_set": "set",
    "creds.keys.state.env_unset": "not set",
    "creds.keys.state.not_consulted": "not consulted",
    "creds.keys.state.no_backend": "no usable backend ({error})",
    "creds.keys.state.no_entry": "no entry",
    "creds.keys.state.keys": {"one": "{n} key(s)", "other": "{n} key(s)"},
    "creds.keys.state.cannot_write": "cannot write ({error})",
    "creds.keys.state.drops_writes": "does not keep what is written to it",
    "creds.keys.state.absent": "absent",
    "creds.keys.state.refused": "refused: mode {mode}",
    "creds.keys.state.empty": "empty",
    "creds.keys.state.read_failed": "could not be read ({error})",
    "creds.keys.state.unreadable": "unreadable ({error})",
    "creds.keys.err.file_unreadable": "cannot read key file {path}: {reason}",
    "creds.keys.err.source_failed": "{source} could not be read ({error}): it may hold master "
    "keys, so mercato-int creates, adds and removes no key until it can",
    "creds.keys.hint.source_failed": "unlock or repair the keyring and run the command again; "
    "to use the key file only, set PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring",
    "creds.keys.err.uses_unreadable": "cannot read the record of which stores use the keys of "
    "{source} ({error})",
    "creds.keys.hint.uses_unreadable": "repair or remove it (`mercato-int keys status` against "
    "each store writes it again), or drop with --force",
    "creds.keys.err.used_elsewhere": {
        "one": "key {kid} is recorded as used by {n} other store sharing its source: {stores}",
        "other": "key {kid} is recorded as used by {n} other stores sharing its source: {stores}",
    },
    "creds.keys.hint.used_elsewhere": "rotate each of them first (`MERCATO_INT_DATABASE_URL=... "
    "mercato-int keys rotate`); if a store is gone for good: `mercato-int keys drop {kid} "
    "--force`",
    "creds.store_rows": {"one": "{store} ({n} row)", "other": "{store} ({n} rows)"},
    "creds.keys.err.env_entry": "{name}: entry {n} is not a master key ({reason})",
    "creds.keys.hint.env_entry": "each entry is 32 bytes in url-safe base64; separate keys "
    "with commas",
    "creds.keys.err.keyring_entry": "the keyring entry {entry} is not a list of master keys "
    "({reason})",
    "creds.keys.hint.keyring_entry": "restore it from your backup",
    "creds.keys.err.file_mode": "refusing key file {path}: mode {mode} lets group or others "
    "read it",
    "creds.keys.hint.file_mode": "run `chmod 600 {path}`",
    "creds.keys.err.file_line": "key file {path}: line {n} is not a master key ({reason})",
    "creds.keys.hint.file_line": "restore the file from your backup",
    # keys: the encrypted envelope (keys/envelope.py)
    "creds.keys.err.not_base64": "not base64",
    "creds.keys.err.key_size": {
        "one": "decodes to {n} bytes, not {expected}",
        "other": "decodes to {n} bytes, not {expected}",
    },
    "creds.keys.err.not_envelope": "the stored value is not an encrypted envelope",
    "creds.keys.err.envelope_version": "envelope format version {version!r} is not known to "
    "this mercato-int (written by a newer version?)",
    "creds.keys.err.does_not_open": "the ciphertext does not open with its key: it was altered, "
    "or copied from another row or tenant",
    "creds.keys.err.not_object": "the decrypted value is not an object",
}

PL: dict[str, Any] = {
    # creds: argumenty i pytania (cli/creds.py)
    "creds.arg.not_pair": "argument {n} nie ma postaci KLUCZ=WARTOŚĆ",
    "creds.arg.not_a_field": "argument {n}: tekst przed „=” nie jest polem {owner} (nie "
    "pokazuję go: może być częścią wartości)",
    "creds.arg.forms": "użyj KLUCZ=WARTOŚĆ, KLUCZ=@PLIK (wartość z pliku) lub KLUCZ=- "
    "(wartość ze standardowego wejścia)",
    "creds.arg.twice": "pole {field!r} podano dwa razy",
    "creds.arg.stdin_twice": "pola {first!r} i {second!r} czytają standardowe wejście; może to "
    "tylko jedno pole",
    "creds.arg.reading_stdin": "czytam {field} ze standardowego wejścia; zakończ przez Ctrl-D",
    "creds.arg.cannot_read": "pole {field!r}: nie można odczytać {path}: {reason}",
    # the words typed stay true/false: those are what the field accepts
    "creds.prompt.boolean": " [true/false]",
    "creds.prompt.required": "{field} jest wymagane: wpisz wartość (Ctrl-D przerywa, nic nie "
    "zostanie zapisane)",
    # creds: wyjście
    "creds.created_key": "utworzono klucz główny {kid} (miejsce: {source}); zrób jego kopię "
    "zapasową: bez niego zapisanych danych uwierzytelniających nie da się odczytać",
    "creds.unchanged": "Dane uwierzytelniające {owner} bez zmian · {scope}",
    "creds.saved": "Zapisano dane uwierzytelniające {owner} (zmienione: {changed}) · {scope}",
    "creds.revealed": "sekrety pokazano jawnym tekstem; zapisano to w dzienniku audytu jako "
    "{actor}",
    "creds.source.bundle": "dane uwierzytelniające pakietu {bundle} ({integration} nie ma "
    "własnych)",
    "creds.source.own": "własne dane uwierzytelniające",
    "creds.source.none": "brak ustawionych danych uwierzytelniających",
    "creds.updated": ", zaktualizowano {stamp}",
    "creds.updated_by": " przez {actor}",
    "creds.set_them": "Ustaw je poleceniem "
    "`mercato-int {flags}creds set {target} KLUCZ=WARTOŚĆ...`",
    "creds.not_set": "nieustawione",
    "creds.takes_none": "{integration} nie przyjmuje danych uwierzytelniających.",
    "creds.col.field": "pole",
    "creds.col.from": "źródło",
    "creds.col.value": "wartość",
    "creds.from.own": "ta integracja",
    "creds.from.bundle": "pakiet {bundle}",
    "creds.from.unset": "nieustawione",
    "creds.from.shadowed": " (wartość pakietu nieużywana: ta integracja ma własny wiersz)",
    "creds.unset.confirm": "Usunąć dane uwierzytelniające {owner} w {scope}?",
    "creds.unset.declined": "Nic nie usunięto.",
    "creds.removed": "Usunięto dane uwierzytelniające {owner} · {scope}",
    # creds: błędy usługi danych uwierzytelniających
    "creds.err.on_bundle": "{integration} nie ma własnych danych uwierzytelniających: są "
    "zapisane w jej pakiecie {bundle}",
    "creds.hint.set_on_bundle": "uruchom `mercato-int {flags}creds set {bundle} KLUCZ=WARTOŚĆ...`",
    "creds.hint.on_bundle": "uruchom `mercato-int {flags}creds {command} {bundle}`",
    "creds.err.takes_none": "{integration} nie przyjmuje danych uwierzytelniających",
    "creds.err.key_missing": "nie można odczytać danych uwierzytelniających {integration} w "
    "{scope}: są zaszyfrowane kluczem {kid}, którego nie ma w żadnym ze sprawdzonych miejsc "
    "({places})",
    "creds.hint.restore_key": "przywróć ten klucz, np. w MERCATO_INT_MASTER_KEY",
    "creds.err.cannot_decrypt": "nie można odszyfrować danych uwierzytelniających {integration} w "
    "{scope} kluczem {kid}: {reason}",
    "creds.hint.replace_unreadable": "nie da się ich odzyskać; zastąp je, podając każde "
    "wymagane pole: `mercato-int {flags}creds set {integration} {fields}`",
    "creds.replaced_unreadable": "zastąpiono dane uwierzytelniające {owner}, których nie dało "
    "się odszyfrować (ich dawne wartości są utracone)",
    "creds.err.no_key_but_rows": "nie znaleziono klucza głównego, a magazyn danych zawiera dane "
    "uwierzytelniające zaszyfrowane kluczem {kids}; sprawdzone miejsca: {places}",
    "creds.hint.no_new_key": "przywróć ten klucz; mercato-int nie utworzy nowego, dopóki dane "
    "wymagają starego",
    "creds.kid_rows": {
        "one": "{kid} ({n} wiersz)",
        "few": "{kid} ({n} wiersze)",
        "many": "{kid} ({n} wierszy)",
    },
    "creds.unknown_kid": "nieznany",
    "creds.err.no_fields": "nie podano żadnych pól dla {owner}",
    "creds.hint.no_fields": "podaj pary KLUCZ=WARTOŚĆ; pola: {fields}",
    "creds.err.none_set": "dane uwierzytelniające {owner} nie są ustawione w {scope}",
    "creds.hint.uses_bundle": "{owner} korzysta z danych swojego pakietu: "
    "`mercato-int {flags}creds unset {bundle}`",
    # creds: sprawdzanie wartości według schematu pól
    "creds.err.bad_url": "pole {field!r} nie jest poprawnym adresem URL",
    "creds.err.control_char": "pole {field!r} zawiera znak sterujący lub niewidoczny (koniec "
    "linii, tabulację, spację o zerowej szerokości lub podobny) wewnątrz wartości; nie może on "
    "trafić do nagłówka HTTP",
    "creds.err.mask_first_save": "pole {field!r} zawiera maskę ••••••••, a nie ma zapisanej "
    "wartości do zachowania",
    "creds.hint.mask_first_save": "podaj prawdziwą wartość; maska oznacza „zachowaj zapisaną "
    "wartość” dopiero, gdy jakaś jest zapisana",
    "creds.err.url_scheme": "pole {field!r} musi być adresem URL http:// lub https:// "
    "z nazwą hosta",
    "creds.hint.url_scheme": "np. https://api.example.com",
    "creds.err.url_host": "pole {field!r} zawiera adres URL, którego host nie jest poprawną "
    "nazwą hosta",
    "creds.err.url_userinfo": "pole {field!r} nie może zawierać user:password w adresie URL",
    "creds.hint.url_userinfo": "umieść sekret w osobnym polu",
    "creds.err.boolean": "pole {field!r} musi mieć wartość true/false, yes/no lub 1/0",
    "creds.err.text": "pole {field!r} musi być tekstem",
    "creds.err.too_long": {
        "one": "pole {field!r} ma {n} znak; dozwolone najwyżej {max}",
        "few": "pole {field!r} ma {n} znaki; dozwolone najwyżej {max}",
        "many": "pole {field!r} ma {n} znaków; dozwolone najwyżej {max}",
    },
    "creds.err.select": "pole {field!r} musi mieć jedną z wartości: {allowed}",
    "creds.err.too_many": {
        "one": "podano {n} pole; dozwolone najwyżej {max}",
        "few": "podano {n} pola; dozwolone najwyżej {max}",
        "many": "podano {n} pól; dozwolone najwyżej {max}",
    },
    "creds.err.name_too_long": "nazwa pola {name!r}… jest dłuższa niż {max} znaków",
    "creds.err.unknown_field": "nieznane pole {field!r} dla {owner}",
    "creds.err.version_conflict": "dane uwierzytelniające {owner} w {scope} zmieniły się w "
    "międzyczasie: są w wersji {current}, zapis oczekiwał {expected}; nic nie zapisano",
    "creds.hint.version_conflict": "odczytaj je ponownie przez `mercato-int creds get {owner}` "
    "i ponów z ich wersją",
    "creds.hint.known_fields": "znane pola: {known}",
    "creds.none": "brak",
    "creds.err.missing": {
        "one": "brak wymaganego pola {fields} dla {owner}",
        "few": "brak wymaganych pól {fields} dla {owner}",
        "many": "brak wymaganych pól {fields} dla {owner}",
    },
    "creds.hint.missing": {
        "one": "podaj je jako KLUCZ=WARTOŚĆ",
        "few": "podaj je jako KLUCZ=WARTOŚĆ",
        "many": "podaj je jako KLUCZ=WARTOŚĆ",
    },
    # keys status
    "creds.keys.title": "Klucze główne",
    "creds.keys.every_tenant": "wszyscy najemcy tego magazynu danych",
    "creds.keys.none_yet": "Nie ma jeszcze klucza głównego; utworzy go pierwsze "
    "`mercato-int creds set`.",
    "creds.keys.active_from": "aktywny: {kid}, źródło: {source}",
    "creds.keys.active": "aktywny",
    "creds.keys.can_drop": "żaden wiersz go nie używa: można go usunąć poleceniem "
    "`mercato-int keys drop ID`",
    "creds.keys.in_use": "nadal w użyciu: dokończ poleceniem `mercato-int keys rotate`",
    "creds.keys.others_unknown": "żaden wiersz tutaj go nie używa, ale nie można odczytać "
    "zapisu o innych magazynach danych",
    "creds.keys.used_elsewhere": "żaden wiersz tutaj go nie używa; zapisany jako używany przez "
    "inne magazyny danych: {stores}",
    "creds.rows": {"one": "{n} wiersz", "few": "{n} wiersze", "many": "{n} wierszy"},
    "creds.keys.verified": {
        "one": "sprawdzono: każdy wiersz otwiera się swoim kluczem ({n} wiersz)",
        "few": "sprawdzono: każdy wiersz otwiera się swoim kluczem ({n} wiersze)",
        "many": "sprawdzono: każdy wiersz otwiera się swoim kluczem ({n} wierszy)",
    },
    "creds.keys.does_not_open": "nie otwiera się",
    "creds.keys.damaged": "{integration} w {scope} (klucz {kid}): zmieniony lub skopiowany z "
    "innego wiersza; ustaw te dane uwierzytelniające ponownie",
    "creds.keys.unreadable": {
        "one": "{n} wiersz zaszyfrowany kluczem {kid}, którego nie otwiera żaden dostępny klucz",
        "few": "{n} wiersze zaszyfrowane kluczem {kid}, których nie otwiera żaden dostępny klucz",
        "many": "{n} wierszy zaszyfrowanych kluczem {kid}, których nie otwiera żaden dostępny "
        "klucz",
    },
    "creds.keys.restore_it": "przywróć ten klucz",
    "creds.keys.looked_in": "sprawdzone miejsca: {places}",
    # keys rotate / drop
    "creds.keys.rotate.confirm": "Aktywować nowy klucz główny i ponownie zaszyfrować dane "
    "uwierzytelniające wszystkich najemców?",
    "creds.keys.rotate.declined": "Nie wykonano rotacji.",
    "creds.keys.progress": "ponowne szyfrowanie",
    "creds.keys.progress_line": "ponownie zaszyfrowano wiersze: {done}/{total}",
    "creds.keys.nothing_to_rotate": "Nie ma jeszcze klucza głównego ani danych "
    "uwierzytelniających: nie ma czego rotować.",
    "creds.keys.timing": "w {seconds} s ({rate} wierszy/s)",
    "creds.keys.resumed": {
        "one": "dokończono rotację do klucza {kid} ({source}): ponownie zaszyfrowano {n} "
        "wiersz, który wciąż używał starszego klucza, {timing}",
        "few": "dokończono rotację do klucza {kid} ({source}): ponownie zaszyfrowano {n} "
        "wiersze, które wciąż używały starszego klucza, {timing}",
        "many": "dokończono rotację do klucza {kid} ({source}): ponownie zaszyfrowano {n} "
        "wierszy, które wciąż używały starszego klucza, {timing}",
    },
    "creds.keys.rotated": {
        "one": "przełączono na nowy klucz {kid} ({source}): ponownie zaszyfrowano {n} wiersz "
        "{timing}",
        "few": "przełączono na nowy klucz {kid} ({source}): ponownie zaszyfrowano {n} wiersze "
        "{timing}",
        "many": "przełączono na nowy klucz {kid} ({source}): ponownie zaszyfrowano {n} wierszy "
        "{timing}",
    },
    "creds.keys.old_kept": {
        "one": "stary klucz {kids} zachowano do odczytu; żaden wiersz go nie używa: usuń go "
        "poleceniem `mercato-int keys drop ID`, gdy kopie zapasowe przestaną go potrzebować",
        "few": "stare klucze {kids} zachowano do odczytu; żaden wiersz ich nie używa: usuń je "
        "poleceniem `mercato-int keys drop ID`, gdy kopie zapasowe przestaną ich potrzebować",
        "many": "stare klucze {kids} zachowano do odczytu; żaden wiersz ich nie używa: usuń je "
        "poleceniem `mercato-int keys drop ID`, gdy kopie zapasowe przestaną ich potrzebować",
    },
    "creds.keys.drop.confirm": "Usunąć klucz główny {kid}? Kopii zapasowych sprzed rotacji nie "
    "da się wtedy otworzyć.",
    "creds.keys.drop.declined": "Nie usunięto klucza.",
    "creds.keys.dropped": "Usunięto klucz {kid} (miejsce: {source})",
    "creds.keys.backup.prompt": "Hasło kopii zapasowej kluczy",
    "creds.keys.backup.exported": {
        "one": "Wyeksportowano {n} klucz ({kids}) do {file}; przechowuj hasło osobno od pliku",
        "few": "Wyeksportowano {n} klucze ({kids}) do {file}; przechowuj hasło osobno od pliku",
        "many": "Wyeksportowano {n} kluczy ({kids}) do {file}; przechowuj hasło osobno od pliku",
    },
    "creds.keys.backup.imported": {
        "one": "Zaimportowano {n} klucz ({kids}) do: {source}; już obecne: {present}",
        "few": "Zaimportowano {n} klucze ({kids}) do: {source}; już obecne: {present}",
        "many": "Zaimportowano {n} kluczy ({kids}) do: {source}; już obecne: {present}",
    },
    "creds.keys.backup.none_new": {
        "one": "Nie ma czego importować: {n} klucz z pliku już tu jest",
        "few": "Nie ma czego importować: wszystkie {n} klucze z pliku już tu są",
        "many": "Nie ma czego importować: wszystkie {n} kluczy z pliku już tu jest",
    },
    "creds.keys.backup.err.short": "hasło musi mieć co najmniej {min} znaków",
    "creds.keys.backup.err.no_passphrase": "brak hasła: podaj --passphrase-file albo ustaw "
    "{env} (nie ma terminala, na którym można zapytać)",
    "creds.keys.backup.err.nothing": "brak klucza głównego do eksportu; sprawdzono: {places}",
    "creds.keys.backup.err.exists": "{file} istnieje; eksport nigdy nie zastępuje pliku: "
    "wybierz inną nazwę",
    "creds.keys.backup.err.cannot_write": "nie można zapisać {file}: {reason}",
    "creds.keys.backup.err.cannot_read": "nie można odczytać {file}: {reason}",
    "creds.keys.backup.err.not_export": "{file} nie jest eksportem kluczy mercato-int",
    "creds.keys.backup.err.does_not_open": "nie można otworzyć {file}: hasło jest błędne albo "
    "plik zmieniono; nic nie zaimportowano",
    "creds.keys.backup.hint.does_not_open": "spróbuj ponownie podać hasło albo użyj innej kopii "
    "eksportu",
    "creds.keys.drop.forced": "usuwam klucz {kid}, choć inne magazyny danych korzystające z "
    "tego samego miejsca kluczy były zapisane jako jego użytkownicy (--force): {stores}; ich "
    "wierszy zaszyfrowanych tym kluczem nie da się już odczytać",
    # keys: błędy rotacji i usuwania
    "creds.keys.err.rotate_missing": "nie można wykonać rotacji: wiersze są zaszyfrowane "
    "kluczem {listed}, którego nie ma w żadnym ze sprawdzonych miejsc ({places})",
    "creds.keys.hint.rotate_missing": "najpierw przywróć ten klucz albo usuń te dane "
    "uwierzytelniające",
    "creds.keys.err.rotate_row_no_key": "nie można wykonać rotacji danych uwierzytelniających "
    "{integration} w {scope}: klucza {kid} nie ma w żadnym ze sprawdzonych miejsc ({places})",
    "creds.keys.err.rotate_row": "nie można wykonać rotacji danych uwierzytelniających "
    "{integration} w {scope}: {reason}",
    "creds.keys.hint.rotate_row": "zastąp je, podając każde wymagane pole: "
    "`mercato-int {flags}creds set {integration} ...` w tym zakresie, albo je usuń, potem "
    "uruchom ponownie `keys rotate`",
    "creds.keys.err.still_used": {
        "one": "klucz {kid} nadal szyfruje {n} wiersz",
        "few": "klucz {kid} nadal szyfruje {n} wiersze",
        "many": "klucz {kid} nadal szyfruje {n} wierszy",
    },
    "creds.keys.hint.rotate_first": "najpierw uruchom `mercato-int keys rotate`",
    "creds.keys.err.cannot_create": "nie można utworzyć klucza głównego: {places}",
    "creds.keys.hint.cannot_create": "ustaw MERCATO_INT_MASTER_KEY albo zezwól na zapis w "
    "katalogu konfiguracji",
    "creds.keys.err.none_to_rotate": "brak klucza głównego do rotacji: {places}",
    "creds.keys.err.read_only_active": "aktywny klucz {kid} pochodzi z: {source}, gdzie "
    "mercato-int nie może zapisywać, a każdy wiersz już go używa",
    "creds.keys.hint.read_only_active": "wstaw nowy klucz na początek MERCATO_INT_MASTER_KEY, "
    "stary zostaw po przecinku i uruchom ponownie `mercato-int keys rotate`; klucz utworzysz "
    "poleceniem {command}",
    "creds.keys.err.cannot_store": "nie można zapisać nowego klucza: {status}",
    "creds.keys.err.drop_active": "klucz {kid} jest aktywny i nie można go usunąć",
    "creds.keys.err.read_only_source": "klucz {kid} pochodzi z: {source}",
    "creds.keys.hint.read_only_source": "usuń go z tej zmiennej samodzielnie",
    "creds.keys.err.cannot_update": "nie można zaktualizować: {status}",
    "creds.keys.err.no_such_key": "żaden dostępny klucz nie ma identyfikatora {kid}",
    "creds.keys.hint.see_status": "zobacz `mercato-int keys status`",
    # źródła kluczy: nazwy, stany, błędy
    "creds.keys.source.keyring": "systemowy pęk kluczy (usługa {service})",
    "creds.keys.source.file": "plik kluczy {path}",
    "creds.keys.state.env_set": "ustawiona",
    "creds.keys.state.env_unset": "nieustawiona",
    "creds.keys.state.not_consulted": "nie sprawdzono",
    "creds.keys.state.no_backend": "brak działającego backendu ({error})",
    "creds.keys.state.no_entry": "brak wpisu",
    "creds.keys.state.keys": {"one": "{n} klucz", "few": "{n} klucze", "many": "{n} kluczy"},
    "creds.keys.state.cannot_write": "zapis niemożliwy ({error})",
    "creds.keys.state.drops_writes": "nie zachowuje tego, co się w nim zapisuje",
    "creds.keys.state.absent": "brak pliku",
    "creds.keys.state.refused": "odrzucony: uprawnienia {mode}",
    "creds.keys.state.empty": "pusty",
    "creds.keys.state.read_failed": "nie udało się odczytać ({error})",
    "creds.keys.state.unreadable": "nieczytelny ({error})",
    "creds.keys.err.file_unreadable": "nie można odczytać pliku kluczy {path}: {reason}",
    "creds.keys.err.source_failed": "nie udało się odczytać: {source} ({error}); może zawierać "
    "klucze główne, więc mercato-int nie tworzy, nie dodaje ani nie usuwa żadnego klucza, "
    "dopóki odczyt się nie powiedzie",
    "creds.keys.hint.source_failed": "odblokuj lub napraw pęk kluczy i uruchom polecenie "
    "ponownie; aby używać tylko pliku kluczy, ustaw "
    "PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring",
    "creds.keys.err.uses_unreadable": "nie można odczytać zapisu, które magazyny danych używają "
    "kluczy z {source} ({error})",
    "creds.keys.hint.uses_unreadable": "napraw go lub usuń (`mercato-int keys status` w każdym "
    "magazynie danych zapisze go ponownie) albo usuń klucz z --force",
    "creds.keys.err.used_elsewhere": {
        "one": "klucz {kid} jest zapisany jako używany przez {n} inny magazyn danych "
        "korzystający z tego samego miejsca kluczy: {stores}",
        "few": "klucz {kid} jest zapisany jako używany przez {n} inne magazyny danych "
        "korzystające z tego samego miejsca kluczy: {stores}",
        "many": "klucz {kid} jest zapisany jako używany przez {n} innych magazynów danych "
        "korzystających z tego samego miejsca kluczy: {stores}",
    },
    "creds.keys.hint.used_elsewhere": "najpierw wykonaj rotację w każdym z nich "
    "(`MERCATO_INT_DATABASE_URL=... mercato-int keys rotate`); jeśli magazyn danych już nie "
    "istnieje: `mercato-int keys drop {kid} --force`",
    "creds.store_rows": {
        "one": "{store} ({n} wiersz)",
        "few": "{store} ({n} wiersze)",
        "many": "{store} ({n} wierszy)",
    },
    "creds.keys.err.env_entry": "{name}: wpis {n} nie jest kluczem głównym ({reason})",
    "creds.keys.hint.env_entry": "każdy wpis to 32 bajty w base64 (wariant url-safe); klucze "
    "oddziel przecinkami",
    "creds.keys.err.keyring_entry": "wpis pęku kluczy {entry} nie jest listą kluczy głównych "
    "({reason})",
    "creds.keys.hint.keyring_entry": "przywróć go z kopii zapasowej",
    "creds.keys.err.file_mode": "odrzucam plik kluczy {path}: uprawnienia {mode} pozwalają go "
    "czytać grupie lub innym",
    "creds.keys.hint.file_mode": "uruchom `chmod 600 {path}`",
    "creds.keys.err.file_line": "plik kluczy {path}: wiersz {n} nie jest kluczem głównym "
    "({reason})",
    "creds.keys.hint.file_line": "przywróć plik z kopii zapasowej",
    # klucze: zaszyfrowana koperta
    "creds.keys.err.not_base64": "to nie jest base64",
    "creds.keys.err.key_size": {
        "one": "po zdekodowaniu ma {n} bajt zamiast {expected}",
        "few": "po zdekodowaniu ma {n} bajty zamiast {expected}",
        "many": "po zdekodowaniu ma {n} bajtów zamiast {expected}",
    },
    "creds.keys.err.not_envelope": "zapisana wartość nie jest zaszyfrowaną kopertą",
    "creds.keys.err.envelope_version": "wersja formatu koperty {version!r} jest nieznana tej "
    "wersji mercato-int (zapisała ją nowsza wersja?)",
    "creds.keys.err.does_not_open": "szyfrogram nie otwiera się swoim kluczem: został zmieniony "
    "albo skopiowany z innego wiersza lub najemcy",
    "creds.keys.err.not_object": "odszyfrowana wartość nie jest obiektem",
}
