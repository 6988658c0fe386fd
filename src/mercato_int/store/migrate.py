"""Alembic, driven from code: the migration scripts ship inside the package."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from mercato_int.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _config(connection: object) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (head by default) in one transaction."""
    from alembic import command

    try:
        with engine.begin() as conn:
            command.upgrade(_config(conn), revision)
    except SQLAlchemyError as exc:
        # Another process may have migrated the same SQLite file at the same moment.
        from mercato_int.store.engine import current_revision
        from mercato_int.store.revisions import HEAD_REVISION

        if revision == "head" and current_revision(engine) == HEAD_REVISION:
            return
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise StoreError(
            f"migration failed: {reason}", hint="see `mercato-int db current`"
        ) from None


def script_heads() -> list[str]:
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())
