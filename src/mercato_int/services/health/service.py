"""Health checks (spec §1, §4, §7): resolve credentials, run the provider's check with a timeout
(many at once, with a bound), store the result on the state, write a `health.check` log entry
and emit `integrations.health.checked`.

A check never crashes a run: one that raises or outlives the timeout is `unhealthy` with the
reason. Sync checks run in daemon threads (a hung one is abandoned at its timeout and cannot
hold the process open); async checks run natively on the event loop and are cancelled.
Credentials that cannot be decrypted are that item's error (`HealthRun.key_problems`), never
the run's: every other check still runs. With `plan_all_tenants`, a tenant whose planning fails
is reported (`HealthRun.failed_tenants`) and the other tenants are checked.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mercato_int.errors import KeyProblem
from mercato_int.registry import Registry
from mercato_int.scope import TenantScope
from mercato_int.services.credentials.bulk import open_bulk
from mercato_int.services.credentials.requirements import MissingCredentials
from mercato_int.services.features import MANAGE
from mercato_int.services.health.calls import (
    Workers,
    call_check,
    describe,
    http_network_error,
    http_timeout,
    origin,
)
from mercato_int.services.health.context import HealthClients, HealthContext, RedactingLogger
from mercato_int.services.health.facts import RegistryFacts
from mercato_int.services.health.heap import frozen_heap
from mercato_int.services.health.jobs import (
    MAX_TIMEOUT,
    HealthJob,
    HealthRun,
    Progress,
    TenantFailure,
    Written,
    check_limits,
    new_correlation_id,
    scoped_command,
)
from mercato_int.services.health.recorder import OPERATION, Recorder
from mercato_int.services.health.result import (
    KEY_PROBLEM,
    HealthOutcome,
    fit,
    normalize,
    redactor,
)
from mercato_int.services.policy import Guard, requires

if TYPE_CHECKING:
    from mercato_int.services.credentials.service import CredentialsService
    from mercato_int.services.events import EventsService
    from mercato_int.services.logs.service import LogService
    from mercato_int.services.state.service import CredentialsResolver, StateService
    from mercato_int.store.engine import Store

DEFAULT_TIMEOUT = 10.0
DEFAULT_CONCURRENCY = 16
__all__ = ["MAX_TIMEOUT", "OPERATION", "HealthRun", "HealthService", "scoped_command"]


class HealthService:
    def __init__(
        self,
        *,
        guard: Guard,
        registry: Registry,
        state: StateService,
        events: EventsService,
        logs: LogService,
        credentials: Callable[[], CredentialsService],
        store: Store,
        clock: Callable[[], datetime],
    ) -> None:
        self.guard = guard
        self.registry = registry
        self.state = state
        self.events = events
        self.logs = logs
        self._credentials = credentials
        self.store = store
        self.clock = clock

    # --- planning -----------------------------------------------------------------------------
    @requires(MANAGE)
    def plan(self, ids: Sequence[str], scope: TenantScope) -> list[HealthJob]:
        """Jobs for integration and bundle ids: members that share a check and credentials
        (a bundle's) are checked once."""
        targets = self.registry.expand(ids)
        return self._plan(
            targets, scope, named_bundles={i for i in ids if i in self.registry.bundles}
        )

    @requires(MANAGE)
    def plan_enabled(self, scope: TenantScope) -> list[HealthJob]:
        """Jobs for every enabled integration in `scope` (`health --all`)."""
        states = self.state.all_states(scope)
        targets = [i for i, s in states.items() if s.is_enabled]
        return self._plan(targets, scope, named_bundles=set(), states=states)

    @requires(MANAGE, everywhere=True)
    def plan_all_tenants(
        self, scopes: Sequence[TenantScope] | None = None
    ) -> tuple[list[HealthJob], list[TenantFailure]]:
        """Jobs for every enabled integration of every tenant (`--all-tenants`), or of `scopes`
        (a worker's share: shards.py); a tenant that cannot be planned is reported, the others
        still are. States and credentials read in a few queries, each row decrypted once."""
        with frozen_heap():  # see heap.py
            return self._plan_all_tenants(scopes)

    def _plan_all_tenants(
        self, scopes: Sequence[TenantScope] | None
    ) -> tuple[list[HealthJob], list[TenantFailure]]:
        jobs: list[HealthJob] = []
        failures: list[TenantFailure] = []
        scopes = self.state.enabled_scopes() if scopes is None else list(scopes)
        try:
            states = self.state.all_states_of(scopes, results=False)  # statuses: enough
            resolver = open_bulk(self._credentials(), scopes)
        except Exception as exc:  # nothing could be read: each tenant says why
            return [], [TenantFailure.of(scope, exc) for scope in scopes]
        facts = RegistryFacts(self.registry)  # asked of every tenant: worked out once
        for scope in scopes:
            try:
                jobs.extend(self._plan_tenant(scope, states[scope], resolver, facts))
            except Exception as exc:  # one tenant never blinds the others
                failures.append(TenantFailure.of(scope, exc))
        return jobs, failures

    def _plan_tenant(
        self,
        scope: TenantScope,
        states: dict[str, Any],
        resolver: CredentialsResolver,
        facts: RegistryFacts,
    ) -> list[HealthJob]:
        targets = [i for i, s in states.items() if s.is_enabled]
        return self._plan(
            targets, scope, named_bundles=set(), states=states, resolver=resolver, facts=facts
        )

    def _plan(
        self,
        targets: list[str],
        scope: TenantScope,
        *,
        named_bundles: set[str],
        states: dict[str, Any] | None = None,
        resolver: CredentialsResolver | None = None,
        facts: RegistryFacts | None = None,
    ) -> list[HealthJob]:
        if not targets:
            return []
        facts = facts or RegistryFacts(self.registry)
        states = states or self.state.all_states(scope)
        # each credentials row decrypted once, however many members fall through to it
        resolver = resolver or open_bulk(self._credentials(), [scope])
        groups: dict[tuple[str, str], list[str]] = {}
        values: dict[tuple[str, str], dict[str, Any]] = {}
        problems: dict[tuple[str, str], KeyProblem] = {}
        for i in targets:
            found = facts.health_check_config(i)
            try:
                creds = resolver.resolve(i, scope) or {}
            except KeyProblem as exc:  # this item's error; the others still run
                # members that fall through to one bundle row share its one error
                key = (found[0] if found else f"none:{i}", f"key-problem:{exc}")
                groups.setdefault(key, []).append(i)
                values[key], problems[key] = {}, exc
                continue
            key = (f"none:{i}", "") if found is None else (found[0], facts.text(creds))
            groups.setdefault(key, []).append(i)
            values[key] = creds
        jobs = []
        for key, members in groups.items():
            if key in problems:
                owner = None if key[0].startswith("none:") else key[0]
                stands_for_bundle = owner in self.registry.bundles and (
                    len(members) > 1 or owner in named_bundles
                )
                jobs.append(
                    HealthJob(
                        subject_id=owner if stands_for_bundle and owner else members[0],
                        integration_ids=tuple(members),
                        scope=scope,
                        owner_id=owner,
                        check=None,
                        credentials={},
                        previous_status=states[members[0]].health_status,
                        key_problem=problems[key],
                    )
                )
                continue
            owner = None if key[0].startswith("none:") else key[0]
            is_bundle_check = owner is not None and owner in self.registry.bundles
            stands_for_bundle = is_bundle_check and (len(members) > 1 or owner in named_bundles)
            subject = owner if stands_for_bundle and owner else members[0]
            creds = values[key]
            need = facts.requirements(owner if is_bundle_check and owner else members[0])
            keys = need.missing(creds)
            secret = set(facts.secret_keys(members[0]))
            if owner:
                secret |= facts.secret_keys(owner)
            # stored keys the schema no longer declares count as secrets too
            secret |= set(getattr(creds, "secret_keys", ()))
            jobs.append(
                HealthJob(
                    subject_id=subject,
                    integration_ids=tuple(members),
                    scope=scope,
                    owner_id=owner,
                    check=facts.health_check(members[0]) if owner else None,
                    credentials=creds,
                    secret_keys=frozenset(secret),
                    missing=(
                        MissingCredentials(need.owner_id, tuple(members), keys) if keys else None
                    ),
                    previous_status=states[members[0]].health_status,
                )
            )
        return jobs

    # --- running ------------------------------------------------------------------------------
    @requires(MANAGE)
    def run(
        self,
        jobs: Sequence[HealthJob],
        *,
        actor: str,
        timeout: float = DEFAULT_TIMEOUT,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: Progress | None = None,
        correlation_id: str | None = None,
    ) -> HealthRun:
        """Run `jobs` concurrently (at most `concurrency` at once), each cut at `timeout`
        seconds, recording every outcome as it completes (under `correlation_id`, or a new
        one)."""
        return asyncio.run(
            self.arun(
                jobs,
                actor=actor,
                timeout=timeout,
                concurrency=concurrency,
                progress=progress,
                correlation_id=correlation_id,
            )
        )

    @requires(MANAGE)
    async def arun(
        self,
        jobs: Sequence[HealthJob],
        *,
        actor: str,
        timeout: float = DEFAULT_TIMEOUT,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: Progress | None = None,
        correlation_id: str | None = None,
        written: Written | None = None,
    ) -> HealthRun:
        """`run` for callers that already have an event loop (the TUI); `written` hears each
        chunk of outcomes once stored."""
        check_limits(timeout, concurrency)
        run = HealthRun(outcomes=[], correlation_id=correlation_id or new_correlation_id())
        clients = HealthClients(timeout=timeout, max_connections=max(concurrency * 2, 10))
        recorder = Recorder(self, actor=actor, correlation_id=run.correlation_id, written=written)
        workers = Workers()
        outcomes: list[HealthOutcome | None] = [None] * len(jobs)
        queued = iter(enumerate(jobs))
        done = 0

        async def worker() -> None:
            # `concurrency` of these take the jobs in order: no task, semaphore wait or
            # wake-up per job on the loop's thread
            nonlocal done
            for index, job in queued:
                outcome = await self._execute(job, clients, workers, timeout, run.correlation_id)
                outcomes[index] = outcome
                # Recorded in chunks (see recorder.py); an interrupted run keeps what it has.
                # A key problem is not recorded: the check never ran, and the fault is this
                # host's key.
                if outcome.error != KEY_PROBLEM:
                    recorder.add(job, outcome)
                done += 1
                if progress is not None:
                    progress(outcome, done, len(jobs))

        try:
            with frozen_heap():  # see heap.py
                await asyncio.gather(*(worker() for _ in range(min(concurrency, len(jobs)))))
            run.outcomes = [o for o in outcomes if o is not None]
        finally:
            try:
                recorder.flush()
            finally:
                run.delivery_failures.extend(recorder.failures)
                workers.close()
                await clients.aclose()
                clients.close()
        return run

    async def _execute(
        self,
        job: HealthJob,
        clients: HealthClients,
        workers: Workers,
        timeout: float,
        correlation_id: str,
    ) -> HealthOutcome:
        started = time.perf_counter()

        clean = redactor(job.credentials, job.secret_keys)

        def finish(
            status: str,
            message: str,
            details: dict[str, Any] | None,
            error: str | None = None,
        ) -> HealthOutcome:
            latency = int((time.perf_counter() - started) * 1000)
            fitted = fit(clean(message), clean(details) if details is not None else None)
            return HealthOutcome(
                subject_id=job.subject_id,
                integration_ids=job.integration_ids,
                owner_id=job.owner_id,
                scope=job.scope,
                status=status,
                message=fitted[0],
                details=fitted[1],
                latency_ms=latency,
                checked_at=self.clock(),
                error=error,
            )

        if job.key_problem is not None:
            return finish(
                "unhealthy", str(job.key_problem), {"error": KEY_PROBLEM}, error=KEY_PROBLEM
            )
        if job.check is None:
            return finish("unconfigured", f"no health check is defined for {job.subject_id}", None)
        if job.missing is not None:
            return finish(
                "unconfigured",
                f"required credentials not set: {', '.join(job.missing.keys)}; "
                f"set them with `{scoped_command(job.missing.command, job.scope)}`",
                {"missing": list(job.missing.keys), "credentialsId": job.missing.owner_id},
            )
        ctx = HealthContext(
            integration_id=job.subject_id,
            integration_ids=job.integration_ids,
            scope=job.scope,
            log=RedactingLogger(self.logs.scoped(job.subject_id, correlation_id, job.scope), clean),
            timeout=timeout,
            clients=clients,
        )
        deadline = started + timeout
        try:
            called = call_check(job.check, dict(job.credentials), ctx, workers, timeout)
            # a sync check's future is cut at the timeout by call_check; a coroutine here
            if not isinstance(called, asyncio.Future):
                called = asyncio.wait_for(called, timeout)
            raw = await called
            while inspect.isawaitable(raw):  # a sync callable that hands back a coroutine
                raw = await asyncio.wait_for(raw, max(deadline - time.perf_counter(), 0.001))
        except (TimeoutError, http_timeout()):
            return finish(
                "unhealthy",
                f"timed out: no answer within {timeout:g} s",
                {"error": "timeout", "timeoutSeconds": timeout},
            )
        except http_network_error() as exc:  # connect, read, write: nothing was answered
            return finish(
                "unhealthy",
                f"cannot reach {origin(exc)}: {describe(exc)}".rstrip(": "),
                {"error": type(exc).__name__},
            )
        except Exception as exc:
            return finish(
                "unhealthy",
                f"check failed: {describe(exc)}".rstrip(": "),
                {"error": type(exc).__name__},
            )
        try:
            status, message, details = normalize(raw)
        except Exception as exc:  # a result object whose attributes raise
            status, message, details = "unhealthy", f"check failed: {describe(exc)}", None
        return finish(status, message, details)
