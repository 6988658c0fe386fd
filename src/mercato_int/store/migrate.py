"""Alembic, driven from code: the migration scripts ship inside the package."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from mercato_int.errors import StoreError, msg

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# any constant: the key of the Postgres advisory lock that serialises migrations
_PG_LOCK_KEY = 0x6D65_7263_6174_6F  # "mercato"


def _config(connection: Connection) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


@contextmanager
def _migration_lock(conn: Connection) -> Iterator[None]:
    """One migrating process at a time, the others wait and then find the schema current.

    SQLite: `BEGIN IMMEDIATE` takes the write lock up front (waiting out the busy timeout),
    and also makes the DDL transactional, which pysqlite's default mode would not: a
    migration that fails halfway leaves no half-built schema behind. Postgres: an advisory
    lock held until the transaction ends (its DDL is transactional anyway)."""
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        assert raw is not None  # a checked-out connection has its DB-API connection
        previous = raw.isolation_level
        raw.isolation_level = None  # we say when the transaction begins
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield
        finally:
            raw.isolation_level = previous
        return
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    yield


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (head by default) in one transaction; safe when several
    processes open a new store at the same moment."""
    from alembic import command

    from mercato_int.store.revisions import HEAD_REVISION, refuse_newer
    from mercato_int.store.urls import redact_text

    url = engine.url.render_as_string(hide_password=False)
    try:
        with engine.connect() as conn:
            try:
                with _migration_lock(conn):
                    current = _revision(conn)
                    if revision in ("head", HEAD_REVISION) and current == HEAD_REVISION:
                        conn.rollback()
                        return  # another process got here first
                    refuse_newer(current, url)  # Alembic would fail on a revision it lacks
                    command.upgrade(_config(conn), revision)
                    conn.commit()
            except BaseException:
                conn.rollback()
                raise
    except SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", exc)).split("\n")[0].split())
        reason = redact_text(reason, url)
        raise StoreError(
            msg("logs.store.migration_failed", reason=reason),
            hint=msg("logs.store.migration_failed_hint"),
        ) from None


def script_heads() -> list[str]:
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())
