"""What a save accepts: the mask sent back keeps the stored secret (issue 10.4), URL fields
are absolute http(s) URLs with a valid host (10.5), secrets carry no control characters
(11.4). Each on a real store; nothing half-written when refused."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mercato_int.errors import InvalidInput
from mercato_int.keys.envelope import associated_data, open_envelope
from mercato_int.scope import TenantScope
from mercato_int.services.credentials.schema import MASK
from mercato_int.store.tables import IntegrationCredentials, IntegrationEvent

A = TenantScope("default", "tenant_a")
STRIPE = {"publishableKey": "pk_test_1", "secretKey": "sk_live_S3CR3T", "webhookSecret": "whsec_W"}
MEDUSA = {
    "medusaApiUrl": "https://api.shop.test",
    "medusaApiKey": "medusa_K3Y",
    "medusaWebhookSecret": "medusa_WH",
}


def stored(services, owner: str = "gateway_stripe") -> dict:
    """The decrypted values of the row as stored (not through the service's read path)."""
    with services.store.session() as s:
        row = s.exec(
            select(IntegrationCredentials).where(IntegrationCredentials.integration_id == owner)
        ).one()
    key = services.master_keys.find(row.encrypted_values["kid"])
    aad = associated_data(owner, row.organization_id, row.tenant_id)
    return open_envelope(row.encrypted_values, key=key.material, aad=aad)


def count(services, table) -> int:
    with services.store.session() as s:
        return len(s.exec(select(table)).all())


def test_the_mask_sent_back_keeps_every_stored_secret(services) -> None:
    services.credentials.save("gateway_stripe", STRIPE, A, actor="t")
    # what `creds get --json` gives, pasted back with one real change
    view = services.credentials.read_masked("gateway_stripe", A)
    assert view.values["secretKey"] == MASK
    sent = {**view.values, "publishableKey": "pk_test_2"}
    result = services.credentials.save("gateway_stripe", sent, A, actor="t")
    assert result.changed == ["publishableKey"]
    assert stored(services) == {**STRIPE, "publishableKey": "pk_test_2"}
    # the mask alone (also with a trailing newline from a file) changes nothing
    again = services.credentials.save(
        "gateway_stripe", {"secretKey": MASK + "\n", "webhookSecret": MASK}, A, actor="t"
    )
    assert again.changed == []
    assert MASK not in repr(stored(services))


def test_the_mask_on_a_first_save_is_refused_and_nothing_is_stored(services) -> None:
    with pytest.raises(InvalidInput) as info:
        services.credentials.save("gateway_stripe", {**STRIPE, "secretKey": MASK}, A, actor="t")
    assert info.value.exit_code == 2
    assert str(info.value).startswith(
        "field 'secretKey' is the mask ••••••••, and there is no stored value to keep"
    )
    assert count(services, IntegrationCredentials) == 0
    assert count(services, IntegrationEvent) == 0


def test_the_mask_for_a_field_with_no_stored_value_is_refused(services) -> None:
    services.credentials.save("gateway_stripe", {**STRIPE, "captureMethod": "manual"}, A, actor="t")
    kept = services.credentials.save("gateway_stripe", {"captureMethod": MASK}, A, actor="t")
    assert kept.changed == [] and stored(services)["captureMethod"] == "manual"
    with pytest.raises(InvalidInput, match="'enableApplePay' is the mask"):
        services.credentials.save("gateway_stripe", {"enableApplePay": MASK}, A, actor="t")
    assert MASK not in repr(stored(services))


@pytest.mark.parametrize(
    "url",
    [
        "https://api.<shop>.test",
        'https://api."shop".test',
        "https://api.'shop'.test",
        "https://api shop.test",
        "https://api.shop.test/a path",
        " https://api.shop.test/x y",
        "https://user@api.shop.test",
        "https://:pw@api.shop.test",
        "https://",
        "https://:443/path",
        "http:///path",
        "https://api.shop.test:abc",
        "//api.shop.test",
        "api.shop.test",
        "mailto:ops@shop.test",
        "javascript:alert(1)",
        "https://api.shop.test\x00.evil",
        "https://api.shop.test/\x7f",
        "https://-api.shop.test",
        "https://api%2eshop.test",
        "http://ex..com",
        "http://.ex.com",
        "http://ex-.com",
    ],
)
def test_url_fields_refuse_what_is_not_an_absolute_http_url(services, url) -> None:
    with pytest.raises(InvalidInput) as info:
        services.credentials.save("sync_medusa", {**MEDUSA, "medusaApiUrl": url}, A, actor="t")
    assert info.value.exit_code == 2
    assert str(info.value).startswith("field 'medusaApiUrl' ")
    assert len(url.strip()) < 10 or url.strip() not in str(info.value)
    assert count(services, IntegrationCredentials) == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://api.shop.test",
        "http://127.0.0.1:9000/admin",
        "https://[::1]:8443/v2?x=1#f",
        "https://shop-api_2.example.co.uk/path/to",
        "https://bücher.example/",
        "https://api.shop.test/\n",  # the file's newline is trimmed
    ],
)
def test_url_fields_accept_absolute_http_urls(services, url) -> None:
    services.credentials.save("sync_medusa", {**MEDUSA, "medusaApiUrl": url}, A, actor="t")
    assert stored(services, "sync_medusa")["medusaApiUrl"] == url.strip()


def test_a_secret_file_with_trailing_newlines_is_stored_without_them(services) -> None:
    services.credentials.save(
        "gateway_stripe", {**STRIPE, "secretKey": "sk_live_S3CR3T\r\n\n"}, A, actor="t"
    )
    assert stored(services)["secretKey"] == "sk_live_S3CR3T"
    assert services.credentials.resolve("gateway_stripe", A)["secretKey"] == "sk_live_S3CR3T"


@pytest.mark.parametrize(
    "inner",
    # controls, then invisible ones: U+2028/2029 separators, zero-width space, BOM, bidi mark
    [
        "\n",
        "\r",
        "\x00",
        "\x1b",
        "\x7f",
        "\x85",
        "\t",
        "\u2028",
        "\u2029",
        "\u200b",
        "\ufeff",
        "\u202e",
    ],
)
def test_a_control_character_inside_a_secret_is_refused_naming_only_the_field(
    services, inner
) -> None:
    secret = f"sk_live_{inner}TAIL"
    with pytest.raises(InvalidInput) as info:
        services.credentials.save("gateway_stripe", {**STRIPE, "secretKey": secret}, A, actor="t")
    assert info.value.exit_code == 2
    assert str(info.value).startswith("field 'secretKey' holds a control or invisible character")
    assert "TAIL" not in str(info.value) and "sk_live" not in str(info.value)
    assert count(services, IntegrationCredentials) == 0


def test_a_secret_file_saved_with_a_bom_is_stored_without_it(services) -> None:
    services.credentials.save(
        "gateway_stripe", {**STRIPE, "secretKey": "\ufeffsk_live_S3CR3T\n"}, A, actor="t"
    )
    assert stored(services)["secretKey"] == "sk_live_S3CR3T"


def test_text_fields_are_kept_as_given(providers_dir, services) -> None:
    providers_dir(
        {
            "memo": """
integration = {"id": "memo", "title": "Memo", "category": "testing", "credentials": {"fields": [
    {"key": "note", "label": "Note", "type": "text"},
    {"key": "token", "label": "Token", "type": "secret", "required": True},
]}}
"""
        }
    )
    services.credentials.save("memo", {"note": " two\nlines ", "token": "tk"}, A, actor="t")
    assert stored(services, "memo") == {"note": " two\nlines ", "token": "tk"}


@pytest.mark.parametrize("url", ["http://-ex.com", "http://ex..com", "https://a.b-/x"])
def test_a_url_with_a_host_that_is_not_valid_says_so(services, url) -> None:
    with pytest.raises(InvalidInput) as info:
        services.credentials.save("sync_medusa", {**MEDUSA, "medusaApiUrl": url}, A, actor="t")
    assert str(info.value).startswith(
        "field 'medusaApiUrl' has a URL whose host is not a valid host name ("
    )
