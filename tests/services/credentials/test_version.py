"""Saves are compare-and-set on the row's version, in the store's UPDATE (issue 10.21): the
version each save bumps, `expected_version` (the TUI form, `creds set --if-version`), the
condition holding for concurrent writers with no lock, and migration 0003 on a store that has
rows already. Real SQLite files and a real Postgres schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mercato_int.errors import VersionConflict
from mercato_int.scope import TenantScope
from mercato_int.services.credentials import rows
from mercato_int.store.tables import IntegrationCredentials, IntegrationEvent

A = TenantScope("default", "tenant_a")
STRIPE = {"publishableKey": "pk_test_1", "secretKey": "sk_live_S3CR3T", "webhookSecret": "whsec_W"}


def versions(services) -> list[int]:
    with services.store.session() as s:
        return [r.version for r in s.exec(select(IntegrationCredentials)).all()]


def test_each_save_bumps_the_version_and_a_no_change_does_not(services) -> None:
    first = services.credentials.save("gateway_stripe", STRIPE, A, actor="t")
    assert first.version == 1 and versions(services) == [1]
    second = services.credentials.save("gateway_stripe", {"publishableKey": "pk2"}, A, actor="t")
    assert second.version == 2 and versions(services) == [2]
    same = services.credentials.save("gateway_stripe", {"publishableKey": "pk2"}, A, actor="t")
    assert same.changed == [] and same.version == 2 and versions(services) == [2]
    assert services.credentials.read_masked("gateway_stripe", A).version == 2
    services.keys.rotate()  # the values did not change: neither does the version
    assert versions(services) == [2]


def test_expected_version_is_the_condition(services) -> None:
    with pytest.raises(VersionConflict) as info:
        services.credentials.save("gateway_stripe", STRIPE, A, actor="t", expected_version=1)
    assert (info.value.exit_code, info.value.current) == (1, 0)
    assert versions(services) == [] and services.master_keys.available() == []  # no key made
    services.credentials.save("gateway_stripe", STRIPE, A, actor="t", expected_version=0)
    with pytest.raises(VersionConflict) as info:
        services.credentials.save("gateway_stripe", STRIPE, A, actor="t", expected_version=0)
    assert str(info.value) == (
        "the credentials of gateway_stripe in tenant tenant_a · org default changed meanwhile: "
        "they are at version 1, the save expected 0; nothing was saved (read them again with "
        "`mercato-int creds get gateway_stripe` and retry with its version)"
    )
    services.credentials.save("gateway_stripe", {"publishableKey": "pk2"}, A, actor="t")
    with pytest.raises(VersionConflict):  # even a save that would change nothing
        services.credentials.save(
            "gateway_stripe", {"publishableKey": "pk2"}, A, actor="t", expected_version=1
        )
    done = services.credentials.save(
        "gateway_stripe", {"publishableKey": "pk3"}, A, actor="t", expected_version=2
    )
    assert done.version == 3
    assert services.credentials.resolve("gateway_stripe", A)["publishableKey"] == "pk3"


def test_the_update_itself_carries_the_condition(services) -> None:
    """16 writers, each in its own transaction with no lock, all update from version 1:
    the store applies exactly one (on Postgres the others wait for it and then match no
    row; on SQLite they queue for the write lock and then match no row)."""
    services.credentials.save("gateway_stripe", STRIPE, A, actor="t")
    key = services.master_keys.active()
    with services.store.session() as s:
        (row,) = s.exec(select(IntegrationCredentials)).all()
        envelope = dict(row.encrypted_values)
    barrier = threading.Barrier(16)
    applied: list[bool] = []
    errors: list[BaseException] = []

    def writer(i: int) -> None:
        try:
            with services.store.session() as session:
                barrier.wait(timeout=30)
                ok = rows.update_row_if_version(
                    session=session,
                    owner_id="gateway_stripe",
                    scope=A,
                    version=1,
                    envelope=envelope,
                    kid=key.kid,
                    actor=f"w{i}",
                    now=services.clock(),
                )
                if ok:
                    time.sleep(0.2)  # hold the row while the others try
                applied.append(ok)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert errors == []
    assert sorted(applied) == [False] * 15 + [True]
    assert versions(services) == [2]


SAVER = """
import sys
from pathlib import Path
import time
from mercato_int.errors import VersionConflict
from mercato_int.scope import TenantScope
from mercato_int.services import Services
from mercato_int.settings import Settings

i, go = sys.argv[1], Path(sys.argv[2])
svc = Services(Settings.load())
svc.registry, svc.credentials.keys.active()  # all set up before the start line
svc.store.engine.connect().close()
while not go.exists():
    time.sleep(0.001)
try:
    r = svc.credentials.save(
        "gateway_stripe", {"publishableKey": f"pk_{i}"}, TenantScope("default", "tenant_a"),
        actor=f"saver{i}", expected_version=1,
    )
    print("won", r.version, i)
except VersionConflict as exc:
    print("conflict", exc.current, i)
svc.close()
"""


def test_16_processes_saving_from_the_same_version_one_wins(services, db_url, tmp_path) -> None:
    services.credentials.save("gateway_stripe", STRIPE, A, actor="t")
    go = tmp_path / "go"
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": db_url}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SAVER, str(i), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(16)
    ]
    time.sleep(1.0)  # not a timing assertion: lets the processes reach the start line
    go.touch()
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
        outcomes.append(out.split())
    won = [o for o in outcomes if o[0] == "won"]
    assert len(won) == 1 and won[0][1] == "2"
    assert sorted(o[:2] for o in outcomes) == [["conflict", "2"]] * 15 + [["won", "2"]]
    assert services.credentials.resolve("gateway_stripe", A)["publishableKey"] == f"pk_{won[0][2]}"
    with services.store.session() as s:
        updates = s.exec(select(IntegrationEvent)).all()
    assert sorted(e.actor for e in updates) == sorted(["t", f"saver{won[0][2]}"])
    assert versions(services) == [2]


def test_migration_0003_gives_existing_rows_version_1_and_goes_back(db_url) -> None:
    from alembic import command

    from mercato_int.store.engine import create_store_engine
    from mercato_int.store.migrate import _config, upgrade

    engine = create_store_engine(db_url)
    try:
        if engine.dialect.name == "postgresql":  # the fixture migrated it: start over at 0002
            with engine.begin() as conn:
                command.downgrade(_config(conn), "0002_logs_level_index")
        else:
            upgrade(engine, "0002_logs_level_index")
        with engine.begin() as conn:
            cols = {c["name"] for c in sa.inspect(conn).get_columns("integration_credentials")}
            assert "version" not in cols
            conn.execute(
                sa.text(
                    "INSERT INTO integration_credentials (id, integration_id, encrypted_values, "
                    "key_id, organization_id, tenant_id, created_at, updated_at) VALUES "
                    "(:id, 'gateway_stripe', :env, 'k', 'default', 'default', :now, :now)"
                ),
                {"id": uuid.uuid4().hex, "env": json.dumps({"v": 1}), "now": "2026-12-01"},
            )
        upgrade(engine)
        with engine.connect() as conn:
            assert (
                conn.execute(sa.text("SELECT version FROM integration_credentials")).scalar_one()
                == 1
            )
        with engine.begin() as conn:
            command.downgrade(_config(conn), "0002_logs_level_index")
        with engine.connect() as conn:
            cols = {c["name"] for c in sa.inspect(conn).get_columns("integration_credentials")}
        assert "version" not in cols
    finally:
        engine.dispose()
