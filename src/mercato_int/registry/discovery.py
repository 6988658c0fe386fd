"""Discovery: provider folders on the providers path and the `mercato_int.providers` entry points.

Cheap and forgiving: only each provider's `integration.py` is imported (its health checks and
their dependencies are not run), and one broken provider becomes a `Problem` naming its file and
field instead of hiding the others.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import traceback
import types
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from mercato_int.registry.catalog import ProviderSource, Registry
from mercato_int.registry.checks import resolve_callable
from mercato_int.registry.models import FIELD_TYPES, IntegrationBundle, IntegrationDefinition
from mercato_int.registry.problems import Problem

ENTRY_POINT_GROUP = "mercato_int.providers"
PROVIDER_FILE = "integration.py"
_PKG_PREFIX = "mercato_int_provider_"


def discover(
    extra_paths: Sequence[Path] = (),
    *,
    entry_points: bool = True,
    scanned: set[Path] | None = None,
) -> Registry:
    """Build the registry: entry points (our bundled providers among them), then `extra_paths`.

    `scanned`, when given, receives every folder searched for providers (what a cache of the
    result must watch for providers added or removed)."""
    registry = Registry()
    seen: set[Path] = set()
    roots = scanned if scanned is not None else set()
    if entry_points:
        for source, obj in _entry_point_objects(registry):
            _load_entry_object(registry, seen, source, obj, roots)
    for path in extra_paths:
        roots.add(path)
        if not path.exists():
            registry.problems.append(
                Problem(
                    file=str(path),
                    message="providers path does not exist; fix MERCATO_INT_PROVIDERS_PATH",
                )
            )
            continue
        for folder in _provider_folders(path):
            _load_folder(registry, seen, folder)
    _check_references(registry)
    return registry


# --- sources -----------------------------------------------------------------------------------
def _entry_point_objects(registry: Registry) -> Iterable[tuple[str, Any]]:
    from importlib.metadata import entry_points

    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name != "builtin"):
        label = f"entry point {ep.name} = {ep.value}"
        try:
            obj = ep.load()
            if callable(obj) and not isinstance(obj, types.ModuleType):
                obj = obj()
        except Exception as exc:
            registry.problems.append(Problem(file=label, message=f"cannot load: {_short(exc)}"))
            continue
        yield label, obj


def _load_entry_object(
    registry: Registry, seen: set[Path], label: str, obj: Any, roots: set[Path]
) -> None:
    if isinstance(obj, types.ModuleType):
        if hasattr(obj, "integration") or hasattr(obj, "bundle") or hasattr(obj, "integrations"):
            file = getattr(obj, "__file__", None) or label
            _register_module(registry, obj, file, obj.__name__, module_name=obj.__name__)
            return
        if hasattr(obj, "__path__"):
            for p in obj.__path__:
                roots.add(Path(p))
                for folder in _provider_folders(Path(p)):
                    _load_folder(registry, seen, folder)
            return
        registry.problems.append(
            Problem(file=label, message="module exports neither `integration` nor `bundle`")
        )
        return
    paths = [obj] if isinstance(obj, str | Path) else obj
    try:
        for path in paths:
            roots.add(Path(path))
            for folder in _provider_folders(Path(path)):
                _load_folder(registry, seen, folder)
    except TypeError:
        registry.problems.append(
            Problem(
                file=label,
                message="must be a provider module, a folder, or a callable returning folders",
            )
        )


def _provider_folders(path: Path) -> list[Path]:
    """A folder with an `integration.py` is one provider; otherwise each child folder with one.
    Hidden child folders (`.name`) are passed over: scaffold stages a new provider in one and
    a run killed half-way can leave it behind."""
    if (path / PROVIDER_FILE).is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(
        p
        for p in path.iterdir()
        if not p.name.startswith(".") and p.is_dir() and (p / PROVIDER_FILE).is_file()
    )


def _load_folder(registry: Registry, seen: set[Path], folder: Path) -> None:
    folder = folder.resolve()
    if folder in seen:
        return
    seen.add(folder)
    file = folder / PROVIDER_FILE
    try:
        module = import_folder(folder)
    except SyntaxError as exc:
        registry.problems.append(
            Problem(
                file=str(file),
                line=exc.lineno,
                message=f"syntax error: {exc.msg}; fix the file",
            )
        )
        return
    except Exception as exc:
        registry.problems.append(
            Problem(
                file=str(file),
                line=_error_line(exc, file),
                message=f"cannot import: {_short(exc)}",
            )
        )
        return
    _register_module(registry, module, str(file), folder.name)


def import_folder(folder: Path) -> types.ModuleType:
    """The `integration.py` of a (resolved) provider folder, imported once per process."""
    pkg_name = _PKG_PREFIX + re.sub(r"\W", "_", folder.name) + f"_{abs(hash(folder)) % 10**8}"
    return _import_provider(pkg_name, folder, folder / PROVIDER_FILE)


def _import_provider(pkg_name: str, folder: Path, file: Path) -> types.ModuleType:
    """Import `integration.py` as a submodule of a package rooted at the provider folder, so
    that `from .health import check` works inside a provider."""
    if pkg_name not in sys.modules:
        pkg = types.ModuleType(pkg_name)
        pkg.__path__ = [str(folder)]
        pkg.__file__ = str(folder / "__init__.py")
        sys.modules[pkg_name] = pkg
    name = f"{pkg_name}.integration"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


# --- definitions -------------------------------------------------------------------------------
def _register_module(
    registry: Registry, module: Any, file: str, name: str, *, module_name: str | None = None
) -> None:
    health_checks = getattr(module, "health_checks", None) or {}
    if not isinstance(health_checks, dict):
        registry.problems.append(
            Problem(file=file, field="health_checks", message="must be a dict of name → callable")
        )
        health_checks = {}
    source = ProviderSource(
        name=name, file=file, health_checks=dict(health_checks), module=module_name
    )
    has_single = hasattr(module, "integration")
    has_bundle = hasattr(module, "bundle")
    has_many = hasattr(module, "integrations")
    if not (has_single or has_bundle or has_many):
        registry.problems.append(
            Problem(
                file=file,
                message="exports neither `integration` nor `bundle` + `integrations`; "
                "export one of them",
            )
        )
        return
    if has_bundle:
        bundle = _validate(registry, IntegrationBundle, module.bundle, file, "bundle")
        if bundle is not None:
            _add(registry, bundle, source)
        if not has_many or not module.integrations:
            registry.problems.append(
                Problem(
                    file=file,
                    id=bundle.id if bundle else None,
                    field="integrations",
                    message="bundle has no integrations; export a non-empty `integrations` list",
                )
            )
    items: list[Any] = []
    if has_single:
        items.append(("integration", module.integration))
    if has_many:
        many = module.integrations
        if not isinstance(many, list | tuple):
            registry.problems.append(
                Problem(file=file, field="integrations", message="must be a list of definitions")
            )
        else:
            items.extend((f"integrations[{i}]", d) for i, d in enumerate(many))
    for where, raw in items:
        definition = _validate(registry, IntegrationDefinition, raw, file, where)
        if definition is not None:
            _add(registry, definition, source)


def _validate(registry: Registry, model: type[BaseModel], raw: Any, file: str, where: str) -> Any:
    if isinstance(raw, model):
        return raw
    if hasattr(raw, "model_dump"):  # a model from another copy of the authoring module
        raw = raw.model_dump(by_alias=True)
    if not isinstance(raw, dict):
        registry.problems.append(
            Problem(
                file=file,
                field=where,
                message=f"must be an {model.__name__} or a dict, not {type(raw).__name__}",
            )
        )
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raw_id = raw.get("id") if isinstance(raw.get("id"), str) else None
        for err in exc.errors():
            registry.problems.append(
                Problem(
                    file=file,
                    id=raw_id,
                    field=_loc(where, err["loc"], raw),
                    message=_explain(err),
                )
            )
        return None


def _add(
    registry: Registry, item: IntegrationDefinition | IntegrationBundle, source: ProviderSource
) -> bool:
    other = registry.sources.get(item.id)
    if other is not None:
        registry.problems.append(
            Problem(
                file=source.file,
                id=item.id,
                field="id",
                message=f"duplicate id, already declared in {other.file}; rename one of them",
            )
        )
        return False
    if isinstance(item, IntegrationBundle):
        registry.bundles[item.id] = item
    else:
        registry.integrations[item.id] = item
    registry.sources[item.id] = source
    return True


def _check_references(registry: Registry) -> None:
    # ids that a provider declared but that did not make it into the registry
    rejected = {p.id for p in registry.problems if p.id}
    for item in registry.integrations.values():
        if item.bundle_id and item.bundle_id not in registry.bundles:
            if item.bundle_id in rejected:
                message = (
                    f"bundle {item.bundle_id!r} is declared but invalid; fix the problem "
                    "reported for it"
                )
            else:
                message = (
                    f"bundle {item.bundle_id!r} is not declared by any provider; "
                    "declare it or remove bundleId"
                )
            registry.problems.append(
                Problem(
                    file=registry.sources[item.id].file,
                    id=item.id,
                    field="bundleId",
                    message=message,
                )
            )
    members = registry.members_by_bundle()
    reported = {p.id for p in registry.problems if p.field == "integrations"}
    for bundle in registry.bundles.values():
        if not members.get(bundle.id) and bundle.id not in reported:
            registry.problems.append(
                Problem(
                    file=registry.sources[bundle.id].file,
                    id=bundle.id,
                    field="integrations",
                    message="bundle has no integrations; add integrations with this bundleId",
                )
            )


def check_health_checks(registry: Registry) -> list[Problem]:
    """Problems for every health check service that does not resolve to a callable.

    This imports `"module:function"` targets, so `validate` runs it and `list` does not."""
    problems = []
    items: list[IntegrationBundle | IntegrationDefinition] = [
        *registry.bundles.values(),
        *registry.integrations.values(),
    ]
    for item in items:
        if item.health_check is None:
            continue
        source = registry.sources[item.id]
        try:
            resolve_callable(item.health_check.service, source)
        except LookupError as exc:
            problems.append(
                Problem(file=source.file, id=item.id, field="healthCheck.service", message=str(exc))
            )
    return problems


# --- messages ----------------------------------------------------------------------------------
def _loc(where: str, loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    parts = [where]
    node: Any = raw
    for part in loc:
        if isinstance(part, int):
            parts[-1] += f"[{part}]"
            key = None
            if isinstance(node, list | tuple) and part < len(node):
                node = node[part]
                key = node.get("key") if isinstance(node, dict) else getattr(node, "key", None)
            if key:
                parts[-1] += f"({key})"
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(p for p in parts if p)


def _explain(err: Mapping[str, Any]) -> str:
    loc = err.get("loc", ())
    if err["type"] == "literal_error" and loc and loc[-1] == "type":
        return f"unknown field type {err.get('input')!r}; use one of {', '.join(FIELD_TYPES)}"
    if err["type"] == "extra_forbidden":
        return "unknown key; remove it or check its spelling (keys are camelCase)"
    if err["type"] == "missing":
        return "required; add it"
    msg = err["msg"]
    return msg.removeprefix("Value error, ")


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()


def _error_line(exc: BaseException, file: Path) -> int | None:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if Path(frame.filename) == file:
            return frame.lineno
    return None
