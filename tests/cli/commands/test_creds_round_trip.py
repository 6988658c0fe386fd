"""The export/import round trip across stores: SQLite → Postgres → SQLite loses nothing (every
tenant, organization, integration and value), and each target holds the rows under its own
master key."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mercato_int.keys.envelope import encode_key, generate_key

PASS = "correct horse battery staple"
ROWS = {
    ("default", "default", "gateway_stripe"): {
        "publishableKey": "pk_live_RT_1",
        "secretKey": 'sk_live_RT_ünïcode_"quoted"_1',
        "webhookSecret": "whsec_RT_1",
        "captureMethod": "manual",
        "enableApplePay": True,  # stored as a boolean: the file keeps the JSON type
    },
    ("default", "acme", "carrier_dhl"): {"apiKey": "dhl-RT-acme", "password": "p@ss w0rd!"},
    ("org2", "acme", "sync_medusa"): {
        "medusaApiUrl": "https://medusa.example.com",
        "medusaApiKey": "medusa-RT",
        "medusaWebhookSecret": "mwh-RT",
    },
}


def run(*args: str, key: str, db: str) -> tuple[int, str, str]:
    from mercato_int.cli.app import app

    env = {"MERCATO_INT_MASTER_KEY": key, "MERCATO_INT_DATABASE_URL": db}
    result = CliRunner().invoke(app, list(args), env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def everything(db: str, key: str, tmp: Path) -> list[dict]:
    """Every row of the store, decrypted, without where it stood (version, time)."""
    out = tmp / f"plain-{len(list(tmp.iterdir()))}.json"
    code, _, err = run(
        "creds", "export", "--all-tenants", "--decrypted", "--out", str(out), key=key, db=db
    )
    assert code == 0, err
    rows = json.loads(out.read_text())["rows"]
    out.unlink()
    return sorted(
        ({k: v for k, v in r.items() if k not in ("updatedAt", "version")} for r in rows),
        key=lambda r: (r["organizationId"], r["tenantId"], r["integrationId"]),
    )


@pytest.mark.postgres
def test_sqlite_to_postgres_and_back_loses_nothing(tmp_path: Path, pg_url: str) -> None:
    from mercato_int.store.engine import create_store_engine
    from mercato_int.store.migrate import upgrade

    engine = create_store_engine(pg_url)
    upgrade(engine)
    engine.dispose()
    lite, lite2 = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    k_lite, k_pg, k_lite2 = (encode_key(generate_key()) for _ in range(3))
    for (org, tenant, owner), values in ROWS.items():
        args = [f"{k}={str(v).lower() if v is True else v}" for k, v in values.items()]
        code, _, err = run(
            "--org", org, "--tenant", tenant, "creds", "set", owner, *args, key=k_lite, db=lite
        )
        assert code == 0, err
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "pass").write_text(PASS)
    source = everything(lite, k_lite, work)
    assert [r["values"] for r in source] == [
        ROWS[("default", "acme", "carrier_dhl")],
        ROWS[("default", "default", "gateway_stripe")],
        ROWS[("org2", "acme", "sync_medusa")],
    ]

    hop = [(lite, k_lite), (pg_url, k_pg), (lite2, k_lite2)]
    for (src, src_key), (dst, dst_key) in itertools.pairwise(hop):
        sealed = tmp_path / f"hop-{len(list(tmp_path.glob('hop-*')))}.export"
        code, _, err = run(
            "creds",
            "export",
            "--all-tenants",
            "--out",
            str(sealed),
            "--passphrase-file",
            str(tmp_path / "pass"),
            key=src_key,
            db=src,
        )
        assert code == 0, err
        code, out, err = run(
            "creds",
            "import",
            str(sealed),
            "--passphrase-file",
            str(tmp_path / "pass"),
            "--json",
            key=dst_key,
            db=dst,
        )
        assert code == 0, err
        assert json.loads(out)["counts"]["imported"] == 3
        # the target reads them with its own key only: re-encrypted, not copied
        assert everything(dst, dst_key, work) == source
        code, _, err = run("creds", "get", "gateway_stripe", key=src_key, db=dst)
        assert code == 5, err
