"""Shell-completion callbacks: ids, bundle ids, categories and levels, from the live registry.

Wire one into a parameter with `typer.Argument(autocompletion=complete_ids)` (or
`typer.Option(...)`). Each returns `(value, help)` pairs that start with what was typed; a
broken environment completes nothing rather than printing a traceback into the shell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from mercato_int.registry import Registry

Choices = list[tuple[str, str]]


def _registry() -> Registry | None:
    # Completion runs before the root callback, so there is no services container yet; the
    # registry needs only the providers path from the environment or the config file.
    try:
        from mercato_int.registry.cache import discover_cached
        from mercato_int.settings import Settings

        settings = Settings.load()  # the discovery cache of every other command (a tab press)
        return discover_cached(settings.providers_path, cache_dir=settings.data_dir / "cache")
    except Exception:  # never a traceback into the user's shell
        return None


def _matching(pairs: Choices, incomplete: str) -> Choices:
    return [(value, help_) for value, help_ in pairs if value.startswith(incomplete)]


def complete_ids(ctx: typer.Context, incomplete: str) -> Choices:
    """Integration and bundle ids."""
    registry = _registry()
    if registry is None:
        return []
    pairs = [(b.id, f"{b.title} (bundle)") for b in registry.bundles.values()]
    pairs += [(i.id, i.title) for i in registry.integrations.values()]
    return _matching(sorted(pairs), incomplete)


def complete_integration_ids(ctx: typer.Context, incomplete: str) -> Choices:
    """Integration ids only (no bundles)."""
    registry = _registry()
    if registry is None:
        return []
    return _matching(sorted((i.id, i.title) for i in registry.integrations.values()), incomplete)


def complete_bundle_ids(ctx: typer.Context, incomplete: str) -> Choices:
    """Bundle ids only."""
    registry = _registry()
    if registry is None:
        return []
    return _matching(sorted((b.id, b.title) for b in registry.bundles.values()), incomplete)


def complete_categories(ctx: typer.Context, incomplete: str) -> Choices:
    """The categories the registry's integrations use."""
    registry = _registry()
    if registry is None:
        return []
    return _matching([(c, c.replace("_", " ").title()) for c in registry.categories()], incomplete)


def complete_levels(ctx: typer.Context, incomplete: str) -> Choices:
    """Log levels, lowest first."""
    from mercato_int.services.logs.model import LEVELS

    return _matching([(level, level) for level in LEVELS], incomplete)


def complete_contexts(ctx: typer.Context, incomplete: str) -> Choices:
    """The contexts of the config file, with what each holds."""
    try:
        from mercato_int.config_file import CONFIG_FILE_NAME, config_dirs, read_config
        from mercato_int.contexts import contexts_of

        path = config_dirs()[0] / CONFIG_FILE_NAME
        known = contexts_of(read_config(path), path)
    except Exception:  # a broken config file completes nothing
        return []
    pairs = [
        (name, " ".join(f"{k}={v}" for k, v in values.items() if k != "database_url"))
        for name, values in sorted(known.items())
    ]
    return _matching(pairs, incomplete)


def complete_field_assignments(ctx: typer.Context, incomplete: str) -> Choices:
    """`KEY=` for each credential field of the integration or bundle named before, not given
    yet (`creds set gateway_stripe sec<TAB>` -> `secretKey=`). Values are never completed."""
    if "=" in incomplete:
        return []
    registry = _registry()
    owner = ctx.params.get("integration_id")
    if registry is None or not owner:
        return []
    try:
        fields = registry.get(owner).fields
    except Exception:  # an unknown id: nothing to offer
        return []
    given = {a.partition("=")[0] for a in ctx.params.get("assignments") or ()}
    pairs = [
        (f"{f.key}=", f.label + (" *" if f.required else "")) for f in fields if f.key not in given
    ]
    return _matching(pairs, incomplete)


def complete_setting_keys(ctx: typer.Context, incomplete: str) -> Choices:
    """The per-tenant settings `settings get|set|unset` know, with what each is for."""
    try:
        from mercato_int.services.retention.settings import SPECS
    except Exception:
        return []
    return _matching([(key, spec.help) for key, spec in sorted(SPECS.items())], incomplete)


def complete_tenants(ctx: typer.Context, incomplete: str) -> Choices:
    """Tenant ids the store knows (state, credentials, settings, grants), from the store the
    command line names so far (`--db`, `--context`, the environment, the config file). Quick
    and silent: a store that is not there, not reachable within 2 s or not ours completes
    nothing, and nothing is created or migrated."""
    try:
        from mercato_int.services.state.tenant_ids import tenant_ids
        from mercato_int.settings import Settings

        root = ctx.find_root().params
        url = Settings.load(database_url=root.get("db"), context=root.get("context")).database_url
        return [(tenant, "") for tenant in tenant_ids(url, prefix=incomplete)]
    except Exception:  # never a traceback into the user's shell
        return []
