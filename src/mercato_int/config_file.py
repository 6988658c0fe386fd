"""Where mercato-int keeps its files, and what its config file says.

Cheap enough for every invocation (i18n reads `lang` from the config file before a
`--help`): no dataclasses, and platformdirs only off Linux.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from mercato_int.errors import InvalidInput

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


def read_config(path: Path) -> dict[str, Any]:
    """The config file's keys (all strings); {} when there is none. InvalidInput (exit 2) for
    a file that does not parse, an unknown key or a value that is not a string."""
    if not path.is_file():
        return {}
    import tomllib

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(
            _t("logs.config.unreadable", path=path, error=exc),
            hint=_t("logs.config.unreadable_hint"),
        ) from None
    unknown = sorted(set(data) - set(CONFIG_KEYS))
    if unknown:
        raise InvalidInput(
            _t("logs.config.unknown_keys", keys=", ".join(unknown), path=path),
            hint=_t("logs.config.unknown_keys_hint", known=", ".join(CONFIG_KEYS)),
        )
    for key, value in data.items():
        if not isinstance(value, str):
            raise InvalidInput(_t("logs.config.not_string", name=key, path=path))
    return data


_translating = False


def _t(key: str, **params: Any) -> str:
    """`i18n.t`, except while choosing the language, which reads this very file: a broken file
    then reports in English instead of recursing into the choice."""
    global _translating
    from mercato_int import i18n

    if _translating:
        return i18n.catalogue(i18n.DEFAULT)[key].format(**params)
    _translating = True
    try:
        return i18n.t(key, **params)
    finally:
        _translating = False
