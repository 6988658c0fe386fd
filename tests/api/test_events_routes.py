"""`GET /api/events` against a real server (SQLite; Postgres with `--workers 2`): the shape
of `events --json`, the type, since and limit filters and their errors, and a token that only
ever sees its own tenant's events."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..conftest import postgres_url
from .conftest import Cli, Served, base_env, start, tenant_name


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def api(request, tmp_path_factory) -> Iterator[tuple[Served, Cli]]:
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        url, args = f"sqlite:///{tmp / 'store.db'}", []
    else:
        url, args = postgres_url(), ["--workers", "2"]
    (tmp / "home").mkdir()
    cli = Cli(base_env(tmp / "home", url))
    if request.param == "postgres":
        assert cli("db", "upgrade").returncode == 0
    served = start(cli.env, *args)
    yield served, cli
    assert served.stop() == 0, served.output()
    assert "Traceback" not in served.output()


def test_events_filter_like_the_cli_and_stay_in_the_tokens_tenant(api) -> None:
    served, cli = api
    a_tenant, b_tenant = tenant_name(), tenant_name()
    for tenant, args in ((a_tenant, ["enable", "gateway_stripe"]),
                         (a_tenant, ["disable", "gateway_stripe"]),
                         (b_tenant, ["enable", "carrier_dhl"])):  # fmt: skip
        run = cli(*args, tenant=tenant)
        assert run.returncode == 0, run.stderr
    with served.client(cli.token(a_tenant)) as a, served.client(cli.token(b_tenant)) as b:
        everything = a.get("/api/events")
        assert everything.status_code == 200
        assert everything.json() == cli.json("events", "--json", tenant=a_tenant)
        types = [e["type"] for e in everything.json()["items"]]
        assert types[:2] == [
            "integrations.integration.enabled",
            "integrations.integration.disabled",
        ]

        enabled = a.get("/api/events", params={"type": "integration.enabled"}).json()
        assert [e["type"] for e in enabled["items"]] == ["integrations.integration.enabled"]
        pair = [("type", "integration.enabled"), ("type", "integrations.integration.disabled")]
        assert a.get("/api/events", params=pair).json()["total"] == 2
        last = a.get("/api/events", params={"limit": 1}).json()
        assert last["total"] == len(types) and last["items"] == everything.json()["items"][-1:]
        assert a.get("/api/events", params={"since": "1h"}).json()["total"] == len(types)
        assert a.get("/api/events", params={"since": "2999-01-01"}).json()["items"] == []

        theirs = b.get("/api/events", params={"tenantId": a_tenant, "type": "integration.disabled"})
        assert theirs.json() == {"items": [], "total": 0}
        mine = b.get("/api/events", headers={"X-Tenant": a_tenant}).json()
        assert {e["tenantId"] for e in mine["items"]} == {b_tenant}
        assert "carrier_dhl" in [e["subjectId"] for e in mine["items"]]
        assert a_tenant not in str(mine)


def test_bad_event_filters_are_400_with_the_cli_message(api) -> None:
    served, cli = api
    tenant = tenant_name()
    with served.client(cli.token(tenant)) as http:
        for params, flags in [({"type": "nope"}, ["--type", "nope"]),
                              ({"since": "3x"}, ["--since", "3x"])]:  # fmt: skip
            got = http.get("/api/events", params=params)
            assert got.status_code == 400 and got.json()["error"]["code"] == "invalid_input"
            run = cli("events", *flags, tenant=tenant)
            assert run.returncode == 2
            assert run.stderr.strip() == "error: " + got.json()["error"]["message"]
        for limit in (0, 1001):
            got = http.get("/api/events", params={"limit": limit})
            assert got.status_code == 400
            message = got.json()["error"]["message"]
            assert message == f"limit must be between 1 and 1,000, not {limit}"
        assert http.get("/api/events", params={"limit": 1000}).status_code == 200
    with served.client() as anonymous:
        assert anonymous.get("/api/events").status_code == 401
