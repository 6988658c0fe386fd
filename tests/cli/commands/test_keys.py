from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa

from mercato_int.keys.envelope import associated_data, open_envelope, seal

ARGS = ["publishableKey=pk_1", "secretKey=sk_live_ROT8", "webhookSecret=whsec_ROT8"]


def _home() -> Path:
    return Path(os.environ["MERCATO_INT_HOME"])


def test_status_before_and_after_the_first_key(cli) -> None:
    run = cli("keys", "status", "--json")
    assert run.exit_code == 0
    data = run.json()
    assert data["activeKeyId"] is None and data["keys"] == [] and data["totalRows"] == 0
    cli("creds", "set", "gateway_stripe", *ARGS)
    data = cli("keys", "status", "--json").json()
    key_file = _home() / "master.key"
    assert data["activeKeySource"] == f"key file {key_file}"
    assert data["keys"] == [
        {
            "keyId": data["activeKeyId"],
            "source": f"key file {key_file}",
            "active": True,
            "rows": 1,
            "otherStores": [],
            "canDrop": False,
        }
    ]
    assert data["unreadableRows"] == 0
    assert (data["verified"], data["damaged"]) == (False, [])
    human = cli("keys", "status").stdout
    assert f"active: {data['activeKeyId']} from key file {key_file}" in human


def test_rotate_then_drop_the_old_key(cli) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    cli("--tenant", "other", "creds", "set", "gateway_stripe", *ARGS)
    old = cli("keys", "status", "--json").json()["activeKeyId"]
    assert cli("keys", "rotate", input="y\n").exit_code == 2  # asks first, and only a terminal
    run = cli("keys", "rotate", "--yes")
    assert run.exit_code == 0, run.stderr
    new = cli("keys", "status", "--json").json()
    assert new["activeKeyId"] != old
    assert run.stdout.startswith(f"rotated to a new key {new['activeKeyId']} (key file ")
    assert "): 2 rows re-encrypted in " in run.stdout
    assert f"old key {old} kept for reading" in run.stdout
    assert run.stderr.splitlines()[-1] == "re-encrypted 2/2 rows"
    by_id = {k["keyId"]: k for k in new["keys"]}
    assert (by_id[old]["rows"], by_id[old]["canDrop"]) == (0, True)
    assert "can be dropped" in cli("keys", "status").stdout
    revealed = cli("--tenant", "other", "creds", "get", "gateway_stripe", "--reveal", "--json")
    assert revealed.json()["credentials"]["secretKey"] == "sk_live_ROT8"
    refused = cli("keys", "drop", new["activeKeyId"], "--yes")
    assert refused.exit_code == 2
    assert cli("keys", "drop", old, "--yes").exit_code == 0
    assert [k["keyId"] for k in cli("keys", "status", "--json").json()["keys"]] == [
        new["activeKeyId"]
    ]


def test_env_hosts_rotate_by_putting_a_new_key_first(cli) -> None:
    from mercato_int.keys.envelope import encode_key, generate_key

    k1, k2 = encode_key(generate_key()), encode_key(generate_key())
    cli("creds", "set", "gateway_stripe", *ARGS, env={"MERCATO_INT_MASTER_KEY": k1})
    assert not (_home() / "master.key").exists()
    same = cli("keys", "rotate", "--yes", env={"MERCATO_INT_MASTER_KEY": k1})
    assert same.exit_code == 2
    assert "put a new key first in MERCATO_INT_MASTER_KEY" in same.stderr
    run = cli("keys", "rotate", "--yes", env={"MERCATO_INT_MASTER_KEY": f"{k2},{k1}"})
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("finished rotating to key ")
    assert "(MERCATO_INT_MASTER_KEY): 1 row that still used an older key" in run.stdout
    got = cli(
        "creds", "get", "gateway_stripe", "--reveal", "--json", env={"MERCATO_INT_MASTER_KEY": k2}
    )
    assert got.json()["credentials"]["secretKey"] == "sk_live_ROT8"


def test_missing_key_is_exit_5_and_no_new_key_is_made(cli) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    kid = cli("keys", "status", "--json").json()["activeKeyId"]
    key_file = _home() / "master.key"
    key_file.rename(_home() / "backup.key")
    run = cli("creds", "set", "carrier_dhl", "apiKey=k", "accountNumber=1")
    assert run.exit_code == 5
    assert run.stderr.splitlines()[0] == (
        f"error: no master key found, and the store holds credentials encrypted under key {kid} "
        "(1 row); looked in: MERCATO_INT_MASTER_KEY: not set; the OS keyring (service "
        "mercato-int): no usable backend (NoKeyringError); key file "
        f"{key_file}: absent (restore that key; mercato-int will not create a new one while "
        "data needs the old one)"
    )
    assert not key_file.exists()
    get = cli("creds", "get", "gateway_stripe")
    assert get.exit_code == 5
    assert get.stderr.startswith(
        "error: cannot read the credentials of gateway_stripe in tenant default · org default: "
        f"they are encrypted under key {kid}, which is in none of the places looked"
    )
    status = cli("keys", "status", "--json")
    assert status.exit_code == 5
    assert status.json()["unreadable"] == [{"keyId": kid, "rows": 1}]
    rotate = cli("keys", "rotate", "--yes")
    assert rotate.exit_code == 5 and f"key {kid} (1 row)" in rotate.stderr
    (_home() / "backup.key").rename(key_file)
    assert cli("creds", "get", "gateway_stripe").exit_code == 0


def test_status_verify_finds_a_row_moved_between_tenants(cli, db_url) -> None:
    cli("--tenant", "acme_a", "creds", "set", "gateway_stripe", *ARGS)
    cli("--tenant", "acme_b", "creds", "set", "gateway_stripe", *ARGS)
    ok = cli("keys", "status", "--verify")
    assert ok.exit_code == 0
    assert "verified: every row opens with its key (2 rows)" in ok.stdout
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
    assert cli("keys", "status").exit_code == 0  # by key id alone nothing looks wrong
    run = cli("keys", "status", "--verify", "--json")
    assert run.exit_code == 5
    kid = run.json()["activeKeyId"]
    assert run.json()["damaged"] == [
        {
            "integrationId": "gateway_stripe",
            "organizationId": "default",
            "tenantId": "acme_b",
            "keyId": kid,
        }
    ]
    assert "sk_live_ROT8" not in run.stdout


def test_key_file_open_to_others_is_exit_5(cli) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    key_file = _home() / "master.key"
    key_file.chmod(0o640)
    run = cli("creds", "get", "gateway_stripe")
    assert run.exit_code == 5
    assert run.stderr == (
        f"error: refusing key file {key_file}: mode 0640 lets group or others read it "
        f"(run `chmod 600 {key_file}`)\n"
    )


# --- 10,000 rows, killed midway --------------------------------------------------------------
ROWS = 10_000


def _seed(db_url: str) -> str:
    """10,000 credential rows (one per tenant) encrypted under a freshly created key."""
    from mercato_int.services import Services
    from mercato_int.settings import Settings
    from mercato_int.store.tables import IntegrationCredentials
    from mercato_int.store.types import utcnow

    svc = Services(Settings.load())
    key, _ = svc.master_keys.create()
    now = utcnow()
    params = []
    for i in range(ROWS):
        tenant = f"t{i:05d}"
        aad = associated_data("gateway_stripe", "default", tenant)
        values = {"publishableKey": f"pk_{i}", "secretKey": f"sk_{i}", "webhookSecret": "w"}
        params.append(
            {
                "id": uuid.uuid4(),
                "integration_id": "gateway_stripe",
                "encrypted_values": seal(values, key=key.material, kid=key.kid, aad=aad),
                "key_id": key.kid,
                "organization_id": "default",
                "tenant_id": tenant,
                "created_at": now,
                "updated_at": now,
            }
        )
    with svc.store.engine.begin() as conn:
        conn.execute(sa.insert(IntegrationCredentials.__table__), params)
    svc.close()
    return key.kid


def _kid_counts(db_url: str) -> dict[str, int]:
    from mercato_int.store.engine import create_store_engine

    engine = create_store_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT key_id, count(*) FROM integration_credentials GROUP BY key_id")
        ).all()
    engine.dispose()
    return {k: n for k, n in rows}


def _block_writers(db_url: str):
    """A connection holding the write lock on the credentials table, so the rotation's next
    batch waits (and can be killed mid-run at a known point)."""
    from mercato_int.store.engine import create_store_engine

    engine = create_store_engine(db_url)
    conn = engine.connect()
    if engine.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.begin()
        conn.execute(sa.text("LOCK TABLE integration_credentials IN EXCLUSIVE MODE"))
    return engine, conn


def test_rotation_of_10000_rows_killed_midway_and_rerun_completes(cli, db_url) -> None:
    old_kid = _seed(db_url)
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mercato_int", "keys", "rotate", "--yes", "--batch-size", "100"],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()
    assert first == f"re-encrypted 0/{ROWS} rows\n"
    second = proc.stderr.readline()
    assert second == f"re-encrypted 100/{ROWS} rows\n"
    engine, conn = _block_writers(db_url)
    try:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        conn.rollback()
        conn.close()
        engine.dispose()
    assert proc.returncode == -signal.SIGKILL
    counts = _kid_counts(db_url)
    assert sum(counts.values()) == ROWS
    assert 0 < counts[old_kid] < ROWS  # killed midway: some rows moved, some not

    run = cli("keys", "rotate", "--yes", "--batch-size", "1000")
    assert run.exit_code == 0, run.stderr
    assert f": {counts[old_kid]} rows that still used an older key re-encrypted" in run.stdout
    assert run.stderr.splitlines()[-1] == f"re-encrypted {counts[old_kid]}/{counts[old_kid]} rows"
    status = cli("keys", "status", "--json").json()
    new_kid = status["activeKeyId"]
    assert _kid_counts(db_url) == {new_kid: ROWS}

    from mercato_int.services import Services
    from mercato_int.settings import Settings

    svc = Services(Settings.load())
    key = svc.master_keys.find(new_kid)
    with svc.store.engine.connect() as c:
        rows = c.execute(
            sa.text("SELECT tenant_id, encrypted_values FROM integration_credentials")
        ).all()
    for tenant, envelope in rows:
        if isinstance(envelope, str):
            import json

            envelope = json.loads(envelope)
        aad = associated_data("gateway_stripe", "default", tenant)
        values = open_envelope(envelope, key=key.material, aad=aad)
        assert values["secretKey"] == f"sk_{int(tenant[1:])}"
    assert (
        svc.credentials.resolve("gateway_stripe", svc.scope.__class__("default", "t04242"))[
            "secretKey"
        ]
        == "sk_4242"
    )
    svc.close()


def test_first_save_creates_the_key_in_a_working_keyring(cli, memory_keyring) -> None:
    run = cli("creds", "set", "gateway_stripe", *ARGS)
    assert run.exit_code == 0, run.stderr
    kid = cli("keys", "status", "--json").json()["activeKeyId"]
    assert run.stderr == (
        f"warning: created master key {kid} in the OS keyring (service mercato-int); back it "
        "up: without it the stored credentials cannot be read\n"
    )
    assert ("mercato-int", "master-keys") in memory_keyring.entries
    assert not (_home() / "master.key").exists()
    assert cli("creds", "get", "gateway_stripe").exit_code == 0


def test_a_keyring_that_drops_writes_leads_to_the_key_file(cli, dropping_keyring) -> None:
    run = cli("creds", "set", "gateway_stripe", *ARGS)
    assert run.exit_code == 0, run.stderr
    key_file = _home() / "master.key"
    assert f"in key file {key_file}; back it up" in run.stderr
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (
        cli("creds", "get", "gateway_stripe", "--reveal", "--json").json()["credentials"][
            "secretKey"
        ]
        == "sk_live_ROT8"
    )
