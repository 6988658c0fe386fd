"""The services container: one object built from Settings, used by the CLI and the TUI.

Everything is built lazily, so a command pays only for what it touches (a `--help` builds
nothing; `validate` never opens the store)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from mercato_int.settings import Settings

if TYPE_CHECKING:
    from mercato_int.registry import Registry
    from mercato_int.scope import TenantScope
    from mercato_int.services.events import EventsService
    from mercato_int.services.logs import LogService
    from mercato_int.services.marketplace import MarketplaceService
    from mercato_int.services.retention import RetentionService
    from mercato_int.services.state import StateService
    from mercato_int.services.tenant_settings import TenantSettingsService
    from mercato_int.store.engine import Store


class Services:
    def __init__(
        self,
        settings: Settings,
        *,
        registry: Registry | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings
        if registry is not None:
            self.__dict__["registry"] = registry
        from mercato_int.store.types import utcnow

        self.clock: Callable[[], datetime] = clock or utcnow

    @property
    def scope(self):
        return self.settings.scope

    @property
    def actor(self) -> str:
        return self.settings.actor

    @cached_property
    def registry(self) -> Registry:
        from mercato_int.registry.discovery import discover

        return discover(self.settings.providers_path)

    @cached_property
    def store(self) -> Store:
        from mercato_int.store.engine import open_store

        return open_store(self.settings.database_url)

    @cached_property
    def state(self) -> StateService:
        from mercato_int.services.state import StateService

        return StateService(store=self.store, registry=self.registry, clock=self.clock)

    @cached_property
    def events(self) -> EventsService:
        from mercato_int.services.events import EventsService

        return EventsService(store=self.store, clock=self.clock)

    @cached_property
    def logs(self) -> LogService:
        from mercato_int.services.logs import LogService

        return LogService(
            store=self.store,
            registry=self.registry,
            clock=self.clock,
            secret_values=self._log_secret_values,
        )

    def _log_secret_values(self, integration_id: str, scope: TenantScope) -> list[str]:
        """The secret values of an integration's resolved credentials in `scope`, for the log
        service to mask (nothing when it has none)."""
        if not hasattr(type(self), "credentials"):
            return []  # no credentials service in this build: nothing can be resolved
        from mercato_int.errors import NotFound

        try:
            values = self.credentials.resolve(integration_id, scope)  # type: ignore[attr-defined]
        except NotFound:
            return []
        keys = self.registry.secret_keys(integration_id)
        return [v for k, v in (values or {}).items() if k in keys and isinstance(v, str)]

    @cached_property
    def tenant_settings(self) -> TenantSettingsService:
        from mercato_int.services.tenant_settings import TenantSettingsService

        return TenantSettingsService(store=self.store, clock=self.clock)

    @cached_property
    def retention(self) -> RetentionService:
        from mercato_int.services.retention import RetentionService

        return RetentionService(store=self.store, settings=self.tenant_settings, clock=self.clock)

    @cached_property
    def marketplace(self) -> MarketplaceService:
        from mercato_int.services.marketplace import MarketplaceService

        return MarketplaceService(store=self.store, registry=self.registry, state=self.state)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.dispose()
