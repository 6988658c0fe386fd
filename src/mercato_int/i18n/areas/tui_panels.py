"""Messages of the TUI's integration and bundle screens, the credentials form, the health and
logs panels and the dialogs (the marketplace screen and cards use the shared `tui.*` keys).

Data stays as it is: field labels from provider definitions, stored log messages, operations,
levels and details, health results' messages, ids.
"""

from typing import Any

EN: dict[str, Any] = {
    "tui_panels.notice.warning": "Warning",
    "tui_panels.notice.error": "Error",
    "tui_panels.notice.unexpected": "unexpected {name}; the action was not completed "
    "(MERCATO_INT_DEBUG=1 shows the traceback; please report it)",
    "tui_panels.key.quit": "Quit",
    "tui_panels.key.scope": "Scope",
    # footer descriptions of key bindings
    "tui_panels.key.back": "Back",
    "tui_panels.key.save": "Save",
    "tui_panels.key.check": "Check",
    "tui_panels.key.credentials": "Credentials",
    "tui_panels.key.health": "Health",
    "tui_panels.key.logs": "Logs",
    "tui_panels.key.next": "Next",
    "tui_panels.key.prev": "Prev",
    "tui_panels.key.level": "Level",
    "tui_panels.key.enable_all": "Enable all",
    "tui_panels.key.disable_all": "Disable all",
    "tui_panels.key.details": "Details",
    "tui_panels.key.yes": "Yes",
    "tui_panels.key.no": "No",
    "tui_panels.key.cancel": "Cancel",
    "tui_panels.key.help": "Help",
    "tui_panels.key.close": "Close",
    "tui_panels.key.move": "Move",
    "tui_panels.key.refresh": "Refresh",
    "tui_panels.key.leave_search": "Leave search",
    # integration screen (tui/integration.py)
    "tui_panels.open_docs": "Open the docs",
    "tui_panels.part_of": "Part of {bundle} (ctrl+b)",
    "tui_panels.tab.credentials": "Credentials f1",
    "tui_panels.tab.health": "Health f2",
    "tui_panels.tab.logs": "Logs f3",
    "tui_panels.uses_bundle_creds": "This integration has no credentials of its own: it uses "
    "the shared credentials of {bundle}.",
    "tui_panels.open_bundle_form": "Open the {bundle} credentials form",
    "tui_panels.saved_on_bundle": "Credentials of this integration are saved on its bundle",
    # credentials form (tui/credentials_form.py)
    "tui_panels.creds.set": "set",
    "tui_panels.creds.not_set": "not set",
    "tui_panels.creds.select_not_set": "(not set)",
    "tui_panels.creds.set_replace": "set — type to replace",
    "tui_panels.creds.on": "on",
    "tui_panels.creds.off": "off",
    "tui_panels.creds.heading": "Credentials: ",
    "tui_panels.creds.source.own.integration": "stored on this integration",
    "tui_panels.creds.source.own.bundle": "stored on this bundle",
    "tui_panels.creds.source.bundle": "inherited from the bundle",
    "tui_panels.creds.source.none": "not set",
    "tui_panels.creds.updated": " · updated {at}",
    "tui_panels.creds.updated_by": " by {actor}",
    "tui_panels.creds.save": "Save (ctrl+s)",
    "tui_panels.creds.remove": "Remove",
    "tui_panels.creds.nothing_changed": "Nothing changed",
    "tui_panels.creds.changed_elsewhere": "These credentials were changed elsewhere "
    "({when}{who}) since this form was loaded. Overwrite them with your changes?",
    "tui_panels.creds.changed_by": " by {actor}",
    "tui_panels.creds.changed_removed": "removed",
    "tui_panels.creds.overwrite": "Overwrite",
    "tui_panels.creds.not_saved": "Not saved",
    "tui_panels.creds.saved": "Saved credentials of {owner} in {scope}",
    "tui_panels.creds.none_own": "{owner} has no credentials of its own to remove",
    "tui_panels.creds.remove_confirm": "Remove the credentials of {owner} in {scope}? "
    "This cannot be undone.",
    "tui_panels.creds.removed": "Removed credentials of {owner}",
    # health panel (tui/health_panel.py)
    "tui_panels.health.none_yet": "No health check has run in this scope yet. Run one with ctrl+r.",
    "tui_panels.health.status": "Status",
    "tui_panels.health.message": "Message",
    "tui_panels.health.latency": "Latency",
    "tui_panels.health.checked": "Checked",
    "tui_panels.health.details": "Details",
    "tui_panels.health.run": "Run check (ctrl+r)",
    "tui_panels.health.checking": " checking…",
    "tui_panels.health.result": "Health of {owner}: {status}",
    "tui_panels.health.unknown": "unknown",
    # logs panel (tui/logs_panel.py)
    "tui_panels.logs.correlation": "Correlation: {id}",
    "tui_panels.logs.duration": "Duration: {ms}ms",
    "tui_panels.logs.entity": "Entity: {entity}",
    "tui_panels.logs.details_open": "▾ Details",
    "tui_panels.logs.details_closed": "▸ Details (enter)",
    "tui_panels.logs.level_all": "Level: All",
    "tui_panels.logs.level": "Level: {level}",
    "tui_panels.logs.search": "Search messages…",
    "tui_panels.logs.prev": "← Prev (p)",
    "tui_panels.logs.next": "Next → (n)",
    "tui_panels.logs.unavailable": "Logs unavailable",
    "tui_panels.logs.none_match": "No log entries match.",
    # {range} is `1–25` (or `0`), {total} the total with its separators
    "tui_panels.logs.showing": {
        "one": "Showing {range} of {total} entry",
        "other": "Showing {range} of {total} entries",
    },
    "tui_panels.logs.new_on_first_page": {
        "one": "{total} entry (new ones on the first page)",
        "other": "{total} entries (new ones on the first page)",
    },
    # bundle screen (tui/bundle.py)
    "tui_panels.bundle.id": "bundle {id}",
    "tui_panels.bundle.shared_creds": "Shared credentials (f1)",
    "tui_panels.bundle.health": "Health (shared credentials)",
    "tui_panels.bundle.all_enabled": "Enabled all integrations of {bundle}",
    "tui_panels.bundle.all_disabled": "Disabled all integrations of {bundle}",
    # dialogs (tui/dialogs.py)
    "tui_panels.dialog.yes": "Yes",
    "tui_panels.dialog.cancel_n": "Cancel (n)",
    "tui_panels.dialog.switch_scope": "Switch scope",
    "tui_panels.dialog.tenant": "Tenant",
    "tui_panels.dialog.org": "Organization",
    "tui_panels.dialog.switch": "Switch",
    "tui_panels.dialog.cancel": "Cancel",
    # keys dialog (tui/dialogs.py)
    "tui_panels.keys.title": "Keys on this screen",
    "tui_panels.keys.close": "esc, ? or q closes this list",
    # confirmations (tui/marketplace.py, tui/bundle.py, tui/integration.py)
    "tui_panels.confirm.disable_all": {
        "one": "Switch off {n} integration of {bundle} in {scope}?",
        "other": "Switch off {n} integrations of {bundle} in {scope}?",
    },
    "tui_panels.confirm.disable": "Switch off",
    "tui_panels.confirm.discard": "The credentials of {owner} have unsaved changes ({keys}). "
    "Leave and discard them?",
    "tui_panels.confirm.discard_yes": "Discard",
    # calls the TUI makes (tui/calls.py)
    "tui_panels.missing_creds": "Required credentials of {owner} not set: {keys}. "
    "Set them in its credentials form.",
    "tui_panels.nothing_to_check": "{id} has nothing to check",
}

PL: dict[str, Any] = {
    "tui_panels.notice.warning": "Ostrzeżenie",
    "tui_panels.notice.error": "Błąd",
    "tui_panels.notice.unexpected": "nieoczekiwany błąd {name}; działanie nie zostało wykonane "
    "(MERCATO_INT_DEBUG=1 pokazuje ślad stosu; prosimy to zgłosić)",
    "tui_panels.key.quit": "Wyjście",
    "tui_panels.key.scope": "Zakres",
    # opisy klawiszy w stopce
    "tui_panels.key.back": "Wstecz",
    "tui_panels.key.save": "Zapisz",
    "tui_panels.key.check": "Sprawdź",
    "tui_panels.key.credentials": "Dane uwierzytelniające",
    "tui_panels.key.health": "Kontrola stanu",
    "tui_panels.key.logs": "Logi",
    # skrócone: cała stopka karty logów mieści się w 80 kolumnach
    "tui_panels.key.next": "Nast.",
    "tui_panels.key.prev": "Poprz.",
    "tui_panels.key.level": "Poziom",
    "tui_panels.key.enable_all": "Włącz wszystkie",
    "tui_panels.key.disable_all": "Wyłącz wszystkie",
    "tui_panels.key.details": "Szczegóły",
    "tui_panels.key.yes": "Tak",
    "tui_panels.key.no": "Nie",
    "tui_panels.key.cancel": "Anuluj",
    "tui_panels.key.help": "Pomoc",
    "tui_panels.key.close": "Zamknij",
    "tui_panels.key.move": "Przejdź",
    "tui_panels.key.refresh": "Odśwież",
    "tui_panels.key.leave_search": "Opuść wyszukiwanie",
    # ekran integracji (tui/integration.py)
    "tui_panels.open_docs": "Otwórz dokumentację",
    "tui_panels.part_of": "Część pakietu {bundle} (ctrl+b)",
    "tui_panels.tab.credentials": "Dane uwierzytelniające f1",
    "tui_panels.tab.health": "Kontrola stanu f2",
    "tui_panels.tab.logs": "Logi f3",
    "tui_panels.uses_bundle_creds": "Ta integracja nie ma własnych danych uwierzytelniających: "
    "korzysta ze wspólnych danych uwierzytelniających pakietu {bundle}.",
    "tui_panels.open_bundle_form": "Otwórz formularz danych uwierzytelniających pakietu {bundle}",
    "tui_panels.saved_on_bundle": "Dane uwierzytelniające tej integracji zapisuje się w jej "
    "pakiecie",
    # formularz danych uwierzytelniających (tui/credentials_form.py)
    "tui_panels.creds.set": "ustawione",
    "tui_panels.creds.not_set": "nieustawione",
    "tui_panels.creds.select_not_set": "(nieustawione)",
    "tui_panels.creds.set_replace": "ustawione — wpisz, aby zastąpić",
    "tui_panels.creds.on": "wł.",
    "tui_panels.creds.off": "wył.",
    "tui_panels.creds.heading": "Dane uwierzytelniające: ",
    "tui_panels.creds.source.own.integration": "zapisane w tej integracji",
    "tui_panels.creds.source.own.bundle": "zapisane w tym pakiecie",
    "tui_panels.creds.source.bundle": "dziedziczone z pakietu",
    "tui_panels.creds.source.none": "nieustawione",
    "tui_panels.creds.updated": " · zmienione {at}",
    "tui_panels.creds.updated_by": " przez {actor}",
    "tui_panels.creds.save": "Zapisz (ctrl+s)",
    "tui_panels.creds.remove": "Usuń",
    "tui_panels.creds.nothing_changed": "Nic się nie zmieniło",
    "tui_panels.creds.changed_elsewhere": "Te dane uwierzytelniające zmieniono gdzie indziej "
    "({when}{who}) po wczytaniu formularza. Nadpisać je Twoimi zmianami?",
    "tui_panels.creds.changed_by": " przez {actor}",
    "tui_panels.creds.changed_removed": "usunięto je",
    "tui_panels.creds.overwrite": "Nadpisz",
    "tui_panels.creds.not_saved": "Nie zapisano",
    "tui_panels.creds.saved": "Zapisano dane uwierzytelniające {owner} w {scope}",
    "tui_panels.creds.none_own": "{owner} nie ma własnych danych uwierzytelniających do usunięcia",
    "tui_panels.creds.remove_confirm": "Usunąć dane uwierzytelniające {owner} w {scope}? "
    "Tej operacji nie można cofnąć.",
    "tui_panels.creds.removed": "Usunięto dane uwierzytelniające {owner}",
    # panel kontroli stanu (tui/health_panel.py)
    "tui_panels.health.none_yet": "W tym zakresie nie uruchomiono jeszcze kontroli stanu. "
    "Uruchom ją klawiszem ctrl+r.",
    "tui_panels.health.status": "Stan",
    "tui_panels.health.message": "Komunikat",
    "tui_panels.health.latency": "Opóźnienie",
    "tui_panels.health.checked": "Sprawdzono",
    "tui_panels.health.details": "Szczegóły",
    "tui_panels.health.run": "Uruchom kontrolę (ctrl+r)",
    "tui_panels.health.checking": " sprawdzanie…",
    "tui_panels.health.result": "Stan {owner}: {status}",
    "tui_panels.health.unknown": "nieznany",
    # panel logów (tui/logs_panel.py)
    "tui_panels.logs.correlation": "Korelacja: {id}",
    "tui_panels.logs.duration": "Czas trwania: {ms} ms",
    "tui_panels.logs.entity": "Obiekt: {entity}",
    "tui_panels.logs.details_open": "▾ Szczegóły",
    "tui_panels.logs.details_closed": "▸ Szczegóły (enter)",
    "tui_panels.logs.level_all": "Poziom: wszystkie",
    "tui_panels.logs.level": "Poziom: {level}",
    "tui_panels.logs.search": "Szukaj w komunikatach…",
    "tui_panels.logs.prev": "← Poprzednia (p)",
    "tui_panels.logs.next": "Następna → (n)",
    "tui_panels.logs.unavailable": "Logi niedostępne",
    "tui_panels.logs.none_match": "Żaden wpis logu nie pasuje.",
    # dopełniacz po „z”: z 1 wpisu, z 3 wpisów, z 5 wpisów
    "tui_panels.logs.showing": {
        "one": "Pokazano {range} z {total} wpisu",
        "few": "Pokazano {range} z {total} wpisów",
        "many": "Pokazano {range} z {total} wpisów",
    },
    "tui_panels.logs.new_on_first_page": {
        "one": "{total} wpis (nowe na pierwszej stronie)",
        "few": "{total} wpisy (nowe na pierwszej stronie)",
        "many": "{total} wpisów (nowe na pierwszej stronie)",
    },
    # ekran pakietu (tui/bundle.py)
    "tui_panels.bundle.id": "pakiet {id}",
    "tui_panels.bundle.shared_creds": "Wspólne dane uwierzytelniające (f1)",
    "tui_panels.bundle.health": "Kontrola stanu (wspólne dane uwierzytelniające)",
    "tui_panels.bundle.all_enabled": "Włączono wszystkie integracje pakietu {bundle}",
    "tui_panels.bundle.all_disabled": "Wyłączono wszystkie integracje pakietu {bundle}",
    # okna dialogowe (tui/dialogs.py)
    "tui_panels.dialog.yes": "Tak",
    "tui_panels.dialog.cancel_n": "Anuluj (n)",
    "tui_panels.dialog.switch_scope": "Zmień zakres",
    "tui_panels.dialog.tenant": "Najemca",
    "tui_panels.dialog.org": "Organizacja",
    "tui_panels.dialog.switch": "Zmień",
    "tui_panels.dialog.cancel": "Anuluj",
    # lista klawiszy (tui/dialogs.py)
    "tui_panels.keys.title": "Klawisze na tym ekranie",
    "tui_panels.keys.close": "esc, ? lub q zamyka tę listę",
    # potwierdzenia (tui/marketplace.py, tui/bundle.py, tui/integration.py)
    "tui_panels.confirm.disable_all": {
        "one": "Wyłączyć {n} integrację pakietu {bundle} w {scope}?",
        "few": "Wyłączyć {n} integracje pakietu {bundle} w {scope}?",
        "many": "Wyłączyć {n} integracji pakietu {bundle} w {scope}?",
    },
    "tui_panels.confirm.disable": "Wyłącz",
    "tui_panels.confirm.discard": "Dane uwierzytelniające {owner} mają niezapisane zmiany "
    "({keys}). Wyjść i je porzucić?",
    "tui_panels.confirm.discard_yes": "Porzuć",
    # wywołania TUI (tui/calls.py)
    "tui_panels.missing_creds": "Nie ustawiono wymaganych danych uwierzytelniających {owner}: "
    "{keys}. Ustaw je w formularzu danych uwierzytelniających.",
    "tui_panels.nothing_to_check": "{id} nie ma czego sprawdzić",
}
