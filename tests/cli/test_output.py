"""Where output goes and how questions are asked (cli/output.py): values never cut or wrapped
off a terminal (issue 10, item 11); confirmations need a terminal, else exit 2 "use --yes", and
`creds set --prompt` insists on required fields and stops cleanly on Ctrl-D (item 10)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = str(Path(sys.executable).parent / "mercato-int")
LONG_ID = "crm_" + "long_identifier_" * 3 + "end"  # 55 of the 64 allowed
LONG_URL = "https://docs.example.com/" + "/".join(f"section-{n}" for n in range(12)) + "?q=1"
PROVIDER = f"""
integration = {{
    'id': '{LONG_ID}',
    'title': 'A title that is long enough to need wrapping on any narrow terminal',
    'category': 'crm',
    'docsUrl': '{LONG_URL}',
    'description': 'word ' * 40,
    'credentials': {{'fields': [
        {{'key': 'apiKey', 'label': 'API key', 'type': 'secret', 'required': True}},
        {{'key': 'region', 'label': 'Region', 'type': 'text', 'required': True}},
        {{'key': 'note', 'label': 'Note', 'type': 'text'}},
    ]}},
}}
"""


def run_script(args: list[str], db_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, its stdout a pipe (as in `mercato-int list | cat`)."""
    full_env = {**os.environ, "MERCATO_INT_DATABASE_URL": db_url, **env}
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, env=full_env, timeout=60, check=False
    )


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_a_pipe_gets_every_value_whole_whatever_columns_says(providers_dir, db_url, lang) -> None:
    providers_dir({"longone": PROVIDER})
    for args in (["list"], ["show", LONG_ID], ["list", "--category", "crm"]):
        run = run_script(["--lang", lang, *args], db_url, COLUMNS="40")
        assert run.returncode == 0, run.stderr
        lines = run.stdout.splitlines()
        assert any(LONG_ID in line for line in lines), run.stdout
        if args[0] == "show":
            assert any(line.split()[-1:] == [LONG_URL] for line in lines)
            assert any(line.endswith("word") and line.count("word") == 40 for line in lines)
    # the title is one line too: nothing wrapped at 40 (or 80) columns
    listing = run_script(["list"], db_url, COLUMNS="40").stdout
    assert "A title that is long enough to need wrapping on any narrow terminal" in listing


def test_a_terminal_still_gets_its_width(providers_dir, db_url) -> None:
    providers_dir({"longone": PROVIDER})
    run = run_script(["list"], db_url, COLUMNS="60", TTY_COMPATIBLE="1", NO_COLOR="1")
    assert run.returncode == 0
    import re

    plain = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout)
    assert max(len(line) for line in plain.splitlines()) <= 60


# --- confirmations ---------------------------------------------------------------------------
def ask_on_a_terminal(args: list[str], db_url: str, answer: bytes) -> tuple[int, str]:
    """Run the console script with a real pseudo-terminal on stdin and stderr, answer its
    question with `answer`, and return (exit code, everything it wrote there)."""
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["MERCATO_INT_DATABASE_URL"] = db_url
    proc = subprocess.Popen(
        [SCRIPT, *args], stdin=slave, stdout=subprocess.PIPE, stderr=slave, env=env
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 30
    while b"[y/N]" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            seen += os.read(master, 4096)
    os.write(master, answer)
    code = proc.wait(timeout=30)
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    import re

    return code, re.sub(r"\x1b\[[0-9;]*m", "", seen.decode(errors="replace"))


STRIPE = ["publishableKey=pk_1", "secretKey=sk_test_123456", "webhookSecret=whsec_1"]


def test_unset_asks_on_a_terminal_and_no_keeps_the_credentials(cli, db_url) -> None:
    cli("creds", "set", "gateway_stripe", *STRIPE)
    code, text = ask_on_a_terminal(["creds", "unset", "gateway_stripe"], db_url, b"n\n")
    assert code == 1
    assert "Remove the credentials of gateway_stripe in tenant default · org default? [y/N]" in text
    assert "Nothing removed." in text
    assert cli("creds", "get", "gateway_stripe", "--json").json()["source"] == "own"
    code, text = ask_on_a_terminal(
        ["--lang", "pl", "creds", "unset", "gateway_stripe"], db_url, b"y\n"
    )
    assert code == 0
    assert "Usunąć dane uwierzytelniające gateway_stripe w tenant default" in text
    assert cli("creds", "get", "gateway_stripe", "--json").json()["source"] == "none"


def test_ctrl_d_at_a_question_is_an_interrupt(cli, db_url) -> None:
    cli("creds", "set", "gateway_stripe", *STRIPE)
    code, text = ask_on_a_terminal(["creds", "unset", "gateway_stripe"], db_url, b"\x04")
    assert code == 130
    assert "? [y/N]:\r\nerror: interrupted" in text  # on a line of its own
    assert cli("creds", "get", "gateway_stripe", "--json").json()["source"] == "own"


@pytest.mark.parametrize(
    "args",
    [["creds", "unset", "gateway_stripe"], ["keys", "rotate"], ["keys", "drop", "abc"]],
)
def test_without_a_terminal_every_confirmation_says_use_yes(cli, args: list[str]) -> None:
    cli("creds", "set", "gateway_stripe", *STRIPE)
    run = cli(*args, input="y\n")
    assert (run.exit_code, run.stdout) == (2, "")
    command = "mercato-int " + " ".join(args[:2])
    assert run.stderr == (
        f"error: {command} asks for confirmation, and there is no terminal to ask at: use --yes\n"
    )
    assert cli("creds", "get", "gateway_stripe", "--json").json()["source"] == "own"


def test_ci_true_counts_as_no_terminal_even_on_one(cli, db_url, monkeypatch) -> None:
    from mercato_int.cli.output import can_prompt

    monkeypatch.setenv("CI", "true")
    assert can_prompt() is False


# --- creds set --prompt ----------------------------------------------------------------------
def test_prompt_insists_on_a_required_field_then_saves(cli, providers_dir) -> None:
    providers_dir({"longone": PROVIDER})
    # apiKey: empty, then a value; region: empty twice, then a value; note: left empty
    run = cli("creds", "set", LONG_ID, "--prompt", input="\nkey_123456\n\n\neu-west\n\n")
    assert run.exit_code == 0, run.stderr
    required = [line for line in run.stderr.splitlines() if "is required" in line]
    assert [line.split(":")[-2].split()[-3] for line in required] == ["apiKey", "region", "region"]
    assert "apiKey is required: type a value (Ctrl-D stops, nothing is saved)" in run.stderr
    assert f"Saved credentials of {LONG_ID} (apiKey, region changed)" in run.stdout


def test_prompt_ctrl_d_stops_and_writes_nothing(cli, providers_dir) -> None:
    providers_dir({"longone": PROVIDER})
    run = cli("creds", "set", LONG_ID, "--prompt", input="key_123456\n")  # EOF at region
    assert run.exit_code == 130
    assert run.stderr.endswith("error: interrupted\n")
    assert cli("creds", "get", LONG_ID, "--json").json()["source"] == "none"
    polish = cli("--lang", "pl", "creds", "set", LONG_ID, "--prompt", input="\n")
    assert polish.exit_code == 130
    assert "apiKey jest wymagane: wpisz wartość" in polish.stderr
