"""Local HTTP servers (threads on 127.0.0.1, ephemeral ports) that answer as the real provider
APIs do, authentication included, for the bundled providers' health checks. What each real
server answered, and when, is in scripts/REAL-CHECKS.md.

- `FakeMedusa` answers exactly as a real Medusa 2.21.2 server was seen to answer
  (scripts/medusa_real_check.sh): `GET /health` is `200 OK` (text/html); the admin routes take a
  secret API key as HTTP Basic; with a valid key `GET /admin/users/me` is 404 (the actor is the
  key, not a user) while `/admin/users` and `/admin/stores` are 200; a wrong, missing, v1-header
  or Bearer key is 401 on any /admin path, even an unknown one (`/admin/health`); any other
  unknown path is Express's HTML 404; a failing database is a 500 (`MEDUSA_500`).
- `FakeStripe` answers as Stripe's API documents (localstripe, scripts/stripe_localstripe_check.sh,
  gives the same status codes and error shape for 200/401, with a terser message,
  `LOCALSTRIPE_401`, and accepts any `sk_` key): `GET /v1/balance` with the key as Basic user;
  errors are `{"error": {"message", "type"}}`; a restricted key without Balance read is 403.
- `FakeDhl` answers as the DHL Parcel DE Shipping API v2 documents (its OpenAPI 2.1.13 and its
  sandbox Postman collection; there is no server to install): the version call needs no
  authentication; `POST /orders` needs `dhl-api-key` and the portal user as Basic; errors are
  application/problem+json, a 401 a flat RequestStatus (`title`, `status`, `detail`), a 400 a
  LabelDataResponse whose items carry `validationMessages`; with `validate=true` nothing is
  created (`created` counts orders that would have been).

`answer(path, status, body)` forces an answer for a path (429, 5xx, ...; a str body is sent as
a proxy's HTML page); `hang(path)` accepts the request and never answers.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, str, bytes]  # status, content type, body

# The credentials the fixtures' servers accept (the Medusa key has a real key's shape).
STRIPE_KEY = "sk_test_51MercatoIntValidKey4242"
STRIPE_RESTRICTED = "rk_test_51MercatoIntRestricted4242"
MEDUSA_KEY = "sk_858dddb59dc53a26ad77c68cc0b9f60a5ff4fb9ffc6597657d8603aced226e79"
DHL_KEY = "dhl_app_key_FENtYydXijyFIG8a"
DHL_SANDBOX_LOGIN = ("user-valid", "SandboxPasswort2023!")  # as DHL documents it
DHL_LOGIN = ("shop-gkp-user", "gkp-PASSWORD-9876")

# Answers seen on the real servers (scripts/REAL-CHECKS.md), for tests that force them.
MEDUSA_500 = {
    "code": "unknown_error",
    "type": "unknown_error",
    "message": "An unknown error occurred.",
}
LOCALSTRIPE_401 = {"error": {"message": "Unauthorized", "type": "invalid_request_error"}}
_LOCALSTRIPE_POT = {"currency": "eur", "source_types": {"card": 0}, "amount": 0}
LOCALSTRIPE_BALANCE = {
    "available": _LOCALSTRIPE_POT,
    "livemode": False,
    "pending": _LOCALSTRIPE_POT,
}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)


def as_json(status: int, data: Any, content_type: str = "application/json") -> Answer:
    return status, f"{content_type}; charset=utf-8", json.dumps(data).encode()


@dataclass
class _Forced:
    answer: Answer | None = None
    hang: bool = False


class FakeServer:
    """A real HTTP server on 127.0.0.1; subclasses implement `handle`."""

    keep_alive = False  # HTTP/1.1 persistent connections (a subclass sets it)

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.forced: dict[str, _Forced] = {}
        self.released = threading.Event()
        self.connections = 0  # TCP connections accepted
        counting = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if fake.keep_alive else "HTTP/1.0"

            def setup(self) -> None:
                super().setup()
                with counting:
                    fake.connections += 1

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                fake.requests.append(request)
                forced = fake.forced.get(request.path)
                if forced is not None and forced.hang:
                    fake.released.wait(60)
                    return
                status, content_type, body = (
                    forced.answer if forced is not None and forced.answer else fake.handle(request)
                )
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _serve

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 64
            daemon_threads = True
            block_on_close = False

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def handle(self, request: Request) -> Answer:
        raise NotImplementedError

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, path: str, status: int, body: Any = None) -> None:
        """Force `path`'s answer: a str body is sent as an HTML page (a proxy's error page),
        anything else as JSON."""
        if isinstance(body, str):
            self.forced[path] = _Forced(answer=(status, "text/html", body.encode()))
            return
        self.forced[path] = _Forced(answer=as_json(status, body if body is not None else {}))

    def hang(self, path: str) -> None:
        self.forced[path] = _Forced(hang=True)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def close(self) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def basic_user(headers: dict[str, str]) -> tuple[str, str] | None:
    """(user, password) of an `Authorization: Basic` header, else None."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except ValueError:
        return None
    user, _, password = decoded.partition(":")
    return user, password


def express_404(method: str, path: str) -> Answer:
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>'
        f"\n</head>\n<body>\n<pre>Cannot {method} {path}</pre>\n</body>\n</html>\n"
    )
    return 404, "text/html; charset=utf-8", page.encode()


class FakeMedusa(FakeServer):
    """Medusa 2.x with one admin user, one store and the secret API keys `keys`."""

    key_id = "apk_01M8S7GENF4EF3T0FR9R90A53M"
    user_id = "user_01M8S7FK9HQ1AC3Y4WZK8BV95D"
    store_id = "store_01M8S7FK8AX555DVTRT5FHPN70"
    admin_routes = ("/admin/users/me", "/admin/users", "/admin/stores")

    def __init__(self, *keys: str, prefix: str = "") -> None:
        """`prefix`: served under that path, as a reverse proxy mounting Medusa at
        https://host/medusa does (scripts/real_check_proxy.py --prefix); the proxy's own
        answer to any other path is an HTML 404."""
        self.keys, self.prefix = keys, prefix.rstrip("/")
        super().__init__()

    def handle(self, request: Request) -> Answer:
        if self.prefix:
            if not request.path.startswith(f"{self.prefix}/"):
                return 404, "text/html", b"<h1>404</h1>\n"
            request = replace(request, path=request.path[len(self.prefix) :])
        if request.method == "GET" and request.path == "/health":
            return 200, "text/html; charset=utf-8", b"OK"
        admin = request.path == "/admin" or request.path.startswith("/admin/")
        if not admin:
            return express_404(request.method, request.path)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.startswith("sk_"):
            return as_json(
                401,
                {
                    "message": "A secret API key was passed as a Bearer token. Secret API keys "
                    "must be sent using HTTP Basic authentication instead (Authorization: "
                    "Basic <secret-api-key>)."
                },
            )
        login = basic_user(request.headers)
        if login is None or login[0] not in self.keys:  # `key:` and `key` both work
            return as_json(401, {"message": "Unauthorized"})  # any /admin path, even unknown
        if request.method != "GET" or request.path not in self.admin_routes:
            return express_404(request.method, request.path)
        if request.path == "/admin/users/me":
            return as_json(
                404,
                {"type": "not_found", "message": f"User with id: {self.key_id} was not found"},
            )
        limit = int(request.query.get("limit", "50"))
        if request.path == "/admin/users":
            rows = [{"id": self.user_id}]
            return as_json(200, {"users": rows, "count": 1, "offset": 0, "limit": limit})
        rows = [{"id": self.store_id}]
        return as_json(200, {"stores": rows, "count": 1, "offset": 0, "limit": limit})


class FakeStripe(FakeServer):
    """Stripe with the secret keys `keys` and restricted keys `restricted` (no Balance read)."""

    account = "acct_1MercatoIntTest"

    def __init__(
        self, *keys: str, restricted: tuple[str, ...] = (), livemode: bool = False
    ) -> None:
        self.keys, self.restricted, self.livemode = keys, restricted, livemode
        super().__init__()

    def handle(self, request: Request) -> Answer:
        if request.path != "/v1/balance":
            return as_json(
                404,
                {
                    "error": {
                        "message": f"Unrecognized request URL (GET: {request.path}).",
                        "type": "invalid_request_error",
                    }
                },
            )
        login = basic_user(request.headers)
        if login is None or not login[0]:
            return as_json(
                401,
                {
                    "error": {
                        "message": "You did not provide an API key. You need to provide your API "
                        "key in the Authorization header, using Bearer auth.",
                        "type": "invalid_request_error",
                    }
                },
            )
        key = login[0]
        shown = f"{key[:8]}{'*' * max(len(key) - 12, 0)}{key[-4:]}"  # as Stripe shows a key
        if key in self.restricted:
            return as_json(
                403,
                {
                    "error": {
                        "message": f"The provided key '{shown}' does not have the required "
                        f"permissions for this endpoint on account '{self.account}'. Having the "
                        "'rak_balance_read' permission would allow this request to continue.",
                        "type": "invalid_request_error",
                    }
                },
            )
        if key not in self.keys:
            return as_json(
                401,
                {
                    "error": {
                        "message": f"Invalid API Key provided: {shown}",
                        "type": "invalid_request_error",
                    }
                },
            )
        pot = [{"amount": 0, "currency": "eur", "source_types": {"card": 0}}]
        return as_json(
            200,
            {"object": "balance", "available": pot, "livemode": self.livemode, "pending": pot},
        )


class FakeDhl(FakeServer):
    """DHL Parcel DE Shipping v2 with the app keys `keys`, portal logins `logins` and, for
    each billing number, the product it may book."""

    def __init__(
        self,
        *,
        keys: tuple[str, ...],
        logins: tuple[tuple[str, str], ...],
        billing: dict[str, str],
    ) -> None:
        self.keys, self.logins, self.billing = keys, logins, billing
        self.created = 0  # orders that were not a dry run
        super().__init__()

    def handle(self, request: Request) -> Answer:
        root = "/parcel/de/shipping/v2"
        if request.method == "GET" and request.path in (root, f"{root}/"):
            return as_json(
                200,
                {
                    "amp": {
                        "name": "pp-parcel-shipping-native",
                        "version": "v2.1.14",
                        "env": "sandbox",
                    },
                    "backend": {"name": "pp-parcel-shipping-backend", "version": "v2.1.14"},
                },
            )
        if request.method != "POST" or request.path != f"{root}/orders":
            return as_json(
                404,
                {"title": "Not Found", "status": 404, "detail": "Resource not found."},
                "application/problem+json",
            )
        if request.headers.get("dhl-api-key") not in self.keys:
            return as_json(
                401,
                {
                    "title": "Unauthorized",
                    "status": 401,
                    "detail": "Unauthorized for given resource.",
                },
                "application/problem+json",
            )
        if basic_user(request.headers) not in self.logins:
            return as_json(  # the spec's `Unauthorized`: a flat RequestStatus
                401,
                {
                    "title": "Unauthorized",
                    "statusCode": 401,
                    "status": 401,
                    "detail": "Invalid credentials: user name or password is wrong.",
                },
                "application/problem+json",
            )
        shipment = request.json()["shipments"][0]
        number, product = shipment.get("billingNumber"), shipment.get("product")
        if self.billing.get(number) != product:
            return as_json(
                400,
                {
                    "status": {
                        "title": "Bad Request",
                        "statusCode": 400,
                        "status": 400,
                        "detail": "Error in the request. Please check the validationMessages.",
                    },
                    "items": [
                        {
                            "sstatus": {"title": "Bad Request", "statusCode": 400, "status": 400},
                            "validationMessages": [
                                {
                                    "property": "billingNumber",
                                    "validationMessage": "The billing number entered is invalid "
                                    "or not authorised for this product.",
                                    "validationState": "Error",
                                }
                            ],
                        }
                    ],
                },
                "application/problem+json",  # the spec's `BadRequest`
            )
        if request.query.get("validate") != "true":
            self.created += 1  # a real shipment (and a label to pay for)
        ok = {"title": "OK", "statusCode": 200, "status": 200}
        return as_json(
            200,
            {
                "status": {**ok, "detail": "The Webservice call ran successfully."},
                "items": [{"sstatus": ok, "validationMessages": []}],
            },
        )
