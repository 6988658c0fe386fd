"""Settings: flag > environment > config file (TOML) > default, for every name of the contract.

`MERCATO_INT_HOME` puts config, data and key file in one folder (tests, cron, containers).
Nothing here imports the store, the registry or any heavy dependency.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mercato_int.config_file import (  # noqa: F401  (re-exported: the names of the contract)
    APP_NAME,
    CONFIG_FILE_NAME,
    CONFIG_KEYS,
    DB_FILE_NAME,
    ENV_ACTOR,
    ENV_DATABASE_URL,
    ENV_HOME,
    ENV_LANG,
    ENV_MASTER_KEY,
    ENV_ORG,
    ENV_PROVIDERS_PATH,
    ENV_TENANT,
    default_dirs,
    read_config,
)
from mercato_int.errors import InvalidInput
from mercato_int.i18n import t, t_or

if TYPE_CHECKING:
    from mercato_int.scope import TenantScope

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$")


def check_identifier(value: str, what: str) -> str:
    """Tenant, organization and actor names: 1–100 characters of letters, digits and `_.:@-`."""
    if not _ID_RE.fullmatch(value):
        name = t_or(f"logs.id.{what}", what)
        raise InvalidInput(
            t("logs.id.invalid", what=name, value=value),
            hint=t("logs.id.invalid_hint", what=name),
        )
    return value


# kept for callers of the old private name
_read_config = read_config


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know about its environment, resolved once."""

    config_dir: Path
    data_dir: Path
    database_url: str = field(repr=False)  # may carry a password
    scope: TenantScope
    actor: str
    providers_path: tuple[Path, ...] = ()
    lang: str | None = None
    master_keys_env: str | None = field(default=None, repr=False)
    no_color: bool = False
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def config_file(self) -> Path:
        return self.config_dir / CONFIG_FILE_NAME

    @property
    def is_default_sqlite(self) -> bool:
        return self.sources.get("database_url") == "default"

    @classmethod
    def load(
        cls,
        *,
        database_url: str | None = None,
        tenant: str | None = None,
        org: str | None = None,
        actor: str | None = None,
        lang: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Settings:
        """Resolve settings: the keyword arguments are the flags, `env` the environment."""
        env = os.environ if env is None else env
        config_dir, data_dir = default_dirs(env.get(ENV_HOME) or None)
        config = read_config(config_dir / CONFIG_FILE_NAME)
        flags = {
            "database_url": database_url,
            "tenant": tenant,
            "org": org,
            "actor": actor,
            "lang": lang,
        }
        sources: dict[str, str] = {}

        def pick(key: str, default: str | None) -> str | None:
            if flags.get(key) not in (None, ""):
                sources[key] = "flag"
                return flags[key]
            value = env.get(CONFIG_KEYS[key])
            if value not in (None, ""):
                sources[key] = "env"
                return value
            if config.get(key) not in (None, ""):
                sources[key] = "config"
                return config[key]
            sources[key] = "default"
            return default

        db_default = "sqlite:///" + str(data_dir / DB_FILE_NAME)
        url = pick("database_url", db_default) or db_default
        # here, not at the top: i18n reads the config file on every `--help` through this module
        from mercato_int.scope import DEFAULT_ORG, DEFAULT_TENANT, TenantScope

        scope = TenantScope(
            organization_id=check_identifier(pick("org", DEFAULT_ORG) or DEFAULT_ORG, "org"),
            tenant_id=check_identifier(pick("tenant", DEFAULT_TENANT) or DEFAULT_TENANT, "tenant"),
        )
        actor_value = pick("actor", None) or _os_user()
        paths_raw = pick("providers_path", "") or ""
        providers_path = tuple(Path(p).expanduser() for p in paths_raw.split(os.pathsep) if p)
        return cls(
            config_dir=config_dir,
            data_dir=data_dir,
            database_url=url,
            scope=scope,
            actor=check_identifier(actor_value, "actor"),
            providers_path=providers_path,
            lang=pick("lang", None),
            master_keys_env=env.get(ENV_MASTER_KEY) or None,
            no_color="NO_COLOR" in env,
            sources=sources,
        )


def _os_user() -> str:
    try:
        import getpass

        name = getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return "operator"
    return re.sub(r"[^A-Za-z0-9_.:@-]", "_", name)[:100] or "operator"
