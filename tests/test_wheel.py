"""The wheel: built from this checkout, installed non-editable into a fresh venv, run from
another directory, it still finds its bundled providers and its migrations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROVIDERS = sorted(
    p.name for p in (REPO / "providers").iterdir() if (p / "integration.py").is_file()
)


def _sh(*args: str | Path, **kwargs) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, **kwargs
    )
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    # no build isolation: hatchling comes with the test extra, so this needs no network
    _sh(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--quiet", "-w", out, REPO,
    )  # fmt: skip
    (built,) = out.glob("mercato_int-*.whl")
    return built


def test_the_wheel_carries_providers_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for provider in PROVIDERS:
        assert f"mercato_int/_bundled_providers/{provider}/integration.py" in names
    assert "mercato_int/store/migrations/env.py" in names
    assert "mercato_int/store/migrations/script.py.mako" in names
    assert "mercato_int/store/migrations/versions/0001_initial.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    # the gettext catalogues, compiled by the build hook; their sources stay in the sdist
    for catalogue in ("en/LC_MESSAGES/mercato_int", "pl/LC_MESSAGES/mercato_int",
                      "pl/LC_MESSAGES/cli_help"):  # fmt: skip
        assert f"mercato_int/locale/{catalogue}.mo" in names
    assert not [n for n in names if n.endswith((".po", ".pot"))]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[mercato_int.providers]\nbuiltin = mercato_int.bundled:provider_dirs" in text
    assert "mercato-int = mercato_int.cli.entry:main" in text


def test_installed_from_the_wheel_it_works_anywhere(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _sh(sys.executable, "-m", "venv", "--without-pip", venv)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    _sh(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", wheel)
    # Dependencies come from the test venv (after the new venv's own site-packages, so the
    # installed wheel wins over this checkout).
    site = Path(
        _sh(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "MERCATO_INT_HOME": str(tmp_path / "home")}
    env.pop("MERCATO_INT_PROVIDERS_PATH", None)
    env.pop("MERCATO_INT_DATABASE_URL", None)
    run = _sh(bin_dir / "mercato-int", "list", "--json", cwd=elsewhere, env=env)
    data = json.loads(run.stdout)
    assert data["total"] == 7
    assert {i["id"] for i in data["items"]} == {
        "gateway_stripe",
        "carrier_dhl",
        "sync_medusa_products",
        "sync_medusa_customers",
        "sync_medusa_orders",
        "sync_medusa_inventory",
        "sync_medusa_webhooks",
    }
    assert run.stderr == ""
    # the providers are the wheel's own copies, not this checkout's
    shown = _sh(bin_dir / "mercato-int", "show", "gateway_stripe", cwd=elsewhere, env=env).stdout
    packed = site / "mercato_int" / "_bundled_providers" / "gateway_stripe" / "integration.py"
    assert f"provider file  {packed.resolve()}" in shown
    # the migrations shipped too: the default SQLite store was created at head
    current = _sh(bin_dir / "mercato-int", "db", "current", cwd=elsewhere, env=env).stdout
    assert "up to date" in current
    # the compiled catalogues are found where the wheel put them (nothing compiled at run time)
    polish = _sh(bin_dir / "mercato-int", "--lang", "pl", "db", "current", cwd=elsewhere, env=env)
    assert "aktualn" in polish.stdout, polish.stdout
    page = _sh(bin_dir / "mercato-int", "--lang", "pl", "list", "--help", cwd=elsewhere, env=env)
    assert page.stdout.startswith("Użycie: mercato-int list [OPCJE]")
    assert "Pokaż tę pomoc i zakończ." in page.stdout
    assert not list((site / "mercato_int" / "locale").rglob("*.po"))
