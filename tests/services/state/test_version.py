"""The state row's version: 1 when first written, +1 on every enable or disable that changes
it (in the statement itself), untouched by health results; `if_version` makes enable and
disable compare-and-set, so of writers holding the same version exactly one wins, on a real
SQLite file and on Postgres, from threads and from processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mercato_int.errors import InvalidInput, VersionConflict
from mercato_int.scope import TenantScope
from mercato_int.services import Services
from mercato_int.settings import Settings
from mercato_int.shapes.state import StateShape

HERE = TenantScope()
OTHER = TenantScope(tenant_id="other")
ID = "gateway_stripe"  # disabled by default


def version(svc: Services, integration_id: str = ID, scope: TenantScope = HERE) -> int:
    return svc.state.get(integration_id, scope).version


def test_each_change_bumps_the_version_and_nothing_else_does(services) -> None:
    assert version(services) == 0  # no row yet
    assert StateShape.of(services.state.get(ID, HERE)).document()["version"] == 0
    change = services.state.disable([ID], HERE, actor="a")  # already disabled: no row written
    assert (change.changed, change.versions, version(services)) == ([], {ID: 0}, 0)
    change = services.state.enable([ID], HERE, actor="a")
    assert (change.versions, version(services)) == ({ID: 1}, 1)
    services.state.enable([ID], HERE, actor="b")  # no change, no bump
    assert version(services) == 1
    services.state.disable([ID], HERE, actor="a")
    assert version(services) == 2
    with services.store.session() as session:  # a health result is not a state change
        services.state.store_health(
            session, [ID], HERE, {"status": "healthy"}, datetime(2026, 1, 1, tzinfo=UTC)
        )
    assert version(services) == 2
    assert StateShape.of(services.state.get(ID, HERE)).document()["version"] == 2
    assert version(services, scope=OTHER) == 0
    # a bundle: each member's row has its own version
    change = services.state.enable(["sync_medusa"], HERE, actor="a")
    assert set(change.versions.values()) == {1}
    assert services.state.all_states(HERE)["sync_medusa_orders"].version == 1


def test_a_stale_version_is_refused_and_nothing_is_written(services) -> None:
    services.state.enable([ID], HERE, actor="a", if_version=0)
    assert version(services) == 1
    with pytest.raises(VersionConflict) as conflict:
        services.state.disable([ID], HERE, actor="b", if_version=0)
    assert conflict.value.current == 1
    assert conflict.value.code == "state.err.version_conflict"
    assert str(conflict.value) == (
        "the state of gateway_stripe in tenant default · org default is at version 1, not 0: "
        "someone changed it since you read it (`mercato-int show gateway_stripe --json` gives "
        "the current state.version: read it again before you decide)"
    )
    assert conflict.value.exit_code == 1
    from mercato_int import i18n  # worded when shown: in Polish, from its code and params

    i18n.choose("pl")
    try:
        assert str(conflict.value).startswith("stan gateway_stripe")
    finally:
        i18n.reset()
    state = services.state.get(ID, HERE)
    assert (state.is_enabled, state.version) == (True, 1)
    events, _ = services.events.query(HERE)
    assert [e.type for e in events] == ["integrations.integration.enabled"]
    change = services.state.disable([ID], HERE, actor="b", if_version=1)
    assert (change.changed, change.versions) == ([ID], {ID: 2})
    # the version matches and the state is already what was asked: nothing to do, no bump
    change = services.state.disable([ID], HERE, actor="c", if_version=2)
    assert (change.changed, change.unchanged, change.versions) == ([], [ID], {ID: 2})
    with pytest.raises(VersionConflict):  # a missing row is version 0, not any version
        services.state.enable(["carrier_dhl"], HERE, actor="a", if_version=1)
    assert version(services, "carrier_dhl") == 0


def test_a_version_condition_names_one_integration(services) -> None:
    for ids in (["sync_medusa"], [ID, "carrier_dhl"]):
        with pytest.raises(InvalidInput, match="one integration"):
            services.state.enable(ids, HERE, actor="a", if_version=0)
    with pytest.raises(InvalidInput, match="below 0"):
        services.state.enable([ID], HERE, actor="a", if_version=-1)
    assert services.events.query(HERE) == ([], 0)


def _race_threads(db_url: str, n: int, enable: bool, expected: int) -> list[str]:
    """`n` threads, each with its own container (engine, connections), write at once."""
    barrier = threading.Barrier(n)
    results: list[str] = []

    def write(k: int) -> None:
        svc = Services(Settings.load(database_url=db_url, actor=f"writer{k}"))
        try:
            svc.registry  # noqa: B018 - discovery before the barrier
            barrier.wait(timeout=60)
            call = svc.state.enable if enable else svc.state.disable
            try:
                call([ID], HERE, actor=f"writer{k}", if_version=expected)
                results.append("won")
            except VersionConflict as exc:
                results.append(f"conflict at {exc.current}")
        finally:
            svc.close()

    threads = [threading.Thread(target=write, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return sorted(results)


def test_of_threads_holding_the_same_version_exactly_one_wins(services, db_url: str) -> None:
    # from no row at all (version 0: an insert race), then on an existing row
    assert _race_threads(db_url, 8, True, 0) == ["conflict at 1"] * 7 + ["won"]
    assert _race_threads(db_url, 8, False, 1) == ["conflict at 2"] * 7 + ["won"]
    state = services.state.get(ID, HERE)
    assert (state.is_enabled, state.version) == (False, 2)
    events, _ = services.events.query(HERE)
    assert [e.type for e in events] == [
        "integrations.integration.enabled",
        "integrations.integration.disabled",
    ]


WRITER = """
import sys, time
from pathlib import Path
from mercato_int.errors import VersionConflict
from mercato_int.scope import TenantScope
from mercato_int.services import Services
from mercato_int.settings import Settings

mode, go = sys.argv[1], Path(sys.argv[2])
svc = Services(Settings.load())
svc.registry  # discovery before the start line
while not go.exists():
    time.sleep(0.001)
if mode == "cas":
    try:
        svc.state.enable(["gateway_stripe"], TenantScope(), actor="p", if_version=2)
        print("won")
    except VersionConflict as exc:
        print(f"conflict at {exc.current}")
else:  # toggle without a condition; print how many changes this process made
    flips = 0
    for i in range(15):
        call = svc.state.enable if i % 2 == 0 else svc.state.disable
        flips += len(call(["carrier_dhl"], TenantScope(), actor="p").changed)
    print(flips)
svc.close()
"""


def _race_processes(db_url: str, mode: str, n: int, tmp_path: Path) -> list[str]:
    go = tmp_path / f"go-{mode}"
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": db_url}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, mode, str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    time.sleep(0.5)  # not a timing assertion: only lets the processes reach the start line
    go.touch()
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outputs.append(out.strip())
    return sorted(outputs)


def test_of_processes_holding_the_same_version_exactly_one_wins(
    services, db_url: str, tmp_path: Path
) -> None:
    services.state.enable([ID], HERE, actor="setup")
    services.state.disable([ID], HERE, actor="setup")
    assert version(services) == 2
    assert _race_processes(db_url, "cas", 4, tmp_path) == ["conflict at 3"] * 3 + ["won"]
    assert (services.state.get(ID, HERE).is_enabled, version(services)) == (True, 3)


def test_unconditional_writers_never_lose_a_bump(services, db_url: str, tmp_path: Path) -> None:
    """Processes toggling one state at once: its version counts every change exactly (the
    bump is in the statement that changes the row, not read, added and written back)."""
    flips = sum(int(n) for n in _race_processes(db_url, "toggle", 3, tmp_path))
    assert flips >= 8  # each process's first toggle at least, and every change after
    assert version(services, "carrier_dhl") == flips
    events, _ = services.events.query(HERE)
    assert len(events) == flips
