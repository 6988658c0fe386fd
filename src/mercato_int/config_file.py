"""Where mercato-int keeps its files, the names of its settings, and its configuration errors.

Cheap enough for every invocation (i18n reads `lang` from the config file before a `--help`):
no dataclasses, no pydantic, platformdirs only off Linux, tomllib only when a file exists. It
imports no front end and not i18n: an error carries a code and parameters, and is worded in
the user's language when a front end shows it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mercato_int.errors import InvalidInput, Msg

APP_NAME = "mercato-int"
CONFIG_FILE_NAME = "config.toml"
DB_FILE_NAME = "mercato-int.db"

ENV_PREFIX = "MERCATO_INT_"
ENV_HOME = "MERCATO_INT_HOME"
ENV_DATABASE_URL = "MERCATO_INT_DATABASE_URL"
ENV_TENANT = "MERCATO_INT_TENANT"
ENV_ORG = "MERCATO_INT_ORG"
ENV_ACTOR = "MERCATO_INT_ACTOR"
ENV_MASTER_KEY = "MERCATO_INT_MASTER_KEY"
ENV_PROVIDERS_PATH = "MERCATO_INT_PROVIDERS_PATH"
ENV_LANG = "MERCATO_INT_LANG"

# config-file key -> environment variable (ENV_PREFIX + the key, upper case), for the names a
# config file may set
CONFIG_KEYS: dict[str, str] = {
    "database_url": ENV_DATABASE_URL,
    "tenant": ENV_TENANT,
    "org": ENV_ORG,
    "actor": ENV_ACTOR,
    "providers_path": ENV_PROVIDERS_PATH,
    "lang": ENV_LANG,
}


def default_dirs(home: str | None) -> tuple[Path, Path]:
    """(config dir, data dir): `MERCATO_INT_HOME` for both, else the platform's user dirs."""
    if home:
        p = Path(home).expanduser()
        return p, p
    if sys.platform.startswith("linux"):
        # platformdirs' XDG rules, without its import (~10 ms on a `--help`); a test checks
        # that both agree
        return (
            _xdg("XDG_CONFIG_HOME", "~/.config") / APP_NAME,
            _xdg("XDG_DATA_HOME", "~/.local/share") / APP_NAME,
        )
    import platformdirs

    return (
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
    )


def _xdg(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable, "")
    return Path(value if value.strip() else os.path.expanduser(fallback))


def config_dirs() -> tuple[Path, Path]:
    """(config dir, data dir) for this process's environment."""
    return default_dirs(os.environ.get(ENV_HOME) or None)


def read_config(path: Path) -> dict[str, Any]:
    """The config file's table as written; {} when there is none. For a look at one key before
    the settings are built (i18n's `lang`, before the command line is parsed): the settings
    themselves read and check the file with pydantic-settings. ConfigError (exit 2) for a file
    that cannot be read or parsed."""
    if not path.is_file():
        return {}
    import tomllib

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, ValueError) as exc:  # ValueError: TOMLDecodeError, UnicodeDecodeError
        raise unreadable(path, exc) from None


class ConfigError(InvalidInput):
    """A setting that cannot be used (exit 2), raised by code and parameters like every error
    (`errors.MercatoIntError`): worded when shown, in the current language."""

    def __init__(
        self, code: str, *, hint_code: str | None = None, params: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(code=code, params=params, hint_code=hint_code)


def unreadable(path: Path, exc: Exception) -> ConfigError:
    """A config file that cannot be read or parsed: the file and, from tomllib, the line."""
    return ConfigError(
        "logs.config.unreadable",
        hint_code="logs.config.unreadable_hint",
        params={"path": path, "error": exc},
    )


def invalid_identifier(value: str, what: str) -> ConfigError:
    """A tenant, org or actor name that is not 1–100 letters, digits and `_.:@-`."""
    return ConfigError(
        "logs.id.invalid",
        hint_code="logs.id.invalid_hint",
        params={"value": value, "what": Msg(f"logs.id.{what}")},
    )


def unknown_keys(path: Path, keys: list[str]) -> ConfigError:
    return ConfigError(
        "logs.config.unknown_keys",
        hint_code="logs.config.unknown_keys_hint",
        params={
            "keys": ", ".join(keys),
            "path": path,
            "known": ", ".join([*CONFIG_KEYS, "current_context", "contexts"]),
        },
    )


def not_a_string(path: Path, key: str) -> ConfigError:
    return ConfigError("logs.config.not_string", params={"name": key, "path": path})
