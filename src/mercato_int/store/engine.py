"""The engine: SQLite by default (WAL, busy timeout, migrated on first use), any SQLAlchemy URL
otherwise (Postgres via psycopg 3). A store whose schema is behind refuses to run (exit 4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from mercato_int.errors import InvalidInput, StoreError
from mercato_int.i18n import t
from mercato_int.store.revisions import HEAD_REVISION, KNOWN_REVISIONS

if TYPE_CHECKING:
    from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 10_000


def redact_url(url: str) -> str:
    """The URL with any password replaced, for messages."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def normalize_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def create_store_engine(url: str) -> Engine:
    """An engine for `url`, with the SQLite pragmas set on every connection."""
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(
            t("logs.store.bad_url", url=redact_url(url)), hint=t("logs.store.bad_url_hint")
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    t("logs.store.no_folder", folder=folder, reason=exc.strerror),
                    hint=t("logs.store.no_folder_hint"),
                ) from None
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # Takes effect only on a new, empty file: lets `prune` give freed pages back in
            # small steps instead of a VACUUM that locks the store.
            cur.execute("PRAGMA auto_vacuum=INCREMENTAL")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = 5
    try:
        return create_engine(parsed, connect_args=connect_args, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise InvalidInput(t("logs.store.unusable_url", url=redact_url(url), reason=exc)) from None


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
    SQLite); any other store whose schema is behind raises StoreError (exit 4)."""
    engine = create_store_engine(url)
    if auto_migrate is None:
        auto_migrate = engine.dialect.name == "sqlite"
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return Store(engine)
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StoreError(
            t("logs.store.newer", url=redact_url(url), revision=revision),
            hint=t("logs.store.newer_hint"),
        )
    if auto_migrate:
        from mercato_int.store.migrate import upgrade

        upgrade(engine)
        return Store(engine)
    raise StoreError(
        t(
            "logs.store.behind",
            url=redact_url(url),
            revision=revision or t("logs.db.none"),
            head=HEAD_REVISION,
        ),
        hint=t("logs.store.behind_hint"),
    )


def _unreachable(engine: Engine, exc: Exception) -> StoreError:
    url = redact_url(engine.url.render_as_string(hide_password=True))
    lines = str(getattr(exc, "orig", exc)).strip().splitlines()
    reason = " ".join(lines[0].split()) if lines else type(exc).__name__
    return StoreError(
        t("logs.store.unreachable", url=url, reason=reason),
        hint=t("logs.store.unreachable_hint"),
    )
