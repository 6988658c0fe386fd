"""Sync checks hand their results to the event loop through one inbox per run: the results
that arrive while the loop is busy wake it once, and are settled in the order they came."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from mercato_int.services.health.calls import Inbox, Workers


class CountingLoop(asyncio.SelectorEventLoop):
    """A real event loop that counts the wake-ups asked of it from other threads."""

    wakes = 0

    def call_soon_threadsafe(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.wakes += 1
        return super().call_soon_threadsafe(*args, **kwargs)


def test_results_that_arrive_while_the_loop_is_busy_wake_it_once_in_order() -> None:
    loop = CountingLoop()
    got: list[tuple[object, object]] = []

    def settle(value: object, error: object) -> None:
        got.append((value, error))

    inbox = Inbox(loop)

    async def main() -> None:
        # the loop's thread is busy here: three check threads finish meanwhile
        for n in range(3):
            thread = threading.Thread(target=inbox.put, args=(settle, n, None))
            thread.start()
            thread.join()
        assert got == [] and loop.wakes == 1
        await asyncio.sleep(0)
        assert got == [(0, None), (1, None), (2, None)]
        # one that comes after they were settled wakes it again
        error = ValueError("x")
        threading.Thread(target=inbox.put, args=(settle, None, error)).start()
        for _ in range(100):
            if len(got) == 4:
                break
            await asyncio.sleep(0.01)
        assert got[3] == (None, error) and loop.wakes == 2

    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
    # the run is over: a late result says so (the check's thread drops it) and wedges nothing
    with pytest.raises(RuntimeError):
        inbox.put(settle, 5, None)
    with pytest.raises(RuntimeError):
        inbox.put(settle, 6, None)
    assert len(got) == 4


def test_workers_keep_one_inbox_per_loop() -> None:
    workers = Workers()
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        assert workers.inbox(first) is workers.inbox(first)
        assert workers.inbox(second).loop is second
    finally:
        first.close()
        second.close()
        workers.close()
