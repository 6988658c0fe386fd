"""Settings resolution: flag > environment > config file (TOML) > default, for every name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mercato_int.config_file import ConfigError, invalid_identifier
from mercato_int.errors import InvalidInput
from mercato_int.scope import TenantScope
from mercato_int.settings import Settings, check_identifier

# name -> (flag keyword or None, environment variable, config key)
NAMES = {
    "database_url": ("database_url", "MERCATO_INT_DATABASE_URL", "database_url"),
    "tenant": ("tenant", "MERCATO_INT_TENANT", "tenant"),
    "org": ("org", "MERCATO_INT_ORG", "org"),
    "actor": ("actor", "MERCATO_INT_ACTOR", "actor"),
    "lang": ("lang", "MERCATO_INT_LANG", "lang"),
    "providers_path": (None, "MERCATO_INT_PROVIDERS_PATH", "providers_path"),
}


def _value(settings: Settings, name: str) -> object:
    return {
        "database_url": settings.database_url,
        "tenant": settings.scope.tenant_id,
        "org": settings.scope.organization_id,
        "actor": settings.actor,
        "lang": settings.lang,
        "providers_path": settings.providers_path,
    }[name]


def _expected(name: str, value: str) -> object:
    return (Path(value),) if name == "providers_path" else value


def _write_config(home: Path, body: str) -> None:
    (home / "config.toml").write_text(body)


@pytest.mark.parametrize("name", sorted(NAMES))
def test_flag_beats_env_beats_config_beats_default(
    name: str, isolation: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flag, var, key = NAMES[name]
    monkeypatch.delenv(var, raising=False)  # the isolation fixture sets an actor
    default = _value(Settings.load(), name)
    assert default == _value(_defaults(isolation), name)

    _write_config(isolation, f'{key} = "from-config"\n')
    assert _value(Settings.load(), name) == _expected(name, "from-config")

    monkeypatch.setenv(var, "from-env")
    assert _value(Settings.load(), name) == _expected(name, "from-env")

    if flag is not None:
        with_flag = Settings.load(**{flag: "from-flag"})
        assert _value(with_flag, name) == "from-flag"
        # an empty flag counts as not given
        assert _value(Settings.load(**{flag: ""}), name) == "from-env"

    monkeypatch.setenv(var, "")  # an empty variable counts as unset
    assert _value(Settings.load(), name) == _expected(name, "from-config")

    _write_config(isolation, f'{key} = ""\n')  # so does an empty value in the file
    assert _value(Settings.load(), name) == default


def _defaults(home: Path) -> Settings:
    from mercato_int.settings import _os_user

    return Settings(
        config_dir=home,
        data_dir=home,
        database_url=f"sqlite:///{home / 'mercato-int.db'}",
        scope=TenantScope("default", "default"),
        actor=_os_user(),
    )


def test_defaults(isolation: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MERCATO_INT_ACTOR")
    monkeypatch.setattr("getpass.getuser", lambda: "ann o'brien")
    settings = Settings.load()
    assert settings == Settings(
        config_dir=isolation,
        data_dir=isolation,
        database_url=f"sqlite:///{isolation / 'mercato-int.db'}",
        scope=TenantScope("default", "default"),
        actor="ann_o_brien",  # the OS user, made a valid name
        providers_path=(),
        lang=None,
        master_keys_env=None,
    )


def test_flags_env_and_file_mix_key_by_key(
    isolation: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_config(isolation, 'tenant = "file-t"\norg = "file-o"\nactor = "file-a"\nlang = "pl"\n')
    monkeypatch.setenv("MERCATO_INT_ORG", "env-o")
    monkeypatch.delenv("MERCATO_INT_ACTOR")
    settings = Settings.load(actor="flag-a")
    assert settings.scope == TenantScope(organization_id="env-o", tenant_id="file-t")
    assert (settings.actor, settings.lang) == ("flag-a", "pl")


def test_only_the_exact_names_are_read(isolation: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MERCATO_INT_HOST", "x")  # not a setting: ignored, as before
    monkeypatch.setenv("MERCATO_INT_DEBUG", "1")
    assert Settings.load().scope == TenantScope()
    _write_config(isolation, 'Tenant = "x"\n')  # keys of the file are case-sensitive
    with pytest.raises(ConfigError, match="unknown key"):
        Settings.load()


def test_providers_path_splits_on_pathsep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MERCATO_INT_PROVIDERS_PATH", os.pathsep.join([str(tmp_path), "", "~/b"]))
    assert Settings.load().providers_path == (tmp_path, Path("~/b").expanduser())


def test_master_key_comes_from_the_environment_only(
    isolation: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MERCATO_INT_MASTER_KEY", "k1,k2")
    settings = Settings.load()
    assert settings.master_keys_env == "k1,k2"
    assert "k1" not in repr(settings)
    _write_config(isolation, 'master_key = "k3"\n')  # not a config key
    with pytest.raises(ConfigError, match="unknown key"):
        Settings.load()


def test_home_isolates_config_and_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "box"
    monkeypatch.setenv("MERCATO_INT_HOME", str(home))
    settings = Settings.load()
    assert settings.config_dir == settings.data_dir == home


def test_the_config_file_is_read_from_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "box"
    home.mkdir()
    _write_config(home, 'tenant = "boxed"\n')
    monkeypatch.setenv("MERCATO_INT_HOME", str(home))
    assert Settings.load().scope.tenant_id == "boxed"


@pytest.mark.skipif(sys.platform != "linux", reason="XDG directories are Linux's")
def test_without_home_the_platform_dirs_are_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the isolation fixture points XDG_CONFIG_HOME / XDG_DATA_HOME into tmp_path
    monkeypatch.delenv("MERCATO_INT_HOME")
    config = tmp_path / "xdg-config" / "mercato-int"
    config.mkdir(parents=True)
    _write_config(config, 'org = "xdg"\n')
    settings = Settings.load()
    data = tmp_path / "xdg-data" / "mercato-int"
    assert settings.config_dir == config
    assert settings.data_dir == data
    assert settings.database_url == f"sqlite:///{data / 'mercato-int.db'}"
    assert settings.scope.organization_id == "xdg"


HINT = "(use 1-100 letters, digits or _ . : @ - for the {0})"


@pytest.mark.parametrize("source", ["flag", "env", "config"])
@pytest.mark.parametrize(
    ("name", "value"),
    [("tenant", "acme corp"), ("org", "-leading"), ("actor", "x" * 101), ("tenant", "acme\n")],
)
def test_bad_names_are_invalid_input_from_any_source(
    source: str, name: str, value: str, isolation: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if source == "flag":
        kwargs = {name: value}
    else:
        kwargs = {}
        if source == "env":
            monkeypatch.setenv(f"MERCATO_INT_{name.upper()}", value)
        else:
            monkeypatch.delenv("MERCATO_INT_ACTOR")
            _write_config(isolation, f"{name} = {json.dumps(value)}\n")
    with pytest.raises(InvalidInput) as caught:
        Settings.load(**kwargs)
    assert str(caught.value) == f"invalid {name} {value!r} {HINT.format(name)}"
    assert caught.value.exit_code == 2
    assert caught.value.code == "logs.id.invalid"
    assert caught.value.params["value"] == value


def test_check_identifier() -> None:
    assert check_identifier("a.b:c@d-e_1", "tenant") == "a.b:c@d-e_1"
    assert check_identifier("x" * 100, "actor") == "x" * 100
    for bad in ("", "x" * 101, "_x", "a b", "a\n", "ą"):
        with pytest.raises(ConfigError) as caught:
            check_identifier(bad, "org")
        assert str(caught.value) == f"invalid org {bad!r} {HINT.format('org')}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "tenant = \n",
            "cannot read config file {path}: Invalid value (at line 1, column 10) "
            "(fix or remove the file)",
        ),
        (
            'org = "eu"\ntenant = "a" "b"\n',
            "cannot read config file {path}: Expected newline or end of document after a "
            "statement (at line 2, column 14) (fix or remove the file)",
        ),
        (
            'colour = "blue"\ntenant = 42\nsize = 1\n',
            "unknown key(s) colour, size in config file {path} (known keys: database_url, "
            "tenant, org, actor, providers_path, lang, current_context, contexts)",
        ),
        ("tenant = 42\n", "config key 'tenant' in {path} must be a string"),
        ('providers_path = ["a", "b"]\n', "config key 'providers_path' in {path} must be a string"),
    ],
)
def test_bad_config_file(body: str, message: str, isolation: Path) -> None:
    path = isolation / "config.toml"
    path.write_text(body)
    with pytest.raises(InvalidInput) as caught:
        Settings.load()
    assert str(caught.value) == message.format(path=path)
    assert caught.value.exit_code == 2


def test_a_config_file_that_is_not_utf8_or_not_a_file(isolation: Path) -> None:
    path = isolation / "config.toml"
    path.write_bytes(b'tenant = "caf\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        Settings.load()
    assert str(caught.value).startswith(f"cannot read config file {path}: ")
    path.unlink()
    path.mkdir()  # a folder where the file should be: as if there were no file
    assert Settings.load().scope == TenantScope()


def test_a_bad_config_file_beats_a_bad_flag(isolation: Path) -> None:
    """A bad name given as a flag is reported once the config file can be read."""
    _write_config(isolation, "tenant = [\n")
    with pytest.raises(ConfigError, match="cannot read config file"):
        Settings.load(tenant="acme corp")


def test_errors_carry_a_code_and_params_and_are_worded_when_shown() -> None:
    """The config module imports no i18n: its error is a code and parameters, worded in the
    current language when a front end shows it (`str`)."""
    from mercato_int import i18n
    from mercato_int.errors import Msg

    error = invalid_identifier("a b", "tenant")
    assert (error.code, error.hint_code, error.params) == (
        "logs.id.invalid",
        "logs.id.invalid_hint",
        {"value": "a b", "what": Msg("logs.id.tenant")},
    )
    try:
        i18n.choose("en")
        english = str(error)
        i18n.choose("pl")
        polish = str(error)
    finally:
        i18n.reset()
    assert english == f"invalid tenant 'a b' {HINT.format('tenant')}"
    assert polish != english and "'a b'" in polish


def test_scope_names_itself() -> None:
    scope = TenantScope(organization_id="eu", tenant_id="acme")
    assert str(scope) == "tenant acme · org eu"
    assert scope.as_dict() == {"organizationId": "eu", "tenantId": "acme"}


@pytest.mark.skipif(sys.platform != "linux", reason="the fast path is Linux's")
@pytest.mark.parametrize(
    "xdg",
    [{}, {"XDG_CONFIG_HOME": "/srv/cfg", "XDG_DATA_HOME": "/srv/data"}, {"XDG_CONFIG_HOME": " "}],
)
def test_default_dirs_agree_with_platformdirs(
    xdg: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    from mercato_int.config_file import default_dirs

    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    for name, value in xdg.items():
        monkeypatch.setenv(name, value)
    assert default_dirs(None) == (
        Path(platformdirs.user_config_dir("mercato-int", appauthor=False)),
        Path(platformdirs.user_data_dir("mercato-int", appauthor=False)),
    )


def test_the_settings_repr_never_shows_the_database_password(isolation: Path) -> None:
    settings = Settings.load(database_url="postgresql://ann:hunter2secret@db/x")
    assert settings.database_url == "postgresql://ann:hunter2secret@db/x"
    assert "hunter2secret" not in repr(settings)


_MODULES = """
import json, runpy, sys
sys.argv = ["mercato-int", *sys.argv[2:]]
try:
    runpy.run_module("mercato_int", run_name="__main__")
except SystemExit:
    pass
with open(OUT, "w") as fh:
    json.dump(sorted(sys.modules), fh)
"""


def _modules_after(tmp_path: Path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    code = f"OUT = {str(out)!r}\n" + _MODULES
    subprocess.run([sys.executable, "-c", code, "x", *args], capture_output=True, check=False)
    return set(json.loads(out.read_text()))


LAYERING = {"mercato_int.settings", "pydantic_settings", "tomllib", "dotenv"}


def test_help_imports_neither_the_settings_library_nor_a_toml_parser(
    isolation: Path, tmp_path: Path
) -> None:
    assert _modules_after(tmp_path, "--help") & LAYERING == set()
    # with a config file, i18n parses it for `lang` (the language of the help): TOML only
    _write_config(isolation, 'tenant = "t"\n')
    assert _modules_after(tmp_path, "--help") & LAYERING == {"tomllib"}
    # a command that builds settings imports them
    assert _modules_after(tmp_path, "list", "--json") >= LAYERING


def test_config_does_not_import_i18n() -> None:
    code = (
        "import sys, mercato_int.settings, mercato_int.config_file;"
        "print([m for m in sys.modules if m.startswith('mercato_int.i18n')])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
