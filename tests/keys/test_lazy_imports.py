from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = (
    "import sys\n"
    "from mercato_int.cli.app import app\n"
    "try:\n"
    "    app(sys.argv[1:], prog_name='mercato-int')\n"
    "except SystemExit:\n"
    "    pass\n"
    "print(sorted(m for m in ('cryptography', 'keyring') if m in sys.modules))\n"
)


@pytest.mark.parametrize("args", [["--help"], ["list"], ["creds", "--help"], ["keys", "--help"]])
def test_help_and_list_load_neither_cryptography_nor_keyring(args, tmp_path) -> None:
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=True
    )
    assert run.stdout.splitlines()[-1] == "[]"
