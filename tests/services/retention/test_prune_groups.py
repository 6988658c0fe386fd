"""Postgres deletes every tenant of an organization that shares a policy in one walk
(pgwalk.py): each tenant's own cutoffs per level still hold, the counts per tenant and level
are exact whatever the batch size, a tenant another host's prune holds is skipped while the
rest of its group goes, and an entry written back-dated after a run goes with the next."""

from __future__ import annotations

import pytest

from mercato_int.scope import TenantScope
from mercato_int.services.retention import walks
from mercato_int.services.retention.prune import tenant_lock
from mercato_int.store.engine import Store, create_store_engine

from .conftest import left, write

pytestmark = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)

A, B, C = (TenantScope("default", t) for t in ("a", "b", "c"))
OTHER_ORG = TenantScope("acme", "a")  # tenant a of another organization: its own walk
AGES = (200, 95, 60, 31, 29, 1)  # days; 40 entries each at a whole minute (ties)
LEVELS = ("debug", "info", "warning", "error")


def rows_for(repeat: int) -> list[tuple[str, float]]:
    return [(level, days) for level in LEVELS for days in AGES for _ in range(repeat)]


def kept(rows: list[tuple[str, float]], days: int, error_days: int) -> list[str]:
    return sorted(
        f"{level} {age} {k}"
        for k, (level, age) in enumerate(rows)
        if age < (error_days if level == "error" else days)
    )


def expected_counts(rows: list[tuple[str, float]], days: int, error_days: int) -> dict:
    out: dict[str, int] = {}
    for level, age in rows:
        if age >= (error_days if level == "error" else days):
            out[level] = out.get(level, 0) + 1
    return out


@pytest.fixture
def small_batches(monkeypatch):
    """At most 9 entries a batch: every tenant's walk takes many, cut inside the ties."""
    monkeypatch.setattr(walks, "MAX_BATCH", 9)
    monkeypatch.setattr(walks, "PG_BATCH_FACTOR", 1)


def test_tenants_sharing_a_policy_go_together_with_exact_counts(services, small_batches) -> None:
    """a and b keep the defaults (30 d, errors 90 d); c keeps 60 d and errors 20 d (errors
    go first); acme/a, with the defaults, is another organization."""
    services.tenant_settings.set(scope=C, key="log.retention_days", value=60, actor="t")
    services.tenant_settings.set(scope=C, key="log.error_retention_days", value=20, actor="t")
    rows = {A: rows_for(3), B: rows_for(2), C: rows_for(2), OTHER_ORG: rows_for(1)}
    for scope, each in rows.items():
        write(services, scope, each)
    policy = {A: (30, 90), B: (30, 90), C: (60, 20), OTHER_ORG: (30, 90)}
    batches: list[int] = []
    ticks: list[tuple[int, int]] = []
    report = services.retention.prune(
        scopes=[A, B, C, OTHER_ORG],
        on_progress=batches.append,
        on_tenant=lambda done, total: ticks.append((done, total)),
    )
    by_scope = {t.scope: t for t in report.tenants}
    for scope, each in rows.items():
        item = by_scope[scope]
        assert (item.error, item.skipped) == (None, False)
        assert item.by_level == expected_counts(each, *policy[scope]), scope
        assert left(services, scope) == kept(each, *policy[scope]), scope
    assert report.total == sum(batches)
    assert max(batches) <= 18 and len(batches) > 10  # at most 2 x 9 a batch (pgwalk.py)
    # a and b in one walk, c and acme/a each in their own
    assert ticks == [(0, 4), (2, 4), (3, 4), (4, 4)]

    # written after the run, dated before their cutoffs: the next run deletes them
    write(services, A, [("info", 45), ("error", 120), ("error", 45)])
    write(services, C, [("error", 25), ("info", 59)])
    again = services.retention.prune(scopes=[A, B, C, OTHER_ORG])
    assert {t.scope: t.by_level for t in again.tenants} == {
        A: {"info": 1, "error": 1},
        B: {},
        C: {"error": 1},
        OTHER_ORG: {},
    }
    assert left(services, A) == sorted([*kept(rows[A], 30, 90), "error 45 2"])
    assert left(services, C) == sorted([*kept(rows[C], 60, 20), "info 59 1"])


def test_a_tenant_held_by_another_host_is_skipped_and_its_group_still_goes(services) -> None:
    write(services, A, [("info", 40)] * 4)
    write(services, B, [("info", 40), ("error", 100), ("error", 40)])
    url = services.store.engine.url.render_as_string(hide_password=False)
    other = Store(create_store_engine(url))  # another host's prune: its own session
    try:
        with tenant_lock(other, A) as held:
            assert held
            report = services.retention.prune(scopes=None)
    finally:
        other.engine.dispose()
    by_scope = {t.scope: t for t in report.tenants}
    assert (by_scope[A].skipped, by_scope[A].total) == (True, 0)
    assert (by_scope[B].skipped, by_scope[B].by_level) == (False, {"info": 1, "error": 1})
    assert len(left(services, A)) == 4
    assert left(services, B) == ["error 40 2"]
    # the locks were let go: another host takes both now
    with tenant_lock(other := Store(create_store_engine(url)), A) as a, tenant_lock(other, B) as b:
        assert (a, b) == (True, True)
    other.engine.dispose()


def test_entries_more_than_a_batch_in_one_millisecond_are_cut_by_id(
    services, small_batches
) -> None:
    write(services, A, [("info", 40)] * 50 + [("warning", 40)] * 25)  # one timestamp each
    write(services, B, [("info", 40)] * 30 + [("info", 1)])
    batches: list[int] = []
    report = services.retention.prune(scopes=[A, B], on_progress=batches.append)
    assert [t.by_level for t in report.tenants] == [{"info": 50, "warning": 25}, {"info": 30}]
    # a millisecond too full is cut by id, 9 at a time; what is left of it goes whole
    assert batches.count(9) >= 5 and max(batches) <= 18
    assert left(services, A) == [] and left(services, B) == ["info 1 30"]
