"""`db upgrade` / `db current`, and a store whose schema is behind or ahead."""

from __future__ import annotations

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
def test_a_postgres_store_that_is_behind_refuses_until_upgraded(pg_url: str) -> None:
    shown = redact_url(pg_url)
    before = run("--db", pg_url, "list")
    assert before.exit_code == 4
    assert before.stderr.splitlines() == [
        f"error: the store at {shown} has schema revision none, expected {HEAD_REVISION} "
        "(run `mercato-int db upgrade`)"
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


def test_a_store_newer_than_this_build_refuses(db_url: str) -> None:
    assert run("--db", db_url, "db", "upgrade").exit_code == 0
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    result = run("--db", db_url, "list")
    assert result.exit_code == 4
    (line,) = result.stderr.splitlines()
    assert line.endswith(
        "has schema revision 0099_future, newer than this mercato-int knows (upgrade mercato-int)"
    )


def test_redact_url() -> None:
    assert redact_url("postgresql://ann:s3cret@db:5432/x") == "postgresql://ann:***@db:5432/x"
    assert redact_url("sqlite:////tmp/a.db") == "sqlite:////tmp/a.db"
