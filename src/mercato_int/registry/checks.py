"""Health checks by name: what discovery validates and the catalog hands to the health service.
Here, not in discovery or the catalog, so that both use it without importing each other."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mercato_int.registry.catalog import ProviderSource


def resolve_callable(service: str, source: ProviderSource | None) -> Any:
    """A provider's health check by name: its `health_checks` entry, or `"module:function"`."""
    target: Any = None
    if source is not None and service in source.health_checks:
        target = source.health_checks[service]
        if callable(target):
            return target
    spec = target if isinstance(target, str) else service
    if ":" not in spec:
        known = sorted(source.health_checks) if source else []
        raise LookupError(
            f"health check {service!r} does not resolve: add it to `health_checks` in "
            f"integration.py or name it as 'module:function'"
            + (f" (known: {', '.join(known)})" if known else "")
        )
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
        fn = getattr(module, attr)
    except Exception as exc:
        raise LookupError(f"health check {spec!r} does not resolve: {_short(exc)}") from None
    if not callable(fn):
        raise LookupError(f"health check {spec!r} is not callable")
    return fn


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()
