"""Calling one health check: async checks on the event loop, sync ones in a daemon thread;
and how a failure is described (never a URL's path or query, which may carry a credential)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import inspect
import queue
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mercato_int.services.health.context import HealthContext


def describe(exc: BaseException) -> str:
    """`Type: message` of an exception, even one whose `__str__` raises."""
    try:
        text = str(exc)
    except Exception:
        text = "(its message cannot be shown)"
    return f"{type(exc).__name__}: {text}"


def http_network_error() -> type[Exception]:
    import httpx

    return httpx.NetworkError


def origin(exc: Exception) -> str:
    """`scheme://host:port` of the request an httpx error is about (never its path or query,
    which may carry a credential), or "the server" when it has none."""
    try:
        url = exc.request.url  # type: ignore[attr-defined]
    except (AttributeError, RuntimeError):
        return "the server"
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}"


def http_timeout() -> type[Exception]:
    import httpx

    return httpx.TimeoutException


def _expire(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_exception(TimeoutError())


class Inbox:
    """Results handed from check threads to the event loop, one wake-up of the loop for all
    that arrive before it runs them: `call_soon_threadsafe` per result writes to the loop's
    self-pipe each time, a system call after which the check's thread waits for the GIL
    again, and a turn of the loop each."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._items: list[tuple[Callable[[Any, BaseException | None], None], Any, Any]] = []
        self._lock = threading.Lock()
        self._scheduled = False

    def put(
        self, settle: Callable[[Any, BaseException | None], None], value: Any, error: Any
    ) -> None:
        """Hand `settle(value, error)` to the loop; RuntimeError when it is closed."""
        with self._lock:
            self._items.append((settle, value, error))
            if self._scheduled:
                return  # the wake-up already asked for runs this one too
            self._scheduled = True
        try:
            self.loop.call_soon_threadsafe(self._run)
        except RuntimeError:
            with self._lock:
                self._scheduled = False
            raise

    def _run(self) -> None:
        with self._lock:
            items, self._items, self._scheduled = self._items, [], False
        for settle, value, error in items:
            settle(value, error)


class Workers:
    """The daemon threads that run the sync checks of one run: one is started only when none
    is idle, so a run of thousands of checks starts about as many threads as run at once. A
    hung check keeps its thread (abandoned at the timeout; a daemon never holds the process)."""

    def __init__(self) -> None:
        self._tasks: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._threads = 0
        self._inbox: Inbox | None = None

    def inbox(self, loop: asyncio.AbstractEventLoop) -> Inbox:
        """Where these threads hand their results to `loop` (one per run)."""
        if self._inbox is None or self._inbox.loop is not loop:
            self._inbox = Inbox(loop)
        return self._inbox

    def submit(self, task: Callable[[], None]) -> None:
        with self._lock:
            if self._idle:
                self._idle -= 1  # a waiting thread takes it
            else:
                self._threads += 1
                threading.Thread(target=self._work, name="health-check", daemon=True).start()
        self._tasks.put(task)

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            task()
            with self._lock:
                self._idle += 1

    def close(self) -> None:
        """Let every idle thread end (a busy one ends after its check)."""
        with self._lock:
            threads = self._threads
        for _ in range(threads):
            self._tasks.put(None)


def call_check(
    check: Callable[..., Any],
    credentials: dict[str, Any],
    ctx: HealthContext,
    workers: Workers | None = None,
    timeout: float | None = None,
) -> Awaitable:
    """An awaitable for the check: async checks natively, sync ones in a daemon thread (of
    `workers`, else its own; a hung one is abandoned at the timeout and does not keep the
    process alive). With `timeout`, a sync check's future raises TimeoutError once it has
    passed (its own timer: no `asyncio.wait_for` needed, whose waiter future, callbacks and
    timer cost the event loop's thread about as much as the rest of the check's handling);
    an async check's coroutine is for the caller to cut."""
    if inspect.iscoroutinefunction(check) or inspect.iscoroutinefunction(
        getattr(check, "__call__", None)  # noqa: B004 - callable objects with async __call__
    ):
        return check(credentials, ctx)
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()
    if timeout is not None:
        timer = loop.call_later(timeout, _expire, future)
        future.add_done_callback(lambda _: timer.cancel())

    def settle(value: Any, error: BaseException | None) -> None:
        if future.done():  # cancelled at the timeout
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)

    def target() -> None:
        try:
            value, error = check(credentials, ctx), None
        except Exception as exc:
            value, error = None, exc
        except BaseException as exc:  # SystemExit & co. from a check must not end the run
            value, error = None, RuntimeError(f"the check raised {type(exc).__name__}")
        # RuntimeError: the run is over (loop closed) and nobody waits for this result.
        with contextlib.suppress(RuntimeError):
            if inbox is not None:
                inbox.put(settle, value, error)
            else:
                loop.call_soon_threadsafe(settle, value, error)

    inbox = workers.inbox(loop) if workers is not None else None
    if workers is not None:
        # in the run's context: the run was checked for this job's scope, so what the check
        # writes through ctx.log is not checked again (two reads of the policy per entry)
        workers.submit(functools.partial(contextvars.copy_context().run, target))
    else:
        name = f"health-{ctx.integration_id}"
        threading.Thread(target=target, name=name, daemon=True).start()
    return future
