"""English and Polish messages for the front ends: `t(key, **params)`, `tn(key, n, **params)`.

Messages are gettext catalogues (`mercato_int/locale/<lang>/LC_MESSAGES/<domain>.po`, edited
with Babel's tools; README "Translations"), compiled to `.mo` when the wheel is built, or here,
with Babel, when a `.mo` is missing or older than its `.po` (a source tree, an editable
install). Two domains, each with one kind of message id:

- `mercato_int`: what our code renders, keyed by a stable domain key (`creds.err.no_fields`);
  the English text is the `en` catalogue, Polish the `pl` one.
- `cli_help`: the help of commands and options, keyed by its English text as written in the
  command modules, and the words Typer writes around it (`Options`, `default: {default}`),
  keyed as Typer passes them to `gettext` (see `cli/localized_help.py`).

A catalogue is read when a message of its language is first rendered, never at import.

The language is chosen once per process: `--lang`, then `MERCATO_INT_LANG`, then `lang` in the
config file (passed in by the caller: this package does not read the configuration), then the
locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), then English. `--json` output is data and is never
translated. Errors are raised with a message key and parameters (`errors.MercatoIntError`,
`errors.Msg`) and worded through `t`/`tn` when shown (`str(error)`), in the current language.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gettext import GNUTranslations

LANGUAGES = ("en", "pl")
DEFAULT = "en"
DOMAIN = "mercato_int"
HELP_DOMAIN = "cli_help"
LOCALE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "locale")
# the names tests and callers use for the plural forms, in the catalogue header's order
PLURAL_FORMS: dict[str, tuple[str, ...]] = {"en": ("one", "other"), "pl": ("one", "few", "many")}

_chosen: str | None = None


def normalize(value: str | None) -> str | None:
    """`pl_PL.UTF-8` -> `pl`; None for a language we have no catalogue for."""
    if not value:
        return None
    code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def choose(
    flag: str | None = None,
    env: dict[str, str] | None = None,
    *,
    config: Callable[[], str | None] | None = None,
) -> str:
    """Fix the language for this process and return it: `flag` (`--lang`; ValueError for one we
    have no catalogue for: the front end checks it with `normalize` first), `MERCATO_INT_LANG`,
    the config file's `lang` (`config` reads it, only when the two before say nothing), the
    locale, English."""
    global _chosen
    if flag:
        lang = normalize(flag)
        if lang is None:
            raise ValueError(f"unknown language {flag!r}")
        _chosen = lang
        return lang
    env = dict(os.environ) if env is None else env
    _chosen = (
        normalize(env.get("MERCATO_INT_LANG"))
        or (normalize(config()) if config else None)
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


def current() -> str:
    return _chosen or choose()


def reset() -> None:
    """Forget the choice (tests, and each in-process CLI invocation)."""
    global _chosen
    _chosen = None


# --- catalogues ----------------------------------------------------------------------------


def _catalogue_class() -> type[GNUTranslations]:
    import gettext

    class Catalogue(gettext.GNUTranslations):
        """A compiled catalogue that can also say which messages it holds (gettext's own
        lookups answer a missing message with its id)."""

        # set by GNUTranslations._parse; typeshed leaves it out: {msgid or (msgid, form): text}
        _catalog: dict[str | tuple[str, int], str]

        def has(self, key: str) -> bool:
            return key in self._catalog or (key, 0) in self._catalog

        def is_plural(self, key: str) -> bool:
            return (key, 0) in self._catalog

        def entries(self) -> dict[str, str | dict[str, str]]:
            """{key: text, or {form name: text} for a plural message}, header left out."""
            names = PLURAL_FORMS[self.info().get("language", DEFAULT)]
            found: dict[str, Any] = {}
            for key, text in self._catalog.items():
                if isinstance(key, tuple):
                    found.setdefault(key[0], {})[names[key[1]]] = text
                elif key:
                    found[key] = text
            return found

    return Catalogue


_loaded: dict[tuple[str, str], Any] = {}
_merged: dict[str, dict[str, Any]] = {}


def compiled_dir(domain: str, lang: str) -> str:
    """A locale folder (`<dir>/<lang>/LC_MESSAGES/<domain>.mo`) whose `.mo` is up to date with
    the `.po` beside it: the package's own, compiled here when the `.mo` is missing or older;
    when the package folder cannot be written, a per-user cache folder."""
    relative = os.path.join(lang, "LC_MESSAGES", domain)
    po, mo = os.path.join(LOCALE_DIR, relative + ".po"), os.path.join(LOCALE_DIR, relative + ".mo")
    po_time = _mtime(po)
    if po_time is None or (_mtime(mo) or -1) >= po_time:
        return LOCALE_DIR  # a wheel ships only the .mo
    from mercato_int.i18n.compiling import compile_po

    try:
        compile_po(po, mo)
        return LOCALE_DIR
    except OSError:
        cache = os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
            "mercato-int",
            "locale",
        )
        cached = os.path.join(cache, relative + ".mo")
        if (_mtime(cached) or -1) < po_time:
            compile_po(po, cached)
        return cache


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _catalogue(lang: str, domain: str = DOMAIN) -> Any:
    """The compiled catalogue of `domain` in `lang` (English behind Polish for `mercato_int`),
    read on first use."""
    if (lang, domain) not in _loaded:
        path = os.path.join(compiled_dir(domain, lang), lang, "LC_MESSAGES", domain + ".mo")
        with open(path, "rb") as mo:
            loaded = _catalogue_class()(mo)
        if domain == DOMAIN and lang != DEFAULT:
            loaded.add_fallback(_catalogue(DEFAULT))
        _loaded[(lang, domain)] = loaded
    return _loaded[(lang, domain)]


def catalogue(lang: str) -> dict[str, Any]:
    """Every message of `lang` (English where Polish lacks one): {key: text}, and for a plural
    message {form name: text} (`PLURAL_FORMS`). For checks and English fallbacks; rendering goes
    through `t` and `tn`."""
    if lang not in _merged:
        _merged[lang] = _catalogue(DEFAULT).entries()
        if lang != DEFAULT:
            _merged[lang].update(_catalogue(lang).entries())
    return _merged[lang]


def plural_form(lang: str, n: int) -> str:
    """The name of `lang`'s plural form for `n`, by the catalogue header's Plural-Forms."""
    return PLURAL_FORMS[lang][_catalogue(lang).plural(n)]


# --- rendering -----------------------------------------------------------------------------


def t(key: str, **params: Any) -> str:
    """The message `key` in the current language, with `params` filled in."""
    found = _catalogue(current())
    text = found.gettext(key)
    if text is key:  # gettext's answer for a message no catalogue holds
        raise KeyError(key)
    if found.is_plural(key) or _catalogue(DEFAULT).is_plural(key):
        raise TypeError(f"{key} is a plural message: use tn()")
    return text.format(**params) if params else text


def tn(key: str, n: int, **params: Any) -> str:
    """A plural message: the form for `n` by the catalogue's Plural-Forms (`{n}` is available
    to it)."""
    text = _catalogue(current()).ngettext(key, key, n)
    if text is key:
        if _catalogue(DEFAULT).has(key):
            raise TypeError(f"{key} is not a plural message: use t()")
        raise KeyError(key)
    return text.format(n=n, **params)


def t_or(key: str, fallback: str, **params: Any) -> str:
    """`t(key)` when the catalogue has it (categories, statuses of providers), else `fallback`."""
    if _catalogue(current()).has(key) or _catalogue(DEFAULT).has(key):
        return t(key, **params)
    return fallback


def scope_text(scope: Any, context: str | None = None) -> str:
    """A TenantScope as the front ends show it, in the current language; with the name of the
    config file's context in effect, if any (the headers of the human views)."""
    text = t("scope", tenant=scope.tenant_id, org=scope.organization_id)
    return t("scope.context", scope=text, context=context) if context else text


# --- help (the cli_help domain) ------------------------------------------------------------


def help_text(text: str) -> str:
    """A help text of a command or option (its English as written) in the current language;
    as written when there is no translation."""
    lang = current()
    return text if lang == DEFAULT else _catalogue(lang, HELP_DOMAIN).gettext(text)


@contextmanager
def library_messages() -> Iterator[None]:
    """While in this block, what Typer passes to `gettext.gettext` (section headings, the
    `default:`/`required` notes of an option) is looked up in the `cli_help` catalogue of the
    current language: gettext's own way to translate a library, which picks the catalogue by
    the current text domain and `LANGUAGE`. Both are put back afterwards."""
    lang = current()
    if lang == DEFAULT:
        yield
        return
    import gettext

    gettext.bindtextdomain(HELP_DOMAIN, compiled_dir(HELP_DOMAIN, lang))
    domain, language = gettext.textdomain(), os.environ.get("LANGUAGE")
    gettext.textdomain(HELP_DOMAIN)
    os.environ["LANGUAGE"] = lang
    try:
        yield
    finally:
        gettext.textdomain(domain)
        if language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = language
