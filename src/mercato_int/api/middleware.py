"""The API's outer layer, as plain ASGI (no BaseHTTPMiddleware): the 1 MiB body limit, the
access log (method, path without query, status, time: never a header or a body), the request
metrics, and the last word on any error a route let through (JSON, no traceback)."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from mercato_int.api import errors, metrics
from mercato_int.redaction import MASK

MAX_BODY = 1024 * 1024  # bytes: a larger body is refused with 413

access_log = logging.getLogger("mercato_int.api.access")

Scope = dict[str, Any]
Message = dict[str, Any]


class ApiMiddleware:
    def __init__(self, app: Any, *, with_metrics: bool = True, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.with_metrics = with_metrics
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        answered: dict[str, Any] = {"status": None}

        async def tracked(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered["status"] = message["status"]
            await send(message)

        try:
            body = await self._read_body(scope, receive)
            if body is None:
                from mercato_int.i18n import t

                limit = t("api.err.too_large", limit=self.max_body // 1024)
                await errors.response(413, "payload_too_large", limit)(scope, receive, tracked)
            else:
                await self.app(scope, _replay(body, receive), tracked)
        except Exception as exc:
            if answered["status"] is None:
                where = f"{scope['method']} {_route(scope)}"
                await errors.unexpected(exc, where)(scope, receive, tracked)
            else:  # the answer was under way: nothing more can be said to the client
                errors.log.error("error after the answer began: %s", type(exc).__name__)
        finally:
            self._record(scope, answered["status"] or 500, time.perf_counter() - start)

    async def _read_body(self, scope: Scope, receive: Any) -> bytes | None:
        """The whole body (at most `max_body` bytes), or None when it is larger: by its
        Content-Length, before reading it, or as it arrives (chunked)."""
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    if int(value) > self.max_body:
                        return None
                except ValueError:
                    pass
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = _route(scope)
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        if self.with_metrics:
            metrics.observe_request(method, route, status, seconds)
        client = scope.get("client") or ("-", 0)
        path = scope.get("path", "")  # uvicorn puts --root-path in it already
        access_log.info(
            '%s "%s %s" %d %.1fms',
            loggable(str(client[0]), 64),
            method,
            loggable(path, 512),
            status,
            seconds * 1000,
        )


# what the access log and the metrics name as they are; any other method is `OTHER` (a label
# per made-up method would let anyone grow /metrics without end)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_TOKEN = re.compile(r"mit_[A-Za-z0-9_-]{4,}")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\"\\]")


def loggable(text: str, limit: int) -> str:
    """`text` as one safe field of an access log line: a token pasted into it masked, control
    characters, quotes and backslashes escaped (no forged line, no terminal escape, no NUL), cut
    at `limit` characters. What a client sends (a path, a forwarded address) is never trusted."""
    text = _TOKEN.sub("mit_" + MASK, text[: limit * 2])
    text = _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
    return text if len(text) <= limit else text[:limit] + "…"


def _route(scope: Scope) -> str:
    """The route template that answered (`/api/integrations/{integration_id}`), or
    `unmatched`: metrics never carry an id from a path."""
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


def _replay(body: bytes, receive: Any) -> Any:
    """A `receive` that hands the buffered body over once, then waits for the disconnect."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
