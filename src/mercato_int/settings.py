"""Settings: flag > environment > config file (TOML) > default, for every name of the contract.

The layering is pydantic-settings': `ConfigKeys` declares the six names a user may set, and its
sources are, in the order they win, the flags (init arguments), `MERCATO_INT_<NAME>` and the
`config.toml` file. `MERCATO_INT_HOME` puts config, data and key file in one folder (tests,
cron, containers). pydantic-settings costs ~30 ms to import, so this module is imported only
by code that goes on to build settings: never for `--help` (a test checks it).
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

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
    ENV_PREFIX,
    ENV_PROVIDERS_PATH,
    ENV_TENANT,
    ConfigError,
    config_dirs,
    invalid_identifier,
    not_a_string,
    read_config,
    unknown_keys,
    unreadable,
)
from mercato_int.contexts import context_values, without_contexts
from mercato_int.scope import DEFAULT_ORG, DEFAULT_TENANT, TenantScope

_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}")
# the values of the context that applies, for the source between the environment and the file
_CONTEXT_VALUES: ContextVar[dict[str, str] | None] = ContextVar("context_values", default=None)


def check_identifier(value: str, what: str) -> str:
    """Tenant, organization and actor names: 1–100 characters of letters, digits and `_.:@-`.
    ConfigError (exit 2) otherwise."""
    if not _ID_RE.fullmatch(value):
        raise invalid_identifier(value, what)
    return value


def _os_user() -> str:
    try:
        import getpass

        name = getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return "operator"
    return re.sub(r"[^A-Za-z0-9_.:@-]", "_", name)[:100] or "operator"


class ConfigKeys(BaseSettings):
    """The names a user sets with a flag, `MERCATO_INT_<NAME>` or a key of `config.toml`."""

    model_config = SettingsConfigDict(extra="forbid", case_sensitive=True)

    database_url: str | None = None  # None: the SQLite file in the data dir
    tenant: str = DEFAULT_TENANT
    org: str = DEFAULT_ORG
    actor: str = Field(default_factory=_os_user)
    providers_path: str = ""  # os.pathsep-separated
    lang: str | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags, then the environment (an empty variable counts as unset), then the context
        that applies, then the file's top-level values."""
        config_dir, _ = config_dirs()
        return (
            init_settings,
            # case-insensitive as environments go: MERCATO_INT_TENANT for `tenant`
            EnvSettingsSource(
                settings_cls, env_prefix=ENV_PREFIX, case_sensitive=False, env_ignore_empty=True
            ),
            InitSettingsSource(settings_cls, init_kwargs=dict(_CONTEXT_VALUES.get() or {})),
            _TopLevelToml(settings_cls, toml_file=config_dir / CONFIG_FILE_NAME),
        )

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any, info: ValidationInfo) -> Any:
        """`tenant = ""` in the file means the default, as an empty variable or flag does."""
        if value == "" and info.field_name:
            return cls.model_fields[info.field_name].get_default(call_default_factory=True)
        return value

    @field_validator("tenant", "org", "actor")
    @classmethod
    def _identifier(cls, value: str, info: ValidationInfo) -> str:
        if not _ID_RE.fullmatch(value):
            raise PydanticCustomError("identifier", "not 1-100 letters, digits or _.:@-")
        return value


class _TopLevelToml(TomlConfigSettingsSource):
    """The config file without its contexts (they are read by contexts.py)."""

    def _read_file(self, file_path: Any) -> dict[str, Any]:
        return without_contexts(super()._read_file(file_path))


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
    context: str | None = None  # the context of the config file that applies, if any

    @classmethod
    def load(
        cls,
        *,
        database_url: str | None = None,
        tenant: str | None = None,
        org: str | None = None,
        actor: str | None = None,
        lang: str | None = None,
        context: str | None = None,
    ) -> Settings:
        """Resolve settings from the flags given here, the environment, the context that
        applies (`context`, else MERCATO_INT_CONTEXT, else the file's `current_context`) and
        the config file. ConfigError (exit 2) for a bad name, config file or an unknown
        context, naming the file (and the line) or the known contexts."""
        flags = {
            "database_url": database_url,
            "tenant": tenant,
            "org": org,
            "actor": actor,
            "lang": lang,
        }
        config_dir, data_dir = config_dirs()
        path = config_dir / CONFIG_FILE_NAME
        chosen, values = context_values(read_config(path), path, flag=context)
        token = _CONTEXT_VALUES.set(values)
        try:
            keys = _resolve({k: v for k, v in flags.items() if v}, path)
        finally:
            _CONTEXT_VALUES.reset(token)
        paths = (Path(p).expanduser() for p in keys.providers_path.split(os.pathsep) if p)
        return cls(
            config_dir=config_dir,
            data_dir=data_dir,
            database_url=keys.database_url or f"sqlite:///{data_dir / DB_FILE_NAME}",
            scope=TenantScope(organization_id=keys.org, tenant_id=keys.tenant),
            actor=keys.actor,
            providers_path=tuple(paths),
            lang=keys.lang,
            master_keys_env=os.environ.get(ENV_MASTER_KEY) or None,
            context=chosen,
        )


def _resolve(flags: dict[str, str], config_file: Path) -> ConfigKeys:
    """ConfigKeys from pydantic-settings, its errors as one ConfigError each."""
    try:
        return ConfigKeys(**flags)
    except ValidationError as exc:
        raise _first_error(exc, config_file) from None
    except (OSError, ValueError) as exc:  # ValueError: TOMLDecodeError, UnicodeDecodeError
        raise unreadable(config_file, exc) from None


def _first_error(exc: ValidationError, config_file: Path) -> ConfigError:
    """Unknown keys first (the file is wrong as a whole), then the first bad value. Only the
    file can hold an unknown key or a value that is not a string (flags and variables are
    strings); a bad name may come from any source and is reported without one."""
    errors = exc.errors(include_url=False)
    unknown = sorted(str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden")
    if unknown:
        return unknown_keys(config_file, unknown)
    first = errors[0]
    key = str(first["loc"][0])
    if first["type"] == "identifier":
        return invalid_identifier(first["input"], key)
    return not_a_string(config_file, key)
