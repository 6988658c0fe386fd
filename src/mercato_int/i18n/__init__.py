"""English and Polish messages for the front ends: `t(key, **params)`, `tn(key, n, **params)`.

The language is chosen once per process: `--lang`, then `MERCATO_INT_LANG`, then `lang` in the
config file, then the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), then English. `--json` output is
data and is never translated; core error messages are English (the CLI translates its framing).
"""

from __future__ import annotations

import os
from typing import Any

LANGUAGES = ("en", "pl")
DEFAULT = "en"

_chosen: str | None = None


def normalize(value: str | None) -> str | None:
    """`pl_PL.UTF-8` -> `pl`; None for a language we have no catalogue for."""
    if not value:
        return None
    code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def choose(flag: str | None = None, env: dict[str, str] | None = None) -> str:
    """Fix the language for this process and return it. An unknown `--lang` is a usage error."""
    global _chosen
    from mercato_int.errors import InvalidInput

    if flag:
        lang = normalize(flag)
        if lang is None:
            raise InvalidInput(f"unknown language {flag!r}", hint=f"use {' or '.join(LANGUAGES)}")
        _chosen = lang
        return lang
    env = dict(os.environ) if env is None else env
    _chosen = (
        normalize(env.get("MERCATO_INT_LANG"))
        or _from_config(env)
        or next(
            (
                lang
                for name in ("LC_ALL", "LC_MESSAGES", "LANG")
                if (lang := normalize(env.get(name)))
            ),
            None,
        )
        or DEFAULT
    )
    return _chosen


def _from_config(env: dict[str, str]) -> str | None:
    try:
        from mercato_int.config_file import CONFIG_FILE_NAME, ENV_HOME, default_dirs, read_config

        config_dir, _ = default_dirs(env.get(ENV_HOME) or None)
        return normalize(read_config(config_dir / CONFIG_FILE_NAME).get("lang"))
    except Exception:  # a broken config file is reported by the command that reads it
        return None


def current() -> str:
    return _chosen or choose()


def reset() -> None:
    """Forget the choice (tests, and each in-process CLI invocation)."""
    global _chosen
    _chosen = None


# Messages of each area of the front ends live in `i18n/areas/<area>.py` as `EN` and `PL`
# dicts, beside the shared ones in en.py / pl.py; no key may be defined twice (tested).
AREAS: tuple[str, ...] = ("creds", "state", "logs", "tui_panels", "help", "registry", "store")

_catalogues: dict[str, dict[str, Any]] = {}


def catalogue(lang: str) -> dict[str, Any]:
    """Every message of `lang`: the shared catalogue plus each area's."""
    if lang not in _catalogues:
        import importlib

        if lang == "pl":
            from mercato_int.i18n.pl import MESSAGES
        else:
            from mercato_int.i18n.en import MESSAGES
        merged = dict(MESSAGES)
        for area in AREAS:
            try:
                module = importlib.import_module(f"mercato_int.i18n.areas.{area}")
            except ModuleNotFoundError:
                continue  # an area not written yet
            merged.update(getattr(module, "PL" if lang == "pl" else "EN"))
        _catalogues[lang] = merged
    return _catalogues[lang]


def t(key: str, **params: Any) -> str:
    """The message `key` in the current language, with `params` filled in."""
    text = catalogue(current()).get(key)
    if text is None:
        text = catalogue(DEFAULT)[key]
    if isinstance(text, dict):
        raise TypeError(f"{key} is a plural message: use tn()")
    return text.format(**params) if params else text


def plural_form(lang: str, n: int) -> str:
    if lang == "pl":
        if n == 1:
            return "one"
        if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
            return "few"
        return "many"
    return "one" if n == 1 else "other"


def tn(key: str, n: int, **params: Any) -> str:
    """A plural message: the form for `n` (`{n}` is available to it)."""
    lang = current()
    forms = catalogue(lang).get(key) or catalogue(DEFAULT)[key]
    if not isinstance(forms, dict):
        raise TypeError(f"{key} is not a plural message: use t()")
    return forms[plural_form(lang, n)].format(n=n, **params)


def scope_text(scope: Any) -> str:
    """A TenantScope as the front ends show it, in the current language."""
    return t("scope", tenant=scope.tenant_id, org=scope.organization_id)


def t_or(key: str, fallback: str, **params: Any) -> str:
    """`t(key)` when the catalogue has it (categories, statuses of providers), else `fallback`."""
    if key in catalogue(current()) or key in catalogue(DEFAULT):
        return t(key, **params)
    return fallback
