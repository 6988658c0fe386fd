from __future__ import annotations

import pytest
from sqlmodel import select

from mercato_int.errors import InvalidInput, KeyProblem
from mercato_int.scope import TenantScope
from mercato_int.services.credentials.schema import MASK
from mercato_int.store.tables import IntegrationCredentials, IntegrationEvent

STRIPE = {"publishableKey": "pk_test_1", "secretKey": "sk_live_S3CR3T", "webhookSecret": "whsec_W"}
MEDUSA = {
    "medusaApiUrl": "https://api.shop.test",
    "medusaApiKey": "medusa_K3Y",
    "medusaWebhookSecret": "medusa_WH",
}
A = TenantScope("default", "tenant_a")
B = TenantScope("default", "tenant_b")


def rows(services) -> list[IntegrationCredentials]:
    with services.store.session() as s:
        return list(s.exec(select(IntegrationCredentials)).all())


def events(services) -> list[IntegrationEvent]:
    with services.store.session() as s:
        return list(s.exec(select(IntegrationEvent).order_by(IntegrationEvent.created_at)).all())


def test_save_resolve_round_trip_and_repr_masks(services) -> None:
    result = services.credentials.save("gateway_stripe", STRIPE, A, actor="tester")
    assert result.changed == ["publishableKey", "secretKey", "webhookSecret"]
    assert result.created_key is not None  # first save, no key anywhere: one was created
    creds = services.credentials.resolve("gateway_stripe", A)
    assert dict(creds) == STRIPE
    assert "sk_live_S3CR3T" not in repr(creds) and "sk_live_S3CR3T" not in str(creds)
    assert repr(creds) == (
        f"Credentials({{'publishableKey': 'pk_test_1', 'secretKey': '{MASK}', "
        f"'webhookSecret': '{MASK}'}})"
    )
    assert services.credentials.resolve("gateway_stripe", B) == {}
    (row,) = rows(services)
    assert set(row.encrypted_values) == {"v", "kid", "nonce", "ct"}
    assert row.key_id == row.encrypted_values["kid"] == result.created_key.kid


def test_save_merges_and_empty_clears(services) -> None:
    services.credentials.save("gateway_stripe", {**STRIPE, "captureMethod": "manual"}, A, actor="t")
    r = services.credentials.save(
        "gateway_stripe", {"captureMethod": "", "enableApplePay": "yes"}, A, actor="t"
    )
    assert r.changed == ["captureMethod", "enableApplePay"]
    assert services.credentials.resolve("gateway_stripe", A) == {**STRIPE, "enableApplePay": True}
    assert len(rows(services)) == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({**STRIPE, "bogus": "x"}, "unknown field 'bogus' for gateway_stripe"),
        ({"publishableKey": "pk"}, "missing required fields secretKey, webhookSecret"),
        ({**STRIPE, "captureMethod": "later"}, "field 'captureMethod' must be one of"),
        ({**STRIPE, "enableApplePay": "maybe"}, "field 'enableApplePay' must be true/false"),
        ({**STRIPE, "secretKey": "x" * 20_001}, "field 'secretKey' is 20001 characters long"),
        ({**STRIPE, "k" * 129: "x"}, "is longer than 128 characters"),
        ({f"f{i}": "x" for i in range(201)}, "201 fields given; at most 200"),
    ],
)
def test_invalid_values_name_the_field_and_store_nothing(services, values, message) -> None:
    with pytest.raises(InvalidInput) as info:
        services.credentials.save("gateway_stripe", values, A, actor="t")
    assert message in str(info.value)
    assert "sk_live_S3CR3T" not in str(info.value)
    assert rows(services) == [] and events(services) == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://api.shop.test", "must be an http:// or https:// URL"),
        ("https://admin:hunter2@api.shop.test", "must not contain user:password"),
        ("not a url", "is not a valid URL"),
    ],
)
def test_url_fields_are_checked(services, url, message) -> None:
    with pytest.raises(InvalidInput) as info:
        services.credentials.save("sync_medusa", {**MEDUSA, "medusaApiUrl": url}, A, actor="t")
    assert f"field 'medusaApiUrl' {message}" in str(info.value)
    assert "hunter2" not in str(info.value)
    assert rows(services) == []


def test_bundle_fallthrough_on_the_bundled_providers(services) -> None:
    services.credentials.save("sync_medusa", MEDUSA, A, actor="t")
    assert services.credentials.resolve("sync_medusa_products", A) == MEDUSA
    view = services.credentials.read_masked("sync_medusa_products", A)
    assert view.source == "bundle" and view.owner_id == "sync_medusa"
    assert view.values == {
        "medusaApiUrl": "https://api.shop.test",
        "medusaApiKey": MASK,
        "medusaWebhookSecret": MASK,
    }
    assert services.credentials.secret_values("sync_medusa_orders", A) == {
        "medusa_K3Y",
        "medusa_WH",
    }
    with pytest.raises(InvalidInput) as info:
        services.credentials.save("sync_medusa_products", {"x": "y"}, A, actor="t")
    assert str(info.value) == (
        "sync_medusa_products has no credentials of its own: they live on its bundle "
        "sync_medusa (run `mercato-int --tenant tenant_a --org default creds set sync_medusa "
        "KEY=VALUE...`)"
    )


CHILD_PROVIDER = """
bundle = {
    "id": "acme",
    "title": "Acme",
    "credentials": {"fields": [
        {"key": "apiUrl", "label": "API URL", "type": "url", "required": True},
        {"key": "apiKey", "label": "API Key", "type": "secret", "required": True},
    ]},
}
integrations = [
    {"id": "acme_orders", "title": "Acme Orders", "category": "data_sync", "bundleId": "acme",
     "credentials": {"fields": [
        {"key": "apiKey", "label": "Orders API Key", "type": "secret", "required": True},
     ]}},
]
"""


@pytest.fixture
def acme(providers_dir, services):
    providers_dir({"acme": CHILD_PROVIDER})
    return services


def test_own_values_of_a_child_win_once_set(acme) -> None:
    svc = acme
    svc.credentials.save(
        "acme", {"apiUrl": "https://acme.test", "apiKey": "BUNDLE_KEY"}, A, actor="t"
    )
    assert svc.credentials.read_masked("acme_orders", A).source == "bundle"
    assert svc.credentials.resolve("acme_orders", A)["apiKey"] == "BUNDLE_KEY"
    svc.credentials.save("acme_orders", {"apiKey": "OWN_KEY"}, A, actor="t")
    assert svc.credentials.resolve("acme_orders", A) == {"apiKey": "OWN_KEY"}
    view = svc.credentials.read_masked("acme_orders", A)
    assert (view.source, view.values) == ("own", {"apiKey": MASK})
    origins = {
        (o.field.key, o.source_id or o.source): o for o in svc.credentials.explain("acme_orders", A)
    }
    assert origins[("apiKey", "acme_orders")].source == "own"
    assert origins[("apiUrl", "unset")].shadowed_by_own is True
    # the bundle's own read is untouched
    assert svc.credentials.resolve("acme", A)["apiKey"] == "BUNDLE_KEY"
    svc.credentials.remove("acme_orders", A, actor="t")
    assert svc.credentials.resolve("acme_orders", A)["apiKey"] == "BUNDLE_KEY"


def test_ciphertext_copied_to_another_tenant_fails_with_key_problem(services) -> None:
    services.credentials.save("gateway_stripe", STRIPE, A, actor="t")
    services.credentials.save("gateway_stripe", {**STRIPE, "secretKey": "sk_B"}, B, actor="t")
    with services.store.session() as s:
        a = s.exec(
            select(IntegrationCredentials).where(IntegrationCredentials.tenant_id == "tenant_a")
        ).one()
        b = s.exec(
            select(IntegrationCredentials).where(IntegrationCredentials.tenant_id == "tenant_b")
        ).one()
        b.encrypted_values = dict(a.encrypted_values)
        s.add(b)
    with pytest.raises(KeyProblem) as info:
        services.credentials.resolve("gateway_stripe", B)
    assert str(info.value).startswith(
        "cannot decrypt the credentials of gateway_stripe in tenant tenant_b · org default"
    )
    assert "altered, or copied from another row or tenant" in str(info.value)
    assert services.credentials.resolve("gateway_stripe", A)["secretKey"] == "sk_live_S3CR3T"


def test_events_carry_field_keys_never_values(services) -> None:
    services.credentials.save("gateway_stripe", STRIPE, A, actor="alice")
    revealed = services.credentials.reveal("gateway_stripe", A, actor="bob")
    assert revealed.values["secretKey"] == "sk_live_S3CR3T"
    assert "sk_live_S3CR3T" not in repr(revealed)  # plaintext only where asked for
    services.credentials.remove("gateway_stripe", A, actor="carol")
    evs = events(services)
    assert [(e.type, e.actor, e.subject_id) for e in evs] == [
        ("integrations.credentials.updated", "alice", "gateway_stripe"),
        ("integrations.credentials.revealed", "bob", "gateway_stripe"),
        ("integrations.credentials.removed", "carol", "gateway_stripe"),
    ]
    assert evs[0].payload["changedFields"] == ["publishableKey", "secretKey", "webhookSecret"]
    assert evs[1].payload["fields"] == ["publishableKey", "secretKey", "webhookSecret"]
    for e in evs:
        assert e.tenant_id == "tenant_a"
        for value in STRIPE.values():
            assert value not in repr(e.payload)
