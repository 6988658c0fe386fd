"""The gettext catalogues: every message has a Polish translation with the same placeholders,
the templates (.pot) are in step with the catalogues, Babel's own checks pass, Polish plurals
follow the catalogue header, every key the code renders exists, and the CLI picks its language
from --lang, MERCATO_INT_LANG, the config file, then the locale."""

from __future__ import annotations

import os
import shutil
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from mercato_int import i18n
from mercato_int.errors import Grouped, MercatoIntError, StoreError, msg, msg_n

# the sources in this checkout: an installed wheel carries only the compiled .mo
SRC = Path(__file__).resolve().parents[2] / "src" / "mercato_int"
LOCALE = SRC / "locale"
POLISH_PLURALS = (
    "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)


def po(lang: str | None, domain: str = i18n.DOMAIN) -> Catalog:
    path = LOCALE / (f"{domain}.pot" if lang is None else f"{lang}/LC_MESSAGES/{domain}.po")
    with path.open("rb") as f:
        return read_po(f)


def texts(message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string]


def placeholders(text: str) -> frozenset[tuple[str, str | None]]:
    return frozenset((name, conv) for _, name, _, conv in string.Formatter().parse(text) if name)


def differences(english: Catalog, polish: Catalog) -> list[str]:
    """Every way the Polish catalogue falls short of the English one (ids are keys; English is
    the `en` catalogue's text): a message missing or untranslated, a plural in one only, a
    wrong number of forms, placeholders that differ."""
    problems = []
    pl = {m.id if isinstance(m.id, str) else m.id[0]: m for m in polish if m.id}
    for message in english:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        theirs = pl.pop(key, None)
        if theirs is None or not all(texts(theirs)):
            problems.append(f"{key}: no Polish translation")
            continue
        if message.pluralizable != theirs.pluralizable:
            problems.append(f"{key}: plural in one catalogue only")
            continue
        if theirs.pluralizable and len(theirs.string) != polish.num_plurals:
            problems.append(f"{key}: {len(theirs.string)} Polish forms")
        ours = {placeholders(text) for text in texts(message)}
        if ours != {placeholders(text) for text in texts(theirs)} or len(ours) != 1:
            problems.append(f"{key}: placeholders differ")
    problems += [f"{key}: only in Polish" for key in sorted(pl)]
    return problems


def test_every_message_has_a_polish_translation_with_the_same_placeholders() -> None:
    assert differences(po("en"), po("pl")) == []


def test_help_translations_keep_their_placeholders() -> None:
    # cli_help is keyed by the English text: compare msgid and msgstr (msgfmt --check-format)
    for message in po("pl", i18n.HELP_DOMAIN):
        if message.id:
            assert message.string, f"{message.id!r}: no Polish translation"
            assert placeholders(message.id) == placeholders(message.string), message.id


def test_the_templates_are_in_step_with_the_catalogues() -> None:
    def ids(catalog: Catalog) -> dict[object, bool]:
        return {m.id: m.pluralizable for m in catalog if m.id}

    assert ids(po(None)) == ids(po("en")) == ids(po("pl"))
    assert ids(po(None, i18n.HELP_DOMAIN)) == ids(po("pl", i18n.HELP_DOMAIN))
    # the template shows translators the English (extracted comments)
    assert all(m.auto_comments for m in po(None) if m.id)


def test_babel_checks_pass_and_the_plural_forms_are_the_polish_ones() -> None:
    for lang, domain in (("en", i18n.DOMAIN), ("pl", i18n.DOMAIN), ("pl", i18n.HELP_DOMAIN)):
        catalog = po(lang, domain)
        assert list(catalog.check()) == [], (lang, domain)
        assert not any(m.fuzzy for m in catalog if m.id), (lang, domain)
    assert po("pl").plural_forms == POLISH_PLURALS
    assert po("pl", i18n.HELP_DOMAIN).plural_forms == POLISH_PLURALS


def test_the_comparison_catches_each_kind_of_difference() -> None:
    def catalog(lang: str, *messages: tuple[object, object]) -> Catalog:
        made = Catalog(locale=lang)
        for key, text in messages:
            made.add(key, text)
        return made

    assert differences(catalog("en", ("a", "x {n}")), catalog("pl", ("a", "x {m}"))) == [
        "a: placeholders differ"
    ]
    assert differences(catalog("en", ("a", "x"), ("b", "y")), catalog("pl", ("a", "x"))) == [
        "b: no Polish translation"
    ]
    assert differences(catalog("en", ("a", "x")), catalog("pl", ("a", ""))) == [
        "a: no Polish translation"
    ]
    assert differences(catalog("en", ("a", "{v!r}")), catalog("pl", ("a", "{v}"))) != []
    assert differences(catalog("en"), catalog("pl", ("a", "x"))) == ["a: only in Polish"]
    assert differences(
        catalog("en", (("a", "a"), ("{n}", "{n}"))), catalog("pl", (("a", "a"), ("{n}", "{n}")))
    ) == ["a: 2 Polish forms"]
    assert differences(catalog("en", ("a", "x")), catalog("pl", (("a", "a"), ("x", "x", "x"))))


def test_every_key_the_code_renders_is_in_the_catalogue() -> None:
    """Every literal key (or both keys of `a if c else b`) the sources render: the first
    argument of t / tn / t_or (front ends) and of msg / msg_n / Msg (the core's errors, worded
    when shown), and the `code=` / `hint_code=` of an error, is a message of the catalogue; a
    computed key (`"health." + status`) is not checked here."""
    import ast

    def literals(node: ast.expr) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return literals(node.body) + literals(node.orelse)
        return []

    renderers = ("t", "tn", "t_or", "tr", "_t", "counted", "msg", "msg_n", "Msg", "ConfigError")
    known, used, by_code = set(i18n.catalogue("en")), set(), set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in renderers and node.args:
                used |= {(key, path.name) for key in literals(node.args[0])}
            for keyword in node.keywords:
                if keyword.arg in ("code", "hint_code"):
                    by_code |= {(key, path.name) for key in literals(keyword.value)}
    assert len(used) > 300  # it really read the sources
    assert len(by_code) >= 3  # and the errors raised by `code=` (the config file hints)
    assert sorted(u for u in used | by_code if u[0] not in known) == []


@pytest.mark.parametrize(
    ("n", "form"), [(0, "many"), (1, "one"), (2, "few"), (4, "few"), (5, "many"), (12, "many"),
                    (22, "few"), (25, "many"), (104, "few"), (112, "many")],
)  # fmt: skip
def test_polish_plural_forms(n: int, form: str) -> None:
    assert i18n.plural_form("pl", n) == form


def test_tn_takes_the_form_from_the_catalogue_header() -> None:
    try:
        i18n.choose("pl")
        assert i18n.tn("list.bundle_counts", 22, enabled=1).startswith("22 integracje")
        assert i18n.tn("list.bundle_counts", 112, enabled=1).startswith("112 integracji")
        i18n.choose("en")
        assert i18n.tn("list.bundle_counts", 1, enabled=1).startswith("1 integration,")
    finally:
        i18n.reset()


def test_misused_and_unknown_keys_are_errors() -> None:
    try:
        i18n.choose("pl")
        with pytest.raises(TypeError):
            i18n.t("list.footer")
        with pytest.raises(TypeError):
            i18n.tn("list.title", 2)
        with pytest.raises(KeyError):
            i18n.t("no.such.key")
        with pytest.raises(KeyError):
            i18n.tn("no.such.key", 2)
        assert i18n.t_or("no.such.key", "as is") == "as is"
    finally:
        i18n.reset()


def test_an_error_raised_by_code_is_worded_when_shown_in_the_current_language() -> None:
    error = StoreError(
        code="store.not_initialised", params={"url": "x"}, hint_code="store.upgrade_hint"
    )
    nested = MercatoIntError(
        msg_n("creds.keys.err.still_used", 3, kid="k1"),
        hint=msg("scope", tenant=Grouped(12345), org=msg("logs.id.org")),
    )
    plain = MercatoIntError("as raised", hint="a hint")
    try:
        i18n.choose("pl")
        assert str(error) == (
            "magazyn danych pod x nie jest zainicjowany (uruchom `mercato-int --db x db upgrade`)"
        )
        assert str(plain) == "as raised (a hint)"
        polish = str(nested)
        i18n.choose("en")
        assert str(error) == (
            "the store at x is not initialised (run `mercato-int --db x db upgrade`)"
        )
        assert (error.code, error.params, error.hint_code) == (
            "store.not_initialised",
            {"url": "x"},
            "store.upgrade_hint",
        )
        english = str(nested)
        assert "12,345" in english and "12 345" in polish and english != polish
        assert nested.code == "creds.keys.err.still_used" and nested.params == {"kid": "k1"}
        assert (plain.code, plain.params, plain.hint_code) == (None, {}, None)
        counted = MercatoIntError(code="creds.keys.err.still_used", params={"kid": "k1"}, count=3)
        assert str(counted) == str(nested.raw_message) == nested.message
    finally:
        i18n.reset()


def test_a_missing_or_stale_mo_is_compiled_from_its_po(tmp_path, monkeypatch) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", str(locale))
    monkeypatch.setattr(i18n, "_loaded", {})
    monkeypatch.setattr(i18n, "_merged", {})
    mo = locale / "pl/LC_MESSAGES/mercato_int.mo"
    assert i18n.compiled_dir("mercato_int", "pl") == str(locale) and mo.exists()
    po_file = mo.with_suffix(".po")
    po_file.write_text(po_file.read_text().replace('"błąd:"', '"BŁĄD:"'))
    os.utime(mo, ns=(0, 0))  # older than its .po
    try:
        i18n.choose("pl")
        assert i18n.t("cli.error") == "BŁĄD:"
    finally:
        i18n.reset()


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [
        (None, {}, "en"),
        (None, {"LANG": "pl_PL.UTF-8"}, "pl"),
        (None, {"LANG": "de_DE.UTF-8", "LC_ALL": "pl_PL"}, "pl"),
        (None, {"LANG": "pl_PL.UTF-8", "MERCATO_INT_LANG": "en"}, "en"),
        ("pl", {"MERCATO_INT_LANG": "en"}, "pl"),
        (None, {"LANG": "fr_FR.UTF-8"}, "en"),
    ],
)
def test_language_selection_order(flag, env, expected) -> None:
    assert i18n.choose(flag, env) == expected
    i18n.reset()


def test_the_config_file_comes_before_the_locale() -> None:
    env = {"LANG": "en_US.UTF-8"}
    assert i18n.choose(None, env, config=lambda: "pl") == "pl"
    assert i18n.choose(None, {**env, "MERCATO_INT_LANG": "en"}, config=lambda: "pl") == "en"
    i18n.reset()


def test_i18n_reads_no_configuration() -> None:
    import ast

    for path in (SRC / "i18n").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module not in ("mercato_int.settings", "mercato_int.config_file"), path


def test_a_read_only_package_compiles_into_the_user_cache(tmp_path, monkeypatch) -> None:
    from mercato_int.i18n import compiling

    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", str(locale))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real = compiling.compile_po

    def compile_po(po, mo) -> None:
        if str(mo).startswith(str(locale)):
            raise PermissionError(mo)  # as a read-only site-packages would
        real(po, mo)

    monkeypatch.setattr(compiling, "compile_po", compile_po)
    cache = tmp_path / "cache" / "mercato-int" / "locale"
    assert i18n.compiled_dir("cli_help", "pl") == str(cache)
    assert (cache / "pl/LC_MESSAGES/cli_help.mo").exists()
    assert not (locale / "pl/LC_MESSAGES/cli_help.mo").exists()
