"""Every route of integrations, state, credentials and health against a real `mercato-int serve`:
on SQLite (one process) and on Postgres (`--workers 2`). Answers are the CLI's `--json` shapes;
the scope is always the token's; no secret or token reaches an answer or the server's output."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from ..conftest import postgres_url
from .conftest import Cli, Served, server_env, start, tenant_name

STRIPE_KEY = "sk_test_APISECRET_4242"  # what the fake Stripe accepts
STRIPE = {
    "publishableKey": "pk_test_APIPUBLISH_4242",
    "secretKey": STRIPE_KEY,
    "webhookSecret": "whsec_APIHOOK_4242",
}
SECRETS = [STRIPE_KEY, STRIPE["webhookSecret"], "sk_test_OTHER_SECRET_9999", "whsec_RACE_"]
MASK = "••••••••"
MEDUSA = [
    "sync_medusa_products",
    "sync_medusa_customers",
    "sync_medusa_orders",
    "sync_medusa_inventory",
    "sync_medusa_webhooks",
]


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
def api(request, tmp_path_factory, stripe_fake) -> Iterator[Api]:
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        url, args = f"sqlite:///{tmp / 'store.db'}", []
    else:
        url, args = postgres_url(), ["--workers", "2"]
    env = server_env(tmp, url, stripe_fake.url)
    cli = Cli(env)
    if request.param == "postgres":
        run = cli("db", "upgrade")
        assert run.returncode == 0, run.stderr
    served = start(env, *args)
    yield Api(served, cli, request.param)
    assert served.stop() == 0, served.output()
    # nothing secret anywhere: not in an answer, not in what the server wrote
    everything = served.output() + "".join(served.seen)
    for secret in [*SECRETS, *cli.made]:
        assert secret not in everything
    assert "Traceback" not in served.output()


def test_the_list_is_the_cli_list_in_the_tokens_tenant(api: Api) -> None:
    tenant = tenant_name()
    with api.client(tenant) as http:
        assert http.put(
            "/api/integrations/gateway_stripe/state", json={"isEnabled": True}
        ).is_success
        answer = http.get("/api/integrations", params={"analytics": "true"})
        assert answer.status_code == 200
        assert answer.json() == api.cli.json("list", "--json", tenant=tenant)
        plain = http.get("/api/integrations").json()
        assert "analytics" not in plain["items"][0]
        assert {b["id"]: b["integrationCount"] for b in plain["bundles"]} == {"sync_medusa": 5}

        def ids(**params: str) -> list[str]:
            found = http.get("/api/integrations", params=params)
            assert found.status_code == 200, found.text
            return [i["id"] for i in found.json()["items"]]

        assert ids(bundleId="sync_medusa") == MEDUSA
        assert ids(category="payment") == ["gateway_stripe"]
        assert ids(enabled="true") == ["gateway_stripe"]
        assert "gateway_stripe" not in ids(enabled="false")
        assert ids(search="stripe") == ["gateway_stripe"]
        for status in ("unconfigured", "unchecked"):
            by_cli = api.cli.json("list", "--json", "--health-status", status, tenant=tenant)
            assert ids(healthStatus=status) == [i["id"] for i in by_cli["items"]]
        titles = ids(sort="title")
        assert ids(sort="title", desc="true") == titles[::-1]
        for bad in ({"healthStatus": "sick"}, {"sort": "size"}, {"enabled": "perhaps"}):
            refused = http.get("/api/integrations", params=bad)
            assert refused.status_code == 400, bad
            assert refused.json()["error"]["code"] == "invalid_input"


def test_show_is_the_cli_show_with_the_state_version_as_etag(api: Api) -> None:
    tenant = tenant_name()
    with api.client(tenant) as http:
        answer = http.get("/api/integrations/gateway_stripe")
        assert answer.status_code == 200
        assert answer.json() == api.cli.json("show", "gateway_stripe", "--json", tenant=tenant)
        assert answer.headers["etag"] == '"0"'
        bundle = http.get("/api/integrations/sync_medusa")
        assert bundle.json() == api.cli.json("show", "sync_medusa", "--json", tenant=tenant)
        assert [i["id"] for i in bundle.json()["integrations"]] == MEDUSA
        missing = http.get("/api/integrations/no_such_thing")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "not_found"


def test_state_put_enables_and_disables_with_compare_and_set(api: Api) -> None:
    tenant = tenant_name()
    path = "/api/integrations/gateway_stripe/state"
    with api.client(tenant) as http:
        on = http.put(path, json={"isEnabled": True})
        assert on.status_code == 200, on.text
        assert on.json()["changed"] == ["gateway_stripe"] and on.json()["isEnabled"] is True
        assert on.json()["scope"]["tenantId"] == tenant
        version = on.headers["etag"]
        assert http.get("/api/integrations/gateway_stripe").headers["etag"] == version
        stale = http.put(path, json={"isEnabled": False}, headers={"If-Match": '"0"'})
        assert stale.status_code == 412
        assert stale.json()["error"]["code"] == "version_conflict"
        assert http.get("/api/integrations/gateway_stripe").json()["state"]["isEnabled"] is True
        off = http.put(path, json={"isEnabled": False}, headers={"If-Match": version})
        assert off.status_code == 200 and off.json()["changed"] == ["gateway_stripe"]
        assert off.headers["etag"] != version
        again = http.put(path, json={"isEnabled": False})
        assert again.json()["unchanged"] == ["gateway_stripe"]
        # a bundle: every member, in one change; If-Match names one integration only
        bundle = http.put("/api/integrations/sync_medusa/state", json={"isEnabled": True})
        assert bundle.status_code == 200 and sorted(bundle.json()["changed"]) == sorted(MEDUSA)
        assert bundle.json()["bundles"] == ["sync_medusa"]
        refused = http.put(
            "/api/integrations/sync_medusa/state",
            json={"isEnabled": False},
            headers={"If-Match": '"1"'},
        )
        assert refused.status_code == 400
        for bad in (
            {"isEnabled": "maybe"},
            {},
            {"isEnabled": True, "tenantId": "default"},
        ):
            assert http.put(path, json=bad).status_code == 400, bad
        assert (
            http.put(
                path, content=b"{not json", headers={"Content-Type": "application/json"}
            ).status_code
            == 400
        )
        assert (
            http.put(path, json={"isEnabled": True}, headers={"If-Match": "soon"}).status_code
            == 400
        )
        assert http.put("/api/integrations/nope/state", json={"isEnabled": True}).status_code == 404
    listed = api.cli.json("list", "--json", "--enabled", tenant=tenant)
    assert sorted(i["id"] for i in listed["items"]) == sorted(MEDUSA)


def test_credentials_get_put_delete_masked_with_etags(api: Api) -> None:
    tenant = tenant_name()
    path = "/api/integrations/gateway_stripe/credentials"
    with api.client(tenant) as http:
        empty = http.get(path)
        assert empty.status_code == 200 and empty.headers["etag"] == '"0"'
        assert empty.json()["source"] == "none"
        saved = http.put(path, json={"credentials": STRIPE}, headers={"If-Match": '"0"'})
        assert saved.status_code == 200, saved.text
        assert saved.headers["etag"] == '"1"'
        body = saved.json()
        assert body["credentials"]["secretKey"] == MASK
        assert body["credentials"]["publishableKey"] == STRIPE["publishableKey"]
        assert body == api.cli.json("creds", "get", "gateway_stripe", "--json", tenant=tenant)
        # the mask sent back keeps the stored secret
        kept = http.put(
            path,
            json={"credentials": {**body["credentials"], "publishableKey": "pk_test_NEW_1"}},
            headers={"If-Match": '"1"'},
        )
        assert kept.status_code == 200 and kept.headers["etag"] == '"2"'
        revealed = api.cli.json(
            "creds", "get", "gateway_stripe", "--json", "--reveal", tenant=tenant
        )
        assert revealed["credentials"]["secretKey"] == STRIPE_KEY
        # a stale ETag: 412, nothing stored
        stale = http.put(
            path,
            json={"credentials": {"secretKey": "sk_test_OTHER_SECRET_9999"}},
            headers={"If-Match": '"1"'},
        )
        assert stale.status_code == 412 and stale.headers["etag"] == '"2"'
        assert http.get(path).headers["etag"] == '"2"'
        revealed = api.cli.json(
            "creds", "get", "gateway_stripe", "--json", "--reveal", tenant=tenant
        )
        assert revealed["credentials"]["secretKey"] == STRIPE_KEY
        # bad input: 400, naming the field and never its value
        for bad in (
            {"credentials": {"noSuchField": "x"}},
            {"credentials": "sk_test_OTHER_SECRET_9999"},
            {"secretKey": "sk_test_OTHER_SECRET_9999"},
            {"credentials": {"secretKey": 42}},
        ):
            refused = http.put(path, json=bad)
            assert refused.status_code == 400, (bad, refused.text)
            assert refused.json()["error"]["code"] == "invalid_input"
        member = http.put(
            "/api/integrations/sync_medusa_orders/credentials",
            json={"credentials": {"medusaApiKey": "x"}},
        )
        assert member.status_code == 400
        assert http.get("/api/integrations/nope/credentials").status_code == 404
        current = http.get(path).headers["ETag"]
        stale = http.delete(path, headers={"If-Match": f'"{int(current.strip(chr(34))) + 7}"'})
        assert stale.status_code == 412 and stale.headers["ETag"] == current
        assert http.get(path).json()["source"] == "own"  # nothing removed
        assert http.delete(path, headers={"If-Match": current}).status_code == 204
        gone = http.delete(path)
        assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
        assert http.get(path).json()["source"] == "none"


def test_sixteen_writers_holding_one_etag_one_wins(api: Api) -> None:
    tenant = tenant_name()
    path = "/api/integrations/gateway_stripe/credentials"
    with api.client(tenant) as http:
        first = http.put(path, json={"credentials": STRIPE})
        version = first.headers["etag"]
        start = threading.Barrier(16)
        statuses: list[int] = []

        def write(n: int) -> None:
            start.wait()
            answer = http.put(
                path,
                json={"credentials": {"webhookSecret": f"whsec_RACE_{n:02d}"}},
                headers={"If-Match": version},
            )
            statuses.append(answer.status_code)

        threads = [threading.Thread(target=write, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [200] + [412] * 15
        assert http.get(path).headers["etag"] == f'"{int(version.strip(chr(34))) + 1}"'


def test_health_runs_the_check_and_answers_one_health_json_item(api: Api) -> None:
    tenant = tenant_name()
    path = "/api/integrations/gateway_stripe/health"
    with api.client(tenant) as http:
        unconfigured = http.post(path)
        assert unconfigured.status_code == 200, unconfigured.text
        assert unconfigured.json()["status"] == "unconfigured"
        assert http.put(
            "/api/integrations/gateway_stripe/credentials", json={"credentials": STRIPE}
        ).is_success
        healthy = http.post(path)
        assert healthy.status_code == 200 and healthy.json()["status"] == "healthy"
        item = healthy.json()
        cli_item = api.cli.json("health", "gateway_stripe", "--json", tenant=tenant)["items"][0]
        assert set(item) == set(cli_item)
        assert item["id"] == "gateway_stripe" and item["tenantId"] == tenant
        state = http.get("/api/integrations/gateway_stripe").json()["state"]
        assert state["healthStatus"] == "healthy"
        if api.backend == "sqlite":  # one process: the scrape reaches the one that counted
            scraped = http.get("/metrics").text
            assert 'mercato_int_health_checks_total{status="healthy"}' in scraped
            assert tenant not in scraped and "robot" not in scraped
        assert http.post("/api/integrations/nope/health").status_code == 404
        assert http.post(path, params={"timeout": "0"}).status_code == 400


def test_a_revoked_or_expired_token_is_refused_at_the_next_request(api: Api) -> None:
    import time

    tenant = tenant_name()
    record = api.cli.token_record(tenant)
    with api.served.client(record["token"]) as http:
        assert http.get("/api/integrations").status_code == 200
        revoke = api.cli("tokens", "revoke", record["prefix"], tenant=tenant, actor="admin")
        assert revoke.returncode == 0, revoke.stderr
        refused = http.get("/api/integrations")
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    short = api.cli.token_record(tenant, expires="3s")
    with api.served.client(short["token"]) as http:
        assert http.get("/api/integrations").status_code == 200
        time.sleep(3.2)
        expired = http.get("/api/integrations")
        assert expired.status_code == 401
    with api.served.client("mit_" + "x" * 43) as http:
        unknown = http.get("/api/integrations")
    # alike: a leaked token's holder learns neither that it was real, nor its prefix or end
    assert refused.json() == expired.json() == unknown.json()
    with api.served.client() as http:  # no token at all: told how to send one
        assert "Authorization: Bearer" in http.get("/api/integrations").json()["error"]["message"]
    assert record["prefix"] not in refused.text and short["prefix"] not in expired.text
    time.sleep(0.2)  # the server's log lines are read as they come
    output = api.served.output()
    assert "token refused: revoked" in output and "token refused: expired" in output
    # a token of one tenant is no token of another's (the same actor)
    assert api.cli("tokens", "revoke", short["prefix"], tenant=tenant_name()).returncode != 0


def test_a_grant_or_a_revoke_applies_to_the_next_request(api: Api) -> None:
    tenant = tenant_name()
    grant = api.cli("acl", "grant", "admin", "admin", tenant=tenant, actor="admin")
    assert grant.returncode == 0, grant.stderr
    with api.client(tenant, actor="bob") as http:
        denied = http.get("/api/integrations")
        assert denied.status_code == 403 and denied.json()["error"]["code"] == "not_allowed"
        api.cli("acl", "grant", "bob", "employee", tenant=tenant, actor="admin")
        assert http.get("/api/integrations").status_code == 200
        path = "/api/integrations/gateway_stripe/state"
        assert http.put(path, json={"isEnabled": True}).status_code == 403
        assert http.get("/api/integrations/gateway_stripe/credentials").status_code == 403
        api.cli("acl", "grant", "bob", "integrations.manage", tenant=tenant, actor="admin")
        assert http.put(path, json={"isEnabled": True}).status_code == 200
        api.cli("acl", "revoke", "bob", "integrations.manage", tenant=tenant, actor="admin")
        assert http.put(path, json={"isEnabled": False}).status_code == 403
    events = api.cli.json(
        "events", "--json", "--type", "integrations.access.denied", tenant=tenant, actor="admin"
    )
    denials = [e for e in events["items"] if e["actor"] == "bob"]
    assert len(denials) >= 4
    assert any("api PUT /api/integrations/{integration_id}/state" in str(e) for e in denials)


def test_a_token_of_tenant_b_never_sees_or_changes_tenant_a(api: Api) -> None:
    a, b = tenant_name(), tenant_name()
    with api.client(a) as http:
        assert http.put(
            "/api/integrations/gateway_stripe/credentials", json={"credentials": STRIPE}
        ).is_success
        assert http.put(
            "/api/integrations/gateway_stripe/state", json={"isEnabled": True}
        ).is_success
    before = api.cli.json("show", "gateway_stripe", "--json", tenant=a)
    widen = {
        "tenantId": a,
        "tenant": a,
        "organizationId": "default",
        "scope": a,
    }
    headers = {
        "X-Tenant-Id": a,
        "X-Mercato-Tenant": a,
        "X-Forwarded-Tenant": a,
        "Tenant": a,
        "Cookie": f"tenant={a}",
    }
    with api.client(b) as http:
        listed = http.get("/api/integrations", params=widen, headers=headers).json()
        stripe = next(i for i in listed["items"] if i["id"] == "gateway_stripe")
        assert stripe["isEnabled"] is False and stripe["hasCredentials"] is False
        shown = http.get("/api/integrations/gateway_stripe", params=widen, headers=headers)
        assert shown.json()["scope"]["tenantId"] == b
        creds = http.get(
            "/api/integrations/gateway_stripe/credentials", params=widen, headers=headers
        )
        assert creds.json()["source"] == "none"
        body_widened = http.put(
            "/api/integrations/gateway_stripe/credentials",
            json={"credentials": {"secretKey": "sk_test_OTHER_SECRET_9999"}, **widen},
            headers=headers,
        )
        assert body_widened.status_code == 400
        state_widened = http.put(
            "/api/integrations/gateway_stripe/state",
            json={"isEnabled": False, "tenantId": a},
            headers=headers,
        )
        assert state_widened.status_code == 400
        # what B may do, it does in B
        assert (
            http.put(
                "/api/integrations/gateway_stripe/state",
                params=widen,
                headers=headers,
                json={"isEnabled": False},
            ).json()["scope"]["tenantId"]
            == b
        )
        assert (
            http.delete(
                "/api/integrations/gateway_stripe/credentials", params=widen, headers=headers
            ).status_code
            == 404
        )
        assert (
            http.post(
                "/api/integrations/gateway_stripe/health", params=widen, headers=headers
            ).json()["tenantId"]
            == b
        )
    after = api.cli.json("show", "gateway_stripe", "--json", tenant=a)
    assert after["state"] == before["state"] and after["hasCredentials"] is True
    assert api.cli.json("creds", "get", "gateway_stripe", "--json", tenant=a)["version"] == 1
