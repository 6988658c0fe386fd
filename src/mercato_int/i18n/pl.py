"""Polish messages (komunikaty po polsku). Same keys and placeholders as en.py (tested)."""

from typing import Any

MESSAGES: dict[str, Any] = {
    # framing of the CLI (cli/app.py, cli/output.py)
    "cli.error": "błąd:",
    "cli.warning": "ostrzeżenie:",
    "cli.try_help": "Pomoc: '{command} --help'.",
    "cli.interrupted": "przerwano",
    "scope": "tenant {tenant} · organizacja {org}",
    # list
    "list.title": "Integracje · {scope}",
    "list.no_match": "Żadna integracja nie pasuje.",
    "list.enabled": "● Włączona ",
    "list.disabled": "○ Wyłączona",
    "list.creds_set": "dane ✓",
    "list.creds_unset": "dane —",
    "list.bundle_credentials_set": "dane dostępowe: ustawione",
    "list.bundle_credentials_unset": "dane dostępowe: nieustawione",
    "list.bundle_counts": {
        "one": "{n} integracja, włączone: {enabled}",
        "few": "{n} integracje, włączone: {enabled}",
        "many": "{n} integracji, włączone: {enabled}",
    },
    "list.standalone": "Samodzielne",
    "list.footer": {
        "one": "{n} integracja · szczegóły: `mercato-int show ID`",
        "few": "{n} integracje · szczegóły: `mercato-int show ID`",
        "many": "{n} integracji · szczegóły: `mercato-int show ID`",
    },
    "list.unknown_category": "żadna integracja nie ma kategorii {category!r}; znane: {known}",
    "list.problems_hint": "`mercato-int validate` pokaże każdy problem i co zmienić",
    "health.healthy": "sprawna",
    "health.degraded": "osłabiona",
    "health.unhealthy": "niesprawna",
    "health.unconfigured": "nieskonfigurowana",
    "category.payment": "Płatności",
    "category.shipping": "Wysyłka",
    "category.data_sync": "Synchronizacja danych",
    "category.webhook": "Webhooki",
    "category.crm": "CRM",
    "category.marketing": "Marketing",
    "category.analytics": "Analityka",
    # validate
    "validate.summary": "{integrations} i {bundles} od {providers}",
    "validate.problems": "{problems}; {summary}",
    "validate.ok": "ok: {summary}, bez problemów",
    "count.integrations": {
        "one": "{n} integracja",
        "few": "{n} integracje",
        "many": "{n} integracji",
    },
    "count.bundles": {"one": "{n} pakiet", "few": "{n} pakiety", "many": "{n} pakietów"},
    # genitive after "od": od 1 dostawcy, od 3 dostawców
    "count.providers": {"one": "{n} dostawcy", "few": "{n} dostawców", "many": "{n} dostawców"},
    "count.problems": {"one": "{n} problem", "few": "{n} problemy", "many": "{n} problemów"},
    # scaffold
    "scaffold.missing": "brak {flag} (scaffold pyta tylko w terminalu)",
    "scaffold.prompt.id": "Identyfikator (np. crm_acme)",
    "scaffold.prompt.title": "Tytuł",
    "scaffold.prompt.category": "Kategoria (np. payment)",
    "scaffold.prompt.hub": "Hub (np. payment_gateways)",
    "scaffold.prompt.field": "Pole danych dostępowych KLUCZ:TYP[:required]",
    "scaffold.prompt.member": "Integracja ID:TYTUŁ:KATEGORIA",
    "scaffold.prompt.health_url": "URL sprawdzenia stanu (https://...)",
    "scaffold.prompt.finish": "{question} (puste kończy)",
    "scaffold.created.integration": "utworzono integrację {name} w {folder}",
    "scaffold.created.bundle": "utworzono pakiet {name} w {folder}",
    "scaffold.next": "dalej: dodaj {parent} do MERCATO_INT_PROVIDERS_PATH, uruchom "
    "`mercato-int validate` i `pytest {test}`",
    # acl
    "acl.granted": "{actor} otrzymał(a) {grant} · {scope}",
    "acl.already": "{actor} już ma {grant} · {scope}",
    "acl.lost": "{actor} stracił(a) {grant} · {scope}",
    "acl.policy_gone": "{scope} nie ma już zasad dostępu: każdy może wszystko",
    "acl.no_policy": "Brak zasad dostępu w {scope}: każdy może wszystko. "
    "`mercato-int acl grant AKTOR admin` je zakłada.",
    "acl.you_cannot_manage": "ty ({actor}) nie masz uprawnień do zarządzania {scope}",
    "acl.title": "Dostęp · {scope}",
    "acl.col.actor": "aktor",
    "acl.col.grant": "uprawnienie",
    "acl.col.features": "funkcje",
    "acl.col.by": "nadane przez",
    "acl.col.at": "kiedy",
}
