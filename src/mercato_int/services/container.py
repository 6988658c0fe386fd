"""The services container: one object built from Settings, used by the CLI and the TUI.

Everything is built lazily, so a command pays only for what it touches (a `--help` builds
nothing; `validate` never opens the store)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from mercato_int.settings import Settings

if TYPE_CHECKING:
    from mercato_int.keys import MasterKeys
    from mercato_int.registry import Registry
    from mercato_int.scope import TenantScope
    from mercato_int.services.acl import AclService
    from mercato_int.services.credentials.keys import KeysService
    from mercato_int.services.credentials.service import CredentialsService
    from mercato_int.services.credentials.transfer import CredentialsTransferService
    from mercato_int.services.events import EventsService
    from mercato_int.services.fleet import FleetService
    from mercato_int.services.health.service import HealthService
    from mercato_int.services.health.shards import HealthFleet
    from mercato_int.services.logs.activity import LogActivityService
    from mercato_int.services.logs.service import LogService, SecretValues
    from mercato_int.services.policy import Caller, Guard
    from mercato_int.services.retention.prune import RetentionService
    from mercato_int.services.retention.settings import TenantSettingsService
    from mercato_int.services.state.marketplace import MarketplaceService
    from mercato_int.services.state.service import StateService
    from mercato_int.services.tokens.service import TokenService
    from mercato_int.store.engine import Store


def _utcnow() -> datetime:
    # not store.types.utcnow: that module loads SQLAlchemy, which `validate` never needs
    return datetime.now(UTC)


class Services:
    def __init__(
        self,
        settings: Settings,
        *,
        registry: Registry | None = None,
        clock: Callable[[], datetime] | None = None,
        master_keys: MasterKeys | None = None,
        store: Store | None = None,
    ) -> None:
        self.settings = settings
        if registry is not None:
            self.__dict__["registry"] = registry
        if master_keys is not None:
            self.__dict__["master_keys"] = master_keys
        if store is not None:  # shared with other containers (the API: one per request)
            self.__dict__["store"] = store
        # parts given rather than built from the settings (a worker process could not)
        self._given = registry is not None or master_keys is not None or store is not None
        self.clock: Callable[[], datetime] = clock or _utcnow
        # what the caller asked for, named in the audit trail of a refusal (the CLI: its
        # command path); the actor is the settings'
        self.action: str | None = None

    @property
    def scope(self):
        return self.settings.scope

    @property
    def actor(self) -> str:
        return self.settings.actor

    @property
    def caller(self) -> Caller:
        """Who this container calls the services for: every check is made for this caller."""
        from mercato_int.services.policy import Caller

        return Caller(actor=self.actor, action=self.action)

    @cached_property
    def guard(self) -> Guard:
        from mercato_int.services.policy import Guard

        return Guard(lambda: self.acl, lambda: self.caller)

    @cached_property
    def registry(self) -> Registry:
        # kept in the data dir across runs while no provider file changes (registry/cache.py)
        from mercato_int.registry.cache import discover_cached

        return discover_cached(
            self.settings.providers_path, cache_dir=self.settings.data_dir / "cache"
        )

    @cached_property
    def store(self) -> Store:
        from mercato_int.store.engine import open_store

        return open_store(self.settings.database_url)

    @cached_property
    def state(self) -> StateService:
        from mercato_int.services.state.service import StateService

        return StateService(
            guard=self.guard,
            store=self.store,
            registry=self.registry,
            clock=self.clock,
            events=self.events,
            # a getter: only `enable` reads credentials (and so needs the master key)
            credentials=lambda: self.credentials,
        )

    @cached_property
    def health(self) -> HealthService:
        from mercato_int.services.health.service import HealthService

        return HealthService(
            guard=self.guard,
            registry=self.registry,
            state=self.state,
            events=self.events,
            logs=self.logs,
            credentials=lambda: self.credentials,
            store=self.store,
            clock=self.clock,
        )

    @cached_property
    def health_fleet(self) -> HealthFleet:
        from mercato_int.services.health.shards import HealthFleet

        return HealthFleet(
            health=self.health,
            guard=self.guard,
            # worker processes build their services from the settings: not when parts were given
            settings=None if self._given else self.settings,
            action=lambda: self.action,
        )

    @cached_property
    def events(self) -> EventsService:
        from mercato_int.services.events import EventsService

        return EventsService(guard=self.guard, store=self.store, clock=self.clock)

    @cached_property
    def logs(self) -> LogService:
        from mercato_int.services.logs.service import LogService

        return LogService(
            guard=self.guard,
            store=self.store,
            registry=lambda: self.registry,  # only writers need it: `logs` never discovers
            clock=self.clock,
            # resolved lazily, per (integration, scope), by whoever writes
            secret_values=lambda i, scope: self.credentials.secret_values(i, scope),
            events=lambda: self.events,
            fleet_secret_values=self._fleet_secret_values,
        )

    def _fleet_secret_values(self, scopes: list[TenantScope]) -> SecretValues:
        from mercato_int.services.credentials.bulk import open_bulk

        return open_bulk(self.credentials, scopes).secret_values

    @cached_property
    def tenant_settings(self) -> TenantSettingsService:
        from mercato_int.services.retention.settings import TenantSettingsService

        return TenantSettingsService(guard=self.guard, store=self.store, clock=self.clock)

    @cached_property
    def retention(self) -> RetentionService:
        from mercato_int.services.retention.prune import RetentionService

        return RetentionService(
            guard=self.guard, store=self.store, settings=self.tenant_settings, clock=self.clock
        )

    @cached_property
    def log_activity(self) -> LogActivityService:
        from mercato_int.services.logs.activity import LogActivityService

        return LogActivityService(guard=self.guard, store=self.store, clock=self.clock)

    @cached_property
    def marketplace(self) -> MarketplaceService:
        from mercato_int.services.state.marketplace import MarketplaceService

        return MarketplaceService(
            guard=self.guard, store=self.store, registry=self.registry, clock=self.clock
        )

    @cached_property
    def fleet(self) -> FleetService:
        """Every tenant at once (`tenants`, `list --all-tenants`), filtered by access."""
        from mercato_int.services.fleet import FleetService

        return FleetService(
            store=self.store, registry=self.registry, caller=lambda: self.caller, clock=self.clock
        )

    @cached_property
    def master_keys(self) -> MasterKeys:
        """Environment, OS keyring, key file in the config dir (inject another in tests)."""
        from mercato_int.keys import MasterKeys

        return MasterKeys.default(
            env_value=self.settings.master_keys_env, config_dir=self.settings.config_dir
        )

    @cached_property
    def credentials(self) -> CredentialsService:
        from mercato_int.services.credentials.service import CredentialsService

        return CredentialsService(
            guard=self.guard,
            store=self.store,
            registry=self.registry,
            keys=self.master_keys,
            events=self.events,
            clock=self.clock,
        )

    @cached_property
    def credentials_transfer(self) -> CredentialsTransferService:
        from mercato_int.services.credentials.transfer import CredentialsTransferService

        return CredentialsTransferService(
            guard=self.guard,
            store=self.store,
            registry=self.registry,
            credentials=lambda: self.credentials,
            events=self.events,
            clock=self.clock,
        )

    @cached_property
    def keys(self) -> KeysService:
        from mercato_int.services.credentials.keys import KeysService

        return KeysService(store=self.store, keys=self.master_keys, clock=self.clock)

    @cached_property
    def tokens(self) -> TokenService:
        from mercato_int.services.tokens.service import TokenService

        return TokenService(
            guard=self.guard, store=self.store, clock=self.clock, events=lambda: self.events
        )

    @cached_property
    def acl(self) -> AclService:
        from mercato_int.services.acl import AclService

        return AclService(
            store=self.store,
            events=lambda: self.events,
            clock=self.clock,
            caller=lambda: self.caller,
        )

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.dispose()
