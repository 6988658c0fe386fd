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


# --- field keys, settings, contexts, tenant ids ----------------------------------------------
@needs_bash
def test_creds_set_completes_the_field_keys_not_given_yet() -> None:
    assert bash_complete(["mercato-int", "creds", "set", "gateway_stripe", "sec"]) == ["secretKey="]
    offered = bash_complete(
        ["mercato-int", "creds", "set", "gateway_stripe", "publishableKey=pk", ""]
    )
    assert "publishableKey=" not in offered
    assert {"secretKey=", "webhookSecret="} <= set(offered)
    # a bundle's own form; an unknown id offers nothing
    assert bash_complete(["mercato-int", "creds", "set", "sync_medusa", ""]) == [
        "medusaApiUrl=",
        "medusaApiKey=",
        "medusaWebhookSecret=",
    ]
    assert bash_complete(["mercato-int", "creds", "set", "nope", ""]) == []


@needs_bash
@pytest.mark.parametrize("command", ["get", "set", "unset"])
def test_settings_complete_their_keys(command: str) -> None:
    assert bash_complete(["mercato-int", "settings", command, ""]) == [
        "log.error_retention_days",
        "log.retention_days",
    ]
    assert bash_complete(["mercato-int", "settings", command, "log.r"]) == ["log.retention_days"]


@needs_bash
def test_contexts_complete_from_the_config_file(isolation: Path) -> None:
    (isolation / "config.toml").write_text(
        '[contexts.prod]\ntenant = "acme"\n\n[contexts.staging]\ntenant = "stg"\n'
    )
    assert bash_complete(["mercato-int", "context", "use", ""]) == ["prod", "staging"]
    assert bash_complete(["mercato-int", "context", "remove", "st"]) == ["staging"]
    assert bash_complete(["mercato-int", "--context", "p"]) == ["prod"]
    (isolation / "config.toml").write_text("not toml [")
    assert bash_complete(["mercato-int", "context", "use", ""]) == []


@needs_bash
def test_tenant_ids_complete_from_the_store(cli, db_url: str, isolation: Path) -> None:
    for tenant in ("acme_a", "acme_b"):
        assert cli("--tenant", tenant, "enable", "gateway_stripe").exit_code == 0
    assert cli("--tenant", "beta", "settings", "set", "log.retention_days", "7").exit_code == 0
    assert bash_complete(["mercato-int", "--tenant", ""]) == ["acme_a", "acme_b", "beta"]
    assert bash_complete(["mercato-int", "--tenant", "acme_"]) == ["acme_a", "acme_b"]
    # the store named before it on the command line, or by the context
    (isolation / "config.toml").write_text(f'[contexts.prod]\ndatabase_url = "{db_url}"\n')
    env = {"MERCATO_INT_DATABASE_URL": ""}
    assert bash_complete(["mercato-int", "--context", "prod", "--tenant", "b"], env) == ["beta"]
    assert bash_complete(["mercato-int", "--db", db_url, "--tenant", "b"], env) == ["beta"]


@needs_bash
def test_tenant_ids_complete_nothing_quietly_when_there_is_no_store(tmp_path: Path) -> None:
    absent = tmp_path / "absent.db"
    words = ["mercato-int", "--db", f"sqlite:///{absent}", "--tenant", ""]
    assert bash_complete(words) == []
    assert not absent.exists()  # never created (nor migrated) to complete a word
    unreachable = ["mercato-int", "--db", "postgresql://u@127.0.0.1:1/x", "--tenant", ""]
    assert bash_complete(unreachable) == []
