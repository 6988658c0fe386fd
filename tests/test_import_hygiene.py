"""What gets imported: `--help` stays light, `list` skips the heavy parts, the core never
imports a front end. Each check runs in a fresh interpreter and inspects `sys.modules`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# DESIGN.md / the issue: none of these for `--help` (nor for `list`)
NEVER_FOR_HELP = {"textual", "alembic", "cryptography", "keyring"}
# `--help` loads neither the store nor the registry nor Rich (start-up budget: see
# benchmarks/startup.py); `list` needs the store but not the ORM (services/state/reads.py),
# nor on SQLite the Postgres dialect (store/dialect_options.py).
NOT_FOR_HELP_EITHER = {"sqlalchemy", "sqlmodel", "pydantic", "rich", "platformdirs", "httpx"}
NEVER_FOR_LIST = NEVER_FOR_HELP | {"sqlmodel", "sqlalchemy.orm", "httpx"}
NEVER_FOR_LIST |= {"sqlalchemy.dialects.postgresql"}
# Core packages (and everything under them, including modules added later) must not
# import a front end.
CORE = ["registry", "store", "services", "keys", "crypto", "settings", "scope", "errors", "bundled"]
FRONT_ENDS = {"typer", "click", "rich", "textual"}

_RUN_COMMAND = """
import json, runpy, sys
out = sys.argv[1]
sys.argv = ["mercato-int", *sys.argv[2:]]
try:
    runpy.run_module("mercato_int", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(out, "w") as fh:
    json.dump({"code": code, "modules": sorted(sys.modules)}, fh)
"""


def _modules_after(tmp_path: Path, *args: str, home: bool = True) -> set[str]:
    out = tmp_path / "modules.json"
    env = os.environ.copy()
    if not home:  # the platform's user dirs (the isolation fixture points XDG_* into tmp)
        env.pop("MERCATO_INT_HOME")
    proc = subprocess.run(
        [sys.executable, "-c", _RUN_COMMAND, str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    data = json.loads(out.read_text())
    assert data["code"] in (0, None), proc.stderr
    return set(data["modules"])


def _loaded(modules: set[str], names: set[str]) -> set[str]:
    return {n for n in names if n in modules or any(m.startswith(n + ".") for m in modules)}


@pytest.mark.parametrize("home", [True, False], ids=["MERCATO_INT_HOME", "user-dirs"])
def test_help_imports_nothing_heavy(tmp_path: Path, home: bool) -> None:
    modules = _modules_after(tmp_path, "--help", home=home)
    assert "mercato_int.cli.app" in modules  # it really ran
    assert _loaded(modules, NEVER_FOR_HELP) == set()
    assert _loaded(modules, NOT_FOR_HELP_EITHER) == set()


@pytest.mark.parametrize("args", [["list"], ["list", "--json"]])
def test_list_on_a_current_store_skips_alembic_and_the_orm(tmp_path: Path, args) -> None:
    _modules_after(tmp_path, "list", "--json")  # first use creates and migrates the store
    modules = _modules_after(tmp_path, *args)
    assert "mercato_int.services.state.marketplace" in modules
    assert _loaded(modules, NEVER_FOR_LIST) == set()


def _core_modules() -> list[str]:
    import pkgutil

    import mercato_int

    root = Path(mercato_int.__file__).parent
    found = []
    for name in CORE:
        if (root / f"{name}.py").is_file():
            found.append(f"mercato_int.{name}")
        elif (root / name / "__init__.py").is_file():
            found.append(f"mercato_int.{name}")
            found += [
                m.name
                for m in pkgutil.walk_packages([str(root / name)], prefix=f"mercato_int.{name}.")
            ]
    return sorted(found)


_IMPORT_CORE = """
import importlib, importlib.abc, json, sys

FORBIDDEN = set(sys.argv[2].split(","))

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in FORBIDDEN:
            raise ImportError(f"core imported front-end module {name!r}")
        return None

sys.meta_path.insert(0, Blocker())
failures = {}
for module in sys.argv[3:]:
    try:
        importlib.import_module(module)
    except Exception as exc:
        failures[module] = f"{type(exc).__name__}: {exc}"
with open(sys.argv[1], "w") as fh:
    json.dump({"failures": failures, "modules": sorted(sys.modules)}, fh)
"""


def test_core_packages_import_no_front_end(tmp_path: Path) -> None:
    modules = _core_modules()
    assert {"mercato_int.registry.discovery", "mercato_int.store.engine"} <= set(modules)
    assert "mercato_int.services.state.marketplace" in modules
    out = tmp_path / "core.json"
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_CORE, str(out), ",".join(sorted(FRONT_ENDS)), *modules],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert data["failures"] == {}
    assert _loaded(set(data["modules"]), FRONT_ENDS) == set()
    assert set(modules) <= set(data["modules"])
