"""`health --all-tenants` shared among worker processes.

One process runs checks on one core: the checks' HTTP clients, the outcomes' shaping and
writing all hold one interpreter lock. With several cores and many tenants, the tenants are cut
into contiguous shares, in the order they are checked; this process plans and runs the first
share while each other share runs in a worker process of its own (`python -P -m
mercato_int.workers.health`), built from the same settings: it reads its own credentials with
the same master keys (nothing secret crosses the pipe but the store's URL and the value of
MERCATO_INT_MASTER_KEY, which it inherits anyway), and records its outcomes (state, log,
events) under the run's one correlation id. It streams back one JSON line per outcome
(progress here), which outcomes it has stored, then what its subscribers failed on.

A worker that ends without finishing (killed, crashed, its store lost) costs only the tenants
it had not finished (`Share.unfinished`): not planned, not all checked, or checked but not all
stored (killed outright, its recorder still held them; or the store refused them). Each is
reported as a failed tenant with what the worker said or its exit code, and every other share
still runs. Closing a worker's stdin asks it to stop (its recorder writes what ran): done when
this process is interrupted, fails or ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mercato_int.errors import msg
from mercato_int.scope import TenantScope
from mercato_int.services.features import MANAGE
from mercato_int.services.health.jobs import (
    HealthRun,
    Progress,
    TenantFailure,
    integrations_covered,
    new_correlation_id,
)
from mercato_int.services.health.result import KEY_PROBLEM
from mercato_int.services.health.shard_messages import (
    delivery_failure_of,
    exit_code_of,
    failure_of,
    outcome_of,
    settings_spec,
)
from mercato_int.services.policy import Guard, requires

if TYPE_CHECKING:
    from mercato_int.services.events import DeliveryFailure
    from mercato_int.services.health.jobs import HealthJob
    from mercato_int.services.health.result import HealthOutcome
    from mercato_int.services.health.service import HealthService
    from mercato_int.settings import Settings

WORKER = "mercato_int.workers.health"
TENANTS_PER_PROCESS = 200  # fewer: a worker's start-up (~0.5 s of CPU) costs more than it saves
MAX_PROCESSES = 8  # chosen by default at most
MOST_PROCESSES = 64  # asked for at most (each is an interpreter, a store connection, a pool)
STOP_SECONDS = 15.0  # how long a worker asked to stop gets to write what ran, before a kill
Planned = Callable[[int, int], None]  # (checks, integrations they cover), once all are planned


def cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def auto_processes(tenants: int, available: int | None = None) -> int:
    """One process per core, each with at least TENANTS_PER_PROCESS tenants, at most 8."""
    return max(1, min(available or cores(), tenants // TENANTS_PER_PROCESS, MAX_PROCESSES))


def split(items: Sequence[Any], parts: int) -> list[list[Any]]:
    """`items` cut into `parts` contiguous shares, in order, sizes differing by one at most."""
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for k in range(parts):
        end = start + size + (1 if k < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out


def spread(concurrency: int, parts: int) -> list[int]:
    """`concurrency` checks at once in all, shared among `parts` processes (each ≥ 1)."""
    size, extra = divmod(concurrency, parts)
    return [max(1, size + (1 if k < extra else 0)) for k in range(parts)]


@dataclass
class Share:
    """One worker process and what it has said."""

    scopes: list[TenantScope]
    proc: asyncio.subprocess.Process
    checks: int = 0
    integrations: int = 0
    per_tenant: dict[TenantScope, int] = field(default_factory=dict)  # checks planned
    failures: list[TenantFailure] = field(default_factory=list)
    outcomes: dict[int, HealthOutcome] = field(default_factory=dict)
    stored: set[int] = field(default_factory=set)  # outcomes it said it has written
    delivery: list[DeliveryFailure] = field(default_factory=list)
    finished: bool = False
    fatal: TenantFailure | None = None  # what it said when it could not go on

    async def _message(self) -> dict[str, Any] | None:
        assert self.proc.stdout is not None
        try:
            line = await self.proc.stdout.readline()
        except (ValueError, asyncio.LimitOverrunError):  # a line past the limit: not ours
            return None
        if not line:
            return None
        try:
            message = json.loads(line)
        except ValueError:
            return None
        return message if isinstance(message, dict) else None

    async def read_plan(self) -> None:
        """Wait for the worker's plan (or its end)."""
        message = await self._message()
        if message is None or "planned" not in message:
            await self._fail(message)
            return
        try:
            planned = message["planned"]
            checks, integrations = int(planned["checks"]), int(planned["integrations"])
            per_tenant = {TenantScope(o, t): int(n) for o, t, n in planned["tenants"]}
            failed = [failure_of(values) for values in planned["failed"]]
        except (KeyError, TypeError, ValueError):  # not what a worker sends
            await self._fail(None)
            return
        self.checks, self.integrations, self.per_tenant = checks, integrations, per_tenant
        self.failures = failed

    async def read_outcomes(self, tick: Callable[[HealthOutcome], None]) -> None:
        """Outcomes as they arrive, each ticked, until the worker is done (or ends)."""
        while self.fatal is None and not self.finished:
            message = await self._message()
            if message is not None and "outcome" in message:
                try:
                    index, outcome = outcome_of(message["outcome"])
                except (TypeError, ValueError):  # not what a worker sends
                    await self._fail(None)
                    break
                self.outcomes[index] = outcome
                tick(outcome)
            elif message is not None and isinstance(message.get("written"), list):
                self.stored.update(i for i in message["written"] if isinstance(i, int))
            elif message is not None and "done" in message:
                try:
                    self.delivery = [delivery_failure_of(d) for d in message["done"]]
                except (TypeError, ValueError):
                    await self._fail(None)
                    break
                self.finished = True
            else:
                await self._fail(message)

    async def _fail(self, message: dict[str, Any] | None) -> None:
        """The worker ended, or said it could not go on: the tenants it did not finish fail."""
        said = message.get("fatal") if message is not None else None
        if isinstance(said, dict) and isinstance(said.get("error"), str):
            self.fatal = TenantFailure(
                self.scopes[0], said["error"], exit_code_of(said.get("exit"))
            )
        else:
            with contextlib.suppress(TimeoutError):  # its output ended: it is ending
                await asyncio.wait_for(self.proc.wait(), STOP_SECONDS)
            code = self.proc.returncode
            shown = "?" if code is None else str(code)
            self.fatal = TenantFailure(
                self.scopes[0], str(msg("state.health.worker_ended", code=shown))
            )

    def unfinished(self) -> list[TenantFailure]:
        """The tenants this share owes, after a fatal end: not planned, not all checked, or
        checked but not all written (the worker says which outcomes it has stored; one it
        ran but did not store, killed or refused by the store, is owed too)."""
        if self.fatal is None:
            return []
        checked: dict[TenantScope, int] = {}
        unstored: set[TenantScope] = set()
        for i, o in self.outcomes.items():
            checked[o.scope] = checked.get(o.scope, 0) + 1
            if i not in self.stored and o.error != KEY_PROBLEM:  # key problems: never stored
                unstored.add(o.scope)
        failed = {f.scope for f in self.failures}
        return [
            TenantFailure(scope, self.fatal.error, self.fatal.exit_code)
            for scope in self.scopes
            if scope not in failed
            and (
                scope not in self.per_tenant
                or checked.get(scope, 0) < self.per_tenant[scope]
                or scope in unstored
            )
        ]

    async def stop(self) -> None:
        """Ask the worker to stop (stdin closed), wait for it, kill it if it will not."""
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), STOP_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()


class HealthFleet:
    """`health --all-tenants` over every tenant, shared among processes where it pays."""

    def __init__(
        self,
        *,
        health: HealthService,
        guard: Guard,
        settings: Settings | None,
        action: Callable[[], str | None],
    ) -> None:
        self.health = health
        self.guard = guard
        # None: this container was given parts of its own (a registry, keys, a store) that a
        # worker built from settings would not have: every check runs here
        self.settings = settings
        self._action = action

    @requires(MANAGE, everywhere=True)
    def run(
        self,
        *,
        actor: str,
        timeout: float,
        concurrency: int,
        processes: int | None = None,
        progress: Progress | None = None,
        planned: Planned | None = None,
    ) -> HealthRun:
        """Plan and run every enabled integration of every tenant; `processes` (None: as many
        as pays, auto_processes) share the tenants. `planned` hears the number of checks
        before the first runs. The outcomes and failed tenants are in the tenants' order."""
        scopes = self.health.state.enabled_scopes()
        wanted = auto_processes(len(scopes)) if processes is None else processes
        n = max(1, min(wanted, len(scopes), concurrency))
        if n == 1 or self.settings is None:
            jobs, failures = self.health.plan_all_tenants(scopes)
            if planned is not None:
                planned(len(jobs), integrations_covered(jobs))
            run = self.health.run(
                jobs, actor=actor, timeout=timeout, concurrency=concurrency, progress=progress
            )
            run.failed_tenants = failures
            return run
        return asyncio.run(
            self._shared(
                split(scopes, n), actor, timeout, spread(concurrency, n), progress, planned
            )
        )

    async def _shared(
        self,
        shares: list[list[TenantScope]],
        actor: str,
        timeout: float,
        concurrency: list[int],
        progress: Progress | None,
        planned: Planned | None,
    ) -> HealthRun:
        correlation = new_correlation_id()
        workers: list[Share] = []
        try:
            for k, scopes in enumerate(shares[1:], start=1):  # started first: they start up
                spec = self._spec(scopes, actor, timeout, concurrency[k], correlation)
                workers.append(await _start(spec, scopes))
            jobs, failures = self.health.plan_all_tenants(shares[0])  # while they start up
            total: int | None = None  # known once every worker has planned
            early: list[HealthOutcome] = []  # done before that: told then
            done = 0

            def tick(outcome: HealthOutcome) -> None:
                nonlocal done
                if total is None:
                    early.append(outcome)
                    return
                done += 1
                if progress is not None:
                    progress(outcome, done, total)

            # this share runs at once, while the workers still start up and plan theirs
            own = asyncio.ensure_future(
                self._here(jobs, actor, timeout, concurrency[0], correlation, tick)
            )
            for w in workers:
                await w.read_plan()
            total = len(jobs) + sum(w.checks for w in workers)
            if planned is not None:
                covered = integrations_covered(jobs)
                planned(total, covered + sum(w.integrations for w in workers))
            for outcome in early:
                tick(outcome)
            await asyncio.gather(own, *(w.read_outcomes(tick) for w in workers if not w.fatal))
            here = own.result()
        finally:
            await asyncio.gather(*(w.stop() for w in workers))
        for w in workers:
            here.outcomes.extend(w.outcomes[i] for i in sorted(w.outcomes))
            failures.extend(w.failures + w.unfinished())
            here.delivery_failures.extend(w.delivery)
        order = {scope: i for i, scope in enumerate(s for share in shares for s in share)}
        here.failed_tenants = sorted(failures, key=lambda f: order.get(f.scope, 0))
        return here

    async def _here(
        self,
        jobs: list[HealthJob],
        actor: str,
        timeout: float,
        concurrency: int,
        correlation: str,
        tick: Callable[[HealthOutcome], None],
    ) -> HealthRun:
        return await self.health.arun(
            jobs,
            actor=actor,
            timeout=timeout,
            concurrency=concurrency,
            progress=lambda outcome, _done, _total: tick(outcome),
            correlation_id=correlation,
        )

    def _spec(
        self,
        scopes: list[TenantScope],
        actor: str,
        timeout: float,
        concurrency: int,
        correlation: str,
    ) -> dict[str, Any]:
        assert self.settings is not None
        return {
            "settings": settings_spec(self.settings),
            "action": self._action(),
            "actor": actor,
            "timeout": timeout,
            "concurrency": concurrency,
            "correlation": correlation,
            "scopes": [[s.organization_id, s.tenant_id] for s in scopes],
        }


async def _start(spec: dict[str, Any], scopes: list[TenantScope]) -> Share:
    debug = os.environ.get("MERCATO_INT_DEBUG") == "1"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-P",  # not the current directory first on sys.path (its json.py, say), as -m would
        "-m",
        WORKER,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        # a worker's own stderr is not shown (it reports on stdout), but for debugging
        stderr=None if debug else asyncio.subprocess.DEVNULL,
        limit=1 << 24,
    )
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(spec).encode() + b"\n")
    with contextlib.suppress(ConnectionError):  # it died at once: read_plan says so
        await proc.stdin.drain()
    return Share(scopes=scopes, proc=proc)
