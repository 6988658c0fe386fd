"""`health --all-tenants --processes N`: what a check writes to its process's stdout (print(),
a C library, a program it starts) is not the worker's report: it neither corrupts the JSON lines
the worker streams back nor costs the worker's tenants; and a program a check leaves running
does not keep the command waiting for a worker that is gone."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import pytest

from ...conftest import enable_with_token, probe_provider

SECRET = "tok_SHARD_OUTPUT_5151"
TENANTS = [f"t{n}" for n in range(6)]  # t0-t2 here, t3-t5 in the worker

PROBE = probe_provider(
    "probe_chatty",
    """
import os
import subprocess
import sys


def probe(credentials, ctx):
    tenant = ctx.scope.tenant_id
    in_worker = os.getpid() != int(os.environ["PROBE_PARENT_PID"])
    mode = os.environ.get("PROBE_MODE", "")
    if in_worker and mode == "print":
        print("checking", tenant)  # a provider's debugging left in
        sys.stdout.write("no newline here")
        sys.stdout.flush()
        os.write(1, b"straight to the descriptor ")
    if in_worker and mode == "daemon" and tenant == "t4":
        # a helper program left running (it inherits the worker's descriptors), then the
        # worker dies
        helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        with open(os.environ["PROBE_HELPER_PID"], "w") as f:
            f.write(str(helper.pid))
        os._exit(3)
    return {"status": "healthy", "message": f"checked {tenant}"}
""",
)


@pytest.fixture
def chatty(providers_dir, monkeypatch, services):
    providers_dir({"probe_chatty": PROBE})
    monkeypatch.setenv("PROBE_PARENT_PID", str(os.getpid()))
    enable_with_token(services, "probe_chatty", SECRET, TENANTS)
    return services


def test_a_check_that_prints_in_a_worker_costs_no_tenant(chatty, cli, monkeypatch) -> None:
    monkeypatch.setenv("PROBE_MODE", "print")
    run = cli("health", "--all-tenants", "--processes", "2", "--json")
    assert run.json().get("failedTenants") == [], run.stderr
    assert run.exit_code == 0, run.stderr
    items = [(i["tenantId"], i["status"], i["message"]) for i in run.json()["items"]]
    assert items == [(t, "healthy", f"checked {t}") for t in TENANTS]
    assert "was not checked" not in run.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_program_a_check_leaves_running_does_not_hold_the_command(
    chatty, cli, monkeypatch, tmp_path
) -> None:
    import signal

    helper_pid = tmp_path / "helper.pid"
    monkeypatch.setenv("PROBE_MODE", "daemon")
    monkeypatch.setenv("PROBE_HELPER_PID", str(helper_pid))
    run = cli("health", "--all-tenants", "--processes", "2", "--concurrency", "2", "--json")
    helper = int(helper_pid.read_text())
    try:
        # the command ended while the helper still sleeps: it did not wait for the helper
        assert _sleeping(helper)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(helper, signal.SIGKILL)
    assert run.exit_code == 1, run.stderr
    # t3 ran before t4 ended the worker, which had not stored it yet: owed too
    assert [f["tenantId"] for f in run.json()["failedTenants"]] == ["t3", "t4", "t5"]
    assert "exit code 3" in run.json()["failedTenants"][0]["error"]


def _sleeping(pid: int) -> bool:
    """The process is there and not a zombie (one ended, not yet reaped by whoever adopted it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_a_worker_does_not_import_from_the_directory_it_is_run_in(
    chatty, cli, monkeypatch, tmp_path
) -> None:
    """`python -m` puts the current directory first on sys.path, the console script does not:
    a `json.py` there (a cron job's scripts folder, /tmp) is not the worker's json module."""
    cwd = tmp_path / "scripts"
    cwd.mkdir()
    (cwd / "json.py").write_text("raise SystemExit('imported json.py from the cwd')\n")
    monkeypatch.chdir(cwd)
    run = cli("health", "--all-tenants", "--processes", "2", "--json")
    assert run.json()["failedTenants"] == [], run.stderr
    assert run.exit_code == 0
    assert [i["tenantId"] for i in run.json()["items"]] == TENANTS
