"""Messages of the registry's lookups (unknown ids), in English and Polish."""

from typing import Any

EN: dict[str, Any] = {
    "registry.no_integration": "no integration with id {id}",
    "registry.no_bundle": "no bundle with id {id}",
    "registry.no_any": "no integration or bundle with id {id}",
    "registry.did_you_mean": "did you mean {ids}?",
    "registry.run_list": "run `mercato-int {flags}list` to see the ids that exist",
}

PL: dict[str, Any] = {
    "registry.no_integration": "nie ma integracji o id {id}",
    "registry.no_bundle": "nie ma pakietu o id {id}",
    "registry.no_any": "nie ma integracji ani pakietu o id {id}",
    "registry.did_you_mean": "czy chodziło o {ids}?",
    "registry.run_list": "uruchom `mercato-int {flags}list`, aby zobaczyć istniejące id",
}
