"""Access-check benchmark: what `require(feature)` adds to every command, against baselines
measured in the same run on the same store:

- the check with no policy (one indexed SELECT that finds nothing) and with a policy in a store
  holding many tenants' grants, vs a trivial `SELECT 1` on a fresh connection (the floor) and vs
  the marketplace read that `list` does anyway (what a command costs without the check).

    .venv/bin/python benchmarks/acl_check.py [--tenants 2000] [--rounds 300] [--db URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def _median_us(fn, rounds: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--db")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="mercato-acl-bench-"))
    os.environ["MERCATO_INT_HOME"] = str(home)
    os.environ["MERCATO_INT_DATABASE_URL"] = args.db or f"sqlite:///{home / 'bench.db'}"
    import sqlalchemy as sa

    from mercato_int.scope import TenantScope
    from mercato_int.services import Services
    from mercato_int.services.acl import GRANTS, VIEW
    from mercato_int.settings import Settings
    from mercato_int.store.types import utcnow

    svc = Services(Settings.load())
    import uuid

    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "actor": actor,
            "grant": grant,
            "organization_id": "default",
            "tenant_id": f"t{i:05d}",
            "created_at": now,
            "created_by": "bench",
        }
        for i in range(args.tenants)
        for actor, grant in (("alice", "admin"), ("bob", "employee"), ("carol", VIEW))
    ]
    with svc.store.engine.begin() as conn:
        conn.execute(sa.insert(GRANTS), rows)
    with_policy = TenantScope("default", f"t{args.tenants // 2:05d}")
    without = TenantScope("default", "no_policy_here")

    def floor() -> None:
        with svc.store.connect() as conn:
            conn.execute(sa.text("SELECT 1")).scalar()

    figures = {
        "SELECT 1 (floor)": _median_us(floor, args.rounds),
        "require, no policy": _median_us(
            lambda: svc.acl.require(VIEW, without, "bob"), args.rounds
        ),
        "require, policy (3 grants)": _median_us(
            lambda: svc.acl.require(VIEW, with_policy, "bob"), args.rounds
        ),
        "marketplace overview (list)": _median_us(
            lambda: svc.marketplace.overview(without), args.rounds
        ),
    }
    print(f"store: {svc.store.dialect}, {len(rows)} grants in {args.tenants} tenants")
    base = figures["SELECT 1 (floor)"]
    market = figures["marketplace overview (list)"]
    for name, us in figures.items():
        print(f"{name:30s} {us:9.0f} µs  {us / base:5.2f}× floor  {us / market:5.2f}× list read")
    svc.close()


if __name__ == "__main__":
    main()
