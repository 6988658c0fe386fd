"""Shared set-up for the log benchmarks: a providers folder with N integrations spread over
tenants, and deterministic entries with details."""

from __future__ import annotations

import os
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

LEVEL_WEIGHTS = (("debug", 10), ("info", 70), ("warning", 12), ("error", 8))
OPERATIONS = ("sync.import.batch", "sync.import.item_failed", "webhook.received", "health.check")


def make_providers(root: Path, count: int) -> list[str]:
    """`count` integrations (each with a secret field) in one provider folder."""
    ids = [f"bench_{i:02d}" for i in range(count)]
    folder = root / "bench_providers"
    folder.mkdir(parents=True, exist_ok=True)
    items = ",\n".join(
        f'{{"id": "{i}", "title": "Bench {i}", "category": "data_sync", "hub": "data_sync",'
        f' "providerKey": "{i}", "bundleId": "bench", "credentials": {{"fields": []}}}}'
        for i in ids
    )
    (folder / "integration.py").write_text(
        "bundle = {'id': 'bench', 'title': 'Bench', 'credentials': {'fields': ["
        "{'key': 'apiKey', 'label': 'API key', 'type': 'secret', 'required': True}]}}\n"
        f"integrations = [{items}]\n"
    )
    return ids


def home(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=f"mercato-bench-{prefix}-"))
    os.environ["MERCATO_INT_HOME"] = str(path)
    return path


def providers_home(prefix: str, count: int = 20) -> tuple[Path, list[str]]:
    """A throwaway home whose folder is the providers path, holding `count` integrations."""
    root = home(prefix)
    os.environ["MERCATO_INT_PROVIDERS_PATH"] = str(root)
    return root, make_providers(root, count)


def entries(
    n: int,
    integrations: list[str],
    tenants: list[str],
    *,
    start: datetime | None = None,
    span: timedelta = timedelta(days=20),
    seed: int = 7,
) -> list[dict[str, Any]]:
    """`n` entries with details, spread evenly over time (oldest first)."""
    rnd = random.Random(seed)
    levels = [lv for lv, w in LEVEL_WEIGHTS for _ in range(w)]
    start = start or datetime.now(UTC) - span
    step = span / max(n, 1)
    out = []
    for k in range(n):
        out.append(
            {
                "integration_id": integrations[k % len(integrations)],
                "tenant": tenants[(k // len(integrations)) % len(tenants)],
                "level": levels[rnd.randrange(len(levels))],
                "operation": OPERATIONS[k % len(OPERATIONS)],
                "message": f"Processed batch {k}: {rnd.randrange(1000)} imported, 0 failed",
                "details": {
                    "imported": rnd.randrange(1000),
                    "cursor": f"c_{k:08d}",
                    "request": {"id": f"req_{k}", "path": "/admin/products", "retry": [1, 2]},
                },
                "correlation_id": f"run_{k // 500}",
                "entity_type": "catalog.product",
                "entity_id": f"prod_{k}",
                "duration_ms": rnd.randrange(5000),
                "created_at": start + step * k,
            }
        )
    return out


def services_for(url: str):
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    return Services(Settings.load(database_url=url))


def fill(services, data: list[dict[str, Any]], batch_size: int = 5000) -> None:
    """Write `data` (from `entries`) through the batched writer."""
    from mercato_int.scope import TenantScope

    scopes = {t: TenantScope("default", t) for t in {e["tenant"] for e in data}}
    with services.logs.writer(batch_size=batch_size) as w:
        for e in data:
            w.write(
                integration_id=e["integration_id"],
                level=e["level"],
                operation=e["operation"],
                message=e["message"],
                scope=scopes[e["tenant"]],
                details=e["details"],
                correlation_id=e["correlation_id"],
                entity_type=e["entity_type"],
                entity_id=e["entity_id"],
                duration_ms=e["duration_ms"],
                created_at=e["created_at"],
            )


def pg_schema(admin_url: str, label: str) -> tuple[str, str]:
    """A fresh migrated schema on the Postgres server: (schema name, store URL)."""
    import uuid

    import sqlalchemy as sa

    from mercato_int.store.engine import create_store_engine
    from mercato_int.store.migrate import upgrade

    name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(_psycopg(admin_url))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    admin.dispose()
    url = f"{admin_url}?options=-csearch_path%3D{name}"
    engine = create_store_engine(url)
    upgrade(engine)
    engine.dispose()
    return name, url


def drop_pg_schema(admin_url: str, name: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(_psycopg(admin_url))
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


def create_pg_database(admin_url: str, label: str) -> str:
    """A new empty database on the Postgres server of `admin_url` (any postgresql:// URL):
    its URL. Drop it with drop_pg_database (leftovers of killed runs: `mercato_bench_%`)."""
    import sqlalchemy as sa

    name = f"mercato_bench_{label}_{os.getpid()}"
    admin = sa.create_engine(_psycopg(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(url: str) -> None:
    """Drops the database of `url`, connected through the server's `postgres` database."""
    import sqlalchemy as sa

    base, name = url.rsplit("/", 1)
    admin = sa.create_engine(_psycopg(f"{base}/postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)
