"""The discovery cache: a second run reads the registry back without importing a provider;
any change to a provider file, folder or the set of providers makes it discover again; a
corrupt cache is ignored and rewritten; the file is private."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from mercato_int.registry.cache import discover_cached
from mercato_int.registry.discovery import discover


def _forget_providers() -> None:
    """Each run as in a new process: discovery imports a provider once per process."""
    for name in [m for m in sys.modules if m.startswith("mercato_int_provider_")]:
        del sys.modules[name]


def _provider(marker: Path, some_id: str, title: str, extra: str = "") -> str:
    # writes a line to `marker` whenever it is imported: what shows that discovery ran
    return (
        "from pathlib import Path\n"
        f"with open({str(marker)!r}, 'a') as fh:\n"
        f"    fh.write({some_id!r} + '\\n')\n"
        f"integration = {{'id': {some_id!r}, 'title': {title!r}, 'category': 'payment'}}\n" + extra
    )


@pytest.fixture
def setup(tmp_path: Path, providers_dir):
    marker = tmp_path / "imports.txt"
    root = providers_dir(
        {
            "alpha": _provider(marker, "alpha_one", "Alpha"),
            "beta": _provider(marker, "beta_one", "Beta"),
        }
    )
    cache = tmp_path / "data" / "cache"

    def run() -> tuple[dict[str, str], list[str]]:
        """(id -> title of the registry, the providers imported by this run)"""
        marker.unlink(missing_ok=True)
        _forget_providers()
        registry = discover_cached([root], cache_dir=cache, racy_seconds=0)
        imported = marker.read_text().split() if marker.exists() else []
        titles = {i: d.title for i, d in registry.integrations.items()}
        return titles, sorted(imported)

    return root, cache, run


def _same(registry_titles: dict[str, str], root: Path) -> bool:
    _forget_providers()
    fresh = discover([root])
    return registry_titles == {i: d.title for i, d in fresh.integrations.items()}


def test_a_second_run_imports_no_provider(setup) -> None:
    _root, cache, run = setup
    first, imported = run()
    assert imported == ["alpha_one", "beta_one"]
    assert first["alpha_one"] == "Alpha" and "gateway_stripe" in first
    second, imported = run()
    assert imported == []
    assert second == first
    assert list(second) == list(first)  # the same order
    (file,) = cache.glob("registry-*.marshal")
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


@pytest.mark.parametrize("change", ["touch", "same_size_edit", "add", "remove", "helper_file"])
def test_any_change_discovers_again(setup, change: str) -> None:
    root, _cache, run = setup
    run()
    assert run()[1] == []  # cached
    marker = root.parent / "imports.txt"
    alpha = root / "alpha" / "integration.py"
    if change == "touch":
        st = alpha.stat()
        os.utime(alpha, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    elif change == "same_size_edit":
        alpha.write_text(alpha.read_text().replace("'Alpha'", "'Alfa!'"))
    elif change == "add":
        (root / "gamma").mkdir()
        (root / "gamma" / "integration.py").write_text(_provider(marker, "gamma_one", "Gamma"))
    elif change == "remove":
        (root / "beta" / "integration.py").unlink()
    elif change == "helper_file":
        (root / "alpha" / "helpers.py").write_text("X = 1\n")
    titles, imported = run()
    assert imported, "discovery did not run again"
    assert _same(titles, root)
    if change == "same_size_edit":
        assert titles["alpha_one"] == "Alfa!"
    if change == "add":
        assert titles["gamma_one"] == "Gamma"
    if change == "remove":
        assert "beta_one" not in titles
    assert run()[1] == []  # and cached again


@pytest.mark.parametrize(
    "garbage", [b"", b"{not json", b'{"format": 1}', b"\x00\xff" * 10, b"x\n" + b"\xfb" * 9]
)
def test_a_corrupt_cache_is_ignored_and_rebuilt(setup, garbage: bytes) -> None:
    _root, cache, run = setup
    first, _ = run()
    (file,) = cache.glob("registry-*.marshal")
    file.write_bytes(garbage)
    again, imported = run()
    assert imported == ["alpha_one", "beta_one"]
    assert again == first
    assert run()[1] == []  # rewritten whole


@pytest.mark.parametrize("document", [[1, 2], {"format": 2}, {"format": 3}, "text"])
def test_a_checksummed_file_that_is_no_registry_is_ignored(setup, document) -> None:
    """The checksum matches, the body is `marshal`'s, but not a registry of this format."""
    import hashlib
    import marshal

    _root, cache, run = setup
    first, _ = run()
    (file,) = cache.glob("registry-*.marshal")
    body = marshal.dumps(document)
    file.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    again, imported = run()
    assert imported == ["alpha_one", "beta_one"]
    assert again == first
    assert run()[1] == []


def test_files_changed_just_now_are_not_cached(tmp_path: Path, providers_dir) -> None:
    root = providers_dir({"alpha": _provider(tmp_path / "m", "alpha_one", "Alpha")})
    discover_cached([root], cache_dir=tmp_path / "cache")  # default: the last 2 s are racy
    assert not list((tmp_path / "cache").glob("registry-*.marshal"))


def test_health_checks_of_a_cached_registry_import_their_provider(setup) -> None:
    root, cache, run = setup
    extra = (
        "integration['healthCheck'] = {'service': 'ping'}\n"
        "def ping(credentials, **kw):\n    return {'status': 'healthy'}\n"
        "health_checks = {'ping': ping}\n"
    )
    marker = root.parent / "imports.txt"
    (root / "alpha" / "integration.py").write_text(_provider(marker, "alpha_one", "A", extra))
    run()
    registry = discover_cached([root], cache_dir=cache, racy_seconds=0)
    marker.unlink(missing_ok=True)
    _forget_providers()
    registry = discover_cached([root], cache_dir=cache, racy_seconds=0)
    assert not marker.exists()  # read from the cache
    check = registry.resolve_health_check("alpha_one")
    assert callable(check) and check.__name__ == "ping"
    assert marker.read_text().split() == ["alpha_one"]  # imported now, for the check


def test_problems_are_kept(tmp_path: Path, providers_dir) -> None:
    root = providers_dir({"broken": "integration = {'id': 'Bad Id', 'title': 'x'}\n"})
    first = discover_cached([root], cache_dir=tmp_path / "c", racy_seconds=0)
    second = discover_cached([root], cache_dir=tmp_path / "c", racy_seconds=0)
    assert first.problems and second.problems == first.problems


def test_the_cached_definitions_are_the_validated_ones(setup) -> None:
    """Read back without validation (registry/trusted.py): every model, nested ones and
    their defaults included, equals what discovery validated."""
    root, cache, run = setup
    run()
    _forget_providers()
    cached = discover_cached([root], cache_dir=cache, racy_seconds=0)
    _forget_providers()
    fresh = discover([root])
    assert list(cached.integrations) == list(fresh.integrations)
    assert cached.integrations == fresh.integrations and cached.bundles == fresh.bundles
    dhl = cached.integrations["carrier_dhl"]  # select options, a health check, tags
    assert dhl.model_dump() == fresh.integrations["carrier_dhl"].model_dump()
    # in the same order too (`list --json` prints them so)
    assert list(dhl.model_dump()) == list(fresh.integrations["carrier_dhl"].model_dump())
    assert isinstance(dhl.tags, tuple) and isinstance(dhl.credentials.fields, tuple)
    assert hash(dhl) == hash(fresh.integrations["carrier_dhl"])


def _rewrite(file: Path, edit, *, checksum: bool) -> None:
    """`edit` applied to the first integration's row in the cache; its checksum made to
    match again or not."""
    import hashlib
    import marshal

    _digest, _, body = file.read_bytes().partition(b"\n")
    doc = marshal.loads(body)
    at, row = doc["integrations"][0]
    doc["integrations"][0] = [at, edit(list(row))]
    new = marshal.dumps(doc)
    digest = hashlib.sha256(new if checksum else body).hexdigest().encode()
    file.write_bytes(digest + b"\n" + new)


def _at(name: str) -> int:
    """A field's place in a cached row (the model's field order)."""
    from mercato_int.registry.models import IntegrationDefinition

    return list(IntegrationDefinition.model_fields).index(name)


def _retitle(row: list) -> object:
    row[_at("title")] = "Edited"
    return tuple(row)


def _a_field_too_many(row: list) -> object:
    return (*row, 1)


def _a_field_missing(row: list) -> object:
    return tuple(row[:-1])


def _tags_not_a_tuple(row: list) -> object:
    row[_at("tags")] = {"a": 1}
    return tuple(row)


def _credentials_not_a_row(row: list) -> object:
    row[_at("credentials")] = ["x"]
    return tuple(row)


def _not_a_row(row: list) -> object:
    return {"id": row[_at("id")], "title": "Alpha", "category": "payment"}


@pytest.mark.parametrize(
    ("edit", "checksum"),
    [
        (_retitle, False),  # edited or damaged since written: the checksum no longer matches
        (_a_field_too_many, True),  # the wrong shape under a matching checksum
        (_a_field_missing, True),
        (_tags_not_a_tuple, True),
        (_credentials_not_a_row, True),
        (_not_a_row, True),
    ],
)
def test_a_cache_edited_or_of_the_wrong_shape_is_rebuilt(setup, edit, checksum: bool) -> None:
    _root, cache, run = setup
    first, _ = run()
    (file,) = cache.glob("registry-*.marshal")
    _rewrite(file, edit, checksum=checksum)
    again, imported = run()
    assert imported == ["alpha_one", "beta_one"]  # discovered, not read
    assert again == first and "Edited" not in again.values()
    assert run()[1] == []  # rewritten whole


def test_a_change_to_the_validating_code_discovers_again(
    setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editable install keeps its version number while its validators change: the cache is
    keyed by the stat of the registry's own code too, so it does not trust old definitions."""
    from mercato_int.registry import cache as cache_module

    _root, _cache, run = setup
    code = tmp_path / "models.py"
    code.write_text("# the validators\n")
    # an absolute name replaces the package folder in os.path.join
    monkeypatch.setattr(cache_module, "_OWN_CODE", (str(code),))
    run()
    assert run()[1] == []  # cached
    code.write_text("# the validators, stricter now\n")
    assert run()[1] == ["alpha_one", "beta_one"]
    assert run()[1] == []


def test_a_write_removes_other_cache_files_unused_for_a_month(setup) -> None:
    """Other paths' and older formats' files not written for 30 days, and a crash's temporary
    file older than an hour, go on the next write; recent ones and the file in use stay."""
    import time

    _root, cache, run = setup
    run()
    (current,) = cache.glob("registry-*.marshal")
    month_old = time.time() - 31 * 86400
    old_other = cache / "registry-0123456789abcdef.json"  # another path, or format 2
    recent_other = cache / "registry-fedcba9876543210.json"
    old_tmp = cache / ".registry-abc.tmp"
    new_tmp = cache / ".registry-def.tmp"
    for file in (old_other, recent_other, old_tmp, new_tmp):
        file.write_text("{}")
    os.utime(old_other, (month_old, month_old))
    os.utime(old_tmp, (time.time() - 7200, time.time() - 7200))
    os.utime(current, (month_old, month_old))  # in use: read, never rewritten
    run()  # read from the cache: nothing written, nothing removed
    assert old_other.exists() and old_tmp.exists()
    current.unlink()  # the next run discovers and writes
    run()
    assert not old_other.exists() and not old_tmp.exists()
    assert recent_other.exists() and new_tmp.exists() and current.exists()


def test_the_metadata_headers_are_the_distributions_own() -> None:
    """The entry points' distributions are named by their metadata's headers only (its body,
    the long description, is not parsed): the same Name and Version as `dist.metadata`, for
    every installed distribution."""
    from importlib.metadata import distributions

    from mercato_int.registry.cache import _metadata_head

    seen = 0
    for dist in distributions():
        head = _metadata_head(dist)
        assert (head.get("Name"), head.get("Version")) == (dist.metadata["Name"], dist.version)
        seen += 1
    assert seen > 10
