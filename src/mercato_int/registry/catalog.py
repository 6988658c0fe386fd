"""The registry: every discovered integration and bundle, with lookup, membership and search."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mercato_int.errors import NotFound
from mercato_int.registry.checks import resolve_callable
from mercato_int.registry.models import (
    CredentialField,
    HealthCheckConfig,
    IntegrationBundle,
    IntegrationDefinition,
)
from mercato_int.registry.problems import Problem


@dataclass
class ProviderSource:
    """Where a definition came from, and the health checks its provider exports."""

    name: str
    file: str
    # a Mapping: a registry read from the discovery cache imports the provider on first use
    health_checks: Mapping[str, Any] = field(default_factory=dict)
    module: str | None = None  # an entry point's module; None: a provider folder's file


@dataclass
class Registry:
    integrations: dict[str, IntegrationDefinition] = field(default_factory=dict)
    bundles: dict[str, IntegrationBundle] = field(default_factory=dict)
    sources: dict[str, ProviderSource] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    # --- lookup -------------------------------------------------------------------------------
    def all_ids(self) -> list[str]:
        return sorted([*self.integrations, *self.bundles])

    def closest_ids(
        self, wanted: str, n: int = 3, *, among: Iterable[str] | None = None
    ) -> list[str]:
        """Up to `n` ids like `wanted` (all ids, or those in `among`), closest first."""
        pool = sorted(among) if among is not None else self.all_ids()
        close = difflib.get_close_matches(wanted, pool, n=n, cutoff=0.5)
        # `dhl` should find `carrier_dhl`: a whole part of an id counts as close too
        parts = [i for i in pool if wanted.lower() in i.split("_")]
        return list(dict.fromkeys([*close, *parts]))[:n]

    def _not_found(self, wanted: str, kind: str, among: Iterable[str] | None = None) -> NotFound:
        """`kind` is `integration`, `bundle` or `any` (integration or bundle)."""
        from mercato_int.errors import msg

        if "=" in wanted:  # `creds set KEY=VALUE` with the id forgotten: never echo a value
            return NotFound(
                msg("registry.looks_like_assignment"), hint=msg("registry.name_id_first")
            )
        close = self.closest_ids(wanted, among=among)
        if close:
            return NotFound(
                msg(f"registry.no_{kind}", id=repr(wanted)),
                hint=msg("registry.did_you_mean", ids=", ".join(close)),
            )
        error = NotFound(
            msg(f"registry.no_{kind}", id=repr(wanted)), hint=msg("registry.run_list", flags="")
        )
        error.scoped_hint = lambda flags: msg("registry.run_list", flags=flags)
        return error

    def get_integration(self, integration_id: str) -> IntegrationDefinition:
        try:
            return self.integrations[integration_id]
        except KeyError:
            raise self._not_found(integration_id, "integration", self.integrations) from None

    def get_bundle(self, bundle_id: str) -> IntegrationBundle:
        try:
            return self.bundles[bundle_id]
        except KeyError:
            raise self._not_found(bundle_id, "bundle", self.bundles) from None

    def get(self, some_id: str) -> IntegrationDefinition | IntegrationBundle:
        """An integration or a bundle by id; NotFound (exit 3) with suggestions otherwise."""
        if some_id in self.integrations:
            return self.integrations[some_id]
        if some_id in self.bundles:
            return self.bundles[some_id]
        raise self._not_found(some_id, "any")

    def is_bundle(self, some_id: str) -> bool:
        return some_id in self.bundles

    def members(self, bundle_id: str) -> list[IntegrationDefinition]:
        """The integrations of a bundle, in declaration order."""
        return [i for i in self.integrations.values() if i.bundle_id == bundle_id]

    def members_by_bundle(self) -> dict[str, list[IntegrationDefinition]]:
        """Every bundle id (declared or not) -> its integrations in declaration order, in one
        pass: what a caller that needs the members of many bundles reads."""
        out: dict[str, list[IntegrationDefinition]] = {}
        for item in self.integrations.values():
            if item.bundle_id:
                out.setdefault(item.bundle_id, []).append(item)
        return out

    def bundle_of(self, integration_id: str) -> IntegrationBundle | None:
        definition = self.get_integration(integration_id)
        if definition.bundle_id:
            return self.bundles.get(definition.bundle_id)
        return None

    def expand(self, ids: Iterable[str]) -> list[str]:
        """Integration ids for a mix of integration and bundle ids (a bundle means its members)."""
        out: list[str] = []
        for some_id in ids:
            if some_id in self.bundles:
                out.extend(i.id for i in self.members(some_id))
            else:
                out.append(self.get_integration(some_id).id)
        return list(dict.fromkeys(out))

    # --- schema -------------------------------------------------------------------------------
    def credential_fields(self, some_id: str) -> tuple[CredentialField, ...]:
        """The fields of an integration's or bundle's own credentials form."""
        return self.get(some_id).fields

    def secret_keys(self, integration_id: str) -> set[str]:
        """Keys of every `secret` field of an integration or bundle and, for a member, its
        bundle: what the log service strips from details."""
        item = self.get(integration_id)
        keys = {f.key for f in item.fields if f.is_secret}
        if isinstance(item, IntegrationDefinition) and item.bundle_id in self.bundles:
            keys |= {f.key for f in self.bundles[item.bundle_id].fields if f.is_secret}
        return keys

    def health_check_config(self, some_id: str) -> tuple[str, HealthCheckConfig] | None:
        """(owner id, config) of the check that applies: the integration's, else its bundle's."""
        item = self.get(some_id)
        if item.health_check:
            return item.id, item.health_check
        if isinstance(item, IntegrationDefinition) and item.bundle_id in self.bundles:
            bundle = self.bundles[item.bundle_id]
            if bundle.health_check:
                return bundle.id, bundle.health_check
        return None

    def resolve_health_check(self, some_id: str) -> Callable[..., Any] | None:
        """The callable of the check that applies to an integration or bundle, or None."""
        found = self.health_check_config(some_id)
        if found is None:
            return None
        owner, config = found
        return resolve_callable(config.service, self.sources.get(owner))

    # --- search -------------------------------------------------------------------------------
    def categories(self) -> list[str]:
        return sorted({i.category for i in self.integrations.values()})

    def search(
        self,
        *,
        query: str | None = None,
        category: str | None = None,
        bundle_id: str | None = None,
    ) -> list[IntegrationDefinition]:
        """Integrations matching every given filter; `query` looks in id, title, description
        and tags, case-insensitively."""
        if bundle_id is not None:
            self.get_bundle(bundle_id)
        q = (query or "").strip().lower()
        out = []
        for item in self.integrations.values():
            if category and item.category != category:
                continue
            if bundle_id and item.bundle_id != bundle_id:
                continue
            if q and not _matches(item, q, self.bundles.get(item.bundle_id or "")):
                continue
            out.append(item)
        return out


def _matches(item: IntegrationDefinition, q: str, bundle: IntegrationBundle | None) -> bool:
    hay = [item.id, item.title, item.description, *item.tags]
    if bundle is not None:
        hay += [bundle.id, bundle.title]
    return any(q in h.lower() for h in hay)
