"""Test isolation: every test gets its own MERCATO_INT_HOME, no keyring, no real home, and a
store that is a real SQLite file or a fresh schema on the real Postgres server.

Postgres tests are skipped when the server is unreachable, except under CI=true, where that is
a failure."""

from __future__ import annotations

import importlib.util
import os
import queue
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

PG_ADMIN_URL = os.environ.get(
    "MERCATO_INT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private home, an empty environment for our variables, and no OS keyring."""
    return _isolate(tmp_path, monkeypatch)


def _isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("MERCATO_INT_") and name != "MERCATO_INT_TEST_PG_URL":
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("MERCATO_INT_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "user-home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("MERCATO_INT_ACTOR", "tester")
    # Bugs raise in tests instead of becoming a one-line "internal error".
    monkeypatch.setenv("MERCATO_INT_DEBUG", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    # English unless a test asks otherwise, whatever the developer's locale.
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    from mercato_int import i18n

    i18n.reset()  # the language is chosen per process; each test starts undecided
    return home


def _restore_sigint() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def interruptible():
    """`preexec_fn` for a child that a test stops with SIGINT (Ctrl-C): a run started in the
    background (`cmd &`) inherits SIGINT ignored, and Python keeps it ignored."""
    return _restore_sigint


# --- Postgres ------------------------------------------------------------------------------
_pg_state: dict[str, object] = {}


def _pg_database() -> str | None:
    """A database created for this test run (dropped at exit), or None when unreachable."""
    if "url" in _pg_state:
        return _pg_state["url"]  # type: ignore[return-value]
    import sqlalchemy as sa

    name = f"mercato_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        _pg_state["url"] = None
        _pg_state["error"] = str(exc).splitlines()[0]
        return None
    _pg_state["admin"] = admin
    _pg_state["name"] = name
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    _pg_state["url"] = url
    return url


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (addopts): one worker more than the cores this process may run on. The suite
    waits on what it starts (Postgres, the subprocesses of the CLI and API tests, tmux) for a
    good part of its time: with a worker a core, 2 cores were 63% busy over a quiet run.
    PYTEST_XDIST_AUTO_NUM_WORKERS still decides when it is set."""
    given = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS")
    if given:
        return int(given)
    from mercato_int.services.health.shards import cores  # what `health` shares among

    return cores() + 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    admin = _pg_state.get("admin")
    if "drops" in _pg_state:  # the copies first: all dropped before the run ends
        _pg_state["drops"].put(None)  # type: ignore[attr-defined]
        _pg_state["dropping"].join()  # type: ignore[attr-defined]
    if admin is not None:
        import sqlalchemy as sa

        with admin.connect() as conn:  # type: ignore[attr-defined]
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{_pg_state["name"]}" WITH (FORCE)'))
            if "template" in _pg_state:
                template = _pg_state["template"][1]  # type: ignore[index]
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
        admin.dispose()  # type: ignore[attr-defined]


def postgres_url() -> str:
    """The URL of a fresh, empty schema on the test run's Postgres database."""
    base = _pg_database()
    if base is None:
        reason = f"Postgres unreachable at {PG_ADMIN_URL}: {_pg_state.get('error')}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " (CI=true: Postgres tests must run)")
        pytest.skip(reason)
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{base}?options=-csearch_path%3D{schema}"


def migrated_postgres_url() -> tuple[str, Callable[[], None]]:
    """The URL of a fresh store at head on the Postgres server, and the call that drops it.

    The migrations run once per process, into a template database; each store is a copy of
    it (CREATE DATABASE … TEMPLATE, WAL_LOG: a tenth of running them again, which took
    most of the time of the Postgres tests). The copy is the database the migrations made,
    schema, partitions, extension and alembic_version included."""
    import sqlalchemy as sa

    if "template" not in _pg_state:
        from mercato_int.store.engine import create_store_engine
        from mercato_int.store.migrate import upgrade

        url = postgres_url()  # the run's database (skips or fails when unreachable)
        template = f"{_pg_state['name']}_tmpl"
        admin: sa.Engine = _pg_state["admin"]  # type: ignore[assignment]
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{template}"'))
        schema = url.rsplit("%3D", 1)[1]
        base = url.split("?", 1)[0].rsplit("/", 1)[0]
        engine = sa.create_engine(f"{base}/{template}")
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        engine = create_store_engine(f"{base}/{template}?options=-csearch_path%3D{schema}")
        upgrade(engine)
        engine.dispose()  # no session may stay on a template that is copied
        _pg_state["template"] = (base, template, schema)
    base, template, schema = _pg_state["template"]  # type: ignore[misc]
    admin = _pg_state["admin"]  # type: ignore[assignment]
    name = f"{template[: -len('_tmpl')]}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY WAL_LOG'))

    def drop() -> None:  # by a thread of its own: the test goes on meanwhile
        _dropper().put(name)

    return f"{base}/{name}?options=-csearch_path%3D{schema}", drop


DROPPERS = 4


def _dropper() -> queue.Queue[str | None]:
    """The queue of the thread that drops the test stores' copies.

    Every DROP DATABASE waits for a checkpoint of the whole server; drops waiting at the same
    time share one. So the copies queued at a moment are dropped together, on DROPPERS
    connections at once: on a busy server 8 drops took 3-5 s against 18-25 s one after
    the other (checkpoints 2-4 against 20-23)."""
    if "drops" not in _pg_state:
        from concurrent.futures import ThreadPoolExecutor

        import sqlalchemy as sa

        admin: sa.Engine = _pg_state["admin"]  # type: ignore[assignment]
        drops: queue.Queue[str | None] = queue.Queue()

        def drop(name: str) -> None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

        def work() -> None:
            with ThreadPoolExecutor(DROPPERS, thread_name_prefix="drop-test-store") as pool:
                while True:
                    names = [drops.get()]
                    while not drops.empty():  # the rest queued now: dropped together
                        names.append(drops.get_nowait())
                    list(pool.map(drop, [n for n in names if n is not None]))
                    if None in names:  # the end of the run: nothing comes after it
                        return

        thread = threading.Thread(target=work, name="drop-test-stores", daemon=True)
        thread.start()
        _pg_state["drops"], _pg_state["dropping"] = drops, thread
    return _pg_state["drops"]  # type: ignore[return-value]


@pytest.fixture
def pg_url() -> str:
    return postgres_url()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A real store: a SQLite file, or a fresh schema on the Postgres server (migrated)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url, drop = migrated_postgres_url()
    request.addfinalizer(drop)
    return url


def _poison(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER poison BEFORE INSERT ON integration_logs "
                "WHEN NEW.message = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END"
            )
        else:
            conn.exec_driver_sql(
                "ALTER TABLE integration_logs ADD CONSTRAINT poison CHECK (message <> 'poison')"
            )
    engine.dispose()


@pytest.fixture
def poison():
    """Call with a (migrated) store's URL: from then on the store itself refuses any log entry
    whose message is 'poison' (a trigger on SQLite, a CHECK on Postgres), as it would refuse
    data our checks missed."""
    return _poison


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def module_services(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[object]:
    """Like `services`, on a store made once per module and engine: for read-only tests over
    a costly fill (plans over 20,000 rows), which must not change what they share. Test ids
    name the engine as `services`' do ([sqlite-…], [postgres-…])."""
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    tmp = tmp_path_factory.mktemp("module-store")
    with pytest.MonkeyPatch.context() as mp:
        _isolate(tmp, mp)
        if request.param == "sqlite":
            url = f"sqlite:///{tmp / 'store.db'}"
        else:
            url, drop = migrated_postgres_url()
            request.addfinalizer(drop)
        mp.setenv("MERCATO_INT_DATABASE_URL", url)
        svc = Services(Settings.load())
    yield svc
    svc.close()


def fill_logs(engine: object, rows: int, start: str, step_seconds: int, **columns: str) -> None:
    """`rows` log entries in one INSERT … SELECT over k = 0 … rows - 1 (a recursive CTE on
    SQLite, generate_series on Postgres), for tests about plans, not the writer: `columns`
    are SQL expressions of `k` (`details_k=""` stores {"k": k}); the id is random, created_at
    is `start` (UTC, 'YYYY-MM-DD HH:MM:SS') + k * step_seconds, stored as the store stores it;
    then ANALYZE of the log table only (a bare ANALYZE on Postgres locks every schema's
    tables of the run's database)."""
    import sqlalchemy as sa

    assert isinstance(engine, sa.Engine)
    sqlite = engine.dialect.name == "sqlite"
    values = dict(columns)
    if values.pop("details_k", None) is not None:
        values["details"] = "json_object('k', k)" if sqlite else "jsonb_build_object('k', k)"
    if sqlite:
        values["id"] = "lower(hex(randomblob(16)))"
        values["created_at"] = (
            f"strftime('%Y-%m-%d %H:%M:%S', '{start}', '+' || (k * {step_seconds}) || "
            "' seconds') || '.000000'"
        )
        series = (
            f"WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < {rows - 1})"
        )
    else:
        values["id"] = "gen_random_uuid()"
        values["created_at"] = (
            f"timestamptz '{start}+00' + make_interval(secs => k * {step_seconds})"
        )
        series = f"WITH n(k) AS (SELECT generate_series(0, {rows - 1}))"
    names = ", ".join(values)
    exprs = ", ".join(values.values())
    sql = f"INSERT INTO integration_logs ({names}) {series} SELECT {exprs} FROM n"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            sql if sqlite else sql.replace("%", "%%")  # psycopg's placeholders
        )
        conn.exec_driver_sql("ANALYZE integration_logs")


def pick(values: list[str], expr: str) -> str:
    """SQL for values[expr] (expr an integer expression), as a CASE."""
    whens = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
    return f"(CASE {expr} {whens} END)"


def probe_provider(integration_id: str, body: str) -> str:
    """The source of a provider `integration_id` whose one credential is the secret `token`
    and whose health check is `probe(credentials, ctx)`, defined (with its imports) by `body`."""
    head = (
        "integration = {\n"
        f"    'id': {integration_id!r},\n"
        f"    'title': {integration_id.replace('_', ' ').capitalize()!r},\n"
        "    'category': 'probe',\n"
        "    'credentials': {'fields': [{'key': 'token', 'label': 'Token', 'type': 'secret'}]},\n"
        "    'healthCheck': {'service': 'probe'},\n"
        "}\n"
    )
    return f"{body}\n\n{head}\nhealth_checks = {{'probe': probe}}\n"


def enable_with_token(svc: Any, integration_id: str, token: str, tenants: list[str]) -> None:
    """`integration_id` enabled, with its `token` saved, in each of `tenants` (org default)."""
    from mercato_int.scope import TenantScope

    for tenant in tenants:
        scope = TenantScope("default", tenant)
        svc.credentials.save(integration_id, {"token": token}, scope, actor="t")
        svc.state.enable([integration_id], scope, actor="t")


def load_fakes() -> ModuleType:
    """tests/providers/fakes.py as a module, loaded once (the tests are not a package): servers
    that answer as Stripe, Medusa and DHL do."""
    name = "mercato_int_test_provider_fakes"
    if name not in sys.modules:
        path = Path(__file__).with_name("providers") / "fakes.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def seq_scans(plan: str) -> list[str]:
    """The Seq Scan nodes of an EXPLAIN, but for those over an empty month's partition (free:
    no pages)."""
    return [
        line for line in plan.splitlines() if "Seq Scan" in line and "cost=0.00..0.00" not in line
    ]


@pytest.fixture
def services(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The services container on `db_url`, scope default/default, actor `tester`."""
    from mercato_int.services import Services
    from mercato_int.settings import Settings

    monkeypatch.setenv("MERCATO_INT_DATABASE_URL", db_url)
    svc = Services(Settings.load())
    yield svc
    svc.close()


# --- CLI -----------------------------------------------------------------------------------
@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> object:
        import json

        return json.loads(self.stdout)


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch):
    """Run `mercato-int ARGS...` in-process against `db_url`; returns exit code and streams."""
    from typer.testing import CliRunner

    from mercato_int.cli.app import app

    monkeypatch.setenv("MERCATO_INT_DATABASE_URL", db_url)

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Run:
        result = CliRunner().invoke(app, list(args), input=input, env=env)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def providers_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A folder on MERCATO_INT_PROVIDERS_PATH; call it with {name: integration.py source}."""
    root = tmp_path / "providers"
    root.mkdir()
    monkeypatch.setenv("MERCATO_INT_PROVIDERS_PATH", str(root))

    def write(files: dict[str, str]) -> Path:
        for name, source in files.items():
            folder = root / name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "integration.py").write_text(source)
        return root

    return write


# --- keyring ---------------------------------------------------------------------------------
class MemoryKeyring:
    """An in-memory keyring backend (the real `keyring` API, no OS store)."""

    priority = 1

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


class DroppingKeyring(MemoryKeyring):
    """A backend that accepts every write and keeps none (some real ones do)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        return None


def _install_keyring(backend: object) -> Iterator[object]:
    import keyring
    from keyring.backend import KeyringBackend

    class Adapter(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return backend.get_password(service, username)  # type: ignore[attr-defined]

        def set_password(self, service: str, username: str, password: str) -> None:
            backend.set_password(service, username, password)  # type: ignore[attr-defined]

        def delete_password(self, service: str, username: str) -> None:
            backend.delete_password(service, username)  # type: ignore[attr-defined]

    previous = keyring.get_keyring()
    keyring.set_keyring(Adapter())
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The process-wide keyring set to an in-memory backend for this test."""
    yield from _install_keyring(MemoryKeyring())  # type: ignore[misc]


@pytest.fixture
def dropping_keyring() -> Iterator[DroppingKeyring]:
    """The process-wide keyring set to a backend that silently drops writes."""
    yield from _install_keyring(DroppingKeyring())  # type: ignore[misc]


# --- local HTTP servers (health checks) ------------------------------------------------------
@dataclass
class Route:
    status: int = 200
    body: object = None
    hang: bool = False  # accept the request and never answer
    delay: float = 0.0


class LocalServer:
    """A real HTTP server on 127.0.0.1 (a thread per request); routes by path, records every
    request as (method, path, headers)."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.released = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                import json
                import time

                path = self.path.split("?", 1)[0]
                server.requests.append(("GET", path, dict(self.headers)))
                route = server.routes.get(path, Route(status=404, body={"error": "not found"}))
                if route.hang:
                    server.released.wait(60)
                    return
                if route.delay:
                    time.sleep(route.delay)
                data = json.dumps(route.body if route.body is not None else {}).encode()
                self.send_response(route.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 64  # the default backlog (5) drops concurrent connects

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, path: str, status: int = 200, body: object = None, **kw: object) -> None:
        self.routes[path] = Route(status=status, body=body, **kw)  # type: ignore[arg-type]

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _ in self.requests if p == path)

    def close(self) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A real HTTP server on 127.0.0.1 for provider health checks; see LocalServer."""
    server = LocalServer()
    yield server
    server.close()
