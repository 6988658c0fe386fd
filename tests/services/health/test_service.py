"""HealthService with temporary providers: the context a check gets, sync and async checks,
checks that raise, hang or return nonsense, and redaction. The tenant `other` must stay
untouched in every test."""

from __future__ import annotations

import textwrap

import pytest

from mercato_int.scope import TenantScope
from mercato_int.services.health.result import TOO_LONG_NUMBER as TOO_LONG
from mercato_int.shapes.health import HealthResultShape

HERE = TenantScope()
OTHER = TenantScope(tenant_id="other")
TOKEN = "tok_SUPERSECRET_9999"

PROBE = """
import asyncio
import time

integration = {{
    "id": "{id}",
    "title": "Probe {id}",
    "category": "probe",
    "credentials": {{"fields": [
        {{"key": "token", "label": "Token", "type": "secret", "required": True}},
        {{"key": "region", "label": "Region", "type": "text"}},
    ]}},
    "healthCheck": {{"service": "probe"}},
}}

{body}

health_checks = {{"probe": probe}}
"""

BODIES = {
    "probe_ctx": """
def probe(credentials, ctx):
    ctx.log.info("probe.ctx", "hello from the check")
    return {
        "status": "healthy",
        "message": "context ok",
        "details": {
            "scope": str(ctx.scope),
            "integrationId": ctx.integration_id,
            "timeout": ctx.timeout,
            "httpTimeout": ctx.http.timeout.read,
            "asyncClient": type(ctx.async_http).__name__,
            "region": credentials.get("region"),
        },
    }
""",
    "probe_async": """
async def probe(credentials, ctx):
    await asyncio.sleep(0)
    return {"status": "degraded", "message": "async and slow-ish"}
""",
    "probe_raise": """
def probe(credentials, ctx):
    raise ValueError("token " + credentials["token"] + " was refused")
""",
    "probe_async_hang": """
async def probe(credentials, ctx):
    await asyncio.sleep(3600)
""",
    "probe_sync_hang": """
def probe(credentials, ctx):
    time.sleep(3600)
""",
    "probe_exit": """
def probe(credentials, ctx):
    raise SystemExit(3)
""",
    "probe_nonsense": """
def probe(credentials, ctx):
    return {"status": "great", "message": credentials["token"]}
""",
    "probe_escape": """
import base64, json
from urllib.parse import quote

def probe(credentials, ctx):
    token = credentials["token"]
    raise ValueError(" | ".join([
        repr(token), json.dumps(token), json.dumps(json.dumps(token)), repr(token.encode()),
        quote(token, safe=""), base64.b64encode((token + ":").encode()).decode(),
        repr(token + "\\n"),
    ]))
""",
    "probe_log": """
import json

def probe(credentials, ctx):
    token = credentials["token"]
    ctx.log.info("probe.log", "sent " + json.dumps(token), {"header": repr(token.encode())})
    return {"status": "healthy", "message": "logged"}
""",
    "probe_shapes": """
class Opaque:
    def __str__(self):
        return "opaque"

def probe(credentials, ctx):
    return {"status": "degraded", "message": "odd details", "details": {
        "raw": credentials["token"].encode(), "nan": float("nan"), "set": {1}, "obj": Opaque(),
        credentials["token"]: "as a key", "pin": 13579246,
    }}
""",
    "probe_badstr": """
class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no")

def probe(credentials, ctx):
    raise Unprintable()
""",
    "probe_huge": """
def probe(credentials, ctx):
    deep = {}
    node = deep
    for _ in range(3000):
        node["d"] = {}
        node = node["d"]
    return {"status": "degraded", "message": "nul\\x00 " + "x" * 200_000 + "\\udcff",
            "details": {"deep": deep, "inf": float("inf"), "big": "y" * 400_000}}
""",
    "probe_bigint": """
def probe(credentials, ctx):
    return {"status": "degraded", "message": "a long number",
            "details": {"n": 10 ** 5000, "neg": [-(7 ** 9000)], "small": 12}}
""",
    "probe_echo": """
def probe(credentials, ctx):
    return {"status": "healthy", "message": "using " + credentials["token"],
            "details": {"token": credentials["token"], "nested": ["x" + credentials["token"]]}}
""",
}


@pytest.fixture
def probes(providers_dir, services):
    providers_dir(
        {name: PROBE.format(id=name, body=textwrap.dedent(body)) for name, body in BODIES.items()}
    )
    for name in BODIES:
        services.credentials.save(name, {"token": TOKEN, "region": "eu"}, HERE, actor="t")
    return services


def run(svc, *ids: str, timeout: float = 5.0):
    return svc.health.run(svc.health.plan(list(ids), HERE), actor="tester", timeout=timeout)


def assert_other_untouched(svc) -> None:
    states = svc.state.all_states(OTHER)
    assert not any(s.last_health_check for s in states.values())
    assert svc.events.query(OTHER) == ([], 0)


def log_rows(svc, operation: str | None = None) -> list[tuple]:
    from sqlalchemy import text

    with svc.store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT integration_id, level, operation, message, details, correlation_id "
                "FROM integration_logs ORDER BY created_at"
            )
        ).all()
    return [tuple(r) for r in rows if operation is None or r[2] == operation]


def test_the_context_has_scope_log_and_http_clients(probes) -> None:
    result = run(probes, "probe_ctx", timeout=3)
    (o,) = result.outcomes
    assert (o.status, o.message) == ("healthy", "context ok")
    assert o.details == {
        "scope": "tenant default · org default",
        "integrationId": "probe_ctx",
        "timeout": 3,
        "httpTimeout": 3,
        "asyncClient": "AsyncClient",
        "region": "eu",
    }
    (own,) = log_rows(probes, "probe.ctx")
    (summary,) = log_rows(probes, "health.check")
    assert own[0] == "probe_ctx" and own[3] == "hello from the check"
    assert own[5] == summary[5] == result.correlation_id  # one run, one correlation id
    assert_other_untouched(probes)


def test_async_checks_run_natively(probes) -> None:
    (o,) = run(probes, "probe_async").outcomes
    assert (o.status, o.message) == ("degraded", "async and slow-ish")
    assert log_rows(probes, "health.check")[0][1] == "warning"
    assert_other_untouched(probes)


def test_a_check_that_raises_is_unhealthy_with_the_reason_and_no_secret(probes) -> None:
    (o,) = run(probes, "probe_raise").outcomes
    assert o.status == "unhealthy"
    assert o.message == "check failed: ValueError: token •••••••• was refused"
    assert TOKEN not in repr(log_rows(probes)) + repr(probes.events.query(HERE)[0])
    state = probes.state.get("probe_raise", HERE)
    assert state.last_health_check["message"] == o.message
    assert_other_untouched(probes)


@pytest.mark.parametrize("name", ["probe_async_hang", "probe_sync_hang"])
def test_a_hung_check_is_cut_at_the_timeout(probes, name) -> None:
    (o,) = run(probes, name, timeout=0.5).outcomes
    assert (o.status, o.message) == ("unhealthy", "timed out: no answer within 0.5 s")
    assert o.latency_ms < 5000
    assert probes.state.get(name, HERE).health_status == "unhealthy"
    assert_other_untouched(probes)


def test_a_check_calling_exit_does_not_end_the_run(probes) -> None:
    (o,) = run(probes, "probe_exit").outcomes
    assert (o.status, o.message) == (
        "unhealthy",
        "check failed: RuntimeError: the check raised SystemExit",
    )
    assert_other_untouched(probes)


def test_a_nonsense_result_is_unhealthy_and_says_why(probes) -> None:
    (o,) = run(probes, "probe_nonsense").outcomes
    assert o.status == "unhealthy"
    assert o.message.startswith("the check returned an invalid result (status: ")
    assert TOKEN not in o.message
    assert_other_untouched(probes)


def test_secret_values_are_masked_in_message_and_details(probes) -> None:
    (o,) = run(probes, "probe_echo").outcomes
    assert o.message == "using ••••••••"
    assert o.details == {"token": "••••••••", "nested": ["x••••••••"]}
    assert_other_untouched(probes)


def test_many_checks_run_at_once_and_come_back_in_order(probes) -> None:
    names = ["probe_sync_hang", "probe_ctx", "probe_async_hang", "probe_async"]
    # The hung checks are cut at the timeout whatever it is; the others must answer within it,
    # which at 0.5 s a loaded machine (a store write, an HTTP client made) did not always do.
    # They run at once, so the run takes one timeout (not two), whichever it is.
    result = run(probes, *names, timeout=3)
    assert [o.subject_id for o in result.outcomes] == names
    assert [o.status for o in result.outcomes] == ["unhealthy", "healthy", "unhealthy", "degraded"]
    assert result.any_unhealthy
    assert len(probes.events.query(HERE, types=["integrations.health.checked"])[0]) == 4
    assert_other_untouched(probes)


def test_no_check_defined_is_unconfigured(providers_dir, services) -> None:
    providers_dir({"bare": 'integration = {"id": "bare_one", "title": "Bare", "category": "x"}\n'})
    (o,) = run(services, "bare_one").outcomes
    assert (o.status, o.message) == ("unconfigured", "no health check is defined for bare_one")
    assert_other_untouched(services)


SPECIAL = 'tok"SUPER/se+cret\\é 42'  # quote, slash, plus, backslash, non-ASCII, space


def escaped_forms(secret: str) -> list[str]:
    import base64
    import json
    from urllib.parse import quote

    return [
        secret,
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        json.dumps(json.dumps(secret)[1:-1])[1:-1],
        repr(secret.encode())[2:-1],
        quote(secret, safe=""),
        base64.b64encode(f"{secret}:".encode()).decode(),
    ]


def test_every_escaped_form_of_a_secret_in_what_a_check_raises_is_masked(probes) -> None:
    probes.credentials.save("probe_escape", {"token": SPECIAL}, HERE, actor="t")
    (o,) = run(probes, "probe_escape").outcomes
    assert o.status == "unhealthy"
    assert o.message == (
        'check failed: ValueError: \'••••••••\' | "••••••••" | "\\"••••••••\\"" | '
        "b'••••••••' | •••••••• | •••••••• | '••••••••\\n'"
    )
    stored = repr(log_rows(probes)) + repr(probes.events.query(HERE)[0])
    stored += repr(probes.state.get("probe_escape", HERE).last_health_check)
    for form in escaped_forms(SPECIAL):
        assert form not in o.message and form not in stored
    assert_other_untouched(probes)


def test_what_a_check_logs_through_ctx_log_is_masked_in_every_form(probes) -> None:
    probes.credentials.save("probe_log", {"token": SPECIAL}, HERE, actor="t")
    (o,) = run(probes, "probe_log").outcomes
    assert o.status == "healthy"
    ((_, _, _, message, details, _),) = log_rows(probes, "probe.log")
    assert message == 'sent "••••••••"'
    assert "b'••••••••'" in str(details)
    for form in escaped_forms(SPECIAL):
        assert form not in message + str(details)
    assert_other_untouched(probes)


def test_details_become_json_and_are_masked_whatever_their_types(probes) -> None:
    probes.credentials.save("probe_shapes", {"token": "13579246"}, HERE, actor="t")
    (o,) = run(probes, "probe_shapes").outcomes
    assert o.status == "degraded"
    assert o.details == {
        "raw": "b'••••••••'",
        "nan": "nan",
        "set": [1],
        "obj": "opaque",
        "••••••••": "as a key",
        "pin": "••••••••",  # a digits-only secret as a number
    }
    import json

    # what is stored and emitted is valid JSON
    json.dumps(HealthResultShape.of(o).document(), allow_nan=False)
    assert probes.state.get("probe_shapes", HERE).health_status == "degraded"
    assert_other_untouched(probes)


def test_an_exception_that_cannot_be_shown_still_gives_a_result(probes) -> None:
    (o,) = run(probes, "probe_badstr").outcomes
    assert (o.status, o.message) == (
        "unhealthy",
        "check failed: Unprintable: (its message cannot be shown)",
    )
    assert_other_untouched(probes)


def test_an_undecryptable_row_is_its_items_error_and_is_not_recorded(probes) -> None:
    """The other items of the same run still run and are recorded."""
    import sqlalchemy as sa

    with probes.store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE integration_credentials SET encrypted_values = (SELECT encrypted_values "
                "FROM integration_credentials WHERE integration_id = 'probe_async') "
                "WHERE integration_id = 'probe_ctx'"
            )
        )
    result = run(probes, "probe_ctx", "probe_async")
    bad, good = result.outcomes
    assert (bad.subject_id, bad.status, bad.error, bad.details) == (
        "probe_ctx",
        "unhealthy",
        "key_problem",
        {"error": "key_problem"},
    )
    assert bad.message.startswith("cannot decrypt the credentials of probe_ctx in tenant default")
    assert result.key_problems == [bad]
    assert (good.subject_id, good.status) == ("probe_async", "degraded")
    assert probes.state.get("probe_ctx", HERE).last_health_check is None
    assert probes.state.get("probe_async", HERE).health_status == "degraded"
    assert [r[0] for r in log_rows(probes, "health.check")] == ["probe_async"]
    checked = probes.events.query(HERE, types=["integrations.health.checked"])[0]
    assert [e.subject_id for e in checked] == ["probe_async"]
    assert_other_untouched(probes)


def test_a_check_that_returns_what_no_store_takes_is_still_recorded(probes) -> None:
    """A NUL, a lone surrogate, a message past the log's 64 KiB and details too deep and too
    big: the result is fitted (cut, replaced) so that state, log entry and event are written
    on both stores, and the outcome says what was cut."""
    (o,) = run(probes, "probe_huge").outcomes
    assert o.status == "degraded", o.message[:300]
    assert "\x00" not in o.message and "\udcff" not in o.message
    assert o.message.startswith("nul") and len(o.message.encode()) <= 4096
    assert o.details == {"truncated": True, "reason": o.details["reason"]}
    assert probes.state.get("probe_huge", HERE).last_health_check["status"] == "degraded"
    (summary,) = log_rows(probes, "health.check")
    assert summary[1] == "warning"
    assert_other_untouched(probes)


def test_a_number_too_long_for_python_to_print_is_kept_as_text(probes) -> None:
    """An integer past Python's 4,300-digit limit for int <-> text (sys.int_info) in a check's
    details: that value is replaced, the check still recorded, not the whole run failing on
    a ValueError (nor a worker of `health --all-tenants` on its JSON line)."""
    (o,) = run(probes, "probe_bigint").outcomes
    assert o.status == "degraded"
    assert o.details == {"n": TOO_LONG, "neg": [TOO_LONG], "small": 12}
    assert probes.state.get("probe_bigint", HERE).health_status == "degraded"
    assert [r[0] for r in log_rows(probes, "health.check")] == ["probe_bigint"]
    assert_other_untouched(probes)
