"""The English and Polish catalogues hold the same keys with the same placeholders, and the
CLI picks its language from --lang, MERCATO_INT_LANG, the config file, then the locale."""

from __future__ import annotations

import string
from typing import Any

import pytest

from mercato_int import i18n
from mercato_int.i18n.en import MESSAGES as EN
from mercato_int.i18n.pl import MESSAGES as PL

PLURAL_FORMS = {"en": {"one", "other"}, "pl": {"one", "few", "many"}}


def placeholders(text: str) -> set[tuple[str, str | None]]:
    return {(name, conv) for _, name, _, conv in string.Formatter().parse(text) if name}


def differences(a: dict[str, Any], b: dict[str, Any], langs: tuple[str, str]) -> list[str]:
    """Every way two catalogues disagree: keys, plural or not, plural forms, placeholders."""
    problems = [f"{k}: only in {langs[0]}" for k in sorted(set(a) - set(b))]
    problems += [f"{k}: only in {langs[1]}" for k in sorted(set(b) - set(a))]
    for key in sorted(set(a) & set(b)):
        x, y = a[key], b[key]
        if isinstance(x, dict) != isinstance(y, dict):
            problems.append(f"{key}: plural in one catalogue only")
            continue
        for lang, value in zip(langs, (x, y), strict=True):
            if isinstance(value, dict) and set(value) != PLURAL_FORMS[lang]:
                problems.append(f"{key}: {lang} forms {sorted(value)}")
        xs = {frozenset(placeholders(v)) for v in (x.values() if isinstance(x, dict) else [x])}
        ys = {frozenset(placeholders(v)) for v in (y.values() if isinstance(y, dict) else [y])}
        if xs != ys or len(xs) != 1:
            left, right = sorted(map(sorted, xs)), sorted(map(sorted, ys))
            problems.append(f"{key}: placeholders {left} vs {right}")
    return problems


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    assert differences(EN, PL, ("en", "pl")) == []
    assert differences(i18n.catalogue("en"), i18n.catalogue("pl"), ("en", "pl")) == []


def test_each_area_has_both_languages_and_defines_no_key_twice() -> None:
    import importlib
    import pkgutil

    import mercato_int.i18n.areas as areas

    present = {m.name for m in pkgutil.iter_modules(areas.__path__)}
    assert present <= set(i18n.AREAS), f"add {sorted(present - set(i18n.AREAS))} to i18n.AREAS"
    seen = dict.fromkeys(EN, "en.py")
    for name in sorted(present):
        module = importlib.import_module(f"mercato_int.i18n.areas.{name}")
        assert differences(module.EN, module.PL, ("en", "pl")) == [], name
        for key in module.EN:
            assert key not in seen, f"{key} defined in {seen[key]} and areas/{name}.py"
            seen[key] = f"areas/{name}.py"


def test_the_comparison_catches_each_kind_of_difference() -> None:
    assert differences({"a": "x {n}"}, {"a": "x {m}"}, ("en", "pl")) == [
        "a: placeholders [[('n', None)]] vs [[('m', None)]]"
    ]
    assert differences({"a": "x", "b": "y"}, {"a": "x"}, ("en", "pl")) == ["b: only in en"]
    assert differences({"a": "{v!r}"}, {"a": "{v}"}, ("en", "pl")) != []
    assert differences(
        {"a": {"one": "{n}", "other": "{n}"}}, {"a": {"one": "{n}", "many": "{n}"}}, ("en", "pl")
    ) == ["a: pl forms ['many', 'one']"]
    assert differences({"a": "x"}, {"a": {"one": "x", "few": "x", "many": "x"}}, ("en", "pl"))


@pytest.mark.parametrize(
    ("n", "form"), [(0, "many"), (1, "one"), (2, "few"), (4, "few"), (5, "many"), (12, "many"),
                    (22, "few"), (25, "many"), (104, "few"), (112, "many")],
)  # fmt: skip
def test_polish_plural_forms(n: int, form: str) -> None:
    assert i18n.plural_form("pl", n) == form


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
def test_language_selection_order(flag, env, expected, tmp_path) -> None:
    env = {"MERCATO_INT_HOME": str(tmp_path), **env}
    assert i18n.choose(flag, env) == expected
    i18n.reset()


def test_the_config_file_comes_before_the_locale(tmp_path) -> None:
    (tmp_path / "config.toml").write_text('lang = "pl"\n')
    env = {"MERCATO_INT_HOME": str(tmp_path), "LANG": "en_US.UTF-8"}
    assert i18n.choose(None, env) == "pl"
    assert i18n.choose(None, {**env, "MERCATO_INT_LANG": "en"}) == "en"
    i18n.reset()
