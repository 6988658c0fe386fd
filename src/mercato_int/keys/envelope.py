"""The encrypted envelope of a credentials row: AES-256-GCM over the JSON of the values, bound
to the row's identity (integration or bundle id, organization, tenant) as associated data.

Stored as `{"v": 1, "kid": KEY_ID, "nonce": B64, "ct": B64}`. `cryptography` is imported on
first use only: `mercato-int --help` and `list` never pay for it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from functools import cache
from typing import Any

from mercato_int.errors import msg, msg_n

ENVELOPE_VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 12
_AAD_LABEL = "mercato-int/credentials/v1"


class EnvelopeError(Exception):
    """The envelope cannot be opened: wrong key, tampered or moved ciphertext, unknown format.
    Carries no secret; the service turns it into a KeyProblem naming the row."""


def generate_key() -> bytes:
    """A fresh random 32-byte master key."""
    return os.urandom(KEY_BYTES)


def encode_key(key: bytes) -> str:
    """The url-safe base64 text form of a key (what MERCATO_INT_MASTER_KEY holds)."""
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str) -> bytes:
    """A key from its base64 form (url-safe or standard, padding optional); ValueError if it
    is not 32 bytes of base64. The message never repeats the text."""
    raw = text.strip()
    try:
        key = base64.urlsafe_b64decode(
            raw.replace("+", "-").replace("/", "_") + "=" * (-len(raw) % 4)
        )
    except (binascii.Error, ValueError):
        raise ValueError(msg("creds.keys.err.not_base64")) from None
    if len(key) != KEY_BYTES:
        raise ValueError(msg_n("creds.keys.err.key_size", len(key), expected=KEY_BYTES))
    return key


def key_id(key: bytes) -> str:
    """A short public id derived from the key (a hash: it reveals nothing about the key), so
    environment keys need no separate id and every copy of a key has the same id."""
    return hashlib.sha256(b"mercato-int key id\x00" + key).hexdigest()[:16]


def associated_data(owner_id: str, organization_id: str, tenant_id: str) -> bytes:
    """The row identity the ciphertext is bound to: copied anywhere else, it fails to open."""
    return json.dumps([_AAD_LABEL, owner_id, organization_id, tenant_id]).encode()


@cache
def _cipher(key: bytes) -> Any:
    # cryptography costs ~30 ms to import; only commands that encrypt or decrypt load it.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def seal(values: dict[str, Any], *, key: bytes, kid: str, aad: bytes) -> dict[str, Any]:
    """Encrypt `values` into an envelope."""
    nonce = os.urandom(NONCE_BYTES)
    plaintext = json.dumps(values, separators=(",", ":"), sort_keys=True).encode()
    ct = _cipher(key).encrypt(nonce, plaintext, aad)
    return {
        "v": ENVELOPE_VERSION,
        "kid": kid,
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "ct": base64.b64encode(ct).decode("ascii"),
    }


def envelope_kid(envelope: Any) -> str | None:
    """The key id an envelope names, or None if it is not an envelope at all."""
    if isinstance(envelope, dict) and isinstance(envelope.get("kid"), str):
        return envelope["kid"]
    return None


def open_envelope(envelope: Any, *, key: bytes, aad: bytes) -> dict[str, Any]:
    """Decrypt an envelope; EnvelopeError (never a cryptography exception) on any failure."""
    if not isinstance(envelope, dict) or not {"v", "kid", "nonce", "ct"} <= set(envelope):
        raise EnvelopeError(msg("creds.keys.err.not_envelope"))
    if envelope["v"] != ENVELOPE_VERSION:
        raise EnvelopeError(msg("creds.keys.err.envelope_version", version=envelope["v"]))
    from cryptography.exceptions import InvalidTag

    try:
        nonce = base64.b64decode(envelope["nonce"], validate=True)
        ct = base64.b64decode(envelope["ct"], validate=True)
        plaintext = _cipher(key).decrypt(nonce, ct, aad)
    except (InvalidTag, binascii.Error, ValueError, TypeError):
        raise EnvelopeError(msg("creds.keys.err.does_not_open")) from None
    values = json.loads(plaintext)
    if not isinstance(values, dict):
        raise EnvelopeError(msg("creds.keys.err.not_object"))
    return values
