"""The collector out of the way of a health run: every object alive when a plan or a run
starts (the modules, the registry, the store's engine, the plan itself) is frozen (`gc.freeze`:
moved out of the collector's generations, not freed, not copied) until the last plan or run
ends, then handed back (`gc.unfreeze`).

Without it, a fleet run of 3,000 checks triggers two or three full collections, each walking
the whole heap (SQLAlchemy, pydantic, httpx, the registry: hundreds of thousands of objects)
under the GIL that the run's check threads need: 0.3-0.4 s of CPU a run in profiles, the run's
own garbage being a small part of it. Objects made during the run are collected as usual.

Process-wide, so counted: concurrent runs (the API, the TUI) freeze once and thaw when the
last one ends; a process that froze its heap itself (a pre-forking server) is left as it is.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_holders = 0


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Freeze the heap for the body (see the module doc)."""
    global _holders
    with _lock:
        if _holders == 0 and gc.get_freeze_count() > 0:
            ours = False  # frozen by someone else: theirs to thaw
        else:
            ours = True
            if _holders == 0:
                gc.freeze()
            _holders += 1
    try:
        yield
    finally:
        if ours:
            with _lock:
                _holders -= 1
                if _holders == 0:
                    gc.unfreeze()
