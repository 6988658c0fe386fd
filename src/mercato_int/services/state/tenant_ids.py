"""The tenant ids a store knows, for shell completion: quick, read-only, and never creating or
migrating a store (a SQLite file that is not there has none)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from mercato_int.store.schema import ACL_GRANTS, CREDENTIALS, SETTINGS, STATES
from mercato_int.store.urls import parse_store_url

LIMIT = 200
CONNECT_TIMEOUT_S = 2


def tenant_ids(url: str, *, prefix: str = "", limit: int = LIMIT) -> list[str]:
    """Tenant ids starting with `prefix` in the store at `url`, sorted, at most `limit`: from
    the state, credentials, settings and grants (not the logs: too many rows to scan at a
    keystroke). [] for a SQLite file that does not exist."""
    parsed = parse_store_url(url)
    connect_args: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:" or not Path(database).expanduser().is_file():
            return []
        parsed = parsed.set(database=str(Path(database).expanduser()))
        connect_args["timeout"] = CONNECT_TIMEOUT_S
    else:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    engine = sa.create_engine(parsed, connect_args=connect_args)
    try:
        selects = [
            sa.select(table.c.tenant_id.label("tenant_id")).where(
                table.c.tenant_id.startswith(prefix, autoescape=True)
            )
            for table in (STATES, CREDENTIALS, SETTINGS, ACL_GRANTS)
        ]
        union = sa.union(*selects).subquery()
        stmt = sa.select(union.c.tenant_id).order_by(union.c.tenant_id).limit(limit)
        with engine.connect() as conn:
            return [str(row[0]) for row in conn.execute(stmt)]
    finally:
        engine.dispose()
