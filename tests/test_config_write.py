"""The config file editor: only `current_context` and `[contexts.NAME]` change, the result is
checked by reading it back, and a file it cannot change safely is left alone."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from mercato_int.config_file import ConfigError
from mercato_int.config_write import (
    add_context,
    edit_config,
    quote,
    remove_context,
    use_context,
    with_context,
    with_current,
    without_context,
)


@pytest.mark.parametrize(
    "value", ["plain", 'a "quoted" \\ path', "tab\tnew\nline", "del\x7f nul\x00", "zażółć ✓"]
)
def test_quote_reads_back_as_written(value: str) -> None:
    assert tomllib.loads(f"k = {quote(value)}")["k"] == value


def test_current_context_goes_at_the_end_of_the_top_level() -> None:
    assert with_current("", "prod") == 'current_context = "prod"\n'
    assert with_current('tenant = "a"', "prod") == 'tenant = "a"\ncurrent_context = "prod"\n'
    text = '# top\ntenant = "a"\n\n\n[contexts.prod]\ntenant = "b"\n'
    assert with_current(text, "prod") == (
        '# top\ntenant = "a"\ncurrent_context = "prod"\n\n\n[contexts.prod]\ntenant = "b"\n'
    )
    assert with_current("[contexts.prod]\n", "prod") == (
        'current_context = "prod"\n\n[contexts.prod]\n'
    )
    replaced = with_current('current_context = "old"  # note\n[x]\n', "new")
    assert replaced == 'current_context = "new"\n[x]\n'
    assert with_current(replaced, None) == "[x]\n"


def test_a_context_is_replaced_in_place_with_its_comments() -> None:
    text = (
        '[contexts.a]\ntenant = "x"\n# about a\n\n[contexts."b"]\ntenant = "y"\n\n[other]\nk = 1\n'
    )
    changed = with_context(text, "b", {"tenant": "z", "org": "o"})
    assert changed == (
        '[contexts.a]\ntenant = "x"\n# about a\n\n'
        '[contexts."b"]\ntenant = "z"\norg = "o"\n\n[other]\nk = 1\n'
    )
    assert without_context(changed, "a") == (
        '[contexts."b"]\ntenant = "z"\norg = "o"\n\n[other]\nk = 1\n'
    )
    assert without_context(changed, "missing") == changed


def test_operations_on_a_real_file(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "config.toml"
    values, created = add_context(path, "prod", {"tenant": "acme"})
    assert (values, created) == ({"tenant": "acme"}, True)
    assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    assert use_context(path, "prod") == {"tenant": "acme"}
    assert add_context(path, "prod", {"org": "eu"}) == ({"tenant": "acme", "org": "eu"}, False)
    assert tomllib.loads(path.read_text()) == {
        "current_context": "prod",
        "contexts": {"prod": {"tenant": "acme", "org": "eu"}},
    }
    assert remove_context(path, "prod") is True
    assert path.read_text() == ""


def test_an_edit_that_does_not_read_back_as_meant_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('tenant = "a"\n')
    with pytest.raises(ConfigError, match="edit it by hand"):
        edit_config(path, lambda text: text + "broken = [\n", lambda data: None)
    with pytest.raises(ConfigError, match="edit it by hand"):
        edit_config(path, lambda text: text, lambda data: data.update(org="b"))
    assert path.read_text() == 'tenant = "a"\n'
