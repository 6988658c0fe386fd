"""Errors as JSON: `{"error": {"code", "message"}}` with the status of the error's kind.

Every error a request can meet ends here: the core's MercatoIntError family (by kind), a
request FastAPI could not parse (400, naming the field, never its value), a body over the
limit (413), a store that fails (503) and anything else (500, one line in the server's log,
no traceback: a traceback can carry a secret)."""

from __future__ import annotations

import logging
from typing import Any

from mercato_int import errors

log = logging.getLogger("mercato_int.api")

# (kind, HTTP status, code), the first match wins: subclasses before their bases
_KINDS: list[tuple[type[errors.MercatoIntError], int, str]] = [
    (errors.Unauthenticated, 401, "unauthenticated"),
    (errors.VersionConflict, 412, "version_conflict"),
    (errors.InvalidInput, 400, "invalid_input"),
    (errors.NotFound, 404, "not_found"),
    (errors.NotAllowed, 403, "not_allowed"),
    (errors.KeyProblem, 500, "key_unavailable"),
    (errors.StoreError, 503, "store_unavailable"),
]

BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def status_of(exc: errors.MercatoIntError) -> tuple[int, str]:
    """The HTTP status and code of a core error; 400 for any other user-caused error whose
    exit code is usage, else 422 (the operation was understood and failed)."""
    for kind, status, code in _KINDS:
        if isinstance(exc, kind):
            return status, code
    if exc.exit_code == errors.ExitCode.USAGE:  # ConfigError and the like
        return 400, "invalid_input"
    return 422, "operation_failed"


def body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def response(status: int, code: str, message: str, headers: dict[str, str] | None = None):
    from fastapi.responses import JSONResponse

    return JSONResponse(body(code, message), status_code=status, headers=headers)


def core_error(exc: errors.MercatoIntError):
    """The response for a core error: its message (and hint) in the server's language."""
    status, code = status_of(exc)
    text = str(exc)  # the message and its hint, in the server's language
    headers: dict[str, str] = {}
    if isinstance(exc, errors.Unauthenticated):
        headers.update(BEARER_CHALLENGE)
        log.info("token refused: %s", exc.reason)  # missing, unknown, expired or revoked
        if exc.reason in ("unknown", "expired", "revoked"):  # a token was sent
            # alike for unknown, expired and revoked: a leaked token's holder must not learn
            # that it was real, its prefix or when it ended (the server's log says which)
            text = str(
                errors.Unauthenticated(code="api.err.token_refused", hint_code="tokens.hint.auth")
            )
    if isinstance(exc, errors.VersionConflict):
        headers["ETag"] = etag(exc.current)
    return response(status, code, text, headers or None)


def etag(version: int) -> str:
    """The ETag of a credentials or state version: the version, quoted."""
    return f'"{version}"'


def validation_error(exc: Any):
    """A request FastAPI could not parse or validate: 400 naming where and why, never the
    value (it may be a secret sent in the wrong field)."""
    problems = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
        problems.append(f"{where}: {e.get('msg', 'invalid')}")
    from mercato_int.i18n import t

    return response(
        400, "invalid_input", t("api.err.invalid_request", problems="; ".join(problems))
    )


def unexpected(exc: BaseException, where: str):
    """A store failure (503) or a bug (500): one line in the log naming the kind of error,
    never its text or traceback (unless MERCATO_INT_DEBUG=1)."""
    import os

    from mercato_int.i18n import t

    if errors.is_store_failure(exc):
        log.error("store failure on %s: %s", where, type(exc).__name__)
        return response(503, "store_unavailable", t("api.err.store_failed"))
    if os.environ.get("MERCATO_INT_DEBUG") == "1":
        log.exception("internal error on %s", where)
    else:
        log.error("internal error on %s: %s", where, type(exc).__name__)
    return response(500, "internal", t("api.err.internal", kind=type(exc).__name__))


def install(app: Any) -> None:
    """The handlers of a FastAPI app: core errors, bad requests, HTTP errors as JSON."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    async def on_core(_request: Any, exc: errors.MercatoIntError):
        return core_error(exc)

    async def on_invalid(_request: Any, exc: RequestValidationError):
        return validation_error(exc)

    async def on_http(_request: Any, exc: HTTPException):
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthenticated"}
        code = codes.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.status_code)
        return response(exc.status_code, code, detail, getattr(exc, "headers", None))

    app.add_exception_handler(errors.MercatoIntError, on_core)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(HTTPException, on_http)


_MEANING = {
    400: "bad query, body or credential value",
    401: "no token, or an unknown, expired or revoked one",
    403: "the tenant's policy refuses the token's actor",
    404: "unknown integration (or nothing to delete)",
    412: "If-Match names a version that is no longer current",
    413: "body over 1 MiB",
    500: "key_unavailable: the master key is not on this host",
    503: "the store fails or its schema is behind",
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses, with the error body's schema."""
    from pydantic import BaseModel

    class ErrorDetail(BaseModel):
        code: str
        message: str

    class ErrorBody(BaseModel):
        error: ErrorDetail

    return {s: {"model": ErrorBody, "description": _MEANING[s]} for s in statuses}
