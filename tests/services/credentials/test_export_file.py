"""The export file format: sealed with scrypt + AES-256-GCM; a wrong passphrase, an altered
header or body, and an absurd KDF cost are each refused; nothing in it is plaintext."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from mercato_int.errors import InvalidInput, KeyProblem
from mercato_int.scope import TenantScope
from mercato_int.services.credentials import export_file
from mercato_int.services.credentials.export_file import ExportRow

PASS = "a long enough passphrase"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ROWS = [
    ExportRow(TenantScope("o", "t"), "gateway_stripe", {"secretKey": "sk_SEAL_1"}, None, 3),
    ExportRow(TenantScope("o", "u"), "carrier_dhl", {"apiKey": "dhl_SEAL_2"}, "2026-01-01Z", 1),
]


@pytest.fixture(scope="module")
def sealed() -> bytes:
    return export_file.seal(ROWS, PASS, now=NOW)


def test_round_trip(sealed: bytes) -> None:
    assert b"SEAL" not in sealed and b"gateway_stripe" not in sealed
    rows = export_file.parse(sealed).open(lambda: PASS)
    assert rows == ROWS
    assert "sk_SEAL_1" not in repr(rows)


def test_a_plaintext_file_needs_no_passphrase() -> None:
    data = export_file.plain(ROWS, now=NOW)
    assert b"sk_SEAL_1" in data
    asked = []
    assert export_file.parse(data).open(lambda: asked.append(1) or PASS) == ROWS
    assert asked == []


def test_wrong_passphrase(sealed: bytes) -> None:
    with pytest.raises(KeyProblem, match="passphrase does not open"):
        export_file.parse(sealed).open(lambda: "another long passphrase")


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"createdAt": "2027-01-01T00:00:00Z"}, KeyProblem, "altered"),
        ({"cipher": {"name": "AES-256-GCM", "nonce": "AAAAAAAAAAAAAAAA"}}, KeyProblem, "altered"),
        ({"version": 2}, InvalidInput, "format version 2"),
        ({"format": "other"}, InvalidInput, "not a credentials export"),
        ({"check": "not base64!"}, InvalidInput, "check"),
        (
            {"kdf": {"name": "scrypt", "n": 2**24, "r": 8, "p": 1, "salt": "AAAA"}},
            InvalidInput,
            "cost",
        ),
        ({"encrypted": False}, InvalidInput, "encrypted"),
    ],
)
def test_altered_files_are_refused(sealed: bytes, change: dict, error: type, match: str) -> None:
    doc = json.loads(sealed) | change
    with pytest.raises(error, match=match):
        export_file.parse(json.dumps(doc).encode()).open(lambda: PASS)


def test_flipped_ciphertext_bit(sealed: bytes) -> None:
    import base64

    doc = json.loads(sealed)
    raw = bytearray(base64.b64decode(doc["ciphertext"]))
    raw[5] ^= 1
    doc["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(KeyProblem, match="altered"):
        export_file.parse(json.dumps(doc).encode()).open(lambda: PASS)


def test_short_passphrase_is_refused() -> None:
    with pytest.raises(InvalidInput, match="at least 12"):
        export_file.seal(ROWS, "short", now=NOW)
