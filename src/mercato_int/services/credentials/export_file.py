"""The portable credentials export file: a JSON envelope sealed with a passphrase.

    {"format": "mercato-int/credentials-export", "version": 1, "createdAt": ...,
     "kdf": {"name": "scrypt", "n": 131072, "r": 8, "p": 1, "salt": B64},
     "check": B64, "cipher": {"name": "AES-256-GCM", "nonce": B64}, "ciphertext": B64}

scrypt turns the passphrase into 64 bytes: the first 32 are the AES-256-GCM key, the other 32
key an HMAC of a fixed label (`check`), so a wrong passphrase is told apart from an altered
file (the check matches, the GCM tag does not). Every header field but the ciphertext is the
associated data: changing any of them (the KDF cost, the time) makes the file fail to open.
The plaintext is `{"rows": [...]}`; with `--decrypted` it is written as it is, with
`"encrypted": false` and no envelope. Files are written 0600 and atomically (a temporary file
in the same folder, linked into place only once complete; an existing file is never replaced).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mercato_int.errors import InvalidInput, KeyProblem, msg
from mercato_int.scope import TenantScope
from mercato_int.shapes.base import utc_text

FORMAT = "mercato-int/credentials-export"
VERSION = 1
MIN_PASSPHRASE = 12
# scrypt cost: N=2^17, r=8, p=1 (128 MiB, about half a second), the strong interactive
# setting of the scrypt paper and OWASP's list; a file asking for more than 2^20 is refused
# (1 GiB of memory on import is an attack, not an export of ours)
KDF = {"name": "scrypt", "n": 2**17, "r": 8, "p": 1}
_MAX_N = 2**20
_CHECK_LABEL = b"mercato-int credentials export v1"


@dataclass(frozen=True)
class ExportRow:
    """One credentials row as it travels: scope, owner id, plaintext values, and where it
    stood in the source store (its version and when it was last written)."""

    scope: TenantScope
    integration_id: str
    values: dict[str, Any]
    updated_at: str | None = None
    version: int | None = None

    def __repr__(self) -> str:  # values stay out of tracebacks and logs
        return f"ExportRow({self.integration_id!r}, {self.scope!r}, fields={sorted(self.values)})"


def check_passphrase(passphrase: str) -> str:
    """`passphrase` if it is long enough to seal an export; InvalidInput otherwise (the
    message gives its minimum length, never the passphrase)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(
            msg("export.err.short_passphrase", n=MIN_PASSPHRASE), hint=msg("export.hint.passphrase")
        )
    return passphrase


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, what: str) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except (ValueError, TypeError):
        raise InvalidInput(msg("export.err.malformed", what=what)) from None


def _derive(passphrase: str, salt: bytes, kdf: dict[str, Any]) -> tuple[bytes, bytes]:
    n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    raw = hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=129 * r * n * p + 2**20,
        dklen=64,
    )  # fmt: skip
    return raw[:32], raw[32:]


def _aad(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _payload(rows: list[ExportRow]) -> dict[str, Any]:
    return {"rows": [_row_json(r) for r in rows]}


def _row_json(row: ExportRow) -> dict[str, Any]:
    """A row as the file holds it (read back by `_rows`). A file format of its own, versioned
    by VERSION, not a `--json` document: it carries the values, and must not change when a
    document of the shape layer does. `updatedAt` is already `...Z` text (utc_or_none)."""
    return {
        **row.scope.as_dict(),
        "integrationId": row.integration_id,
        "values": row.values,
        "updatedAt": row.updated_at,
        "version": row.version,
    }


def seal(rows: list[ExportRow], passphrase: str, *, now: datetime) -> bytes:
    """The encrypted export file of `rows` (bytes of JSON)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    check_passphrase(passphrase)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kdf = {**KDF, "salt": _b64(salt)}
    key, check_key = _derive(passphrase, salt, kdf)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "encrypted": True,
        "createdAt": utc_text(now),
        "kdf": kdf,
        "check": _b64(hmac.new(check_key, _CHECK_LABEL, hashlib.sha256).digest()),
        "cipher": {"name": "AES-256-GCM", "nonce": _b64(nonce)},
    }
    body = json.dumps(_payload(rows), ensure_ascii=False).encode("utf-8")
    ciphertext = AESGCM(key).encrypt(nonce, body, _aad(header))
    return (json.dumps({**header, "ciphertext": _b64(ciphertext)}, indent=2) + "\n").encode()


def plain(rows: list[ExportRow], *, now: datetime) -> bytes:
    """The unencrypted export file of `rows` (`--decrypted`)."""
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "encrypted": False,
        "createdAt": utc_text(now),
        **_payload(rows),
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class ExportFile:
    """A parsed export file, not yet opened."""

    doc: dict[str, Any]

    @property
    def encrypted(self) -> bool:
        return bool(self.doc.get("encrypted", True))

    def open(self, passphrase: Callable[[], str]) -> list[ExportRow]:
        """The rows. `passphrase` is asked for only when the file is encrypted. KeyProblem
        (exit 5) for a wrong passphrase or a file altered after it was sealed."""
        if not self.encrypted:
            if "ciphertext" in self.doc or "kdf" in self.doc:  # a sealed file said to be plain
                raise InvalidInput(msg("export.err.malformed", what="encrypted"))
            return _rows(self.doc.get("rows"))
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        header = {k: v for k, v in self.doc.items() if k != "ciphertext"}
        kdf, cipher = header.get("kdf"), header.get("cipher")
        if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
            raise InvalidInput(msg("export.err.malformed", what="kdf"))
        if not isinstance(cipher, dict) or cipher.get("name") != "AES-256-GCM":
            raise InvalidInput(msg("export.err.malformed", what="cipher"))
        try:
            n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(msg("export.err.malformed", what="kdf")) from None
        if not (2 <= n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
            raise InvalidInput(msg("export.err.kdf_cost", n=n, r=r, p=p))
        salt = _unb64(kdf.get("salt"), "kdf.salt")
        nonce = _unb64(cipher.get("nonce"), "cipher.nonce")
        check = _unb64(header.get("check"), "check")
        ciphertext = _unb64(self.doc.get("ciphertext"), "ciphertext")
        if len(nonce) != 12:
            raise InvalidInput(msg("export.err.malformed", what="cipher.nonce"))
        key, check_key = _derive(passphrase(), salt, kdf)
        expected = hmac.new(check_key, _CHECK_LABEL, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, check):
            raise KeyProblem(
                msg("export.err.wrong_passphrase"), hint=msg("export.hint.wrong_passphrase")
            )
        try:
            body = AESGCM(key).decrypt(nonce, ciphertext, _aad(header))
        except InvalidTag:
            raise KeyProblem(msg("export.err.tampered"), hint=msg("export.hint.tampered")) from None
        try:
            payload = json.loads(body)
        except ValueError:
            raise KeyProblem(msg("export.err.tampered"), hint=msg("export.hint.tampered")) from None
        return _rows(payload.get("rows") if isinstance(payload, dict) else None)


def parse(raw: bytes) -> ExportFile:
    """An export file from its bytes; InvalidInput (exit 2) when it is not one of ours."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput(
            msg("export.err.not_export"), hint=msg("export.hint.not_export")
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidInput(msg("export.err.not_export"), hint=msg("export.hint.not_export"))
    if doc.get("version") != VERSION:
        raise InvalidInput(msg("export.err.version", version=doc.get("version"), known=VERSION))
    return ExportFile(doc)


def _rows(items: Any) -> list[ExportRow]:
    if not isinstance(items, list):
        raise InvalidInput(msg("export.err.malformed", what="rows"))
    rows = []
    for n, item in enumerate(items, start=1):
        try:
            ok = isinstance(item["values"], dict) and all(
                isinstance(item[k], str) and item[k]
                for k in ("tenantId", "organizationId", "integrationId")
            )
        except (KeyError, TypeError):
            ok = False
        if not ok:
            raise InvalidInput(msg("export.err.malformed", what=f"rows[{n}]"))
        version = item.get("version")
        rows.append(
            ExportRow(
                scope=TenantScope(item["organizationId"], item["tenantId"]),
                integration_id=item["integrationId"],
                values=dict(item["values"]),
                updated_at=item.get("updatedAt"),
                version=version if isinstance(version, int) else None,
            )
        )
    return rows


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to a new file `path`, readable by its owner only (0600), atomically (see
    keys.sources.write_private: on an error or Ctrl-C no file is left). An existing file is
    never replaced, as `keys export` never replaces one."""
    from mercato_int.keys.sources import write_private as write

    try:
        write(path, data, exclusive=True)
    except OSError as exc:
        if isinstance(exc, FileExistsError) and (path.exists() or path.is_symlink()):
            refuse_existing(path)
        reason = exc.strerror or type(exc).__name__
        raise InvalidInput(msg("export.err.cannot_write", path=path, reason=reason)) from None


def refuse_existing(path: Path) -> None:
    """InvalidInput if `path` exists: said before anything is asked, read or audited (the
    write itself checks again)."""
    if path.exists() or path.is_symlink():
        raise InvalidInput(msg("export.err.exists", path=path), hint=msg("export.hint.exists"))
