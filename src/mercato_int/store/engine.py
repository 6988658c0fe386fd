"""The engine: SQLite by default (WAL, busy timeout, migrated on first use), or Postgres via
psycopg 3. A store whose schema is behind or ahead of this build refuses to run (exit 4)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, CursorResult, Engine, Result
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from mercato_int.errors import InvalidInput, StoreError, StoreUnwritable, msg
from mercato_int.store import sqlite_files
from mercato_int.store.revisions import HEAD_REVISION, refuse_newer
from mercato_int.store.sqlite_files import BUSY_TIMEOUT_MS, READ_ONLY_FALLBACKS, create_private
from mercato_int.store.urls import (  # noqa: F401  (normalize_url: re-exported)
    normalize_url,
    parse_store_url,
    redact_text,
    redact_url,
)

if TYPE_CHECKING:
    from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = BUSY_TIMEOUT_MS

# Connections kept open for reuse. SQLAlchemy's default (5, and 10 more opened and closed
# again as needed) makes an API server under 16 concurrent requests open and set up a new
# connection for most of them (every request takes two or three). A CLI command holds one at
# a time, so it opens no more for this. A SQLite connection is cheap to keep; a database
# server's cap stays where it was (15 per process), only held instead of reopened.
POOL: dict[str, int] = {"pool_size": 20, "max_overflow": 20}
POOL_SERVER: dict[str, int] = {"pool_size": 15, "max_overflow": 0}


def create_store_engine(url: str) -> Engine:
    """An engine for `url`: SQLite with our pragmas on every connection (read-only when the
    disk is full or the file system read-only), or Postgres via psycopg 3. InvalidInput for a
    URL we cannot use, StoreError when the SQLite file cannot be created."""
    parsed = parse_store_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        on_disk = bool(database) and database != ":memory:" and not parsed.query.get("uri")
        if database and on_disk:  # `~` means the home folder for SQLite too
            database = str(Path(database).expanduser())
            parsed = parsed.set(database=database)
        pooled = POOL if on_disk else {}
        engine = create_engine(
            parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **pooled
        )
        if database and on_disk:
            path = Path(database)
            try:
                create_private(path)
            except OSError as exc:
                failed = path.parent if not path.parent.is_dir() else path
                key = "logs.store.no_folder" if failed == path.parent else "store.no_file"
                raise StoreError(
                    msg(key, folder=failed, path=failed, reason=exc.strerror),
                    hint=msg("logs.store.no_folder_hint"),
                ) from None

            @event.listens_for(engine, "do_connect")
            def _connect(dialect: Any, _record: Any, cargs: list, cparams: dict) -> Any:
                return sqlite_files.connect(dialect.loaded_dbapi, cargs[0], cparams)

        else:

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                dbapi_conn.execute("PRAGMA foreign_keys=ON")

    else:
        connect_args: dict[str, Any] = {}
        if parsed.get_backend_name() == "postgresql":
            connect_args["connect_timeout"] = 5
        try:
            engine = create_engine(
                parsed, connect_args=connect_args, pool_pre_ping=True, **POOL_SERVER
            )
        except (ArgumentError, ImportError) as exc:
            shown = redact_url(url)
            reason = redact_text(str(exc), url)
            raise InvalidInput(msg("logs.store.unusable_url", url=shown, reason=reason)) from None

    @event.listens_for(engine, "handle_error")
    def _failure(context: Any) -> None:
        failure = store_failure(context.original_exception, engine, redact_url(url))
        if failure is not None:
            raise failure

    return engine


def store_failure(exc: BaseException, engine: Engine, shown: str) -> StoreError | None:
    """A StoreError (exit 4) that says so when `exc` is a write refused by a read-only store
    or a full disk (SQLite or Postgres); None for any other error. `shown`: the URL, masked."""
    orig = getattr(exc, "orig", None) or exc
    name = getattr(orig, "sqlite_errorname", None) or ""
    sqlstate = getattr(orig, "sqlstate", None) or ""
    path = engine.url.database or ""
    kind: str | None = None
    if name.startswith("SQLITE_READONLY"):
        kind = READ_ONLY_FALLBACKS.get(path) or sqlite_files.unwritable_reason(path) or "readonly"
    elif name.startswith("SQLITE_FULL"):
        kind = "full"
    elif name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) and path:
        kind = sqlite_files.unwritable_reason(path)
    elif sqlstate == "53100":  # disk_full
        kind = "full"
    elif sqlstate == "25006":  # read_only_sql_transaction (a standby, or read-only by setting)
        kind = "readonly"
    if kind is None:
        return None
    hint = f"store.{kind}_hint" if engine.dialect.name == "sqlite" else f"store.{kind}_server_hint"
    return StoreUnwritable(msg(f"store.{kind}", url=shown), hint=msg(hint))


class Store:
    """An engine whose schema has been checked, and sessions on it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        # The ORM costs ~130 ms to import; read-only paths use `connect()` instead.
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A Core connection for reads (no ORM); store errors become StoreError (exit 4)."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except OperationalError as exc:
            raise _unreachable(self.engine, exc) from None

    def dispose(self) -> None:
        self.engine.dispose()

    def readable_by_others(self) -> list[tuple[Path, int]]:
        """The SQLite store's files (file, WAL, SHM) that group or others may read, with their
        modes; [] for any other store."""
        database = self.engine.url.database
        if self.dialect != "sqlite" or not database or database == ":memory:":
            return []
        return sqlite_files.readable_by_others(Path(database).expanduser())


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the store, or None for an empty store."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError as exc:
        raise _unreachable(engine, exc) from None
    except SQLAlchemyError as exc:
        raise _unreachable(engine, exc) from None


def open_store(url: str, *, auto_migrate: bool | None = None) -> Store:
    """Open the store at `url`, checking that its schema is current.

    SQLite stores are created and migrated on first use (`auto_migrate` defaults to True for
    SQLite); any other store that is empty or behind, and any store migrated by a newer
    mercato-int, raises StoreError (exit 4)."""
    engine = create_store_engine(url)
    try:
        if auto_migrate is None:
            auto_migrate = engine.dialect.name == "sqlite"
        revision = current_revision(engine)
        if revision == HEAD_REVISION:
            return Store(engine)
        refuse_newer(revision, url)
        if auto_migrate:
            from mercato_int.store.migrate import upgrade

            upgrade(engine)
            return Store(engine)
        shown = redact_url(url)
        if revision is None:
            raise StoreError(
                msg("store.not_initialised", url=shown),
                hint=msg("store.upgrade_hint", url=_shell(shown)),
            )
        raise StoreError(
            msg("logs.store.behind", url=shown, revision=revision, head=HEAD_REVISION),
            hint=msg("logs.store.behind_hint", url=_shell(shown)),
        )
    except BaseException:
        engine.dispose()
        raise


def _shell(url: str) -> str:
    """`url` as one shell word, so that a copied hint names this store and not the default
    one (a masked password must still be filled in)."""
    import shlex

    return shlex.quote(url)


def shown_url(engine: Engine) -> str:
    """The engine's URL as messages show it: every password masked."""
    return redact_url(engine.url.render_as_string(hide_password=True))


def _unreachable(engine: Engine, exc: Exception) -> StoreError:
    lines = str(getattr(exc, "orig", exc)).strip().splitlines()
    reason = " ".join(lines[0].split()) if lines else type(exc).__name__
    reason = redact_text(reason, engine.url.render_as_string(hide_password=False))
    return StoreError(
        msg("logs.store.unreachable", url=shown_url(engine), reason=reason),
        hint=msg("logs.store.unreachable_hint"),
    )


def rowcount(result: Result[Any]) -> int:
    """The rows an INSERT, UPDATE or DELETE touched (a session types every result as a plain
    Result; a DML statement's is a CursorResult, which has the count)."""
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def optimize(target: Store | Engine) -> None:
    """After a bulk change (an ingest, a prune): SQLite's planner statistics, refreshed. A
    bounded ANALYZE of the logs table (about 1,000 rows an index, milliseconds at millions:
    without statistics SQLite picks indexes blind) and `PRAGMA optimize` for the rest.
    Postgres: nothing (autovacuum analyzes)."""
    engine = target.engine if isinstance(target, Store) else target
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA analysis_limit=1000")
        conn.exec_driver_sql("ANALYZE integration_logs")
        conn.exec_driver_sql("PRAGMA optimize")
        conn.commit()
