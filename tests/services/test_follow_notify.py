"""`logs -f` and `events -f` on Postgres are woken by the writers' NOTIFY: a follower whose poll
interval is an hour still sees, at once, what another process writes (on SQLite it polls).
Real processes: a follower, and the CLI writing in another one."""

from __future__ import annotations

import select
import subprocess
import sys
import time

import pytest

FOLLOWER = """
import sys
from mercato_int.services import Services
from mercato_int.settings import Settings

svc = Services(Settings.load())
kind, poll = sys.argv[1], float(sys.argv[2])
if kind == "logs":
    items = (e.message for e in svc.logs.follow(scope=svc.scope, backlog=1, poll_seconds=poll))
else:
    events = svc.events.follow(svc.scope, backlog=1, interval=poll)
    items = (f"{e.type} {e.subject_id}" for e in events)
for item in items:
    print(item, flush=True)
"""


def _cli(*args: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mercato_int", *args], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr


def _lines(proc: subprocess.Popen, n: int, timeout: float) -> list[str]:
    """Up to `n` lines of the follower's output, waiting at most `timeout` seconds in all (a
    bound on a hang, far above what a woken follower takes; not a measurement)."""
    got: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while len(got) < n and (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if not ready:
            break
        line = proc.stdout.readline()
        if not line:
            break
        got.append(line.strip())
    return got


def _poll_for(db_url: str) -> str:
    # Postgres: an hour, so only a notification can wake the follower within the test
    return "3600" if db_url.startswith("postgresql") else "0.1"


@pytest.mark.parametrize("kind", ["logs", "events"])
def test_a_follower_sees_what_another_process_writes(
    db_url: str, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MERCATO_INT_DATABASE_URL", db_url)
    write = (
        (
            lambda m: _cli(
                "logs",
                "write",
                "gateway_stripe",
                "--level",
                "info",
                "--operation",
                "o",
                "--message",
                m,
            )
        )
        if kind == "logs"
        else (lambda m: _cli("enable" if m == "before" else "disable", "sync_medusa_orders"))
    )
    write("before")
    proc = subprocess.Popen(
        [sys.executable, "-c", FOLLOWER, kind, _poll_for(db_url)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # the backlog: the follower has read once (and listens since before that read)
        first = _lines(proc, 1, timeout=60)
        assert len(first) == 1, proc.stderr.read() if proc.poll() is not None else first
        write("after")
        (line,) = _lines(proc, 1, timeout=30)
        if kind == "logs":
            assert (first, line) == (["before"], "after")
        else:
            assert first == ["integrations.integration.enabled sync_medusa_orders"]
            assert line == "integrations.integration.disabled sync_medusa_orders"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
