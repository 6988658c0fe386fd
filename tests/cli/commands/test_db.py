"""`db upgrade` / `db current`, and a store whose schema is behind or ahead."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from mercato_int.cli.app import app
from mercato_int.store.engine import redact_url
from mercato_int.store.revisions import HEAD_REVISION


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.mark.postgres
def test_an_empty_postgres_store_is_not_initialised_until_upgraded(pg_url: str) -> None:
    shown = redact_url(pg_url)
    before = run("--db", pg_url, "list")
    assert before.exit_code == 4
    assert before.stderr.splitlines() == [
        f"error: the store at {shown} is not initialised "
        f"(run `mercato-int --db {shlex.quote(shown)} db upgrade`)"
    ]
    assert before.stdout == ""

    current = run("--db", pg_url, "db", "current")
    assert current.exit_code == 0
    assert current.stdout == (
        f"{shown}: revision none (head {HEAD_REVISION}, behind: run `mercato-int db upgrade`)\n"
    )

    upgraded = run("--db", pg_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert upgraded.stdout == f"{shown}: upgraded empty store → {HEAD_REVISION}\n"

    after = run("--db", pg_url, "list", "--json")
    assert after.exit_code == 0, after.stderr
    again = run("--db", pg_url, "db", "upgrade")
    assert again.stdout == f"{shown}: already at {HEAD_REVISION}\n"


def test_sqlite_is_created_and_migrated_on_first_use(isolation: Path) -> None:
    assert not (isolation / "mercato-int.db").exists()
    result = run("list", "--json")
    assert result.exit_code == 0, result.stderr
    current = run("db", "current")
    assert current.stdout == (
        f"sqlite:///{isolation / 'mercato-int.db'}: revision {HEAD_REVISION} "
        f"(head {HEAD_REVISION}, up to date)\n"
    )


def test_db_current_on_an_empty_sqlite_file_does_not_migrate_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    data = run("--db", url, "db", "current", "--json")
    assert data.exit_code == 0
    import json

    assert json.loads(data.stdout) == {
        "url": url,
        "current": None,
        "head": HEAD_REVISION,
        "upToDate": False,
    }
    upgraded = json.loads(run("--db", url, "db", "upgrade", "--json").stdout)
    assert upgraded == {
        "url": url,
        "current": HEAD_REVISION,
        "head": HEAD_REVISION,
        "upToDate": True,
        "previous": None,
    }


@pytest.mark.parametrize(
    "command",
    [["list"], ["show", "gateway_stripe"], ["enable", "gateway_stripe"], ["keys", "status"],
     ["logs"], ["events"], ["prune", "--dry-run"], ["db", "current"], ["db", "current", "--json"],
     ["db", "upgrade"]],
)  # fmt: skip
def test_a_store_migrated_by_a_newer_mercato_int_refuses_every_command(
    db_url: str, command: list[str]
) -> None:
    assert run("--db", db_url, "db", "upgrade").exit_code == 0
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    result = run("--db", db_url, *command)
    assert result.exit_code == 4, result.stderr
    assert result.stderr.splitlines() == [
        f"error: the store at {redact_url(db_url)} was migrated by a newer mercato-int "
        "(revision 0099_future); upgrade the tool"
    ]
    assert result.stdout == ""
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:  # and nothing touched it
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == (
            "0099_future"
        )
    engine.dispose()


def test_redact_url() -> None:
    assert redact_url("postgresql://ann:s3cret@db:5432/x") == "postgresql://ann:••••••••@db:5432/x"
    assert redact_url("sqlite:////tmp/a.db") == "sqlite:////tmp/a.db"


def _with_password(pg_url: str, form: str) -> str:
    """`pg_url` (trust authentication: any password is accepted) carrying a password."""
    scheme, rest = pg_url.split("://", 1)
    user, host = rest.split("@", 1)
    if form == "userinfo":
        return f"{scheme}://{user}:hunter2secret@{host}"
    if form == "unencoded @":
        return f"{scheme}://{user}:hunter2@secret@{host}"
    if form == "percent-encoded":
        return f"{scheme}://{user}:hunter2%40secret%2F@{host}"
    return f"{pg_url}&password=hunter2secret"  # the query string


FORMS = ["userinfo", "unencoded @", "percent-encoded", "query"]


@pytest.mark.postgres
@pytest.mark.parametrize("form", FORMS)
def test_db_current_json_never_shows_the_password(pg_url: str, form: str) -> None:
    url = _with_password(pg_url, form)
    result = run("--db", url, "db", "current", "--json")
    assert result.exit_code == 0, result.stderr  # it reached the right host, password and all
    import json

    shown = json.loads(result.stdout)["url"]
    assert "hunter2" not in result.stdout + result.stderr
    assert shown == redact_url(url) and "••••••••" in shown


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("command", [["list"], ["db", "current"], ["db", "upgrade"]])
def test_cannot_reach_the_store_never_shows_the_password(form: str, command: list[str]) -> None:
    url = _with_password("postgresql://postgres@127.0.0.1:1/x?connect_timeout=2", form)
    result = run("--db", url, *command)
    assert result.exit_code == 4
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: cannot reach the store at postgresql+psycopg://postgres")
    assert "127.0.0.1" in line  # the host is the one after the last `@`
    assert "hunter2" not in result.stderr + result.stdout
    assert "secret" not in line


@pytest.mark.parametrize(
    ("url", "start"),
    [
        (
            "mysql://root:hunter2secret@127.0.0.1/shop",
            "error: database URL 'mysql://root:••••••••@",
        ),
        ("postgresql://postgres:hunter2secret@127.0.0.1:abc/x", "error: the port in database"),
        ("host=127.0.0.1 password=hunter2secret", "error: not a database URL: 'host=127.0.0.1 "),
    ],
)
def test_a_url_we_cannot_use_exits_2_without_its_password(url: str, start: str) -> None:
    for command in (["list"], ["db", "current"]):
        result = run("--db", url, *command)
        assert result.exit_code == 2
        (line,) = result.stderr.splitlines()
        assert line.startswith(start)
        assert "hunter2" not in result.stderr + result.stdout


@pytest.mark.postgres
def test_the_record_of_which_stores_use_a_key_never_holds_the_password(
    pg_url: str, isolation: Path
) -> None:
    url = _with_password(pg_url, "query")
    assert run("--db", url, "db", "upgrade").exit_code == 0
    creds = ["publishableKey=pk_1", "secretKey=sk_live_1", "webhookSecret=whsec_1"]
    assert run("--db", url, "creds", "set", "gateway_stripe", *creds).exit_code == 0
    status = run("--db", url, "keys", "status", "--json")
    assert status.exit_code == 0, status.stderr
    key_id = status.stdout.split('"activeKeyId": "', 1)[1].split('"', 1)[0]
    drop = run("--db", url, "keys", "drop", key_id, "--yes")  # refused: rows still use it
    assert drop.exit_code != 0
    written = "".join(p.read_text() for p in isolation.iterdir() if p.is_file())
    assert "mercato_test_" in written  # the store is recorded beside the key...
    for text in (written, status.stdout, status.stderr, drop.stdout, drop.stderr):
        assert "hunter2" not in text  # ...without its password
