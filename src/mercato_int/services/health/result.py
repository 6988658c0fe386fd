"""The result of a health check: what a provider may return, what is stored, and the
redaction that keeps credential values out of every message and detail."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mercato_int.redaction import redact_details, secret_pattern
from mercato_int.scope import TenantScope

STATUSES: tuple[str, ...] = ("healthy", "degraded", "unhealthy", "unconfigured")
LOG_LEVEL = {
    "healthy": "info",
    "degraded": "warning",
    "unconfigured": "warning",
    "unhealthy": "error",
}
KEY_PROBLEM = "key_problem"
MAX_MESSAGE_BYTES = 4096  # a health message is one line for a person, not a payload
_MAX_DEPTH = 50  # levels of a check's details kept; deeper ones become _DEEPER
_DEEPER = "(deeper levels left out)"
# an integer Python will not turn into text (past sys.int_info's 4,300 digits by default):
# json.dumps would raise on it; far beyond what a detail means anyway
_MAX_INT_BITS = 4000 * 3  # ~3,600 digits
TOO_LONG_NUMBER = "(a number too long to keep)"


@dataclass(frozen=True)
class HealthOutcome:
    """One completed check: `{status, message, details, latencyMs, checkedAt}` plus what it
    was about."""

    subject_id: str
    integration_ids: tuple[str, ...]
    owner_id: str | None
    scope: TenantScope
    status: str
    message: str
    details: dict[str, Any] | None
    latency_ms: int
    checked_at: datetime
    # `KEY_PROBLEM`: the credentials could not be decrypted; the check did not run and nothing
    # was recorded (state, log, event): the fault is this host's master key, not the provider
    error: str | None = None

    @property
    def measured_ms(self) -> int | None:
        """The latency, or None when no check ran (unconfigured, or a key problem)."""
        if self.status == "unconfigured" or self.error == KEY_PROBLEM:
            return None
        return self.latency_ms


def normalize(raw: Any) -> tuple[str, str, dict[str, Any] | None]:
    """(status, message, details) from what a check returned: a HealthResult, a dict, or an
    object with those attributes. Anything else is `unhealthy`, saying what was wrong."""
    from pydantic import ValidationError

    from mercato_int.registry import HealthResult

    if isinstance(raw, HealthResult):
        return raw.status, raw.message, raw.details
    data = raw if isinstance(raw, Mapping) else None
    if data is None and hasattr(raw, "status"):
        data = {k: getattr(raw, k) for k in ("status", "message", "details") if hasattr(raw, k)}
    if data is None:
        return (
            "unhealthy",
            f"the check returned {type(raw).__name__}, not a result with a status",
            None,
        )
    data = dict(data)
    if isinstance(data.get("message"), str):  # pydantic refuses lone surrogates
        data["message"] = _storable(data["message"])
    try:
        result = HealthResult.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "result"
        return "unhealthy", f"the check returned an invalid result ({where}: {first['msg']})", None
    return result.status, result.message, result.details


def redactor(credentials: Mapping[str, Any], secret_keys: Iterable[str]) -> Callable[[Any], Any]:
    """A function that masks the values of `secret` credential fields wherever they appear, in
    any of the forms of `redaction.secret_forms` (in text, nested details and their keys, bytes
    and numbers), masks the values under keys that are secret field names, and returns only
    what JSON can hold (a check's details are stored, logged and emitted as JSON)."""
    keys = set(secret_keys)
    texts = [str(v) for v in credentials.values() if isinstance(v, str | int) and str(v)]
    secrets = [str(v) for k, v in credentials.items() if k in keys and v is not None]
    pattern = secret_pattern(secrets, texts)

    def clean(value: Any) -> Any:
        return redact_details(_json_safe(value), pattern, keys, secret_key="mask")

    return clean


def _json_safe(value: Any, depth: int = 0) -> Any:
    """`value` as JSON can hold it: text a store keeps, finite numbers, lists for any
    collection, `repr` for bytes, `str` for anything else, at most _MAX_DEPTH levels."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _storable(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)  # NaN and Infinity are not JSON
        if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
            return TOO_LONG_NUMBER
        return value
    if depth >= _MAX_DEPTH:
        return _DEEPER
    if isinstance(value, Mapping):
        return {_storable(str(k)): _json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v, depth + 1) for v in value]
    if isinstance(value, bytes | bytearray):
        return repr(bytes(value))
    return _storable(_safe_str(value))


def fit(message: str, details: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None]:
    """A check's (already masked) message and details cut to what is stored and logged: the
    message to MAX_MESSAGE_BYTES of UTF-8, details that the log would refuse (too big, too
    deep) replaced by `{"truncated": true, "reason": ...}`, so that a check returning too much
    is still recorded rather than failing the run."""
    from mercato_int.errors import InvalidInput
    from mercato_int.services.logs.limits import details_json, dumps

    if len(message) > MAX_MESSAGE_BYTES // 4 and len(message.encode()) > MAX_MESSAGE_BYTES:
        cut = message.encode()[: MAX_MESSAGE_BYTES - 3].decode("utf-8", "ignore")
        message = cut + "…"
    if details is not None:
        try:
            details_json(details, dumps)
        except InvalidInput as exc:
            details = {"truncated": True, "reason": exc.message}
    return message, details


def _storable(value: str) -> str:
    """Text without what no store keeps: NUL (Postgres refuses it) and lone surrogates (not
    UTF-8), each replaced by U+FFFD."""
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    if not value.isascii():
        value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def _safe_str(value: Any) -> str:
    """`str(value)`, or what it is when its `__str__` fails (a check's own exception class)."""
    try:
        return str(value)
    except Exception:
        return f"<{type(value).__name__} that cannot be shown>"
