"""A real `mercato-int serve` process on a free loopback port, and the CLI beside it on the
same store and home: tokens, grants and credentials are made as an operator would make them.

One server per module (starting one costs a second or two): tests share it and keep to their
own tenants, so they never see each other's data."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from ..conftest import load_fakes

READY = re.compile(r"listening on (http://\S+)")
MERCATO = str(Path(sys.executable).parent / "mercato-int")


def base_env(home: Path, db_url: str, **extra: str) -> dict[str, str]:
    """The environment of the server and the CLI: a private home (its key file), the store,
    no keyring, English, nothing of the developer's MERCATO_INT_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERCATO_INT_")}
    env.update(
        MERCATO_INT_HOME=str(home),
        MERCATO_INT_DATABASE_URL=db_url,
        MERCATO_INT_ACTOR="operator",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        LANG="C.UTF-8",
        NO_COLOR="1",
        COLUMNS="120",
    )
    env.pop("LC_ALL", None)
    env.pop("MERCATO_INT_DEBUG", None)
    env.update(extra)
    return env


@dataclass
class Served:
    """A running `mercato-int serve`: its URL, and everything it wrote."""

    process: subprocess.Popen[str]
    url: str = ""
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # every answer the tests read (for leaks)

    def output(self) -> str:
        return "".join(self.stdout) + "".join(self.stderr)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 40) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        time.sleep(0.1)  # the readers drain what is left
        return code

    def client(self, token: str | None = None, **kw: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        served = self

        def keep(response: httpx.Response) -> None:
            response.read()
            served.seen.append(str(response.headers) + response.text)

        return httpx.Client(
            base_url=self.url,
            headers=headers,
            timeout=60,
            event_hooks={"response": [keep]},
            **kw,  # type: ignore[arg-type]
        )


def _drain(stream: object, into: list[str], ready: threading.Event, served: Served) -> None:
    for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
        into.append(line)
        match = READY.search(line)
        if match and not ready.is_set():
            served.url = match[1]
            ready.set()


def start(env: dict[str, str], *args: str, timeout: float = 60) -> Served:
    """`mercato-int serve --port 0 ARGS...`, waiting for its ready line; the test fails with
    its output if it exits or stays silent."""
    process = subprocess.Popen(
        [MERCATO, "serve", "--port", "0", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    served = Served(process)
    ready = threading.Event()
    for stream, into in ((process.stdout, served.stdout), (process.stderr, served.stderr)):
        threading.Thread(target=_drain, args=(stream, into, ready, served), daemon=True).start()
    deadline = time.monotonic() + timeout
    while not ready.wait(0.1):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            time.sleep(0.2)
            pytest.fail(f"serve did not start (exit {process.poll()}):\n{served.output()}")
    return served


@dataclass
class Cli:
    """The CLI on the server's store and home, as an operator runs it."""

    env: dict[str, str]

    def __call__(self, *args: str, tenant: str | None = None, actor: str | None = None):
        """Run in this process (a subprocess costs a second on a busy machine), with the
        server's environment for our variables."""
        from typer.testing import CliRunner

        from mercato_int.cli.app import app

        argv: list[str] = []
        if tenant:
            argv += ["--tenant", tenant]
        if actor:
            argv += ["--actor", actor]
        ours = ("MERCATO_INT_", "PYTHON_KEYRING_BACKEND", "LANG", "NO_COLOR", "COLUMNS")
        env = {k: v for k, v in self.env.items() if k.startswith(ours)}
        result = CliRunner().invoke(app, [*argv, *args], env=env)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)

    def json(self, *args: str, **kw: str | None) -> object:
        import json

        run = self(*args, **kw)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    made: list[str] = field(default_factory=list)  # every token made: none may leak

    def token_record(
        self, tenant: str, *, actor: str = "robot", expires: str | None = None, by: str = "admin"
    ) -> dict[str, str]:
        """`tokens create --json` in `tenant` for `actor`, run by `by`."""
        args = ["tokens", "create", f"t-{uuid.uuid4().hex[:8]}", "--for", actor, "--json"]
        if expires:
            args += ["--expires", expires]
        record = self.json(*args, tenant=tenant, actor=by)
        self.made.append(record["token"])  # type: ignore[index]
        return record  # type: ignore[return-value]

    def token(self, tenant: str, **kw: str) -> str:
        """A new bearer token of `tenant` (see token_record)."""
        return self.token_record(tenant, **kw)["token"]


def tenant_name() -> str:
    """A tenant of one test's own."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def stripe_fake() -> Iterator[object]:
    """Stripe's API on a local server (tests/providers/fakes.py), for health checks."""
    server = load_fakes().FakeStripe("sk_test_APISECRET_4242")
    yield server
    server.close()


def server_env(tmp: Path, db_url: str, stripe_url: str) -> dict[str, str]:
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    return base_env(home, db_url, MERCATO_INT_STRIPE_API_BASE=stripe_url)
