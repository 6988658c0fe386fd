"""`serve`: the HTTP API (FastAPI on uvicorn) for other hosts and languages."""

from __future__ import annotations

from typing import Annotated

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.context import services
from mercato_int.cli.output import warn
from mercato_int.errors import InvalidInput
from mercato_int.i18n import t

app = command_app()


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free one).")] = (
        8484
    ),
    workers: Annotated[int, typer.Option("--workers", metavar="N", help="Worker processes.")] = 1,
    root_path: Annotated[
        str,
        typer.Option(
            "--root-path",
            metavar="PATH",
            help="The path prefix a reverse proxy serves the API under (e.g. /mercato).",
        ),
    ] = "",
    no_metrics: Annotated[
        bool, typer.Option("--no-metrics", help="Do not serve GET /metrics.")
    ] = False,
) -> None:
    """Serve the HTTP API: bearer tokens, the token's tenant; SIGTERM stops it gracefully.

    One line on stderr when ready. A store behind on migrations is refused (exit 4).
    """
    if not 0 <= port <= 65535:
        raise InvalidInput(t("api.serve.bad_port", port=port))
    if workers < 1:
        raise InvalidInput(t("api.serve.bad_workers", workers=workers))
    if root_path and (not root_path.startswith("/") or root_path.endswith("/")):
        raise InvalidInput(t("api.serve.bad_root_path", path=root_path))
    svc = services(ctx)
    # the store answers and its schema is current (SQLite: migrated), before any worker starts
    svc.store  # noqa: B018
    for problem in svc.registry.problems:
        warn(str(problem))
    svc.close()
    from mercato_int.api.server import ServeOptions
    from mercato_int.api.server import serve as run

    options = ServeOptions(
        host=host, port=port, workers=workers, root_path=root_path, metrics=not no_metrics
    )
    code = run(svc.settings, options)
    if code:
        raise typer.Exit(code)
