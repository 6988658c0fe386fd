"""What the registry says about the integrations a health run plans, worked out once per plan:
`plan_all_tenants` asks the same of every tenant (1,000 tenants × 7 integrations), and each
answer walks the registry (the check that applies, the required keys, the secret keys)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from mercato_int.registry import HealthCheckConfig, Registry
from mercato_int.services.credentials.requirements import Requirements, requirements

_UNSET: Any = object()


class RegistryFacts:
    """Memoised registry lookups for one plan (the registry does not change during it)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._configs: dict[str, tuple[str, HealthCheckConfig] | None] = {}
        self._needs: dict[str, Requirements] = {}
        self._secrets: dict[str, frozenset[str]] = {}
        self._checks: dict[str, Callable[..., Any] | None] = {}
        self._texts: dict[int, tuple[Mapping[str, Any], str]] = {}

    def health_check_config(self, some_id: str) -> tuple[str, HealthCheckConfig] | None:
        found = self._configs.get(some_id, _UNSET)
        if found is _UNSET:
            found = self._configs[some_id] = self.registry.health_check_config(some_id)
        return found  # type: ignore[no-any-return]

    def requirements(self, some_id: str) -> Requirements:
        found = self._needs.get(some_id)
        if found is None:
            found = self._needs[some_id] = requirements(self.registry, some_id)
        return found

    def secret_keys(self, some_id: str) -> frozenset[str]:
        found = self._secrets.get(some_id)
        if found is None:
            found = self._secrets[some_id] = frozenset(self.registry.secret_keys(some_id))
        return found

    def health_check(self, some_id: str) -> Callable[..., Any] | None:
        found = self._checks.get(some_id, _UNSET)
        if found is _UNSET:
            found = self._checks[some_id] = self.registry.resolve_health_check(some_id)
        return found  # type: ignore[no-any-return]

    def text(self, values: Mapping[str, Any]) -> str:
        """`values` as canonical JSON (which members share a set of credentials), once per
        object: the members that fall through to one bundle row get the same object."""
        held = self._texts.get(id(values))
        if held is None or held[0] is not values:  # the id of an object that is gone
            held = (values, json.dumps(values, sort_keys=True, default=str))
            self._texts[id(values)] = held
        return held[1]
