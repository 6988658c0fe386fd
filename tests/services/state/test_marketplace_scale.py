"""The marketplace overview is linear in the registry: it walks the integrations a fixed
number of times, however many bundles there are (it used to walk them once per bundle)."""

from __future__ import annotations

from typing import Any

from mercato_int.registry import IntegrationBundle, IntegrationDefinition, Registry
from mercato_int.services.state.marketplace import MarketplaceService


class CountingDict(dict):
    """A dict that counts the walks over it (values, items, keys, iteration)."""

    walks = 0

    def __iter__(self) -> Any:
        CountingDict.walks += 1
        return super().__iter__()

    def values(self) -> Any:
        CountingDict.walks += 1
        return super().values()

    def items(self) -> Any:
        CountingDict.walks += 1
        return super().items()

    def keys(self) -> Any:
        CountingDict.walks += 1
        return super().keys()


def _registry(bundles: int, per_bundle: int) -> Registry:
    registry = Registry()
    for b in range(bundles):
        bundle_id = f"bundle_{b}"
        registry.bundles[bundle_id] = IntegrationBundle.model_validate(
            {"id": bundle_id, "title": f"Bundle {b}", "description": "d"}
        )
        for i in range(per_bundle):
            some_id = f"int_{b}_{i}"
            registry.integrations[some_id] = IntegrationDefinition.model_validate(
                {
                    "id": some_id,
                    "title": f"Integration {b} {i}",
                    "category": "payment",
                    "hub": "payment_hub",
                    "providerKey": some_id,
                    "bundleId": bundle_id,
                }
            )
    registry.integrations = CountingDict(registry.integrations)
    return registry


def _walks(services: Any, registry: Registry, **filters: Any) -> int:
    market = MarketplaceService(guard=services.guard, store=services.store, registry=registry)
    CountingDict.walks = 0
    overview = market.overview(services.scope, **filters)
    assert len(overview.items) == len(registry.integrations)
    assert all(b.integration_count == len(b.items) for b in overview.bundles)
    return CountingDict.walks


def test_the_overview_walks_the_integrations_a_fixed_number_of_times(services) -> None:
    few = _walks(services, _registry(bundles=2, per_bundle=3))
    many = _walks(services, _registry(bundles=60, per_bundle=3))
    assert many == few <= 6
    sorted_many = _walks(services, _registry(bundles=60, per_bundle=3), sort="title")
    assert sorted_many == _walks(services, _registry(bundles=2, per_bundle=3), sort="title")
