"""`health --all-tenants --processes N`: a worker that reported every outcome but then failed
to record them (its last chunk refused by the store) must not pass for a clean run: in one
process the same failure is an error (exit 4); shared, its tenants are failed tenants (exit
4 too: it was the store), never a silent exit 0 with checks that were never recorded."""

from __future__ import annotations

import os

import pytest

from ...conftest import enable_with_token, probe_provider

TENANTS = [f"t{n}" for n in range(6)]  # t0-t2 here, t3-t5 in the worker

PROBE = probe_provider(
    "probe_rec",
    """
def probe(credentials, ctx):
    return {"status": "healthy", "message": "fine"}
""",
)


@pytest.fixture
def fleet(providers_dir, services):
    providers_dir({"probe_rec": PROBE})
    enable_with_token(services, "probe_rec", "tok_REC_0001", TENANTS)
    return services


def _refuse_events_of(db_url: str, tenant: str) -> None:
    """From now on the store refuses the health events of `tenant` (as a full disk or a
    constraint would): the recorder's chunk holding that tenant's outcome fails."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON integration_events "
                f"WHEN NEW.tenant_id = '{tenant}' AND NEW.type = 'integrations.health.checked' "
                "BEGIN SELECT RAISE(ABORT, 'refused row'); END"
            )
        else:
            conn.exec_driver_sql(
                "ALTER TABLE integration_events ADD CONSTRAINT refuse CHECK "
                f"(NOT (tenant_id = '{tenant}' AND type = 'integrations.health.checked'))"
            )
    engine.dispose()


def _recorded(svc) -> list[str]:
    from sqlalchemy import text

    with svc.store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT tenant_id FROM integration_logs WHERE operation = 'health.check'")
        ).all()
    return sorted(r[0] for r in rows)


def test_a_worker_whose_last_chunk_is_not_recorded_does_not_pass_for_a_clean_run(
    fleet, cli, db_url
) -> None:
    _refuse_events_of(db_url, "t5")
    quiet = {"MERCATO_INT_DEBUG": "0"}  # as an operator runs it: errors worded, not raised
    alone = cli("health", "--all-tenants", "--processes", "1", "--json", env=quiet)
    assert alone.exit_code == 4, alone.stderr  # one process: the store's error
    assert "refuse" in alone.stderr  # SQLite: "refused row"; Postgres: constraint "refuse"

    shared = cli("health", "--all-tenants", "--processes", "2", "--json", env=quiet)
    unrecorded = [t for t in TENANTS if t not in _recorded(fleet)]
    assert unrecorded  # the worker's chunk (t3-t5) was refused
    failed = [f["tenantId"] for f in shared.json()["failedTenants"]]
    assert shared.exit_code == 4, shared.stderr  # the store failed, as in one process
    assert set(unrecorded) <= set(failed)  # each check not recorded is said so
    assert all("refuse" in f["error"] for f in shared.json()["failedTenants"])
    assert "Traceback" not in shared.stderr
    assert os.linesep.join(  # one line each
        line for line in shared.stderr.splitlines() if "was not checked" in line
    ).count("error: tenant") == len(failed)


def test_the_exit_code_a_worker_says_a_failure_costs_is_one_it_can_cost() -> None:
    from mercato_int.services.health.shard_messages import exit_code_of

    assert [exit_code_of(c) for c in (1, 4, 5)] == [1, 4, 5]
    assert [exit_code_of(c) for c in (True, "4", 4.0, 0, 2, 6, 130, None)] == [1] * 8
