"""A passphrase-protected copy of master keys (`keys export` / `keys import`).

scrypt derives a 256-bit key from the passphrase and a random salt; AES-256-GCM seals the keys
under it. The header (format, version, KDF and its parameters) is the associated data, so
altering any byte of the file fails the import exactly as a wrong passphrase does, and nothing
is imported. The file holds JSON:
`{"format", "v", "kdf": {"name": "scrypt", "n", "r", "p", "salt"}, "nonce", "ct"}`.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

from mercato_int.errors import InvalidInput, KeyProblem, msg
from mercato_int.keys.envelope import KEY_BYTES, NONCE_BYTES, key_id

FORMAT = "mercato-int master keys"
VERSION = 1
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1  # 32 MiB and ~0.1 s per try
# what an import accepts: a file asking for more is not one of ours (and would be a way to
# make the import eat memory)
MAX_N, MAX_R, MAX_P = 2**20, 16, 4
SALT_BYTES = 16
MIN_PASSPHRASE = 8


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # cryptography costs ~30 ms to import; only export and import load it.
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(passphrase.encode())


def _aad(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def seal_keys(keys: list[bytes], *, active: bytes | None, passphrase: str) -> bytes:
    """The export file's bytes for `keys` (the active one first)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(msg("creds.keys.backup.err.short", min=MIN_PASSPHRASE))
    salt = os.urandom(SALT_BYTES)
    header = {
        "format": FORMAT,
        "v": VERSION,
        "kdf": {
            "name": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": base64.b64encode(salt).decode("ascii"),
        },
    }
    body = {
        "active": key_id(active) if active else None,
        "keys": [
            {"keyId": key_id(k), "key": base64.urlsafe_b64encode(k).decode("ascii")} for k in keys
        ],
    }
    nonce = os.urandom(NONCE_BYTES)
    key = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    ct = AESGCM(key).encrypt(nonce, json.dumps(body).encode(), _aad(header))
    out = {
        **header,
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "ct": base64.b64encode(ct).decode("ascii"),
    }
    return (json.dumps(out, indent=1) + "\n").encode()


def open_keys(data: bytes, *, passphrase: str, name: str) -> tuple[list[bytes], bytes | None]:
    """(keys, active key or None) from an export file's bytes. InvalidInput (exit 2) if it is
    not an export at all; KeyProblem (exit 5) for a wrong passphrase or any alteration."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        doc = None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidInput(msg("creds.keys.backup.err.not_export", file=name))
    altered = KeyProblem(
        msg("creds.keys.backup.err.does_not_open", file=name),
        hint=msg("creds.keys.backup.hint.does_not_open"),
    )
    try:
        kdf = doc["kdf"]
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if doc["v"] != VERSION or kdf["name"] != "scrypt":
            raise ValueError("version")
        if not (2 <= n <= MAX_N and n & (n - 1) == 0 and 1 <= r <= MAX_R and 1 <= p <= MAX_P):
            raise ValueError("parameters")
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(doc["nonce"], validate=True)
        ct = base64.b64decode(doc["ct"], validate=True)
        header = {"format": doc["format"], "v": doc["v"], "kdf": kdf}
        key = _derive(passphrase, salt, n, r, p)
        body = json.loads(AESGCM(key).decrypt(nonce, ct, _aad(header)))
        keys: list[bytes] = []
        for entry in body["keys"]:
            material = base64.urlsafe_b64decode(entry["key"])
            if len(material) != KEY_BYTES or key_id(material) != entry["keyId"]:
                raise ValueError("key")
            keys.append(material)
        active = next((k for k in keys if key_id(k) == body.get("active")), None)
    except (InvalidTag, KeyError, TypeError, ValueError, binascii.Error):
        raise altered from None
    return keys, active
