"""The text of a scaffolded provider's files, from a checked `ScaffoldPlan`.

Values go into the generated code as literals (never pasted into code), so a title with quotes
or backslashes cannot break the file.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mercato_int.scaffolding import FieldSpec, ScaffoldPlan

WIDTH = 99
TOKEN = "test-token-123"


def literal(obj: Any, indent: int = 0, prefix: int = 0) -> str:
    """A Python literal for JSON-like data: one line when it fits after `indent` spaces and
    `prefix` more characters, else one item per line."""
    one = _one_line(obj)
    if indent + prefix + len(one) + 1 <= WIDTH or not isinstance(obj, dict | list) or not obj:
        return one
    pad = " " * (indent + 4)
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            key = _one_line(k) + ": "
            items.append(f"{pad}{key}{literal(v, indent + 4, len(key))},")
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{literal(v, indent + 4)}," for v in obj]
    return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"


def _one_line(obj: Any) -> str:
    if isinstance(obj, bool) or obj is None:
        return repr(obj)
    if isinstance(obj, str):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, int | float):
        return repr(obj)
    if isinstance(obj, dict):
        return "{" + ", ".join(f"{_one_line(k)}: {_one_line(v)}" for k, v in obj.items()) + "}"
    if isinstance(obj, list | tuple):
        return "[" + ", ".join(_one_line(v) for v in obj) + "]"
    raise TypeError(f"cannot render {type(obj).__name__}")


def _tuple(items: list[str]) -> str:
    body = ", ".join(literal(i) for i in items)
    return f"({body},)" if len(items) == 1 else f"({body})"


def _doc(text: str) -> str:
    """Safe inside a triple-quoted docstring."""
    return text.replace("\\", "/").replace('"""', "'''")


# --- integration.py --------------------------------------------------------------------------
def _definition(plan: ScaffoldPlan) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": plan.name,
        "title": plan.title,
        "description": f"{plan.title} integration.",
    }
    if not plan.is_bundle:
        data.update({"category": plan.category, "hub": plan.hub, "providerKey": plan.name})
    data["version"] = "0.1.0"
    data["credentials"] = {"fields": [f.as_definition() for f in plan.fields]}
    data["healthCheck"] = {"service": plan.service_name}
    return data


def render_integration(plan: ScaffoldPlan) -> str:
    kind = "a bundle" if plan.is_bundle else "an integration"
    head = (
        f'"""{_doc(plan.title)}: {kind} scaffolded by `mercato-int scaffold`; edit freely.\n\n'
        f"Check it with `mercato-int validate`; test its health check with `pytest` in this "
        f'folder."""\n\n'
    )
    if not plan.is_bundle:
        return (
            head
            + "from mercato_int.registry import IntegrationDefinition\n\n"
            + "from .health import health_check\n\n"
            + "integration = IntegrationDefinition.model_validate(\n    "
            + literal(_definition(plan), 4)
            + "\n)\n\n"
            + f"health_checks = {{{literal(plan.service_name)}: health_check}}\n"
        )
    members = []
    for m in plan.members:
        member = {
            "id": m.id,
            "title": m.title,
            "description": f"{m.title}.",
            "category": m.category,
            "hub": plan.hub,
            "providerKey": m.id,
            "bundleId": plan.name,
            "version": "0.1.0",
        }
        members.append(
            "    IntegrationDefinition.model_validate(\n        " + literal(member, 8) + "\n    ),"
        )
    return (
        head
        + "from mercato_int.registry import IntegrationBundle, IntegrationDefinition\n\n"
        + "from .health import health_check\n\n"
        + "bundle = IntegrationBundle.model_validate(\n    "
        + literal(_definition(plan), 4)
        + "\n)\n\n"
        + "# The members share the bundle's credentials and health check.\n"
        + "integrations = [\n"
        + "\n".join(members)
        + "\n]\n\n"
        + f"health_checks = {{{literal(plan.service_name)}: health_check}}\n"
    )


# --- health.py -------------------------------------------------------------------------------
HEALTH = '''"""{title} health check: GET the health URL with the credentials.

The first secret field ({token_doc}) goes as `Authorization: Bearer ...`; `{{key}}` in the URL
is replaced by that credential (url and text fields only). This environment variable replaces
the URL (staging, tests): {url_env}
"""

from __future__ import annotations

import os
from typing import Any

HEALTH_URL = {url}
URL_ENV = {url_env_literal}
REQUIRED = {required}
TOKEN_FIELD = {token}


def health_check(credentials: dict[str, Any], ctx: Any) -> dict[str, Any]:
    """Healthy on 2xx, degraded on 429 or 5xx, unhealthy otherwise or when unreachable."""
    missing = [key for key in REQUIRED if credentials.get(key) in (None, "")]
    if missing:
        return {{"status": "unhealthy", "message": f"not set: {{', '.join(missing)}}"}}
    template = os.environ.get(URL_ENV) or HEALTH_URL
    values = {{key: str(value).rstrip("/") for key, value in credentials.items()}}
    try:
        url = template.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        return {{"status": "unhealthy", "message": f"cannot build the health URL: {{exc}}"}}
    headers = {{"Accept": "application/json"}}
    if TOKEN_FIELD and credentials.get(TOKEN_FIELD):
        headers["Authorization"] = f"Bearer {{credentials[TOKEN_FIELD]}}"
    try:
        response = _get(ctx, url, headers)
    except Exception as exc:  # any transport error means: not reachable
        return {{
            "status": "unhealthy",
            "message": f"cannot reach the health URL: {{type(exc).__name__}}",
        }}
    code = response.status_code
    details = {{"httpStatus": code}}
    if 200 <= code < 300:
        return {{"status": "healthy", "message": f"reachable ({{code}})", "details": details}}
    if code in (401, 403):
        message = f"credentials rejected ({{code}}); set valid credentials"
        return {{"status": "unhealthy", "message": message, "details": details}}
    if code == 429 or code >= 500:
        message = f"answered {{code}}; try again later"
        return {{"status": "degraded", "message": message, "details": details}}
    return {{"status": "unhealthy", "message": f"answered {{code}}", "details": details}}


def _get(ctx: Any, url: str, headers: dict[str, str]) -> Any:
    http = getattr(ctx, "http", None)  # the health service passes a shared httpx client
    if http is not None:
        return http.get(url, headers=headers)
    import httpx  # only when the check runs without one

    with httpx.Client(timeout=10.0) as client:
        return client.get(url, headers=headers)
'''


def render_health(plan: ScaffoldPlan) -> str:
    token = plan.token_field
    return HEALTH.format(
        title=_doc(plan.title),
        token_doc=f"`{token.key}`" if token else "none here",
        url_env=plan.url_env,
        url=literal(plan.health_url),
        url_env_literal=literal(plan.url_env),
        required=_tuple([f.key for f in plan.fields if f.required]),
        token=literal(token.key if token else None),
    )


# --- the test --------------------------------------------------------------------------------
def _sample(f: FieldSpec, token: FieldSpec | None) -> str:
    """A Python expression for a sample value of the field (`base` is the server URL)."""
    if f.type == "secret":
        return "TOKEN" if token is not None and f.key == token.key else literal("sample-secret")
    if f.type == "url":
        return "base"
    if f.type == "boolean":
        return "True"
    if f.type == "select":
        return literal(f.options[0])
    return literal("sample")


TEST = '''"""Tests for the {title} health check, against a local HTTP server (no network).

Run them with `pytest` in this folder.
"""

from __future__ import annotations

import importlib.util
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
TOKEN = {token_value}


def _load_health() -> Any:
    spec = importlib.util.spec_from_file_location({module_name}, HERE / "health.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


health = _load_health()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.seen.append((self.path, self.headers.get("Authorization")))
        authorized = {authorized}
        code = self.server.status if authorized else 401
        body = b'{{"ok": true}}'
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:  # keep the test output clean
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.seen = []
    srv.status = 200
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    srv.base = f"http://127.0.0.1:{{srv.server_port}}"
{override}    yield srv
    srv.shutdown()
    srv.server_close()


def _credentials(base: str) -> dict[str, Any]:
    return {credentials}


def test_healthy_with_valid_credentials(server) -> None:
    result = health.health_check(_credentials(server.base), None)
    assert result["status"] == "healthy", result
    assert server.seen == [({path}, {auth_seen})]


def test_rejected_credentials_are_unhealthy(server) -> None:
{reject_body}

def test_server_errors_are_degraded(server) -> None:
    server.status = 503
    result = health.health_check(_credentials(server.base), None)
    assert result["status"] == "degraded", result


def test_unreachable_url_is_unhealthy(server) -> None:
    base = server.base
    server.shutdown()
    server.server_close()
    result = health.health_check(_credentials(base), None)
    assert result["status"] == "unhealthy", result
{missing_test}'''


def render_test(plan: ScaffoldPlan) -> str:
    token = plan.token_field
    from urllib.parse import urlsplit

    creds = "{" + ", ".join(f"{literal(f.key)}: {_sample(f, token)}" for f in plan.fields) + "}"
    if plan.placeholders:
        # The URL comes from the credentials: point the url field(s) at the local server.
        override = ""
        path_template = plan.health_url
        for name in plan.placeholders:
            path_template = path_template.replace("{" + name + "}", "")
        path = literal(urlsplit("http://x" + path_template).path or "/")
    else:
        split = urlsplit(plan.health_url)
        target = split.path or "/"
        if split.query:
            target += "?" + split.query
        override = f"    monkeypatch.setenv(health.URL_ENV, srv.base + {literal(target)})\n"
        path = literal(target)
    if token is not None:
        authorized = 'self.headers.get("Authorization") == f"Bearer {TOKEN}"'
        auth_seen = 'f"Bearer {TOKEN}"'
        reject_body = (
            "    credentials = _credentials(server.base)\n"
            f'    credentials[{literal(token.key)}] = "wrong-token"\n'
            "    result = health.health_check(credentials, None)\n"
            '    assert result["status"] == "unhealthy", result\n'
            '    assert "rejected" in result["message"]\n'
        )
    else:
        authorized = "True"
        auth_seen = "None"
        reject_body = (
            "    server.status = 403\n"
            "    result = health.health_check(_credentials(server.base), None)\n"
            '    assert result["status"] == "unhealthy", result\n'
        )
    required = [f for f in plan.fields if f.required]
    missing_test = ""
    if required:
        missing_test = (
            "\n\ndef test_missing_required_credentials_are_unhealthy(server) -> None:\n"
            "    credentials = _credentials(server.base)\n"
            f"    del credentials[{literal(required[0].key)}]\n"
            "    result = health.health_check(credentials, None)\n"
            '    assert result["status"] == "unhealthy", result\n'
            "    assert server.seen == []\n"
        )
    return TEST.format(
        title=_doc(plan.title),
        token_value=literal(TOKEN),
        module_name=literal(f"{plan.name}_health_under_test"),
        authorized=authorized,
        override=override,
        credentials=creds,
        path=path,
        auth_seen=auth_seen,
        reject_body=reject_body,
        missing_test=missing_test,
    )
