"""A health plan or run freezes the heap while it lasts (services/health/heap.py): thawed
when the last one ends, and a heap frozen by someone else is left frozen."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

from mercato_int.scope import TenantScope


# The heap is the process's: these run in an interpreter of their own, where no other test's
# thread (a TUI's check still running, say) plans or runs meanwhile and thaws it under them.
def _alone(code: str) -> None:
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True)
    assert run.returncode == 0, run.stderr.decode()


def test_the_heap_is_frozen_while_any_run_lasts_and_thawed_after() -> None:
    _alone(
        """
        import gc
        from mercato_int.services.health.heap import frozen_heap

        assert gc.get_freeze_count() == 0
        first, second = frozen_heap(), frozen_heap()
        first.__enter__()
        assert gc.get_freeze_count() > 0
        second.__enter__()  # a second run at the same time (API, TUI)
        first.__exit__(None, None, None)
        assert gc.get_freeze_count() > 0  # the second still runs
        second.__exit__(None, None, None)
        assert gc.get_freeze_count() == 0
        """
    )


def test_a_heap_frozen_by_someone_else_stays_frozen() -> None:
    _alone(
        """
        import gc
        from mercato_int.services.health.heap import frozen_heap

        gc.freeze()
        frozen = gc.get_freeze_count()
        with frozen_heap():
            pass
        assert gc.get_freeze_count() >= frozen > 0
        """
    )


def test_a_run_that_raises_thaws_the_heap() -> None:
    _alone(
        """
        import gc
        from mercato_int.services.health.heap import frozen_heap

        try:
            with frozen_heap():
                raise ValueError("x")
        except ValueError:
            pass
        assert gc.get_freeze_count() == 0
        """
    )


def test_a_fleet_plan_and_run_leave_the_heap_as_they_found_it(services) -> None:
    services.state.enable(["gateway_stripe"], TenantScope("o", "t"), actor="tester")
    jobs, failed = services.health.plan_all_tenants()
    assert len(jobs) == 1 and not failed
    run = services.health.run(jobs, actor="tester")
    assert run.counts() == {"unconfigured": 1}
    assert gc.get_freeze_count() == 0
