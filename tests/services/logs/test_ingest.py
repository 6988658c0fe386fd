"""A batch of entries for one integration (what POST /api/integrations/{id}/logs writes): every
good entry written, each bad one refused alone with its index and a reason that holds no secret,
nothing written past the batch limit, the access check before anything."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mercato_int.errors import InvalidInput, NotAllowed, NotFound
from mercato_int.redaction import MASK
from mercato_int.scope import TenantScope
from mercato_int.services.logs.ingest import MAX_ENTRIES, write_entries
from mercato_int.services.logs.service import LogService
from mercato_int.shapes.logs import BatchResultShape

SCOPE = TenantScope()
NOW = datetime(2026, 2, 1, 12, tzinfo=UTC)
SECRET = "sk_live_abcdef123"


def logs_with_secret(services) -> LogService:
    return LogService(
        guard=services.guard,
        store=services.store,
        registry=services.registry,
        clock=services.clock,
        secret_values=lambda i, s: [SECRET] if i == "gateway_stripe" else [],
    )


def good(n: int) -> dict:
    return {"level": "info", "operation": "sync.item", "message": f"item {n}"}


def test_bad_entries_never_cost_the_good_ones(services, db_url, poison) -> None:
    assert services.logs.query(scope=SCOPE, limit=1).total == 0  # the store is migrated
    poison(db_url)  # the store itself refuses message 'poison'
    entries = [
        good(0),
        {"level": "loud", "operation": "x", "message": "m"},
        good(2),
        "not an object",
        {"level": "info", "operation": "x"},
        {**good(5), "tenantId": "acme"},
        {**good(6), "integrationId": "carrier_dhl"},
        {**good(7), "details": {"n": float("nan")}},
        {**good(8), "message": "poison"},
        {**good(9), "integrationId": "gateway_stripe", "createdAt": "2026-01-31T10:00:00Z"},
    ]
    result = write_entries(services.logs, "gateway_stripe", entries, SCOPE, now=NOW)
    assert result.accepted == 3
    reasons = dict(result.rejected)
    assert list(reasons) == [1, 3, 4, 5, 6, 7, 8]
    assert reasons[1].startswith("unknown level 'loud'")
    assert reasons[3] == "not a JSON object"
    assert reasons[4] == "missing message"
    assert reasons[5] == "tenantId 'acme' is not the token's scope (tenant default · org default)"
    assert reasons[6].startswith("integrationId 'carrier_dhl' is not the integration of the URL")
    assert "NaN" in reasons[7]
    assert reasons[8].startswith("the store refused")
    page = services.logs.query(scope=SCOPE)
    assert sorted(e.message for e in page.items) == ["item 0", "item 2", "item 9"]
    oldest = page.items[-1]
    assert (oldest.message, oldest.created_at) == ("item 9", datetime(2026, 1, 31, 10, tzinfo=UTC))
    assert BatchResultShape.of(result).document()["rejected"][0] == {
        "index": 1,
        "reason": reasons[1],
    }


def test_secrets_are_stripped_and_masked_in_entries_and_in_reasons(services) -> None:
    logs = logs_with_secret(services)
    entries = [
        {
            "level": "error",
            "operation": "auth",
            "message": f"key {SECRET} refused",
            "details": {"secretKey": SECRET, "h": [f"Bearer {SECRET}"]},
        },
        {"level": SECRET, "operation": "auth", "message": "m"},
    ]
    result = write_entries(logs, "gateway_stripe", entries, SCOPE, now=NOW)
    assert result.accepted == 1
    assert (
        SECRET not in str(BatchResultShape.of(result).document()) and MASK in result.rejected[0][1]
    )
    (entry,) = services.logs.query(scope=SCOPE).items
    assert entry.message == f"key {MASK} refused"
    assert entry.details == {"h": [f"Bearer {MASK}"]}


def test_too_many_entries_write_nothing(services) -> None:
    with pytest.raises(InvalidInput, match="at most 1,000 entries a request, not 1,001"):
        write_entries(
            services.logs, "gateway_stripe", [good(0)] * (MAX_ENTRIES + 1), SCOPE, now=NOW
        )
    assert services.logs.query(scope=SCOPE, limit=1).total == 0
    full = write_entries(services.logs, "gateway_stripe", [good(0)] * MAX_ENTRIES, SCOPE, now=NOW)
    assert (full.accepted, full.rejected) == (MAX_ENTRIES, [])


def test_unknown_integration_and_refused_caller_write_nothing(services) -> None:
    with pytest.raises(NotFound):
        write_entries(services.logs, "no_such", [good(0)], SCOPE, now=NOW)
    services.acl.grant(SCOPE, "root", "admin", by="root")
    services.acl.grant(SCOPE, "tester", "integrations.view", by="root")  # tester: view only
    with pytest.raises(NotAllowed):
        services.logs.write_batch("gateway_stripe", [good(0)], scope=SCOPE)
    assert services.logs.query(scope=SCOPE, limit=1).total == 0


def test_a_writer_without_the_credentials_feature_still_gets_its_entries_redacted(
    services,
) -> None:
    """Writing needs integrations.manage; the secrets are read to mask them, for the service,
    not handed to the caller, so integrations.credentials is not needed."""
    stripe = {"publishableKey": "pk_x", "secretKey": SECRET, "webhookSecret": "whsec_x"}
    services.credentials.save("gateway_stripe", stripe, SCOPE, actor="tester")  # no policy yet
    services.acl.grant(SCOPE, "root", "admin", by="root")
    services.acl.grant(SCOPE, "tester", "integrations.manage", by="root")
    services.acl.grant(SCOPE, "tester", "employee", by="root")  # and view: no credentials
    with pytest.raises(NotAllowed):
        services.credentials.secret_values("gateway_stripe", SCOPE)
    entry = {**good(0), "message": f"with {SECRET}"}
    result = services.logs.write_batch("gateway_stripe", [entry], scope=SCOPE)
    assert (result.accepted, result.rejected) == (1, [])
    assert services.logs.query(scope=SCOPE).items[0].message == f"with {MASK}"
