"""The checks of `doctor` about this host: file permissions, the keyring backend, shell
completions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mercato_int.doctor.model import FAIL, OK, WARN, Check
from mercato_int.i18n import t

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from mercato_int.settings import Settings

PROG = "mercato-int"
COMPLETE_VAR = "_MERCATO_INT_COMPLETE"


def _mode(path: Path) -> int | None:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return None


def permissions(settings: Settings, engine: Engine | None) -> Iterator[Check]:
    """The key file 0600 (it is refused otherwise), the config and data folders 0700, the
    SQLite store's files 0600 (they hold encrypted credentials and the logs)."""
    from mercato_int.keys.sources import KEY_FILE_NAME

    if os.name == "nt":
        yield Check("permissions", OK, t("doctor.permissions"), t("doctor.permissions.windows"))
        return
    key_file = settings.config_dir / KEY_FILE_NAME
    yield _private("permissions.key_file", key_file, t("doctor.permissions.key_file"), FAIL, 0o600)
    for folder in dict.fromkeys([settings.config_dir, settings.data_dir]):
        yield _private("permissions.folder", folder, t("doctor.permissions.folder"), WARN, 0o700)
    yield from _store_files(settings, engine)


def _private(ident: str, path: Path, title: str, severity: str, want: int) -> Check:
    """`path` open to its owner only (mode `want`), or `severity` with the chmod that fixes
    it; a path that is not there is fine."""
    mode = _mode(path)
    if mode is None:
        return Check(ident, OK, title, t("doctor.permissions.absent", path=path))
    if mode & 0o077:
        return Check(
            ident,
            severity,
            title,
            t("doctor.permissions.mode", path=path, mode=f"{mode:04o}", want=f"{want:04o}"),
            t("doctor.chmod", mode=f"{want:o}", path=path),
        )
    return Check(ident, OK, title, t("doctor.permissions.fine", path=path, mode=f"{want:04o}"))


def _store_files(settings: Settings, engine: Engine | None) -> Iterator[Check]:
    from mercato_int.store import sqlite_files
    from mercato_int.store.urls import parse_store_url

    title = t("doctor.permissions.store")
    parsed = parse_store_url(settings.database_url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite":
        yield Check("permissions.store", OK, title, t("doctor.permissions.server"))
        return
    if not database or database == ":memory:":
        yield Check("permissions.store", OK, title, t("doctor.permissions.memory"))
        return
    path = Path(database).expanduser()
    if not path.exists():
        yield Check("permissions.store", OK, title, t("doctor.permissions.absent", path=path))
        return
    loose = sqlite_files.readable_by_others(path)
    if loose:
        files = ", ".join(f"{p} ({m:04o})" for p, m in loose)
        yield Check(
            "permissions.store",
            FAIL,
            title,
            t("doctor.permissions.store_loose", files=files),
            t("doctor.chmod", mode="600", path=" ".join(str(p) for p, _ in loose)),
        )
        return
    yield Check(
        "permissions.store", OK, title, t("doctor.permissions.fine", path=path, mode="0600")
    )


def keyring_backend(backend: Any = None) -> Iterator[Check]:
    """The keyring backend the `keyring` package picked (its class; no entry is read)."""
    title = t("doctor.keyring")
    if backend is None:
        import keyring

        backend = keyring.get_keyring()
    names = [type(b).__module__ + "." + type(b).__name__ for b in getattr(backend, "backends", [])]
    name = type(backend).__module__ + "." + type(backend).__name__
    shown = f"{name} ({', '.join(names)})" if names else name
    if name.startswith(("keyring.backends.fail.", "keyring.backends.null.")):
        yield Check(
            "keyring", WARN, title, t("doctor.keyring.none", backend=shown), t("doctor.keyring.fix")
        )
        return
    yield Check("keyring", OK, title, t("doctor.keyring.ok", backend=shown))


def completion_candidates(shell: str, home: Path) -> list[Path]:
    """Where a completion script for `shell` is found: where `--install-completion` writes it,
    then the usual user and system folders."""
    xdg_data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local/share")
    xdg_config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    if shell == "bash":
        return [
            home / ".bash_completions" / f"{PROG}.sh",
            xdg_data / "bash-completion/completions" / PROG,
            Path("/usr/local/share/bash-completion/completions") / PROG,
            Path("/usr/share/bash-completion/completions") / PROG,
            Path("/etc/bash_completion.d") / PROG,
        ]
    if shell == "zsh":
        return [
            home / ".zfunc" / f"_{PROG}",
            Path("/usr/local/share/zsh/site-functions") / f"_{PROG}",
            Path("/usr/share/zsh/site-functions") / f"_{PROG}",
        ]
    if shell == "fish":
        return [
            xdg_config / "fish/completions" / f"{PROG}.fish",
            Path("/usr/share/fish/vendor_completions.d") / f"{PROG}.fish",
        ]
    return []


def completions(shell_path: str, home: Path) -> Iterator[Check]:
    """A completion script for the user's shell ($SHELL) is installed and is ours."""
    title = t("doctor.completions")
    shell = Path(shell_path).name if shell_path else ""
    candidates = completion_candidates(shell, home)
    if not candidates:
        yield Check(
            "completions",
            WARN,
            title,
            t("doctor.completions.shell", shell=shell or "?"),
            t("doctor.completions.fix_any"),
        )
        return
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if COMPLETE_VAR in text:
            yield Check(
                "completions", OK, title, t("doctor.completions.ok", shell=shell, path=path)
            )
            return
        yield Check(
            "completions",
            WARN,
            title,
            t("doctor.completions.foreign", path=path),
            t("doctor.completions.fix", shell=shell),
        )
        return
    yield Check(
        "completions",
        WARN,
        title,
        t("doctor.completions.missing", shell=shell),
        t("doctor.completions.fix", shell=shell),
    )


def config_passwords(path: Path) -> list[str]:
    """Where the config file holds a store URL with a password in it (written by hand: the
    commands never write one): `database_url`, `contexts.NAME`."""
    from mercato_int.config_file import read_config
    from mercato_int.contexts import contexts_of
    from mercato_int.store.urls import url_secrets

    data = read_config(path)
    found = []
    if isinstance(data.get("database_url"), str) and url_secrets(data["database_url"]):
        found.append("database_url")
    for name, values in contexts_of(data, path).items():
        if url_secrets(values.get("database_url", "")):
            found.append(f"contexts.{name}")
    return found
