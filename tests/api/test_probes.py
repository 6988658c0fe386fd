"""Probes and the documents of the API, without a token: /healthz, /readyz, /metrics,
/openapi.json, /docs; and every /api route refusing a request without a valid token (401 with
`WWW-Authenticate: Bearer`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Served, server_env, start


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, stripe_fake) -> Served:
    tmp = tmp_path_factory.mktemp("probes")
    env = server_env(tmp, f"sqlite:///{tmp / 'store.db'}", stripe_fake.url)
    served = start(env)
    yield served
    assert served.stop() == 0


def test_the_probes_answer_without_a_token(served: Served) -> None:
    with served.client() as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        ready = http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        doc = http.get("/openapi.json").json()
        assert "/api/integrations/{integration_id}/credentials" in doc["paths"]
        assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
        put = doc["paths"]["/api/integrations/{integration_id}/credentials"]["put"]
        assert {"400", "401", "403", "404", "412", "413", "500", "503"} <= set(put["responses"])
        assert not [p for p in doc["paths"].values() for o in p.values() if "422" in o["responses"]]
        assert "swagger" in http.get("/docs").text.lower()


def test_metrics_count_requests_by_route_template_and_status(served: Served) -> None:
    with served.client() as http:
        http.get("/healthz")
        http.get("/api/integrations/gateway_stripe")  # 401: no token
        http.get("/no/such/path")
        text = http.get("/metrics").text
    assert "# TYPE mercato_int_http_requests_total counter" in text
    assert 'route="/healthz",status="200"' in text
    assert 'route="/api/integrations/{integration_id}",status="401"' in text
    assert 'route="unmatched",status="404"' in text
    assert "mercato_int_http_request_duration_seconds_bucket{" in text
    assert "mercato_int_log_entries_written_total " in text
    assert "gateway_stripe" not in text and "/no/such/path" not in text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/integrations"),
        ("GET", "/api/integrations/gateway_stripe"),
        ("PUT", "/api/integrations/gateway_stripe/state"),
        ("GET", "/api/integrations/gateway_stripe/credentials"),
        ("PUT", "/api/integrations/gateway_stripe/credentials"),
        ("DELETE", "/api/integrations/gateway_stripe/credentials"),
        ("POST", "/api/integrations/gateway_stripe/health"),
    ],
)
@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer nope", "Basic dXNlcjpwYXNz", "bearer mi_x"]
)
def test_every_route_wants_a_valid_bearer_token(
    served: Served, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    with served.client() as http:
        answer = http.request(method, path, headers=headers, json={"isEnabled": True})
    assert answer.status_code == 401, answer.text
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["error"]["code"] == "unauthenticated"
    assert set(answer.json()) == {"error"}


def test_a_body_over_one_mebibyte_is_refused_with_413(served: Served) -> None:
    big = b'{"credentials": {"secretKey": "' + b"x" * (1024 * 1024) + b'"}}'
    with served.client() as http:
        answer = http.put(
            "/api/integrations/gateway_stripe/credentials",
            content=big,
            headers={"Content-Type": "application/json"},
        )
        assert answer.status_code == 413
        assert answer.json()["error"]["code"] == "payload_too_large"

        def chunks():  # no Content-Length: counted as it arrives
            for _ in range(20):
                yield b"x" * 65536

        answer = http.put("/api/integrations/gateway_stripe/credentials", content=chunks())
        assert answer.status_code == 413


def test_the_access_log_has_no_header_and_no_body(served: Served) -> None:
    with served.client("mi_secret_token_value") as http:
        http.put(
            "/api/integrations/gateway_stripe/credentials?x=1",
            json={"credentials": {"secretKey": "sk_body_value_4242"}},
        )
    output = served.output()
    assert '"PUT /api/integrations/gateway_stripe/credentials" 401' in output
    assert "mi_secret_token_value" not in output and "sk_body_value_4242" not in output
    assert "x=1" not in output


def test_what_a_client_sends_cannot_forge_an_access_log_line_or_leak_a_token(
    served: Served,
) -> None:
    """A path with a newline, a terminal escape or a NUL, a forged X-Forwarded-For and a token
    pasted into a path: one escaped line each, the token masked."""
    import socket
    import time
    from urllib.parse import urlsplit

    token = "mit_" + "T0kenPastedInAPath_" * 2
    with served.client() as http:
        http.get("/api/integrations/x%0a2026-12-01 INFO FORGED LINE%1b%5b2J%00/credentials")
        http.get("/healthz", headers={"X-Forwarded-For": '6.6.6.6" "GET /forged" 200'})
        http.get(f"/api/integrations/{token}/credentials")
    host, port = urlsplit(served.url).hostname, urlsplit(served.url).port
    for n in range(50):  # made-up methods: counted as OTHER, not one label each
        with socket.create_connection((host, port)) as raw:
            raw.sendall(f"XMETHOD{n} /healthz HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            raw.recv(4096)
    time.sleep(0.3)  # the server's lines are read as they come
    output = served.output()
    assert "FORGED LINE" in output  # logged, escaped on its one line
    assert not any(line.startswith("2026-12-01 INFO FORGED") for line in output.splitlines())
    assert "\x1b" not in output and "\x00" not in output
    assert '"GET /forged"' not in output
    assert token not in output and "T0kenPastedInAPath" not in output
    with served.client() as http:
        text = http.get("/metrics").text
    assert "XMETHOD" not in text and 'method="OTHER"' in text


def test_the_ready_line_names_url_store_and_workers(served: Served) -> None:
    ready = [line for line in served.stderr if "listening on" in line]
    assert len(ready) == 1
    assert served.url in ready[0] and "store sqlite:///" in ready[0] and "workers: 1" in ready[0]
    assert Path(ready[0].split("store sqlite:///")[1].split(",")[0]).name == "store.db"
