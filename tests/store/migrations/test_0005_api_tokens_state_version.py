"""0005: `api_tokens` and a version on every state row, added to a store of revision 0004 with
rows in it (each existing state starts at version 1), on SQLite and Postgres; reversible; and a
store left at 0004 is reported behind (`db current`) and refused, exit 4, where the CLI does
not migrate on its own (Postgres)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from mercato_int.cli.app import app
from mercato_int.scope import TenantScope
from mercato_int.store.engine import create_store_engine, current_revision, redact_url
from mercato_int.store.migrate import _config, upgrade
from mercato_int.store.revisions import HEAD_REVISION
from mercato_int.store.types import UTCDateTime

BEFORE = "0004_logs_seq"
OLD_STATES = sa.table(  # the table as 0004 left it: no version column
    "integration_states",
    sa.column("id", sa.Uuid()),
    sa.column("integration_id", sa.String()),
    sa.column("is_enabled", sa.Boolean()),
    sa.column("enabled_by", sa.String()),
    sa.column("organization_id", sa.String()),
    sa.column("tenant_id", sa.String()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_url")


def _store_at_0004(url: str) -> None:
    engine = create_store_engine(url)
    try:
        upgrade(engine, BEFORE)
        now = datetime(2026, 1, 1, tzinfo=UTC)
        with engine.begin() as conn:
            for integration, enabled in (("gateway_stripe", True), ("carrier_dhl", False)):
                conn.execute(
                    sa.insert(OLD_STATES).values(
                        id=uuid.uuid4(),
                        integration_id=integration,
                        is_enabled=enabled,
                        enabled_by="old" if enabled else None,
                        organization_id="default",
                        tenant_id="default",
                        created_at=now,
                        updated_at=now,
                    )
                )
        assert current_revision(engine) == BEFORE
    finally:
        engine.dispose()


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_upgrade_from_0004_keeps_the_states_at_version_1_and_adds_tokens(url: str) -> None:
    _store_at_0004(url)
    shown = redact_url(url)
    current = run("--db", url, "db", "current", "--json")
    assert current.exit_code == 0, current.stderr
    assert json.loads(current.stdout)["current"] == BEFORE
    upgraded = run("--db", url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert upgraded.stdout == f"{shown}: upgraded {BEFORE} → {HEAD_REVISION}\n"
    current = run("--db", url, "db", "current")
    assert (
        current.stdout == f"{shown}: revision {HEAD_REVISION} (head {HEAD_REVISION}, up to date)\n"
    )

    engine = create_store_engine(url)
    try:
        inspector = sa.inspect(engine)
        assert "api_tokens" in inspector.get_table_names()
        indexes = inspector.get_indexes("api_tokens")  # Postgres lists unique constraints too
        assert {i["name"]: i["unique"] for i in indexes if i["name"].startswith("ix_")} == {
            "ix_api_tokens_hash": True,
            "ix_api_tokens_scope": False,
        }
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT integration_id, version FROM integration_states")
            ).all()
        assert sorted(rows) == [("carrier_dhl", 1), ("gateway_stripe", 1)]
    finally:
        engine.dispose()

    # the upgraded store works: a change bumps the old row, a token can be made and used
    shown_state = run("--db", url, "show", "gateway_stripe", "--json")
    assert json.loads(shown_state.stdout)["state"]["version"] == 1
    assert run("--db", url, "disable", "gateway_stripe").exit_code == 0
    shown_state = run("--db", url, "show", "gateway_stripe", "--json")
    assert json.loads(shown_state.stdout)["state"]["version"] == 2
    made = run("--db", url, "tokens", "create", "after-upgrade", "--json")
    assert made.exit_code == 0, made.stderr
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    svc = Services(Settings.load(database_url=url))
    try:
        principal = svc.tokens.authenticate(json.loads(made.stdout)["token"])
        assert principal.scope == TenantScope()
    finally:
        svc.close()


def test_downgrade_to_0004_and_upgrade_again(url: str) -> None:
    _store_at_0004(url)
    engine = create_store_engine(url)
    try:
        upgrade(engine)
        from alembic import command

        with engine.connect() as conn:
            command.downgrade(_config(conn), BEFORE)
            conn.commit()
        assert current_revision(engine) == BEFORE
        inspector = sa.inspect(engine)
        assert "api_tokens" not in inspector.get_table_names()
        assert "version" not in {c["name"] for c in inspector.get_columns("integration_states")}
        upgrade(engine)
        assert current_revision(engine) == HEAD_REVISION
        with engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT version FROM integration_states")).scalars()
            assert sorted(versions) == [1, 1]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_postgres_store_left_at_0004_is_refused_until_upgraded(pg_url: str) -> None:
    _store_at_0004(pg_url)
    shown = redact_url(pg_url)
    for command in (["list"], ["tokens", "list"], ["enable", "gateway_stripe"]):
        refused = run("--db", pg_url, *command)
        assert refused.exit_code == 4, refused.stderr
        assert refused.stderr.startswith(
            f"error: the store at {shown} has schema revision {BEFORE}, expected {HEAD_REVISION}"
        )
        assert refused.stdout == ""
    current = run("--db", pg_url, "db", "current")
    assert current.exit_code == 0
    assert "behind: run `mercato-int db upgrade`" in current.stdout
