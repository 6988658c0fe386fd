"""The logs routes over HTTP, against a real `mercato-int serve` (SQLite, one worker; Postgres,
`--workers 2`): the CLI's filters and answer shape, cursor paging to the end, the limits, a
batch whose bad entries cost nothing, secrets masked everywhere, tenants that never see each
other, and the tenant's policy deciding who reads and who writes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from mercato_int.redaction import MASK

from ..conftest import postgres_url
from .conftest import Cli, Served, base_env, start, tenant_name

SECRET = "sk_live_TOPSECRET_4242"
LOGS = "/api/integrations/gateway_stripe/logs"


@dataclass
class Api:
    served: Served
    cli: Cli
    backend: str

    def client(self, tenant: str, **kw: str):
        return self.served.client(self.cli.token(tenant, **kw))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def api(request, tmp_path_factory) -> Iterator[Api]:
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        url, args = f"sqlite:///{tmp / 'store.db'}", []
    else:
        url, args = postgres_url(), ["--workers", "2"]
    (tmp / "home").mkdir()
    cli = Cli(base_env(tmp / "home", url))
    if request.param == "postgres":
        run = cli("db", "upgrade")
        assert run.returncode == 0, run.stderr
    served = start(cli.env, *args)
    yield Api(served, cli, request.param)
    assert served.stop() == 0, served.output()
    everything = served.output() + "".join(served.seen)  # every answer and the server's log
    for secret in [SECRET, *cli.made]:
        assert secret not in everything
    assert "Traceback" not in served.output()


def entries(n: int) -> list[dict]:
    """`n` entries over a day, each field varying, oldest first."""
    levels = ["debug", "info", "warning", "error"]
    return [
        {
            "level": levels[k % 4],
            "operation": f"sync.{'import' if k % 2 else 'export'}.item",
            "message": f"item {k} {'failed' if k % 4 == 3 else 'done'}",
            "details": {"k": k},
            "correlationId": f"run_{k // 10}",
            "entityType": "catalog.product",
            "entityId": f"prod_{k % 5}",
            "durationMs": k,
            "createdAt": f"2026-02-24T{k // 60:02d}:{k % 60:02d}:00Z",
        }
        for k in range(n)
    ]


def post(client, batch: list, path: str = LOGS):
    return client.post(path, json={"entries": batch})


def test_filters_give_what_logs_json_gives_and_the_cursor_pages_to_the_end(api: Api) -> None:
    tenant = tenant_name()
    with api.client(tenant) as http:
        written = post(http, entries(45))
        assert written.status_code == 200, written.text
        assert written.json() == {"accepted": 45, "rejected": []}
        cases = [
            ({}, []),
            ({"level": "error"}, ["--level", "error"]),
            ({"minLevel": "warning"}, ["--min-level", "warning"]),
            ({"operation": "sync.import.*"}, ["--operation", "sync.import.*"]),
            ({"correlationId": "run_2"}, ["--correlation", "run_2"]),
            ({"entityType": "catalog.product", "entityId": "prod_3"},
             ["--entity-type", "catalog.product", "--entity-id", "prod_3"]),
            ({"since": "2026-02-24T00:10:00Z", "until": "2026-02-24T00:20:00Z"},
             ["--since", "2026-02-24T00:10:00Z", "--until", "2026-02-24T00:20:00Z"]),
            ({"search": "FAILED", "limit": 3, "offset": 2},
             ["--search", "FAILED", "--limit", "3", "--offset", "2"]),
            ({"search": "ail", "count": "true"}, ["--search", "ail", "--count"]),
        ]  # fmt: skip
        for params, flags in cases:
            got = http.get(LOGS, params=params)
            assert got.status_code == 200, (params, got.text)
            want = api.cli.json("logs", "gateway_stripe", *flags, "--json", tenant=tenant)
            assert got.json() == want, params
            everywhere = http.get("/api/logs", params=params).json()
            assert everywhere["items"] == want["items"] and everywhere["total"] == want["total"]
        doc = http.get(LOGS, params={"level": "error"}).json()
        assert list(doc) == [
            "items",
            "total",
            "totalExact",
            "page",
            "pageSize",
            "totalPages",
            "nextCursor",
        ]
        assert doc["total"] == 11 and {e["level"] for e in doc["items"]} == {"error"}

        seen: list[str] = []
        cursor = None
        for _ in range(20):
            page = http.get(LOGS, params={"limit": 7, **({"cursor": cursor} if cursor else {})})
            assert page.status_code == 200
            body = page.json()
            assert body["total"] == 45
            seen += [e["id"] for e in body["items"]]
            cursor = body["nextCursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 45
        newest_first = http.get(LOGS, params={"limit": 45}).json()["items"]
        assert [e["id"] for e in newest_first] == seen


def test_bad_filters_are_400_with_the_cli_message(api: Api) -> None:
    tenant = tenant_name()
    with api.client(tenant) as http:
        for params, flags in [
            ({"level": "loud"}, ["--level", "loud"]),
            ({"since": "3x"}, ["--since", "3x"]),
            ({"cursor": "garbage"}, ["--cursor", "garbage"]),
            ({"offset": -1}, ["--offset", "-1"]),
        ]:
            got = http.get(LOGS, params=params)
            assert got.status_code == 400, params
            assert got.json()["error"]["code"] == "invalid_input"
            run = api.cli("logs", "gateway_stripe", *flags, tenant=tenant)
            assert run.returncode == 2
            assert run.stderr.strip() == "error: " + got.json()["error"]["message"], params
        both = http.get("/api/logs", params={"level": "error", "minLevel": "info"}).json()
        assert both["error"]["message"] == "level and minLevel exclude each other (pick one)"
        for limit in (0, 201):
            got = http.get("/api/logs", params={"limit": limit})
            assert got.status_code == 400
            message = got.json()["error"]["message"]
            assert message == f"limit must be between 1 and 200, not {limit}"
        assert http.get("/api/logs", params={"limit": 200}).status_code == 200
        assert http.get("/api/logs", params={"limit": "many"}).status_code == 400
        missing = http.get("/api/integrations/no_such/logs")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    with api.served.client() as anonymous:
        for path in ("/api/logs", LOGS):
            assert anonymous.get(path).status_code == 401
        assert anonymous.post(LOGS, json={"entries": []}).status_code == 401


def written_total(api: Api) -> int:
    with api.served.client() as http:
        text = http.get("/metrics").text
    return int(re.search(r"^mercato_int_log_entries_written_total (\d+)$", text, re.M)[1])


def test_a_batch_keeps_its_good_entries_and_names_each_bad_one(api: Api) -> None:
    before = written_total(api)
    with api.client(tenant_name()) as http:
        good = entries(3)
        batch = [good[0], {"level": "loud", "operation": "x", "message": "m"}, good[1], 7, good[2]]
        got = post(http, batch)
        assert got.status_code == 200
        assert got.json()["accepted"] == 3
        assert [(r["index"], r["reason"].split(" (")[0]) for r in got.json()["rejected"]] == [
            (1, "unknown level 'loud'"),
            (3, "not a JSON object"),
        ]
        assert http.get(LOGS).json()["total"] == 3

        too_many = post(http, entries(1) * 1001)
        assert too_many.status_code == 400
        message = too_many.json()["error"]["message"]
        assert message.startswith("at most 1,000 entries a request, not 1,001")
        assert http.get(LOGS).json()["total"] == 3  # nothing of it written
        assert post(http, entries(1) * 1000).json() == {"accepted": 1000, "rejected": []}
        for bad in ({}, {"entries": "x"}, [1], {"entries": [], "tenantId": "other"}):
            assert http.post(LOGS, json=bad).status_code == 400
        headers = {"Content-Type": "application/json"}
        assert http.post(LOGS, content=b"{not json", headers=headers).status_code == 400
        assert post(http, good, "/api/integrations/no_such/logs").status_code == 404
        assert http.get("/api/logs").json()["total"] == 1003
    if api.backend == "sqlite":  # one worker: one process counts them all
        assert written_total(api) - before == 1003


def test_secrets_are_masked_in_stored_entries_and_in_answers(api: Api) -> None:
    tenant = tenant_name()
    keys = [f"secretKey={SECRET}", "publishableKey=pk_live_x", "webhookSecret=whsec_x"]
    assert api.cli("creds", "set", "gateway_stripe", *keys, tenant=tenant).returncode == 0
    batch = [
        {
            "level": "error",
            "operation": "auth",
            "message": f"refused {SECRET}",
            "details": {"secretKey": SECRET, "headers": {"auth": f"Bearer {SECRET}"}},
            "correlationId": SECRET,
        },
        {"level": SECRET, "operation": "auth", "message": "m"},
    ]
    with api.client(tenant) as http:
        written = post(http, batch)
        assert written.status_code == 200 and SECRET not in written.text
        assert written.json()["accepted"] == 1
        assert MASK in written.json()["rejected"][0]["reason"]
        page = http.get(LOGS)
        assert SECRET not in page.text
        (entry,) = page.json()["items"]
        assert entry["message"] == f"refused {MASK}" and entry["correlationId"] == MASK
        assert entry["details"] == {"headers": {"auth": f"Bearer {MASK}"}}
        assert http.get(LOGS, params={"search": SECRET}).json()["total"] == 0
    audit = api.cli("logs", "audit", "--json", tenant=tenant)
    assert audit.returncode == 0 and json.loads(audit.stdout)["findings"] == []


def test_a_token_of_tenant_b_never_sees_or_writes_a(api: Api) -> None:
    a_tenant, b_tenant = tenant_name(), tenant_name()
    with api.client(a_tenant) as a, api.client(b_tenant) as b:
        assert post(a, entries(5)).json()["accepted"] == 5
        a_page = a.get(LOGS, params={"limit": 2}).json()
        assert a_page["total"] == 5
        tries = [
            {},
            {"tenantId": a_tenant},
            {"tenant": a_tenant, "organizationId": "default", "org": "default"},
            {"cursor": a_page["nextCursor"]},
            {"search": "item"},
            {"since": "3650d"},
        ]
        sneaky = {"X-Tenant": a_tenant, "X-Tenant-Id": a_tenant, "X-Mercato-Tenant": a_tenant}
        for params in tries:
            for path in ("/api/logs", LOGS):
                got = b.get(path, params=params, headers=sneaky)
                assert got.status_code == 200, got.text
                assert got.json()["items"] == [] and got.json()["total"] == 0, (path, params)
        theirs = post(b, [{**entries(1)[0], "tenantId": a_tenant}])
        assert theirs.json()["accepted"] == 0
        reason = theirs.json()["rejected"][0]["reason"]
        assert reason.startswith(f"tenantId '{a_tenant}' is not the token's scope")
        assert post(b, entries(2)).json()["accepted"] == 2  # written in B's own scope
        assert a.get(LOGS).json()["total"] == 5
        assert {e["tenantId"] for e in b.get("/api/logs").json()["items"]} == {b_tenant}


def test_the_tenants_policy_decides_who_reads_and_who_writes(api: Api) -> None:
    tenant = tenant_name()
    assert api.cli("acl", "grant", "root", "admin", tenant=tenant, actor="root").returncode == 0
    grant = api.cli("acl", "grant", "vera", "integrations.view", tenant=tenant, actor="root")
    assert grant.returncode == 0, grant.stderr
    with (
        api.client(tenant, actor="vera", by="root") as vera,
        api.client(tenant, actor="sam", by="root") as sam,
    ):
        assert vera.get(LOGS).status_code == 200
        refused = post(vera, entries(1))
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_allowed"
        assert sam.get("/api/logs").status_code == 403
        assert sam.get("/api/events").status_code == 403
        assert vera.get(LOGS).json()["total"] == 0
        # a grant applies at once, to the next request of the same token
        api.cli("acl", "grant", "vera", "integrations.manage", tenant=tenant, actor="root")
        again = post(vera, entries(1))
        assert again.json().get("accepted") == 1, again.text
