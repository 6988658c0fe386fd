"""Discovery results kept across runs: a registry read back from a file in the data dir while
every provider file is as it was when the file was written.

Discovery imports every provider's `integration.py` (compiled afresh where bytecode is not
written) and validates every definition: 0.3–0.9 s at 2,000 integrations, every command. The
cache is keyed by the entry points (name, target, distribution and its version and metadata
file) and by the stat (inode, size, mtime_ns, ctime_ns) of every folder searched, every
provider folder and every file and folder inside it; any difference, a file added or removed,
means discovery runs again. The file is written whole and renamed into place (two processes
at once each write a complete one), owner-only, and one that cannot be read or parsed is
ignored and replaced. A registry whose files changed within the last seconds is not cached
(a file rewritten within one timestamp tick at the same size would look unchanged).

The definitions were validated when the file was written: they are read back without running
the validators again (registry/trusted.py), behind a SHA-256 of the file's bytes on its first
line, so a file damaged or edited since is discovered again rather than trusted. The file is
`marshal`'s (Python's own format for plain values: dicts, lists, tuples, strings, numbers),
each model a tuple of its field values: at 2,000 integrations it is read back in half the time
JSON with field names took (no names, and tuples stored as tuples). `marshal` is not made to
read data built to attack it; this file is the user's own (owner-only, in the data dir, which
someone able to write to could change the user's configuration as well), and it is loaded only
when its checksum matches.

Health checks are the one thing not kept: a registry from the cache imports a provider the
first time one of its health checks is looked up."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import marshal
import os
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mercato_int.registry.catalog import ProviderSource, Registry
from mercato_int.registry.models import IntegrationBundle, IntegrationDefinition
from mercato_int.registry.problems import Problem
from mercato_int.registry.trusted import dump, load

if TYPE_CHECKING:
    from importlib.metadata import Distribution

FORMAT = 3  # 3: marshal, models as rows (2: JSON, models as dicts of their fields)
RACY_SECONDS = 2.0  # files changed this recently: the cache is not written
UNUSED_DAYS = 30  # other cache files not written for this long are removed on a write
_SKIP = {"__pycache__"}

Stat = list[int] | None


def discover_cached(
    paths: Sequence[Path], *, cache_dir: Path, racy_seconds: float = RACY_SECONDS
) -> Registry:
    """`discover(paths)`, read from `cache_dir` when nothing it depends on has changed."""
    with _collector_paused():
        return _discover_cached(paths, cache_dir, racy_seconds)


def _discover_cached(paths: Sequence[Path], cache_dir: Path, racy_seconds: float) -> Registry:
    from mercato_int.registry.discovery import discover

    file = cache_dir / f"registry-{_name(paths)}.marshal"
    eps = _entry_points()
    cached = _read(file, eps)
    if cached is not None:
        return cached
    scanned: set[Path] = set()
    registry = discover(paths, scanned=scanned)
    stats = _watch(scanned, registry)
    newest = max((max(s[2], s[3]) for s in stats.values() if s), default=0)
    if newest < time.time_ns() - racy_seconds * 1e9:
        with contextlib.suppress(OSError):
            _write(file, _document(registry, eps, stats))
            _tidy(cache_dir, file)
    return registry


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading the file makes some 60,000 objects and discovery more, nearly none of them
    garbage: in a process that already holds many (the TUI's), the cyclic collector's walks
    over all of them took more than the work itself (reading: 120 ms instead of 45 at 2,000
    integrations; discovery: a third more). Whatever garbage there is waits for its end."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _name(paths: Sequence[Path]) -> str:
    """One cache file per providers path (two contexts with different paths do not evict
    each other)."""
    key = json.dumps([FORMAT, [str(p) for p in paths]])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


# --- what the registry depends on ----------------------------------------------------------
_OWN_CODE = ("models.py", "discovery.py", "trusted.py")


def _entry_points() -> list[list[str | None]]:
    """Every provider entry point with its distribution: name, version and the stat of its
    metadata folder (a reinstall of the same version changes that)."""
    from importlib.metadata import entry_points

    from mercato_int import __version__
    from mercato_int.registry.discovery import ENTRY_POINT_GROUP

    # the code that validates and builds definitions: a changed validator in an editable
    # install (same version number) must not keep trusting definitions it would now refuse
    here = os.path.dirname(__file__)
    code = [json.dumps(_stat(os.path.join(here, f))) for f in _OWN_CODE]
    out: list[list[str | None]] = [["mercato-int", __version__, *code]]
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist
        where = getattr(dist, "_path", None)
        head = _metadata_head(dist) if dist else {}
        out.append(
            [
                ep.name,
                ep.value,
                head.get("Name") if dist else None,
                head.get("Version") if dist else None,
                json.dumps(_stat(Path(where))) if where else None,
            ]
        )
    return out


def _metadata_head(dist: Distribution) -> Mapping[str, str]:
    """A distribution's metadata headers (Name, Version), as `dist.metadata` has them,
    without parsing its body: the long description (mercato-int's is its README, 100 KB)
    was most of the time to look the entry points up (4 ms of each start)."""
    from email.parser import HeaderParser

    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    return HeaderParser().parsestr(text.partition("\n\n")[0])  # type: ignore[return-value]


def _stat(path: str | Path) -> Stat:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _watch(scanned: set[Path], registry: Registry) -> dict[str, Stat]:
    """Stats of every searched folder and its child folders (a provider added or removed),
    every file and folder inside each provider folder, and each provider file. Paths as
    strings, without pathlib: at 2,000 integrations `Path` objects made this a third of a
    discovery."""
    paths: set[str] = set()
    for root in scanned:
        paths.add(str(root))
        with contextlib.suppress(OSError), os.scandir(root) as children:
            paths.update(c.path for c in children if c.is_dir())
    files = {s.file for s in registry.sources.values()}
    for folder in {os.path.dirname(f) or "." for f in files}:
        paths.update(_tree(folder))
    paths.update(files)
    paths.update(p.file for p in registry.problems)
    return {p: _stat(p) for p in sorted(paths)}


def _tree(folder: str) -> Iterator[str]:
    yield folder
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in _SKIP]
        for name in [*dirs, *files]:
            yield os.path.join(top, name)


# --- the file ------------------------------------------------------------------------------
def _document(registry: Registry, eps: list[list[str | None]], stats: dict[str, Stat]) -> dict:
    sources: list[ProviderSource] = []
    index: dict[int, int] = {}
    for source in registry.sources.values():
        if id(source) not in index:
            index[id(source)] = len(sources)
            sources.append(source)

    def items(kind: Mapping[str, IntegrationDefinition | IntegrationBundle]) -> list[Any]:
        return [[index[id(registry.sources[i])], dump(d)] for i, d in kind.items()]

    return {
        "format": FORMAT,
        "entryPoints": eps,
        "stats": stats,
        "sources": [[s.name, s.file, s.module] for s in sources],
        "bundles": items(registry.bundles),
        "integrations": items(registry.integrations),
        "problems": [asdict(p) for p in registry.problems],
    }


def _read(file: Path, eps: list[list[str | None]]) -> Registry | None:
    """The cached registry, or None when there is none, it is stale, or it is unreadable."""
    try:
        digest, _, body = file.read_bytes().partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != digest:
            return None
        doc = marshal.loads(body)
        if type(doc) is not dict or doc["format"] != FORMAT or doc["entryPoints"] != eps:
            return None
        if any(_stat(p) != s for p, s in doc["stats"].items()):
            return None
        sources = [
            ProviderSource(name=n, file=f, module=m, health_checks=_LazyChecks(f, m))
            for n, f, m in doc["sources"]
        ]
        registry = Registry()
        for at, raw in doc["bundles"]:
            bundle = load(IntegrationBundle, raw)
            registry.bundles[bundle.id] = bundle
            registry.sources[bundle.id] = sources[at]
        for at, raw in doc["integrations"]:
            item = load(IntegrationDefinition, raw)
            registry.integrations[item.id] = item
            registry.sources[item.id] = sources[at]
        registry.problems = [Problem(**p) for p in doc["problems"]]
        return registry
    except Exception:  # missing, half-written by a crash, edited by hand: discover instead
        return None


def _write(file: Path, doc: dict) -> None:
    """Whole or not at all: a private temporary file renamed over the old one."""
    for folder in (file.parent.parent, file.parent):  # the data dir and its cache: 0700
        folder.mkdir(mode=0o700, exist_ok=True)
    body = marshal.dumps(doc)
    fd, tmp = tempfile.mkstemp(prefix=".registry-", suffix=".tmp", dir=file.parent)  # 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        os.replace(tmp, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _tidy(cache_dir: Path, kept: Path) -> None:
    """Called after a write (rare: only when discovery ran): cache files of other providers
    paths or of an older format not written for UNUSED_DAYS, and temporary files a crash left
    more than an hour ago, are removed, so a data dir used with many paths does not grow
    without end. A file still in use but untouched that long costs one discovery."""
    now = time.time()
    for other in cache_dir.glob("*registry-*"):
        if other == kept:
            continue
        with contextlib.suppress(OSError):
            age = now - other.stat().st_mtime
            temporary = other.name.startswith(".registry-") and other.suffix == ".tmp"
            if age > (3600 if temporary else UNUSED_DAYS * 86400):
                other.unlink()


class _LazyChecks(Mapping[str, Any]):
    """A provider's `health_checks`, imported on first use (a cached registry imports no
    provider until a check is run or resolved)."""

    def __init__(self, file: str, module: str | None) -> None:
        self._file, self._module = file, module
        self._checks: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._checks is None:
            import importlib

            from mercato_int.registry.discovery import import_folder

            try:
                if self._module:
                    found = importlib.import_module(self._module)
                else:
                    found = import_folder(Path(self._file).parent.resolve())
                checks = getattr(found, "health_checks", None) or {}
            except Exception:  # changed since it was cached: the check will not resolve
                checks = {}
            self._checks = dict(checks) if isinstance(checks, dict) else {}
        return self._checks

    def __getitem__(self, key: str) -> Any:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())
