"""Credentials benchmark: resolve (decrypt) per second and rotation rows per second, each with
baselines measured in the same run on the same data:

- resolve vs a plain SELECT of the same row through the same store, and vs a raw AES-GCM
  decrypt of the same envelope (what the service adds on top of the store and the cipher);
- rotation vs a plain SELECT of every row, and vs raw decrypt+encrypt of every row in memory.

    .venv/bin/python benchmarks/credentials.py [--rows 10000] [--resolves 3000] [--db URL]

Uses a throwaway MERCATO_INT_HOME (key file, SQLite store) unless --db is given.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path


def _setup(db: str | None, home: Path):
    os.environ["MERCATO_INT_HOME"] = str(home)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    os.environ.pop("MERCATO_INT_MASTER_KEY", None)
    os.environ["MERCATO_INT_DATABASE_URL"] = db or f"sqlite:///{home / 'bench.db'}"
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    return Services(Settings.load())


def _seed(svc, rows: int) -> None:
    import sqlalchemy as sa

    from mercato_int.keys.envelope import associated_data, seal
    from mercato_int.store.tables import IntegrationCredentials
    from mercato_int.store.types import utcnow

    key, _ = svc.master_keys.create()
    now = utcnow()
    params = []
    for i in range(rows):
        tenant = f"bench{i:06d}"
        values = {
            "publishableKey": f"pk_test_{i:024d}",
            "secretKey": f"sk_live_{uuid.uuid4().hex}{uuid.uuid4().hex}",
            "webhookSecret": f"whsec_{uuid.uuid4().hex}",
            "captureMethod": "automatic",
            "enableApplePay": True,
        }
        aad = associated_data("gateway_stripe", "default", tenant)
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
        conn.execute(sa.delete(IntegrationCredentials.__table__))
        conn.execute(sa.insert(IntegrationCredentials.__table__), params)


def _rates(fns: dict[str, tuple], repeats: int = 5) -> dict[str, float]:
    """Best-of-`repeats` calls per second of each fn(i), i in range(n). The functions take
    turns in every round, so a noisy neighbour on a shared machine hits all of them alike."""
    best: dict[str, float] = dict.fromkeys(fns, 0.0)
    for _ in range(repeats):
        for name, (fn, n) in fns.items():
            t0 = time.perf_counter()
            for i in range(n):
                fn(i)
            best[name] = max(best[name], n / (time.perf_counter() - t0))
    return best


def bench_resolve(svc, rows: int, resolves: int) -> None:
    from mercato_int.keys.envelope import associated_data, open_envelope
    from mercato_int.scope import TenantScope
    from mercato_int.services.credentials import rows as credential_rows

    scopes = [TenantScope("default", f"bench{i % rows:06d}") for i in range(resolves)]
    svc.credentials.resolve("gateway_stripe", scopes[0])  # warm: key lookup, cipher, registry

    def plain_select(i: int) -> None:
        with svc.store.session() as session:
            credential_rows.find_rows(
                session=session, owner_ids=["gateway_stripe"], scope=scopes[i]
            )

    with svc.store.session() as session:
        row = credential_rows.find_rows(
            session=session, owner_ids=["gateway_stripe"], scope=scopes[0]
        )["gateway_stripe"]
    key = svc.master_keys.find(row.key_id)
    aad = associated_data(row.integration_id, row.organization_id, row.tenant_id)

    def raw_decrypt(i: int) -> None:
        open_envelope(row.encrypted_values, key=key.material, aad=aad)

    def resolve(i: int) -> None:
        svc.credentials.resolve("gateway_stripe", scopes[i])

    rates = _rates(
        {
            "resolve": (resolve, resolves),
            "select": (plain_select, resolves),
            "raw": (raw_decrypt, resolves * 10),
        }
    )
    r_resolve, r_select, r_raw = rates["resolve"], rates["select"], rates["raw"]
    print(f"resolve (decrypt)         {r_resolve:>12,.0f} /s")
    print(
        f"  baseline plain SELECT   {r_select:>12,.0f} /s   resolve = {r_resolve / r_select:.2f}x"
    )
    print(f"  baseline raw AES-GCM    {r_raw:>12,.0f} /s   resolve = {r_resolve / r_raw:.3f}x")
    print(
        f"  cost per resolve: {1e6 / r_resolve:.0f} µs, of which the store read "
        f"{1e6 / r_select:.0f} µs and the decrypt {1e6 / r_raw:.1f} µs"
    )


def bench_rotate(svc, rows: int, batch: int) -> None:
    import sqlalchemy as sa

    from mercato_int.keys.envelope import associated_data, generate_key, key_id, open_envelope, seal
    from mercato_int.store.tables import IntegrationCredentials

    table = IntegrationCredentials.__table__
    t0 = time.perf_counter()
    with svc.store.engine.connect() as conn:
        all_rows = conn.execute(
            sa.select(
                table.c.integration_id,
                table.c.organization_id,
                table.c.tenant_id,
                table.c.encrypted_values,
                table.c.key_id,
            )
        ).all()
    select_s = time.perf_counter() - t0
    old = svc.master_keys.find(all_rows[0].key_id)
    new = generate_key()
    t0 = time.perf_counter()
    for r in all_rows:
        aad = associated_data(r.integration_id, r.organization_id, r.tenant_id)
        values = open_envelope(r.encrypted_values, key=old.material, aad=aad)
        seal(values, key=new, kid=key_id(new), aad=aad)
    crypto_s = time.perf_counter() - t0

    result = svc.keys.rotate(batch_size=batch)
    assert result.rows == rows, result
    r_rot = rows / result.seconds
    r_sel = rows / select_s
    r_cry = rows / crypto_s
    took = f"({rows} rows in {result.seconds:.2f}s)"
    print(f"rotation (batch {batch})      {r_rot:>12,.0f} rows/s  {took}")
    print(f"  baseline plain SELECT   {r_sel:>12,.0f} rows/s  rotation = {r_rot / r_sel:.3f}x")
    print(f"  baseline raw re-encrypt {r_cry:>12,.0f} rows/s  rotation = {r_rot / r_cry:.3f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--resolves", type=int, default=3_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: SQLite in a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        svc = _setup(args.db, Path(tmp))
        print(f"store: {svc.store.dialect}, {args.rows} rows, python {sys.version.split()[0]}")
        _seed(svc, args.rows)
        bench_resolve(svc, args.rows, args.resolves)
        bench_rotate(svc, args.rows, args.batch)
        svc.close()


if __name__ == "__main__":
    main()
