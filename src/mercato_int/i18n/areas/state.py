"""Messages of `enable`, `disable`, `health` and `events` (and the `Last changes` of `show`).

Stored data stays English and untranslated: health results' messages (on the state and in the
log), event types and payloads, `--json` output.
"""

from typing import Any

EN: dict[str, Any] = {
    # enable / disable (cli/state.py)
    "state.enabled_in": "Enabled in {scope} by {actor}{via}:",
    "state.disabled_in": "Disabled in {scope} by {actor}{via}:",
    "state.via_bundle": " (bundle {bundles})",
    "state.already_enabled": "Already enabled in {scope}: {ids}",
    "state.already_disabled": "Already disabled in {scope}: {ids}",
    "state.delivery_failed": "subscriber {subscriber} failed on {type} for {subject}: {error} "
    "(the change was kept)",
    # services/requirements.py, services/state_changes.py
    "state.missing_creds": "{who}: required credentials not set: {keys}; set them with `{command}`",
    "state.missing_creds.of_bundle": "{integration} (credentials of bundle {bundle})",
    "state.missing_creds.members": {
        "one": "{owner} ({n} integration)",
        "other": "{owner} ({n} integrations)",
    },
    "state.cannot_check_creds": "cannot check the credentials of {id}: {error}",
    "state.store_unsupported": "the {dialect} store is not supported for changes",
    "state.store_unsupported.hint": "use SQLite or Postgres",
    # health (cli/health.py, services/health.py)
    "state.health.ids_and_all": "give integration ids or --all/--all-tenants, not both",
    "state.health.nothing_named": "name integrations or bundles to check, or use --all",
    "state.health.nothing_named.hint": "e.g. `{program} health gateway_stripe` or "
    "`{program} health --all`",
    "state.health.bad_timeout_flag": "--timeout must be more than 0 and at most {most} seconds, "
    "not {timeout}",
    "state.health.bad_concurrency_flag": "--concurrency must be at least 1, not {concurrency}",
    "state.health.bad_timeout": "timeout must be more than 0 and at most {most} seconds, "
    "not {timeout}",
    "state.health.bad_concurrency": "concurrency must be at least 1, not {concurrency}",
    "state.health.all_tenants": "all tenants",
    "state.health.in_all_tenants": "in all tenants",
    "state.health.in_scope": "in {scope}",
    "state.health.none_enabled": "no enabled integrations {where}; enable some with `{command}`",
    "state.health.tenant_failed": "{scope} was not checked: {error}",
    "state.health.checking": "checking {count} {where} (timeout {timeout} s)",
    "state.health.n_checks": {"one": "{n} check", "other": "{n} checks"},
    "state.health.progress": "health",
    "state.health.progress_line": "[{done}/{total}] {subject}: {status} ({latency} ms)",
    "state.health.progress_line_unmeasured": "[{done}/{total}] {subject}: {status}",
    "state.health.title": "Health",
    "state.health.summary": "{checks}: {counts}",
    "state.health.count.healthy": {"one": "{n} healthy", "other": "{n} healthy"},
    "state.health.count.degraded": {"one": "{n} degraded", "other": "{n} degraded"},
    "state.health.count.unhealthy": {"one": "{n} unhealthy", "other": "{n} unhealthy"},
    "state.health.count.unconfigured": {"one": "{n} unconfigured", "other": "{n} unconfigured"},
    # events (cli/events.py, services/events.py)
    "state.events.title": "Events",
    "state.events.none": "No events.",
    "state.events.more": "last {shown} of {total} · --limit N for more",
    "state.events.by": "by {actor}",
    "state.events.members": {"one": "({n} integration)", "other": "({n} integrations)"},
    "state.events.unknown_type": "unknown event type {type!r}",
    "state.events.unknown_type.hint": "use one of {known}",
    "state.events.bad_limit": "limit must be between 1 and {maximum}, not {limit}",
    "state.events.last_changes": "Last changes:",
    "state.events.last_changes_none": "none",
    "state.events.fields": "fields: {fields}",
    "state.events.denied": "refused: {feature} for `{action}`",
    "state.events.grant": "{grant} for {grantee}",
    # labels of event types (completion of `events --type`)
    "state.event.integrations.integration.enabled": "Integration Enabled",
    "state.event.integrations.integration.disabled": "Integration Disabled",
    "state.event.integrations.credentials.updated": "Credentials Updated",
    "state.event.integrations.credentials.removed": "Credentials Removed",
    "state.event.integrations.health.checked": "Health Check Completed",
    "state.event.integrations.bundle.enabled": "Bundle Enabled",
    "state.event.integrations.bundle.disabled": "Bundle Disabled",
    "state.event.integrations.credentials.revealed": "Credentials Revealed (audit)",
    "state.event.integrations.access.denied": "Access Denied",
    "state.event.integrations.access.granted": "Access Granted",
    "state.event.integrations.access.revoked": "Access Revoked",
}

PL: dict[str, Any] = {
    # enable / disable (cli/state.py)
    "state.enabled_in": "Włączono w {scope} przez {actor}{via}:",
    "state.disabled_in": "Wyłączono w {scope} przez {actor}{via}:",
    "state.via_bundle": " (pakiet {bundles})",
    "state.already_enabled": "Już włączone w {scope}: {ids}",
    "state.already_disabled": "Już wyłączone w {scope}: {ids}",
    "state.delivery_failed": "subskrybent {subscriber} zgłosił błąd przy {type} dla {subject}: "
    "{error} (zmiana została zachowana)",
    # services/requirements.py, services/state_changes.py
    "state.missing_creds": "{who}: nie ustawiono wymaganych danych uwierzytelniających: {keys}; "
    "ustaw je poleceniem `{command}`",
    "state.missing_creds.of_bundle": "{integration} (dane uwierzytelniające pakietu {bundle})",
    "state.missing_creds.members": {
        "one": "{owner} ({n} integracja)",
        "few": "{owner} ({n} integracje)",
        "many": "{owner} ({n} integracji)",
    },
    "state.cannot_check_creds": "nie można sprawdzić danych uwierzytelniających {id}: {error}",
    "state.store_unsupported": "magazyn danych {dialect} nie obsługuje zmian",
    "state.store_unsupported.hint": "użyj SQLite lub Postgresa",
    # health (cli/health.py, services/health.py)
    "state.health.ids_and_all": "podaj identyfikatory integracji albo --all/--all-tenants, "
    "nie jedno i drugie",
    "state.health.nothing_named": "wskaż integracje lub pakiety do sprawdzenia albo użyj --all",
    "state.health.nothing_named.hint": "np. `{program} health gateway_stripe` lub "
    "`{program} health --all`",
    "state.health.bad_timeout_flag": "--timeout musi wynosić więcej niż 0 i najwyżej {most} "
    "sekund, podano {timeout}",
    "state.health.bad_concurrency_flag": "--concurrency musi wynosić co najmniej 1, "
    "podano {concurrency}",
    "state.health.bad_timeout": "limit czasu musi wynosić więcej niż 0 i najwyżej {most} sekund, "
    "podano {timeout}",
    "state.health.bad_concurrency": "liczba równoczesnych kontroli musi wynosić co najmniej 1, "
    "podano {concurrency}",
    "state.health.all_tenants": "wszyscy najemcy",
    "state.health.in_all_tenants": "u wszystkich najemców",
    "state.health.in_scope": "w {scope}",
    "state.health.none_enabled": "brak włączonych integracji {where}; "
    "włącz je poleceniem `{command}`",
    "state.health.tenant_failed": "nie sprawdzono: {scope}: {error}",
    "state.health.checking": "sprawdzanie: {count} {where} (limit czasu {timeout} s)",
    "state.health.n_checks": {
        "one": "{n} kontrola stanu",
        "few": "{n} kontrole stanu",
        "many": "{n} kontroli stanu",
    },
    "state.health.progress": "kontrola stanu",
    "state.health.progress_line": "[{done}/{total}] {subject}: {status} ({latency} ms)",
    "state.health.progress_line_unmeasured": "[{done}/{total}] {subject}: {status}",
    "state.health.title": "Kontrola stanu",
    "state.health.summary": "{checks}: {counts}",
    # agrees with "integracja" (feminine): 1 sprawna, 2 sprawne, 5 sprawnych
    "state.health.count.healthy": {
        "one": "{n} sprawna",
        "few": "{n} sprawne",
        "many": "{n} sprawnych",
    },
    "state.health.count.degraded": {
        "one": "{n} osłabiona",
        "few": "{n} osłabione",
        "many": "{n} osłabionych",
    },
    "state.health.count.unhealthy": {
        "one": "{n} niesprawna",
        "few": "{n} niesprawne",
        "many": "{n} niesprawnych",
    },
    "state.health.count.unconfigured": {
        "one": "{n} nieskonfigurowana",
        "few": "{n} nieskonfigurowane",
        "many": "{n} nieskonfigurowanych",
    },
    # events (cli/events.py, services/events.py)
    "state.events.title": "Zdarzenia",
    "state.events.none": "Brak zdarzeń.",
    "state.events.more": "ostatnie {shown} z {total} · więcej: --limit N",
    "state.events.by": "przez {actor}",
    "state.events.members": {
        "one": "({n} integracja)",
        "few": "({n} integracje)",
        "many": "({n} integracji)",
    },
    "state.events.unknown_type": "nieznany typ zdarzenia {type!r}",
    "state.events.unknown_type.hint": "użyj jednego z: {known}",
    "state.events.bad_limit": "limit musi wynosić od 1 do {maximum}, a nie {limit}",
    "state.events.last_changes": "Ostatnie zmiany:",
    "state.events.last_changes_none": "brak",
    "state.events.fields": "pola: {fields}",
    "state.events.denied": "odmowa: {feature} dla `{action}`",
    "state.events.grant": "{grant} dla {grantee}",
    # labels of event types (completion of `events --type`)
    "state.event.integrations.integration.enabled": "Włączono integrację",
    "state.event.integrations.integration.disabled": "Wyłączono integrację",
    "state.event.integrations.credentials.updated": "Zmieniono dane uwierzytelniające",
    "state.event.integrations.credentials.removed": "Usunięto dane uwierzytelniające",
    "state.event.integrations.health.checked": "Zakończono kontrolę stanu",
    "state.event.integrations.bundle.enabled": "Włączono pakiet",
    "state.event.integrations.bundle.disabled": "Wyłączono pakiet",
    "state.event.integrations.credentials.revealed": "Ujawniono dane uwierzytelniające (audyt)",
    "state.event.integrations.access.denied": "Odmowa dostępu",
    "state.event.integrations.access.granted": "Nadano dostęp",
    "state.event.integrations.access.revoked": "Odebrano dostęp",
}
