"""Settings resolution: flag > environment > config file (TOML) > default, for every name."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from mercato_int.errors import InvalidInput
from mercato_int.scope import TenantScope
from mercato_int.settings import Settings

# name -> (flag keyword, environment variable, config key, default)
NAMES = {
    "database_url": ("database_url", "MERCATO_INT_DATABASE_URL", "database_url"),
    "tenant": ("tenant", "MERCATO_INT_TENANT", "tenant"),
    "org": ("org", "MERCATO_INT_ORG", "org"),
    "actor": ("actor", "MERCATO_INT_ACTOR", "actor"),
    "lang": ("lang", "MERCATO_INT_LANG", "lang"),
}


def _value(settings: Settings, name: str) -> str | None:
    return {
        "database_url": settings.database_url,
        "tenant": settings.scope.tenant_id,
        "org": settings.scope.organization_id,
        "actor": settings.actor,
        "lang": settings.lang,
    }[name]


def _write_config(home: Path, body: str) -> None:
    (home / "config.toml").write_text(body)


@pytest.mark.parametrize("name", sorted(NAMES))
def test_flag_beats_env_beats_config_beats_default(name: str, isolation: Path) -> None:
    flag, var, key = NAMES[name]
    home = isolation
    env = {"MERCATO_INT_HOME": str(home)}
    default = Settings.load(env=env)
    assert default.sources[name] == "default"

    _write_config(home, f'{key} = "from-config"\n')
    assert _value(Settings.load(env=env), name) == "from-config"
    assert Settings.load(env=env).sources[name] == "config"

    env[var] = "from-env"
    assert _value(Settings.load(env=env), name) == "from-env"
    assert Settings.load(env=env).sources[name] == "env"

    with_flag = Settings.load(env=env, **{flag: "from-flag"})
    assert _value(with_flag, name) == "from-flag"
    assert with_flag.sources[name] == "flag"

    env[var] = ""  # an empty variable counts as unset
    assert _value(Settings.load(env=env), name) == "from-config"


def test_defaults(isolation: Path) -> None:
    settings = Settings.load(env={"MERCATO_INT_HOME": str(isolation)})
    assert settings.scope == TenantScope("default", "default")
    assert settings.database_url == f"sqlite:///{isolation / 'mercato-int.db'}"
    assert settings.is_default_sqlite
    assert settings.providers_path == ()
    assert settings.lang is None
    assert settings.master_keys_env is None
    assert settings.no_color is False
    assert settings.config_file == isolation / "config.toml"


def test_providers_path_from_env_or_config(isolation: Path, tmp_path: Path) -> None:
    env = {"MERCATO_INT_HOME": str(isolation)}
    _write_config(isolation, f'providers_path = "{tmp_path / "c"}"\n')
    assert Settings.load(env=env).providers_path == (tmp_path / "c",)
    env["MERCATO_INT_PROVIDERS_PATH"] = os.pathsep.join([str(tmp_path / "a"), "", "~/b"])
    assert Settings.load(env=env).providers_path == (tmp_path / "a", Path("~/b").expanduser())


def test_master_key_and_no_color_come_from_the_environment(isolation: Path) -> None:
    env = {"MERCATO_INT_HOME": str(isolation), "MERCATO_INT_MASTER_KEY": "k1,k2", "NO_COLOR": ""}
    settings = Settings.load(env=env)
    assert settings.master_keys_env == "k1,k2"
    assert settings.no_color is True
    assert "k1" not in repr(settings)


def test_home_isolates_config_and_data(tmp_path: Path) -> None:
    home = tmp_path / "box"
    settings = Settings.load(env={"MERCATO_INT_HOME": str(home)})
    assert settings.config_dir == settings.data_dir == home


@pytest.mark.skipif(sys.platform != "linux", reason="XDG directories are Linux's")
def test_without_home_the_platform_dirs_are_used(tmp_path: Path) -> None:
    # the isolation fixture points XDG_CONFIG_HOME / XDG_DATA_HOME into tmp_path
    settings = Settings.load(env={})
    data = tmp_path / "xdg-data" / "mercato-int"
    assert settings.config_dir == tmp_path / "xdg-config" / "mercato-int"
    assert settings.data_dir == data
    assert settings.database_url == f"sqlite:///{data / 'mercato-int.db'}"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"tenant": "acme corp"},
            "invalid tenant 'acme corp' (use 1-100 letters, digits or _ . : @ - for the tenant)",
        ),
        (
            {"org": "-leading"},
            "invalid org '-leading' (use 1-100 letters, digits or _ . : @ - for the org)",
        ),
        (
            {"actor": "x" * 101},
            f"invalid actor '{'x' * 101}' (use 1-100 letters, digits or _ . : @ - for the actor)",
        ),
    ],
)
def test_bad_names_are_invalid_input(kwargs: dict[str, str], message: str, isolation: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        Settings.load(env={"MERCATO_INT_HOME": str(isolation)}, **kwargs)
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("body", "start"),
    [
        ("tenant = \n", "cannot read config file "),
        ('colour = "blue"\n', "unknown key(s) colour in config file "),
        ("tenant = 42\n", "config key 'tenant' in "),
    ],
)
def test_bad_config_file(body: str, start: str, isolation: Path) -> None:
    _write_config(isolation, body)
    with pytest.raises(InvalidInput) as caught:
        Settings.load(env={"MERCATO_INT_HOME": str(isolation)})
    assert str(caught.value).startswith(start)
    assert str(isolation / "config.toml") in str(caught.value)


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
