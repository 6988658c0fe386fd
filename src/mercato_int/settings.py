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
from typing import TYPE_CHECKING, Any

from mercato_int.errors import InvalidInput

if TYPE_CHECKING:
    from mercato_int.scope import TenantScope

APP_NAME = "mercato-int"
CONFIG_FILE_NAME = "config.toml"
DB_FILE_NAME = "mercato-int.db"

ENV_HOME = "MERCATO_INT_HOME"
ENV_DATABASE_URL = "MERCATO_INT_DATABASE_URL"
ENV_TENANT = "MERCATO_INT_TENANT"
ENV_ORG = "MERCATO_INT_ORG"
ENV_ACTOR = "MERCATO_INT_ACTOR"
ENV_MASTER_KEY = "MERCATO_INT_MASTER_KEY"
ENV_PROVIDERS_PATH = "MERCATO_INT_PROVIDERS_PATH"
ENV_LANG = "MERCATO_INT_LANG"

# config-file key -> environment variable, for the names a config file may set
CONFIG_KEYS: dict[str, str] = {
    "database_url": ENV_DATABASE_URL,
    "tenant": ENV_TENANT,
    "org": ENV_ORG,
    "actor": ENV_ACTOR,
    "providers_path": ENV_PROVIDERS_PATH,
    "lang": ENV_LANG,
}

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$")


def check_identifier(value: str, what: str) -> str:
    """Tenant, organization and actor names: 1–100 characters of letters, digits and `_.:@-`."""
    if not _ID_RE.match(value):
        raise InvalidInput(
            f"invalid {what} {value!r}",
            hint=f"use 1-100 letters, digits or _ . : @ - for the {what}",
        )
    return value


def default_dirs(home: str | None) -> tuple[Path, Path]:
    """(config dir, data dir): `MERCATO_INT_HOME` for both, else the platform's user dirs."""
    if home:
        p = Path(home).expanduser()
        return p, p
    # platformdirs costs ~10 ms; only commands that need a path pay it.
    import platformdirs

    return (
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
    )


def _read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    import tomllib

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(
            f"cannot read config file {path}: {exc}", hint="fix or remove the file"
        ) from None
    unknown = sorted(set(data) - set(CONFIG_KEYS))
    if unknown:
        raise InvalidInput(
            f"unknown key(s) {', '.join(unknown)} in config file {path}",
            hint=f"known keys: {', '.join(CONFIG_KEYS)}",
        )
    for key, value in data.items():
        if not isinstance(value, str):
            raise InvalidInput(f"config key {key!r} in {path} must be a string")
    return data


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know about its environment, resolved once."""

    config_dir: Path
    data_dir: Path
    database_url: str
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
        config = _read_config(config_dir / CONFIG_FILE_NAME)
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
