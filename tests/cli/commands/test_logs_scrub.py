"""`logs scrub` on SQLite and Postgres: entries planted with a current secret (behind the log
service's back, as a bug would store them) are rewritten masked; a dry run only counts; a rerun
finds nothing; each batch is audited with counts, never the secret; a run that fails midway
keeps the batches it committed and the next run finishes the rest."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa

SECRET = "sk_live_SCRUB_ME_4711"
HOOK = "whsec_SCRUB_hook_4711"
PIN = "98765432"
MASK = "••••••••"


def _engine(db_url: str) -> sa.Engine:
    return sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))


def plant(db_url: str, tenant: str = "default", **values: object) -> uuid.UUID:
    """An entry written behind the log service's back (no redaction)."""
    from mercato_int.store.schema import LOGS
    from mercato_int.store.types import utcnow

    entry_id = uuid.uuid4()
    row = {
        "id": entry_id,
        "integration_id": "gateway_stripe",
        "level": "info",
        "operation": "raw",
        "message": "clean",
        "organization_id": "default",
        "tenant_id": tenant,
        "created_at": utcnow(),
    }
    engine = _engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.insert(LOGS).values(**(row | values)))
    engine.dispose()
    return entry_id


def entry(db_url: str, entry_id: uuid.UUID) -> sa.Row:
    from mercato_int.store.schema import LOGS

    engine = _engine(db_url)
    with engine.connect() as conn:
        row = conn.execute(sa.select(LOGS).where(LOGS.c.id == entry_id)).one()
    engine.dispose()
    return row


def all_log_text(db_url: str) -> str:
    from mercato_int.store.schema import LOGS

    engine = _engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(LOGS)).all()
    engine.dispose()
    return json.dumps([list(r) for r in rows], default=str, ensure_ascii=False)


def tamper_credentials(db_url: str, tenant: str) -> None:
    """Alter the ciphertext of gateway_stripe's credentials in `tenant` (as the audit tests
    do): the real key no longer opens it."""
    from mercato_int.store.schema import CREDENTIALS

    engine = _engine(db_url)
    mine = CREDENTIALS.c.tenant_id == tenant
    with engine.begin() as conn:
        envelope = conn.execute(sa.select(CREDENTIALS.c.encrypted_values).where(mine)).scalar_one()
        ct = envelope["ct"]
        altered = ct[:-6] + ("AAAAAA" if ct[-6:] != "AAAAAA" else "BBBBBB")
        conn.execute(
            CREDENTIALS.update().where(mine).values(encrypted_values=envelope | {"ct": altered})
        )
    engine.dispose()


def set_secret(cli, tenant: str = "default", suffix: str = "") -> None:
    run = cli(
        *("--tenant", tenant, "creds", "set", "gateway_stripe", "publishableKey=pk_1"),
        *(f"secretKey={SECRET}{suffix}", f"webhookSecret={HOOK}"),
    )
    assert run.exit_code == 0, run.stderr


def test_scrub_masks_planted_secrets_dry_run_counts_and_a_rerun_finds_none(cli, db_url) -> None:
    set_secret(cli)
    leaked = plant(
        db_url,
        message=f"charge failed for key {SECRET}",
        details={"headers": {"secretKey": "x", "auth": f"Bearer {HOOK}"}, "pin": "ok"},
        operation=f"op {SECRET}"[:100],
        entity_id=f"cus_{HOOK}",
        correlation_id="corr-1",
    )
    clean = plant(db_url, message="nothing to see", details={"n": 1})
    before = entry(db_url, clean)
    assert cli("logs", "audit").exit_code == 1

    dry = cli("logs", "scrub", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    assert dry.json() | {"tenants": None} == {
        "dryRun": True,
        "scanned": 2,
        "entries": 1,
        "fields": {"details": 1, "entityId": 1, "message": 1, "operation": 1},
        "batches": 0,
        "tenants": None,
        "unchecked": [],
        "errors": [],
    }
    assert SECRET in all_log_text(db_url)  # a dry run changes nothing
    human = cli("logs", "scrub", "--dry-run")
    assert human.stdout == (
        "scrub of tenant default · org default (dry run, nothing changed): entries scanned 2, "
        "holding a current secret 1 (fields: details 1, entityId 1, message 1, operation 1)\n"
    )

    run = cli("logs", "scrub")
    assert run.exit_code == 0, run.stderr
    assert run.stdout == (
        "scrub of tenant default · org default: entries scanned 2, rewritten with the secret "
        "masked 1 (fields: details 1, entityId 1, message 1, operation 1)\n"
    )
    text = all_log_text(db_url)
    assert SECRET not in text and HOOK not in text
    row = entry(db_url, leaked)
    assert row.message == f"charge failed for key {MASK}"
    assert row.details == {"headers": {"auth": f"Bearer {MASK}"}, "pin": "ok"}
    assert (row.operation, row.entity_id, row.correlation_id) == (
        f"op {MASK}",
        f"cus_{MASK}",
        "corr-1",
    )
    assert entry(db_url, clean) == before  # an entry without a secret is not touched

    again = cli("logs", "scrub", "--json").json()
    assert (again["scanned"], again["entries"], again["batches"]) == (2, 0, 0)
    audit = cli("logs", "audit")
    assert audit.exit_code == 0 and audit.stdout.endswith("clean\n")
    # audited: one event for the one batch, counts only
    events = cli("events", "--type", "integrations.logs.scrubbed", "--json").json()["items"]
    assert [(e["subjectId"], e["payload"]["entries"], e["payload"]["fields"]) for e in events] == [
        ("gateway_stripe", 1, {"details": 1, "entityId": 1, "message": 1, "operation": 1})
    ]
    assert SECRET not in json.dumps(events) and HOOK not in json.dumps(events)


def test_a_numeric_secret_in_duration_and_details_numbers(cli, db_url) -> None:
    run = cli(
        "creds",
        "set",
        "gateway_stripe",
        "publishableKey=pk_1",
        f"secretKey={PIN}",
        f"webhookSecret={HOOK}",
    )
    assert run.exit_code == 0
    leaked = plant(db_url, duration_ms=int(PIN), details={"code": int(PIN), "ok": 5})
    assert cli("logs", "scrub").exit_code == 0
    row = entry(db_url, leaked)
    assert (row.duration_ms, row.details) == (None, {"code": MASK, "ok": 5})
    assert cli("logs", "audit").exit_code == 0


def test_all_tenants_goes_on_past_an_undecryptable_tenant(cli, db_url) -> None:
    for tenant in ("a", "b", "c"):
        set_secret(cli, tenant, tenant)
        plant(db_url, tenant, message=f"leaked {SECRET}{tenant}")
    tamper_credentials(db_url, "b")
    run = cli("logs", "scrub", "--all-tenants", "--json")
    assert run.exit_code == 5
    doc = run.json()
    assert (doc["entries"], [(e["tenantId"], e["integrationId"]) for e in doc["errors"]]) == (
        2,
        [("b", "gateway_stripe")],
    )
    assert run.stderr.startswith("error: could not scrub gateway_stripe in tenant b")
    text = all_log_text(db_url)
    assert f"{SECRET}a" not in text and f"{SECRET}c" not in text
    assert f"{SECRET}b" in text  # its secret is unknown while its credentials do not decrypt
    scoped = cli("--tenant", "a", "logs", "scrub", "--json").json()
    assert scoped["entries"] == 0 and [t["tenantId"] for t in scoped["tenants"]] == ["a"]


def _stop_updates(db_url: str) -> None:
    """From now on the store refuses to update the entry whose operation is 'stop' (a trigger
    on SQLite, a rule-raising trigger on Postgres): a scrub dies in the middle."""
    engine = _engine(db_url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER stop BEFORE UPDATE ON integration_logs "
                "WHEN OLD.operation = 'stop' BEGIN SELECT RAISE(ABORT, 'stopped'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION stop() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'stopped'; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER stop BEFORE UPDATE ON integration_logs FOR EACH ROW "
                "WHEN (OLD.operation = 'stop') EXECUTE FUNCTION stop()"
            )
    engine.dispose()


def _resume_updates(db_url: str) -> None:
    engine = _engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "DROP TRIGGER stop"
            if engine.dialect.name == "sqlite"
            else "DROP TRIGGER stop ON integration_logs"
        )
    engine.dispose()


def test_batches_commit_one_by_one_and_a_failed_run_resumes(services, db_url) -> None:
    from datetime import timedelta

    from mercato_int.store.types import utcnow

    services.credentials.save(
        "gateway_stripe",
        {"publishableKey": "pk_1", "secretKey": SECRET, "webhookSecret": HOOK},
        services.scope,
        actor="tester",
    )
    start = utcnow() - timedelta(hours=1)
    for n in range(7):  # createdAt order: batches of 2 are [0,1] [2,3] [4,5] [6]
        plant(
            db_url,
            message=f"{n} {SECRET}",
            created_at=start + timedelta(seconds=n),
            operation="stop" if n == 4 else "raw",
        )
    _stop_updates(db_url)
    report = services.logs.scrub(scopes=[services.scope], actor="tester", batch=2)
    assert (report.entries, report.batches, report.exit_code) == (4, 2, 4)
    assert "stopped" in report.errors[0].error
    assert all_log_text(db_url).count(SECRET) == 3  # two batches kept, the third rolled back
    _resume_updates(db_url)
    report = services.logs.scrub(scopes=[services.scope], actor="tester", batch=2)
    assert (report.scanned, report.entries, report.batches, report.errors) == (7, 3, 2, [])
    assert SECRET not in all_log_text(db_url)
    final = services.logs.scrub(scopes=[services.scope], actor="tester", batch=2)
    assert (final.entries, final.batches) == (0, 0)
    events, _ = services.events.query(services.scope, types=["integrations.logs.scrubbed"])
    assert [e.payload["entries"] for e in events] == [2, 2, 2, 1]


def test_polish_summary(cli, db_url) -> None:
    set_secret(cli)
    plant(db_url, message=f"leaked {SECRET}")
    run = cli("--lang", "pl", "logs", "scrub", "--dry-run")
    assert run.stdout == (
        "czyszczenie tenant default · organizacja default (próba, niczego nie zmieniono): "
        "przejrzane wpisy 1, z bieżącym sekretem 1 (pola: message 1)\n"
    )


def test_help_lists_scrub_after_audit(cli) -> None:
    page = cli("logs", "--help").stdout
    assert page.index("  audit") < page.index("  scrub")
