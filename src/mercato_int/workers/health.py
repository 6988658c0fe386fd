"""A worker process of `health --all-tenants` (services/health/shards.py): plans and runs the
checks of the tenants it is given, records their outcomes, and reports on stdout, one JSON line
each:

    {"planned": {"checks": N, "integrations": N, "tenants": [[org, tenant, checks], ...],
                 "failed": [[org, tenant, error, exitCode], ...]}}
    {"outcome": [index, subject, ids, owner, org, tenant, status, message, details,
                 latencyMs, checkedAt, error]}                      (one per check, as it ends)
    {"written": [index, ...]}                       (outcomes stored: state, events, log entry)
    {"done": [[eventId, type, subject, org, tenant, actor, payload, createdAt, subscriber,
               error], ...]}                                        (subscribers that failed)
    {"fatal": {"error": "...", "exit": 1}}           (it could not go on; exit: jobs.failure_code)

Only these reach stdout: what else would be written there (a check that prints) goes to stderr.
Its one input is a JSON line on stdin (shards.HealthFleet._spec); then stdin stays open while
the parent wants it to run: at its end (the parent stopped or died), the run is interrupted,
and what ran is recorded. Nothing is printed anywhere else; exit 0 when done, 1 on a fatal
error, 130 when interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, BinaryIO

from mercato_int.errors import MercatoIntError, is_store_failure
from mercato_int.scope import TenantScope

if TYPE_CHECKING:
    from mercato_int.services.health.jobs import HealthRun

DEBUG = "MERCATO_INT_DEBUG"


def _watch(fd: int, loop: asyncio.AbstractEventLoop, task: asyncio.Task[Any]) -> None:
    """Cancel the run (as ctrl+c would) when the parent closes stdin or dies: the run writes
    what ran, and the worker exits 130. Reads the descriptor itself: a thread blocked in
    `sys.stdin`'s read would hold its lock, and the interpreter's exit waits a second for it."""
    with contextlib.suppress(OSError):
        while os.read(fd, 65536):
            pass
    with contextlib.suppress(RuntimeError):  # the loop is closed: the run is over anyway
        loop.call_soon_threadsafe(task.cancel)


class Reporter:
    """One JSON line per message, flushed (the parent ticks its progress on each)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, separators=(",", ":"), default=str).encode() + b"\n"
        with self.lock:
            self.out.write(line)
            self.out.flush()


def run(spec: dict[str, Any], stdin: BinaryIO, report: Reporter) -> None:
    from mercato_int import i18n
    from mercato_int.services import Services
    from mercato_int.services.health.jobs import integrations_covered
    from mercato_int.services.health.shard_messages import (
        delivery_line,
        failure_line,
        outcome_line,
        settings_of,
    )

    settings = settings_of(spec["settings"])
    i18n.choose(settings.lang)  # as the parent chose: its flag, config, environment
    svc = Services(settings)
    svc.action = spec["action"]
    try:
        scopes = [TenantScope(o, t) for o, t in spec["scopes"]]
        jobs, failed = svc.health.plan_all_tenants(scopes)
        per_tenant: dict[TenantScope, int] = {}
        index: dict[tuple[TenantScope, tuple[str, ...]], int] = {}
        for i, job in enumerate(jobs):
            per_tenant[job.scope] = per_tenant.get(job.scope, 0) + 1
            index[job.scope, job.integration_ids] = i
        report.send(
            {
                "planned": {
                    "checks": len(jobs),
                    "integrations": integrations_covered(jobs),
                    "tenants": [[s.organization_id, s.tenant_id, n] for s, n in per_tenant.items()],
                    "failed": [failure_line(f) for f in failed],
                }
            }
        )

        async def checks() -> HealthRun:
            task = asyncio.current_task()
            assert task is not None
            watch = (stdin.fileno(), asyncio.get_running_loop(), task)
            threading.Thread(target=_watch, args=watch, daemon=True).start()
            return await svc.health.arun(
                jobs,
                actor=spec["actor"],
                timeout=spec["timeout"],
                concurrency=spec["concurrency"],
                progress=lambda o, _d, _t: report.send(
                    outcome_line(index[o.scope, o.integration_ids], o)
                ),
                correlation_id=spec["correlation"],
                written=lambda outcomes: report.send(
                    {"written": [index[o.scope, o.integration_ids] for o in outcomes]}
                ),
            )

        try:
            done = asyncio.run(checks())
        except asyncio.CancelledError:  # stopped by the parent (_watch): what ran is written
            raise KeyboardInterrupt from None
        report.send({"done": [delivery_line(f) for f in done.delivery_failures]})
    finally:
        svc.close()


def _fatal(exc: Exception, url: str | None) -> str:
    """What the parent reports for the tenants left: the error worded, a driver's error with
    the store URL's password masked, anything else by its name only (it may carry secrets)."""
    from mercato_int.store.urls import redact_text

    if isinstance(exc, MercatoIntError):
        return str(exc)
    if is_store_failure(exc):
        reason = str(getattr(exc, "orig", exc)).strip().splitlines() or [type(exc).__name__]
        text = f"the store failed: {reason[0]}"
        return redact_text(text, url) if url else text
    return f"internal error in a worker process ({type(exc).__name__}); run again with {DEBUG}=1"


def _bigger_pipe(out: BinaryIO) -> None:
    """Room for a few thousand outcomes in the pipe (Linux), so that the checks do not wait
    while the parent is still planning its own share."""
    try:
        import fcntl

        fcntl.fcntl(out.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
    except (ImportError, OSError, ValueError):
        pass


def _own_stdout() -> BinaryIO:
    """The pipe to the parent, for the reports only: what anything else in this process
    writes to stdout (a provider's check that prints) goes to stderr instead, never into the
    messages."""
    sys.stdout.flush()
    pipe = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return pipe


def main() -> int:
    from mercato_int import stray_errors

    stray_errors.contain()  # a library's logged traceback, a finalizer's: one line on stderr
    stdin = sys.stdin.buffer
    pipe = _own_stdout()
    _bigger_pipe(pipe)
    report = Reporter(pipe)
    spec: dict[str, Any] = {}
    try:
        spec = json.loads(stdin.readline())
        run(spec, stdin, report)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the parent is gone: nobody to tell
        return 1
    except Exception as exc:
        from mercato_int.services.health.jobs import failure_code

        url = spec.get("settings", {}).get("database_url")
        with contextlib.suppress(OSError):
            report.send({"fatal": {"error": _fatal(exc, url), "exit": failure_code(exc)}})
        if os.environ.get(DEBUG) == "1" and not isinstance(exc, MercatoIntError):
            raise  # a bug: its traceback on this worker's stderr (shown with DEBUG only)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
