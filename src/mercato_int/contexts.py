"""Contexts: named sets of settings (store, tenant, org, actor, language) in the config file,
one of them current, as `kubectl` has them.

    current_context = "prod"

    [contexts.prod]
    database_url = "postgresql://ops@db.internal/mercato"
    tenant = "acme"

A context sits between the environment and the file's own top-level values: flags and
`MERCATO_INT_*` variables still win over it, and it wins over `tenant = ...` at the top of the
file. Which one applies: `--context`, else `MERCATO_INT_CONTEXT`, else `current_context`.

Cheap like config_file (read before every command that builds settings, and for the language
before `--help`): no pydantic, no i18n.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from mercato_int.config_file import CONFIG_KEYS, ConfigError

ENV_CONTEXT = "MERCATO_INT_CONTEXT"
CURRENT_KEY = "current_context"
TABLE_KEY = "contexts"
# the option of `context add` -> the config key it sets (the keys a context may hold)
CONTEXT_OPTIONS: dict[str, str] = {
    "db": "database_url",
    "tenant": "tenant",
    "org": "org",
    "actor": "actor",
    "lang": "lang",
}
CONTEXT_KEYS = tuple(CONTEXT_OPTIONS.values())
# a bare TOML key: `[contexts.NAME]` needs no quoting
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")


def context_error(code: str, *, hint: str | None = None, **params: Any) -> ConfigError:
    """A ConfigError (exit 2) with one of the `config.context.*` codes of config_file."""
    return ConfigError(code, hint_code=hint, params=params)


def check_name(name: str) -> str:
    """A context name: a bare TOML key. ConfigError (exit 2) otherwise."""
    if not _NAME_RE.fullmatch(name):
        raise context_error(
            "config.context.bad_name", hint="config.context.bad_name_hint", name=name
        )
    return name


def contexts_of(data: Mapping[str, Any], path: object) -> dict[str, dict[str, str]]:
    """The contexts of a parsed config file, checked: {name: {config key: value}}.
    ConfigError (exit 2) naming the file and the key that is wrong."""
    table = data.get(TABLE_KEY, {})
    if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
        raise context_error("config.context.bad_table", path=path)
    found: dict[str, dict[str, str]] = {}
    for name, values in table.items():
        for key, value in values.items():
            if key not in CONTEXT_KEYS:
                raise context_error(
                    "config.context.bad_key",
                    hint="config.context.bad_key_hint",
                    key=key,
                    name=name,
                    path=path,
                    known=", ".join(CONTEXT_KEYS),
                )
            if not isinstance(value, str):
                raise context_error("config.context.not_string", key=key, name=name, path=path)
        found[name] = {k: v for k, v in values.items() if v != ""}
    return found


def current_of(data: Mapping[str, Any], path: object) -> str | None:
    """`current_context` of a parsed config file, or None."""
    value = data.get(CURRENT_KEY)
    if value is not None and not isinstance(value, str):
        raise context_error("config.context.current_not_string", path=path)
    return value or None


def without_contexts(data: Mapping[str, Any]) -> dict[str, Any]:
    """The file's top-level settings: what is left without the contexts."""
    return {k: v for k, v in data.items() if k not in (TABLE_KEY, CURRENT_KEY)}


def select(
    data: Mapping[str, Any],
    path: object,
    *,
    flag: str | None,
    env: str | None = None,
    named: bool = False,
) -> tuple[str | None, str | None]:
    """(the context that applies, what chose it: `--context`, `MERCATO_INT_CONTEXT` or
    `current_context`), or (None, None). ConfigError (exit 2) for an unknown one, naming the
    known ones (`named`: `flag` is a name given to a context command, not `--context`)."""
    env = os.environ.get(ENV_CONTEXT) if env is None else env
    for name, origin in (
        (flag, "--context"),
        (env, ENV_CONTEXT),
        (current_of(data, path), CURRENT_KEY),
    ):
        if not name:
            continue
        known = contexts_of(data, path)
        if name not in known:
            raise context_error(
                "config.context.not_found" if named else "config.context.unknown",
                hint="config.context.unknown_hint" if known else "config.context.none_hint",
                name=name,
                origin=origin,
                known=", ".join(sorted(known)),
            )
        return name, origin
    return None, None


def context_values(
    data: Mapping[str, Any], path: object, *, flag: str | None
) -> tuple[str | None, dict[str, str]]:
    """(the context that applies or None, its values by config key)."""
    name, _origin = select(data, path, flag=flag)
    return name, (contexts_of(data, path)[name] if name else {})


def configured_lang(data: Mapping[str, Any], path: object, *, flag: str | None) -> str | None:
    """The language the config file gives: the applying context's, else the top-level one."""
    _name, values = context_values(data, path, flag=flag)
    lang = values.get("lang") or data.get("lang")
    return lang if isinstance(lang, str) else None


assert set(CONTEXT_KEYS) <= set(CONFIG_KEYS)
