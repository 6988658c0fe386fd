"""Recording the outcomes of a health run in chunks: each outcome goes on the state of its
integrations, out as `integrations.health.checked` and into the operation log as
`health.check`, as before, but a chunk of outcomes at a time: the state rows and the events in
one transaction, the log entries in one more (the batched log writer), the events marked
delivered in a third. A chunk is written when it is full or its oldest outcome has waited
`seconds`, and at the end of the run, also an interrupted one (what ran is kept). Full chunks
are written by one writer thread, in order, so that the event loop keeps running checks while
a chunk commits; the run waits for them at its end.

The log entries are redacted with the secret values of the credentials the checks ran with
(decrypted once, when the run was planned), not by resolving the credentials again."""

from __future__ import annotations

import contextvars
import functools
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from mercato_int.scope import TenantScope
from mercato_int.services.health.result import LOG_LEVEL

if TYPE_CHECKING:
    from mercato_int.services.events import DeliveryFailure, Event
    from mercato_int.services.health.jobs import HealthJob, Written
    from mercato_int.services.health.result import HealthOutcome
    from mercato_int.services.health.service import HealthService

CHUNK = 250  # outcomes written together
CHUNK_SECONDS = 2.0  # the longest an outcome waits to be written while checks still run
OPERATION = "health.check"


class Recorder:
    """Buffers (job, outcome) pairs and writes them a chunk at a time (see the module doc)."""

    def __init__(
        self,
        service: HealthService,
        *,
        actor: str,
        correlation_id: str,
        chunk: int | None = None,
        seconds: float | None = None,
        written: Written | None = None,
    ) -> None:
        self.service = service
        self.written = written  # told each chunk once stored (the workers of a fleet run)
        self.actor = actor
        self.correlation_id = correlation_id
        self.chunk = max(1, CHUNK if chunk is None else chunk)
        self.seconds = CHUNK_SECONDS if seconds is None else seconds
        self.failures: list[DeliveryFailure] = []
        self._pending: list[tuple[HealthJob, HealthOutcome]] = []
        self._oldest: float | None = None
        self._writer: ThreadPoolExecutor | None = None
        self._written: list[Future[None]] = []

    def add(self, job: HealthJob, outcome: HealthOutcome) -> None:
        """Buffer one outcome; hand the chunk to the writer thread when it is full or has
        waited long enough (the event loop goes on running checks while it is written). A
        chunk that failed to be written raises here, at the next chunk, or from `flush`."""
        self._pending.append((job, outcome))
        now = time.monotonic()
        if self._oldest is None:
            self._oldest = now
        if len(self._pending) >= self.chunk or now - self._oldest >= self.seconds:
            self._raise_written()
            items, self._pending, self._oldest = self._pending, [], None
            if self._writer is None:
                self._writer = ThreadPoolExecutor(1, thread_name_prefix="health-record")
            # in the run's context: the run was checked for its scopes (see calls.call_check)
            task = functools.partial(contextvars.copy_context().run, self._write, items)
            self._written.append(self._writer.submit(task))

    def flush(self) -> None:
        """Wait for the chunks handed to the writer thread, then write what is still buffered
        (in order: one writer, one chunk at a time), and stop the writer thread."""
        items, self._pending, self._oldest = self._pending, [], None
        if self._writer is not None:
            self._writer.shutdown(wait=True)  # every chunk handed to it is written (or failed)
            self._writer = None
        failed = [f.exception() for f in self._written if f.exception() is not None]
        self._written = []
        self._write(items)
        if failed:
            raise failed[0]  # type: ignore[misc]

    def _raise_written(self) -> None:
        """Raise the error of the first chunk the writer thread could not write."""
        still = []
        for future in self._written:
            if not future.done():
                still.append(future)
            elif future.exception() is not None:
                self._written = [f for f in self._written if f is not future]
                raise future.exception()  # type: ignore[misc]
        self._written = still

    def _write(self, items: list[tuple[HealthJob, HealthOutcome]]) -> None:
        if items:
            events = self._state_and_events(items)
            self._log(items)
            if self.written is not None:
                self.written([outcome for _, outcome in items])
            self.failures.extend(self.service.events.deliver(events))

    def _state_and_events(self, items: list[tuple[HealthJob, HealthOutcome]]) -> list[Event]:
        from mercato_int.services.events import HEALTH_CHECKED, NewEvent
        from mercato_int.services.state.rows import HealthWrite
        from mercato_int.shapes.health import HealthResultShape

        svc = self.service
        results = [HealthResultShape.of(outcome).document() for _, outcome in items]
        writes = [
            HealthWrite(job.integration_ids, job.scope, result, outcome.checked_at)
            for (job, outcome), result in zip(items, results, strict=True)
        ]
        events = [
            NewEvent(
                HEALTH_CHECKED,
                scope=job.scope,
                actor=self.actor,
                subject_id=job.subject_id,
                payload={
                    "integrationId": job.subject_id,
                    "integrationIds": list(job.integration_ids),
                    "checkOwner": job.owner_id,
                    "result": result,
                    "changes": {"status": {"from": job.previous_status, "to": outcome.status}},
                },
            )
            for (job, outcome), result in zip(items, results, strict=True)
        ]
        # Core, not the ORM: both are single statements, and a fleet run need not import the
        # ORM (~130 ms) for them
        with svc.store.engine.begin() as conn:
            svc.state.store_health_many(conn, writes)
            return svc.events.record_many(conn, events)

    def _log(self, items: list[tuple[HealthJob, HealthOutcome]]) -> None:
        logs = self.service.logs
        known = {(job.subject_id, job.scope): secret_values(job) for job, _ in items}

        def values(integration_id: str, scope: TenantScope) -> set[str]:
            found = known.get((integration_id, scope))
            return found if found is not None else set(logs.secret_values(integration_id, scope))

        with logs.writer(
            batch_size=len(items) + 1, flush_interval=None, secret_values=values
        ) as writer:
            for job, outcome in items:
                writer.write(
                    integration_id=job.subject_id,
                    level=LOG_LEVEL[outcome.status],
                    operation=OPERATION,
                    message=f"{job.subject_id}: {outcome.status}: {outcome.message}",
                    scope=job.scope,
                    details={
                        "status": outcome.status,
                        "integrationIds": list(job.integration_ids),
                        "checkOwner": job.owner_id,
                        "result": outcome.details,
                    },
                    correlation_id=self.correlation_id,
                    duration_ms=outcome.latency_ms,
                )


def secret_values(job: HealthJob) -> set[str]:
    """The secret values of the credentials a job ran with (what `CredentialsService.
    secret_values` gives for its subject: the same row applies to both)."""
    creds = job.credentials
    keys = getattr(creds, "secret_keys", ())
    return {str(creds[k]) for k in keys if creds.get(k) not in (None, "")}
