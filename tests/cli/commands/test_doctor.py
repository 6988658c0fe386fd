"""`doctor`: one line per check with the fix, exit 1 on any failure, no traceback ever, on a
SQLite file and on Postgres."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

ARGS = ["publishableKey=pk_1", "secretKey=sk_live_DOC8", "webhookSecret=whsec_DOC8"]


def _home() -> Path:
    return Path(os.environ["MERCATO_INT_HOME"])


def _by_id(run) -> dict[str, dict]:
    return {c["id"]: c for c in run.json()["checks"]}


def _statuses(run) -> dict[str, str]:
    return {c["id"]: c["status"] for c in run.json()["checks"]}


def test_a_healthy_installation(cli, db_url: str) -> None:
    _home().chmod(0o700)
    assert cli("creds", "set", "gateway_stripe", *ARGS).exit_code == 0
    run = cli("doctor", "--deep", "--json")
    assert run.exit_code == 0, run.stdout
    checks = _by_id(run)
    statuses = _statuses(run)
    for ok in ("config", "store", "keys.env", "keys.file", "credentials", "providers", "clock"):
        assert statuses[ok] == "ok", checks[ok]
    assert statuses["permissions.key_file"] == statuses["permissions.folder"] == "ok"
    assert checks["credentials"]["detail"] == "1 row decrypts"
    kid = cli("keys", "status", "--json").json()["activeKeyId"]
    assert checks["keys.file"]["detail"] == f"1 key: {kid} (active)"
    assert checks["keyring"]["status"] == "warn"  # the tests' `fail` backend
    if db_url.startswith("sqlite"):
        assert checks["clock"]["detail"] == "skipped: a SQLite store has no clock of its own"
    else:
        assert checks["clock"]["detail"].startswith("this host is ")
    key = (_home() / "master.key").read_text().split()[-1]
    human = cli("doctor", "--deep")
    assert human.exit_code == 0
    assert "✓ credential rows: 1 row decrypts" in human.stdout.splitlines()
    assert human.stdout.splitlines()[-1].startswith("0 failed, ")
    for text in (run.stdout, human.stdout):
        assert key not in text and "sk_live_DOC8" not in text


def test_deep_finds_a_row_moved_between_tenants(cli, db_url: str) -> None:
    cli("--tenant", "acme_a", "creds", "set", "gateway_stripe", *ARGS)
    cli("--tenant", "acme_b", "creds", "set", "gateway_stripe", *ARGS)
    from mercato_int.store.engine import create_store_engine

    engine = create_store_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE integration_credentials SET encrypted_values = (SELECT encrypted_values "
                "FROM integration_credentials WHERE tenant_id = 'acme_a') "
                "WHERE tenant_id = 'acme_b'"
            )
        )
    engine.dispose()
    assert _statuses(cli("doctor", "--json"))["credentials"] == "ok"  # by key id: fine
    run = cli("doctor", "--deep")
    assert run.exit_code == 1
    assert (
        "✗ credential rows: 1 row does not decrypt with its key: gateway_stripe · acme_b · "
        "default → set those credentials again"
    ) in run.stdout
    assert "sk_live_DOC8" not in run.stdout


def test_rows_under_a_key_that_is_gone(cli, db_url: str) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    kid = cli("keys", "status", "--json").json()["activeKeyId"]
    (_home() / "master.key").unlink()
    run = cli("doctor", "--json")
    assert run.exit_code == 1
    check = _by_id(run)["credentials"]
    assert check["status"] == "fail"
    assert check["detail"] == f"1 row is under a key no source holds: {kid} (1)"
    assert "keys import" in check["fix"]


def test_a_key_file_open_to_others(cli, db_url: str) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    key_file = _home() / "master.key"
    key = key_file.read_text().split()[-1]
    key_file.chmod(0o644)
    run = cli("doctor")
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert (
        f"✗ key file permissions: {key_file} has mode 0644, expected 0600 → chmod 600 {key_file}"
        in lines
    )
    assert any(line.startswith("✗ master keys: key file ") for line in lines)
    assert key not in run.stdout + run.stderr


def test_a_broken_config_file_fails_its_line_and_the_others_still_run(cli, db_url) -> None:
    (_home() / "config.toml").write_text('tenant = "a" "b"\n')
    run = cli("doctor", "--json")
    assert run.exit_code == 1
    checks = _by_id(run)
    assert checks["config"]["status"] == "fail"
    assert checks["config"]["detail"].startswith("cannot read config file ")
    # the store named by the environment is still checked
    assert checks["store"]["status"] != "fail"
    assert checks["store"]["detail"].startswith(db_url)
    assert checks["providers"]["status"] == "ok"


def test_an_unreachable_store_masks_its_password(cli, db_url: str) -> None:
    run = cli("--db", "postgresql://ops:hunter2secret@127.0.0.1:1/x", "doctor", "--json")
    assert run.exit_code == 1
    checks = _by_id(run)
    assert checks["store"]["status"] == "fail"
    assert checks["store"]["detail"].startswith(
        "cannot reach the store at postgresql+psycopg://ops:••••••••@127.0.0.1:1/x"
    )
    assert checks["credentials"]["status"] == "warn"
    assert checks["credentials"]["detail"] == "not checked: the store cannot be reached"
    assert "hunter2secret" not in run.stdout + run.stderr


@pytest.mark.postgres
def test_a_postgres_store_behind_and_a_clock_off(pg_url: str) -> None:
    from mercato_int.doctor import Doctor
    from mercato_int.settings import Settings

    def later() -> datetime:
        return datetime.now(UTC) + timedelta(seconds=120)

    checks = {
        c.id: c
        for c in Doctor(lambda: Settings.load(database_url=pg_url), now=later).run(deep=True)
    }
    assert checks["store"].status == "fail"
    assert checks["store"].fix == "mercato-int db upgrade"
    assert checks["credentials"].detail == "not checked: the store's schema is behind"
    assert checks["clock"].status == "fail"  # the server is 120 s behind this host
    assert checks["clock"].detail.startswith("this host is -1")


def test_a_check_that_crashes_is_a_failed_line(db_url: str) -> None:
    from mercato_int.doctor import Doctor
    from mercato_int.settings import Settings

    class ExplodingKeyring:
        @property
        def backends(self) -> list:
            raise RuntimeError("the D-Bus went away")

        def get_password(self, service: str, username: str) -> None:
            raise RuntimeError("the D-Bus went away")

    checks = Doctor(
        lambda: Settings.load(database_url=db_url), keyring_backend=ExplodingKeyring()
    ).run()
    by_id = {c.id: c for c in checks}
    assert by_id["keyring"].status == "fail"
    assert by_id["keyring"].detail == (
        "the check itself failed (RuntimeError: the D-Bus went away)"
    )
    assert by_id["keys.keyring"].status == "warn"  # a keyring that does not answer
    assert by_id["completions"].status in ("ok", "warn")  # the checks after it still ran


@pytest.mark.parametrize(
    ("shell", "installed", "status", "detail"),
    [
        ("/bin/bash", ".bash_completions/mercato-int.sh", "ok", "installed for bash: {path}"),
        ("/usr/bin/zsh", ".zfunc/_mercato-int", "ok", "installed for zsh: {path}"),
        ("/usr/bin/fish", None, "warn", "not installed for fish"),
        ("/bin/tcsh", None, "warn", "cannot tell which shell ($SHELL is tcsh)"),
    ],
)
def test_completions_for_the_current_shell(tmp_path, shell, installed, status, detail) -> None:
    from mercato_int.cli import completions
    from mercato_int.doctor import host

    path = None
    if installed:
        path = tmp_path / installed
        path.parent.mkdir(parents=True)
        path.write_text(completions.render(Path(shell).name))
    (check,) = host.completions(shell, tmp_path)
    assert (check.status, check.detail) == (status, detail.format(path=path))


def test_a_completion_file_that_is_not_ours(tmp_path) -> None:
    from mercato_int.doctor import host

    path = tmp_path / ".bash_completions" / "mercato-int.sh"
    path.parent.mkdir(parents=True)
    path.write_text("complete -W 'a b' mercato-int\n")
    (check,) = host.completions("/bin/bash", tmp_path)
    assert check.status == "warn"
    assert check.detail == f"{path} is not a mercato-int completion script"


def test_a_password_written_into_the_config_file_by_hand(cli, db_url: str) -> None:
    (_home() / "config.toml").write_text(
        '[contexts.prod]\ndatabase_url = "postgresql://ops:hunter2secret@db.internal/m"\n'
    )
    run = cli("doctor", "--json")
    check = _by_id(run)["config"]
    assert check["status"] == "warn"
    assert check["detail"].endswith("holds a database password in plain text (contexts.prod)")
    assert "~/.pgpass" in check["fix"]
    assert "hunter2secret" not in run.stdout
