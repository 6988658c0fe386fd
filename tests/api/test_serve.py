"""The `serve` process itself: graceful stops (a request in flight finishes, exit 0) with one
process and with `--workers 2`, a store behind on migrations refused (exit 4), and the error
statuses that need a broken store or key: 503 from /readyz and from a route, 500
`key_unavailable`."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ..conftest import postgres_url
from .conftest import MERCATO, Cli, base_env, start, tenant_name

STRIPE = {
    "publishableKey": "pk_test_SERVE_4242",
    "secretKey": "sk_test_SERVESECRET_4242",
    "webhookSecret": "whsec_SERVEHOOK_4242",
}


def _env(tmp: Path, url: str, **extra: str) -> dict[str, str]:
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    return base_env(home, url, **extra)


@pytest.mark.parametrize(
    ("backend", "workers"),
    [("sqlite", "1"), pytest.param("postgres", "2", marks=pytest.mark.postgres)],
)
def test_sigterm_lets_the_request_in_flight_finish_and_exits_0(
    tmp_path: Path, local_server, backend: str, workers: str
) -> None:
    # Stripe's API answers after 2 s: the health check is in flight when SIGTERM comes
    local_server.route("/v1/balance", body={"object": "balance", "livemode": False}, delay=2.0)
    url = f"sqlite:///{tmp_path / 'store.db'}" if backend == "sqlite" else postgres_url()
    env = _env(tmp_path, url, MERCATO_INT_STRIPE_API_BASE=local_server.url)
    cli = Cli(env)
    if backend == "postgres":
        assert cli("db", "upgrade").returncode == 0
    tenant = tenant_name()
    token = cli.token(tenant)
    served = start(env, "--workers", workers)
    answers: list[object] = []
    with served.client(token) as http:
        saved = http.put(
            "/api/integrations/gateway_stripe/credentials", json={"credentials": STRIPE}
        )
        assert saved.status_code == 200

        def check() -> None:
            answers.append(http.post("/api/integrations/gateway_stripe/health"))

        flight = threading.Thread(target=check)
        flight.start()
        deadline = time.monotonic() + 20
        while local_server.hits("/v1/balance") == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert local_server.hits("/v1/balance") == 1
        served.process.send_signal(signal.SIGTERM)
        flight.join(30)
    assert served.stop() == 0, served.output()
    assert len(answers) == 1 and answers[0].status_code == 200, answers  # type: ignore[attr-defined]
    assert answers[0].json()["id"] == "gateway_stripe"  # type: ignore[attr-defined]
    assert served.process.poll() == 0
    output = served.output()
    assert "Traceback" not in output and token not in output and STRIPE["secretKey"] not in output


def test_sigint_stops_it_too_with_exit_0(tmp_path: Path) -> None:
    served = start(_env(tmp_path, f"sqlite:///{tmp_path / 'store.db'}"))
    with served.client() as http:
        assert http.get("/healthz").status_code == 200
    assert served.stop(signal.SIGINT) == 0, served.output()


@pytest.mark.postgres
def test_a_store_behind_on_migrations_is_refused_with_exit_4(tmp_path: Path) -> None:
    url = postgres_url()  # an empty schema: never migrated
    env = _env(tmp_path, url)
    run = subprocess.run(
        [MERCATO, "serve", "--port", "0"], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 4
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "db upgrade" in lines[0], run.stderr
    assert "listening" not in run.stderr


def test_bad_options_are_refused_with_exit_2(tmp_path: Path) -> None:
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'store.db'}")
    for args in (["--workers", "0"], ["--port", "70000"], ["--root-path", "mercato/"]):
        run = subprocess.run(
            [MERCATO, "serve", *args], env=env, capture_output=True, text=True, timeout=60
        )
        assert run.returncode == 2, (args, run.stderr)
        assert len(run.stderr.strip().splitlines()) == 1


def test_a_port_in_use_is_one_line_and_exit_1(tmp_path: Path) -> None:
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'store.db'}")
    served = start(env)
    port = served.url.rsplit(":", 1)[1]
    run = subprocess.run(
        [MERCATO, "serve", "--port", port], env=env, capture_output=True, text=True, timeout=60
    )
    assert served.stop() == 0
    assert run.returncode == 1 and f"127.0.0.1:{port}" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_readyz_is_503_while_the_schema_is_behind(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    served = start(_env(tmp_path, url))
    engine = sa.create_engine(url)
    try:
        with served.client() as http:
            assert http.get("/readyz").status_code == 200
            with engine.begin() as conn:
                head = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
                conn.execute(sa.text("UPDATE alembic_version SET version_num = '0001_initial'"))
            behind = http.get("/readyz")
            assert behind.status_code == 503
            assert behind.json()["error"]["code"] == "schema_behind"
            assert http.get("/healthz").status_code == 200  # alive all the same
            with engine.begin() as conn:
                conn.execute(sa.text("UPDATE alembic_version SET version_num = :h"), {"h": head})
            assert http.get("/readyz").status_code == 200
    finally:
        engine.dispose()
        assert served.stop() == 0


@pytest.mark.postgres
def test_a_store_that_fails_is_503_without_a_traceback(tmp_path: Path) -> None:
    # a password in the URL (the server trusts loopback and ignores it): never shown
    url = postgres_url().replace("://postgres@", "://postgres:pw_SERVE_1234@")
    env = _env(tmp_path, url)
    cli = Cli(env)
    assert cli("db", "upgrade").returncode == 0
    token = cli.token(tenant_name())
    served = start(env, "--workers", "2")
    schema = url.rsplit("%3D", 1)[1]
    admin = sa.create_engine(url.split("?", 1)[0])
    try:
        with served.client(token) as http:
            assert http.get("/api/integrations").status_code == 200
            with admin.begin() as conn:
                conn.execute(sa.text(f'ALTER SCHEMA "{schema}" RENAME TO "{schema}_gone"'))
            for _ in range(4):  # both workers
                failed = http.get("/api/integrations")
                assert failed.status_code == 503, failed.text
                assert failed.json()["error"]["code"] == "store_unavailable"
            assert http.get("/readyz").status_code == 503
            with admin.begin() as conn:
                conn.execute(sa.text(f'ALTER SCHEMA "{schema}_gone" RENAME TO "{schema}"'))
            assert http.get("/api/integrations").status_code == 200
            assert http.get("/readyz").status_code == 200
    finally:
        admin.dispose()
        assert served.stop() == 0
    output = served.output()
    assert "Traceback" not in output and token not in output
    assert "pw_SERVE_1234" not in output and "postgres:••••••••@" in served.stderr[0]
    assert "workers: 2" in served.stderr[0]


def test_credentials_under_a_key_this_server_lacks_are_500_key_unavailable(
    tmp_path: Path,
) -> None:
    from mercato_int.keys.envelope import encode_key, generate_key

    url = f"sqlite:///{tmp_path / 'store.db'}"
    first = Cli(_env(tmp_path, url))  # its key file is in its home
    tenant = tenant_name()
    args = [f"{k}={v}" for k, v in STRIPE.items()]
    assert first("creds", "set", "gateway_stripe", *args, tenant=tenant).returncode == 0
    other_home = tmp_path / "elsewhere"
    other_home.mkdir()
    env = base_env(other_home, url, MERCATO_INT_MASTER_KEY=encode_key(generate_key()))
    token = Cli(env).token(tenant)
    served = start(env)
    try:
        with served.client(token) as http:
            path = "/api/integrations/gateway_stripe/credentials"
            for answer in (http.get(path), http.post("/api/integrations/gateway_stripe/health")):
                assert answer.status_code == 500, answer.text
                assert answer.json()["error"]["code"] == "key_unavailable"
            assert http.get("/api/integrations/gateway_stripe").status_code == 200
    finally:
        assert served.stop() == 0
    assert STRIPE["secretKey"] not in served.output()


def test_behind_a_proxy_with_root_path_and_without_metrics(tmp_path: Path) -> None:
    served = start(
        _env(tmp_path, f"sqlite:///{tmp_path / 'store.db'}"),
        "--root-path",
        "/mercato",
        "--no-metrics",
    )
    try:
        with served.client() as http:
            # the proxy strips the prefix: the app answers on its own paths, and its documents
            # point clients at the prefixed ones
            assert http.get("/healthz").status_code == 200
            assert http.get("/openapi.json").json()["servers"] == [{"url": "/mercato"}]
            assert "/mercato/openapi.json" in http.get("/docs").text
            assert http.get("/metrics").status_code == 404
    finally:
        assert served.stop() == 0
    assert "root path /mercato" in served.output()
    assert '"GET /mercato/healthz" 200' in served.output()  # the path the client asked for
