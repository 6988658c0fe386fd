"""The Postgres policy of the test suite: skipped when the server is unreachable, a failure
under CI=true (so CI can never go green without having reached Postgres)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
A_POSTGRES_TEST = "tests/store/test_tables.py::test_the_postgres_tests_reach_a_real_server"


@pytest.mark.parametrize(("ci", "code", "says"), [("true", 1, "CI=true"), ("", 0, "1 skipped")])
def test_unreachable_postgres(ci: str, code: int, says: str) -> None:
    env = {
        **os.environ,
        "CI": ci,
        "MERCATO_INT_TEST_PG_URL": "postgresql+psycopg://postgres@127.0.0.1:1/test",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            A_POSTGRES_TEST,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == code, proc.stdout
    assert says in proc.stdout
