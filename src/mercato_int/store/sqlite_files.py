"""The SQLite store's files: created private, and still readable when they cannot be written.

The file, its WAL and its SHM hold ciphertexts and logs: the file is created 0600 before SQLite
first opens it (SQLite gives the WAL and SHM the mode of the file), in a folder created 0700.
On a full disk or a read-only file system SQLite cannot even open a WAL store for reading (it
must create the SHM), so a connection that fails so falls back to opening the file read-only
and immutable: reading commands work, a write fails with SQLITE_READONLY, which the engine
reports as a read-only or full store (see `engine.store_failure`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

BUSY_TIMEOUT_MS = 10_000
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
SIDE_FILES = ("-wal", "-shm")

_UNWRITABLE_ERRORS = ("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_FULL")
# database path -> "full" or "readonly", for the stores this process opened read-only
READ_ONLY_FALLBACKS: dict[str, str] = {}


def create_private(path: Path) -> None:
    """Create the folder (0700) and an empty store file (0600) unless they exist; OSError when
    that fails. An existing folder or file keeps its mode (`keys status` warns about it)."""
    folder = path.parent
    if not folder.is_dir():
        try:
            folder.mkdir(mode=PRIVATE_FOLDER, parents=True)  # parents get the usual mode
        except FileExistsError:  # another process made it a moment ago
            if not folder.is_dir():
                raise
        else:
            os.chmod(folder, PRIVATE_FOLDER)  # exactly 0700, whatever the umask took away
    if path.exists():
        return
    try:
        # created with its final mode: never a moment in which others could open it
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)


def readable_by_others(path: Path) -> list[tuple[Path, int]]:
    """The store's files (the file, its WAL and SHM) that group or others may read, with
    their modes."""
    found = []
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in SIDE_FILES)):
        try:
            mode = candidate.stat().st_mode & 0o777
        except OSError:
            continue
        if mode & 0o044:
            found.append((candidate, mode))
    return found


def connect(dbapi: Any, path: str, params: dict[str, Any]) -> Any:
    """A connection to the store at `path` with our pragmas; read-only and immutable when the
    disk is full or the file system read-only (see the module's docstring)."""
    conn = dbapi.connect(path, **params)
    try:
        _set_up(conn)
        return conn
    except dbapi.Error as exc:
        conn.close()
        # only what a file that cannot be written causes; never a busy or damaged store, which
        # an immutable open would read wrong
        if not getattr(exc, "sqlite_errorname", "").startswith(_UNWRITABLE_ERRORS):
            raise
        reason = unwritable_reason(path)
        if reason is None or not Path(path).is_file():
            raise
        fallback = _read_only(dbapi, path, params)
        if fallback is None:
            raise exc from None
        READ_ONLY_FALLBACKS[path] = reason
        return fallback


def _set_up(conn: Any) -> None:
    cur = conn.cursor()
    try:
        # the first read: fails when SQLite cannot open the store for reading as it is
        empty = cur.execute("PRAGMA page_count").fetchone()[0] == 0
        if empty:
            # only a new, empty file takes it: lets `prune` give freed pages back in small
            # steps instead of a VACUUM that locks the store. Never on an existing store,
            # where it would be a write on every connection (reads on a full disk or a
            # read-only file would fail).
            cur.execute("PRAGMA auto_vacuum=INCREMENTAL")
        if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cur.execute("PRAGMA journal_mode=WAL")  # a write: only when not WAL already
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
    finally:
        cur.close()


def _read_only(dbapi: Any, path: str, params: dict[str, Any]) -> Any | None:
    """The store opened read-only: immutable (no SHM needed) unless its WAL holds changes
    the file does not have yet, which an immutable open would silently miss."""
    wal = Path(f"{path}-wal")
    pending = wal.is_file() and wal.stat().st_size > 0
    uri = f"file:{quote(path)}?mode=ro" + ("" if pending else "&immutable=1")
    try:
        conn = dbapi.connect(uri, **{**params, "uri": True})
    except dbapi.Error:
        return None
    try:
        conn.execute("PRAGMA page_count").fetchone()
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys=ON")
    except dbapi.Error:
        conn.close()
        return None
    return conn


def unwritable_reason(path: str) -> str | None:
    """Why `path` cannot be written: "full" (no space left on its disk), "readonly" (its file
    system is mounted read-only, or the file or its folder cannot be written), else None."""
    file = Path(path)
    folder = file.parent
    try:
        stats = os.statvfs(folder)
    except OSError:
        return None
    if stats.f_flag & os.ST_RDONLY:
        return "readonly"
    if stats.f_bavail == 0:
        return "full"
    if not os.access(folder, os.W_OK) or (file.exists() and not os.access(file, os.W_OK)):
        return "readonly"
    return None
