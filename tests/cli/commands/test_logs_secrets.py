"""A secret set on gateway_stripe and then logged (in the message, as a nested details key and
as a details value) is found nowhere in the store afterwards, and `logs audit` says clean;
an entry planted behind the log service's back is found (and the report never shows it)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import sqlalchemy as sa

SECRET = "sk_live_S3CR3T_abc123"
HOOK = "whsec_W3bh00k_xyz"


def store_text(db_url: str) -> str:
    """Everything the store holds, as text (SQLite: the database and WAL files, raw bytes)."""
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            path = Path(engine.url.database)
            files = [path, Path(f"{path}-wal")]
            return "".join(p.read_bytes().decode("latin-1") for p in files if p.exists())
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
            return "\n".join(
                str(row[0])
                for table in tables
                for row in conn.exec_driver_sql(f'SELECT t::text FROM "{table}" t')
            )
    finally:
        engine.dispose()


def test_secret_is_nowhere_in_the_store_and_audit_is_clean(cli, db_url: str) -> None:
    run = cli(
        "creds",
        "set",
        "gateway_stripe",
        "publishableKey=pk_test_1",
        f"secretKey={SECRET}",
        f"webhookSecret={HOOK}",
    )
    assert run.exit_code == 0, run.stderr
    details = {
        "request": {"headers": {"secretKey": SECRET, "x-ok": "kept"}, "body": [f"token {HOOK}"]},
        SECRET: {"nested": [{"webhookSecret": "anything", "value": f"Bearer {SECRET}"}]},
    }
    run = cli(
        "logs",
        "write",
        "gateway_stripe",
        "--level",
        "error",
        "--operation",
        "charge",
        "--message",
        f"charge with {SECRET} failed",
        "--details",
        json.dumps(details),
        "--correlation",
        f"evt_{SECRET}",
    )
    assert run.exit_code == 0, run.stderr
    line = {
        "integrationId": "gateway_stripe",
        "level": "info",
        "operation": "webhook",
        "message": f"signed with {HOOK}",
        "details": details,
    }
    assert cli("logs", "ingest", "-", input=json.dumps(line) + "\n").exit_code == 0

    text = store_text(db_url)
    assert SECRET not in text and HOOK not in text
    shown = cli("logs", "--json").json()
    assert shown["total"] == 2
    failed = next(e for e in shown["items"] if e["operation"] == "charge")
    assert failed["message"] == "charge with •••••••• failed"
    assert failed["details"] == {
        "request": {"headers": {"x-ok": "kept"}, "body": ["token ••••••••"]},
        "••••••••": {"nested": [{"value": "Bearer ••••••••"}]},
    }
    audit = cli("logs", "audit", "--all-tenants")
    assert audit.exit_code == 0
    assert audit.stdout == "audit of all tenants: 2 entries scanned, clean\n"


def test_audit_finds_a_planted_secret_without_printing_it(cli, db_url: str) -> None:
    assert (
        cli(
            "creds",
            "set",
            "gateway_stripe",
            "publishableKey=pk_test_1",
            f"secretKey={SECRET}",
            f"webhookSecret={HOOK}",
        ).exit_code
        == 0
    )
    assert (
        cli(
            "logs",
            "write",
            "gateway_stripe",
            "--level",
            "info",
            "--operation",
            "ok",
            "--message",
            "fine",
        ).exit_code
        == 0
    )
    entry_id = plant(db_url, details={"deep": [{"secretKey": "x"}, f"a {HOOK}"]})
    run = cli("logs", "audit")
    assert run.exit_code == 1
    assert SECRET not in run.stdout and HOOK not in run.stdout
    assert run.stdout.splitlines()[-1] == (
        "audit of tenant default · org default: 2 entries scanned, 2 findings"
    )
    doc = cli("logs", "audit", "--json").json()
    assert sorted(f["where"] for f in doc["findings"]) == ["details", "details key secretKey"]
    assert {f["entryId"] for f in doc["findings"]} == {str(entry_id)}


def plant(db_url: str, tenant: str = "default", **values: object) -> uuid.UUID:
    """An entry written behind the log service's back (no redaction), as stored by a bug."""
    from mercato_int.store.tables import IntegrationLog
    from mercato_int.store.types import utcnow

    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
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
    with engine.begin() as conn:
        conn.execute(sa.insert(IntegrationLog.__table__).values(**(row | values)))
    engine.dispose()
    return entry_id


PIN = "98765432"  # a digits-only secret


def test_numeric_secret_and_operation_are_masked_and_audited(cli, db_url: str) -> None:
    creds = ("publishableKey=pk_1", f"secretKey={PIN}", f"webhookSecret={HOOK}")
    assert cli("creds", "set", "gateway_stripe", *creds).exit_code == 0
    run = cli(
        "logs",
        "write",
        "gateway_stripe",
        "--level",
        "info",
        "--operation",
        f"charge.{PIN}",
        "--message",
        "ok",
        "--details",
        json.dumps({"pin": int(PIN), "list": [int(PIN), 1.5], "other": 7}),
    )
    assert run.exit_code == 0, run.stderr
    assert PIN not in run.stdout + run.stderr  # the confirmation shows what was stored
    assert "charge.••••••••" in run.stderr
    (entry,) = cli("logs", "--json").json()["items"]
    assert entry["operation"] == "charge.••••••••"
    assert entry["details"] == {"pin": "••••••••", "list": ["••••••••", 1.5], "other": 7}
    assert PIN not in store_text(db_url)
    assert cli("logs", "audit").exit_code == 0

    planted = plant(db_url, operation=f"op.{PIN}", details={"n": [int(PIN)]}, duration_ms=int(PIN))
    run = cli("logs", "audit", "--json")
    assert run.exit_code == 1 and PIN not in run.stdout + run.stderr
    found = sorted(f["where"] for f in run.json()["findings"])
    assert found == ["details", "durationMs", "operation"]
    assert {f["entryId"] for f in run.json()["findings"]} == {str(planted)}


def tamper_credentials(db_url: str, tenant: str) -> None:
    """Alter the ciphertext of gateway_stripe's credentials in `tenant` in the store: the real
    key no longer opens it (exit 5 wherever it is read)."""
    from mercato_int.store.tables import IntegrationCredentials

    table = IntegrationCredentials.__table__
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    mine = table.c.tenant_id == tenant
    with engine.begin() as conn:
        envelope = conn.execute(sa.select(table.c.encrypted_values).where(mine)).scalar_one()
        ct = envelope["ct"]
        altered = ct[:-6] + ("AAAAAA" if ct[-6:] != "AAAAAA" else "BBBBBB")
        conn.execute(table.update().where(mine).values(encrypted_values=envelope | {"ct": altered}))
    engine.dispose()


def test_audit_all_tenants_goes_on_past_an_undecryptable_tenant(cli, db_url: str) -> None:
    """Tenant b's credentials row is altered in the store (the real key cannot open it): the
    audit reports b, still audits a and c (finding what was planted there), and exits 5."""
    for tenant in ("a", "b", "c"):
        set_secret = cli(
            *("--tenant", tenant, "creds", "set", "gateway_stripe", "publishableKey=pk_1"),
            *(f"secretKey={SECRET}{tenant}", f"webhookSecret={HOOK}"),
        )
        assert set_secret.exit_code == 0, set_secret.stderr
        plant(db_url, tenant, message=f"leaked {SECRET}{tenant}")
    tamper_credentials(db_url, "b")
    assert cli("--tenant", "b", "creds", "get", "gateway_stripe").exit_code == 5

    run = cli("logs", "audit", "--all-tenants")
    assert run.exit_code == 5
    assert SECRET not in run.stdout + run.stderr
    (error,) = run.stderr.splitlines()
    assert error.startswith("error: could not audit gateway_stripe in tenant b · org default: ")
    assert [ln.split("(")[1].split(",")[0] for ln in run.stdout.splitlines()[:-1]] == [
        "gateway_stripe",
        "gateway_stripe",
    ]
    assert "tenant a · org default" in run.stdout and "tenant c · org default" in run.stdout
    assert run.stdout.splitlines()[-1] == ("audit of all tenants: 2 entries scanned, 2 findings")
    doc = cli("logs", "audit", "--all-tenants", "--json")
    assert doc.exit_code == 5
    report = doc.json()
    assert sorted(f["tenantId"] for f in report["findings"]) == ["a", "c"]
    assert [(e["tenantId"], e["integrationId"]) for e in report["errors"]] == [
        ("b", "gateway_stripe")
    ]


def test_ingest_refuses_only_the_lines_whose_secrets_cannot_be_read(cli, db_url: str) -> None:
    """gateway_stripe's credentials do not decrypt: its lines are refused (they could not be
    redacted), carrier_dhl's lines around them are stored, exit 5 at the end."""
    creds = ("publishableKey=pk_1", f"secretKey={SECRET}", f"webhookSecret={HOOK}")
    assert cli("creds", "set", "gateway_stripe", *creds).exit_code == 0
    tamper_credentials(db_url, "default")
    entry = {"level": "info", "operation": "o", "message": "shipped"}
    lines = [
        json.dumps(entry | {"integrationId": "carrier_dhl"}),
        json.dumps(entry | {"integrationId": "gateway_stripe", "message": f"uses {SECRET}"}),
        json.dumps(entry | {"integrationId": "carrier_dhl"}),
    ]
    run = cli("logs", "ingest", "-", input="\n".join(lines) + "\n")
    assert run.exit_code == 5
    first, summary = run.stderr.splitlines()
    assert first.startswith("line 2: ") and SECRET not in run.stderr
    assert summary == "ingested 2 entries into tenant default · org default; rejected 1 line"
    items = cli("logs", "--json").json()["items"]
    assert [i["integrationId"] for i in items] == ["carrier_dhl", "carrier_dhl"]
    assert SECRET not in store_text(db_url)
