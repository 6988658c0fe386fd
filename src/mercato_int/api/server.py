"""Running the app: uvicorn on a socket bound here, one process or N workers, one ready line on
stderr, SIGTERM and SIGINT stopping it gracefully (requests in flight finish; exit 0).

The workers are separate processes (uvicorn's supervisor, spawned): each builds its app with
`app.from_environment`, from the settings `serve` exported to the environment."""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
from dataclasses import dataclass
from typing import Any

from mercato_int.api.app import ENV_OPTIONS
from mercato_int.errors import InvalidInput, OperationFailed
from mercato_int.i18n import t
from mercato_int.settings import ENV_DATABASE_URL, ENV_LANG, Settings

FACTORY = "mercato_int.api.app:from_environment"
GRACE_SECONDS = 30  # requests in flight get this long to finish after SIGTERM
READY_SECONDS = 60  # a worker that has not started after this long: give up


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8484
    workers: int = 1
    root_path: str = ""
    metrics: bool = True


def log_config() -> dict[str, Any]:
    """uvicorn's own messages from warnings up, and our access log, one line each on stderr;
    uvicorn's access log (which has the query string) stays off."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "line": {
                "format": "%(asctime)s %(levelname)s %(message)s",
                "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            }
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn.error": {"level": "WARNING"},
            "mercato_int.api": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on (host, port); port 0 picks a free one. OperationFailed (exit 1)
    saying why when it cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InvalidInput(t("api.serve.bad_host", host=host, reason=exc.strerror)) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise OperationFailed(
            t("api.serve.cannot_bind", host=host, port=port, reason=exc.strerror),
            hint=t("api.serve.cannot_bind_hint"),
        ) from None
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def serve(settings: Settings, options: ServeOptions) -> int:
    """Serve until SIGTERM or SIGINT; the exit code (0 after a graceful stop)."""
    import uvicorn

    from mercato_int.store.urls import redact_url

    # the workers build their settings from the environment: the store and language chosen
    # here by flag, whatever a worker's environment said
    os.environ[ENV_DATABASE_URL] = settings.database_url
    if settings.lang:
        os.environ[ENV_LANG] = settings.lang
    os.environ[ENV_OPTIONS] = json.dumps({"metrics": options.metrics})
    sock = bind(options.host, options.port)
    config = uvicorn.Config(
        FACTORY,
        factory=True,
        workers=options.workers,
        root_path=options.root_path,
        log_config=log_config(),
        access_log=False,
        proxy_headers=True,
        timeout_graceful_shutdown=GRACE_SECONDS,
        server_header=False,
    )
    ready = t(
        "api.serve.ready",
        url=url_of(sock),
        store=redact_url(settings.database_url),
        workers=options.workers,
        root_path=options.root_path or "/",
    )

    def announce() -> None:
        sys.stderr.write(ready + "\n")
        sys.stderr.flush()

    if options.workers == 1:
        return _single(config, sock, announce)
    return _supervised(config, sock, announce)


def _single(config: Any, sock: socket.socket, announce: Any) -> int:
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                announce()

    server = Server(config)

    def stop(*_: object) -> None:
        server.should_exit = True

    # ours until uvicorn's take over (a signal before that still stops it), and again after:
    # uvicorn raises a signal it caught once more when it has stopped, for them to take quietly
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    try:
        server.run(sockets=[sock])
    except SystemExit as exc:  # a failed start (uvicorn said why, in one line)
        return 1 if exc.code else 0
    finally:
        sock.close()
    return 0 if server.started else 1


def _supervised(config: Any, sock: socket.socket, announce: Any) -> int:
    from uvicorn.supervisors.multiprocess import Multiprocess

    failed = []

    class Supervisor(Multiprocess):
        def init_processes(self) -> None:
            super().init_processes()
            for process in self.processes:
                if not process.wait_until_ready(READY_SECONDS, self.should_exit):
                    if not self.should_exit.is_set():
                        failed.append(process.pid)
                        self.should_exit.set()
                    return
            announce()

    try:
        Supervisor(config, sockets=[sock]).run()
    finally:
        sock.close()
    return 1 if failed else 0
