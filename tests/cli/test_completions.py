"""Shell completion: the checked-in scripts are current, and real bash completes from the
registry through them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mercato_int.cli import completions

REPO = Path(__file__).resolve().parents[2]
CHECKED_IN = REPO / "completions"


def test_checked_in_completions_are_current(tmp_path: Path) -> None:
    for path, text in completions.generate(CHECKED_IN).items():
        assert path.is_file(), f"{path} is missing: run `python -m mercato_int.cli.completions`"
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is stale: run `python -m mercato_int.cli.completions` and commit it"
        )


def test_check_mode_fails_on_a_stale_script(tmp_path: Path, capsys) -> None:
    assert completions.main([str(tmp_path)]) == 0  # writes them
    assert completions.main(["--check", str(tmp_path)]) == 0
    bash = tmp_path / "mercato-int.bash"
    bash.write_text(bash.read_text().replace("#   validate --json\n", ""))
    assert completions.main(["--check", str(tmp_path)]) == 1
    assert f"stale: {bash}" in capsys.readouterr().err


def test_every_command_is_listed_in_the_header() -> None:
    text = (CHECKED_IN / "mercato-int.bash").read_text()
    assert "#   show ID* --json\n" in text
    assert (
        "#   list --category* --search --bundle* --enabled/--disabled --health-status* --sort* "
        "--desc --all-tenants --tenant-filter --page --json\n"
    ) in text
    assert "#   tenants --tenant-filter --json\n" in text
    assert "#   scaffold NAME " in text


def bash_complete(words: list[str], env: dict[str, str] | None = None) -> list[str]:
    """What real bash offers for `words` (the last one is being typed), through the
    checked-in script and the COMP_WORDS/_MERCATO_INT_COMPLETE protocol."""
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "mercato-int").exists(), "install the package: pip install -e ."
    quoted = " ".join(f"'{w}'" for w in words)
    script = (
        f"source '{CHECKED_IN / 'mercato-int.bash'}'\n"
        f"COMP_WORDS=({quoted})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_mercato_int_completion mercato-int\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {}), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


@needs_bash
def test_bash_completes_commands() -> None:
    assert bash_complete(["mercato-int", "va"]) == ["validate"]


@needs_bash
def test_bash_completes_ids_from_the_registry_including_extra_providers(providers_dir) -> None:
    providers_dir(
        {
            "crm_acme": (
                "integration = {'id': 'crm_acme', 'title': 'Acme', 'category': 'crm_tools'}\n"
            )
        }
    )
    assert bash_complete(["mercato-int", "show", "sync_medusa_"]) == [
        "sync_medusa_customers",
        "sync_medusa_inventory",
        "sync_medusa_orders",
        "sync_medusa_products",
        "sync_medusa_webhooks",
    ]
    assert bash_complete(["mercato-int", "show", "crm"]) == ["crm_acme"]
    assert "crm_tools" in bash_complete(["mercato-int", "list", "--category", ""])
    assert bash_complete(["mercato-int", "list", "--bundle", ""]) == ["sync_medusa"]


@needs_bash
def test_creds_get_tab_completes_ids_in_bash() -> None:
    offered = bash_complete(["mercato-int", "creds", "get", ""])
    assert "gateway_stripe" in offered
    assert "sync_medusa" in offered
    assert bash_complete(["mercato-int", "creds", "get", "carr"]) == ["carrier_dhl"]


@needs_bash
def test_bash_completes_ids_and_levels_of_other_commands() -> None:
    assert bash_complete(["mercato-int", "enable", "sync_medusa_p"]) == ["sync_medusa_products"]
    assert bash_complete(["mercato-int", "logs", "show", "--level", "w"]) == ["warning"]
    assert bash_complete(["mercato-int", "acl", "grant", "bob", "integrations.c"]) == [
        "integrations.credentials"
    ]
