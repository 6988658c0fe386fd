"""`tui`: the interactive marketplace."""

from __future__ import annotations

import gc
import sys

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.context import services
from mercato_int.errors import InvalidInput

app = command_app()


@app.command()
def tui(ctx: typer.Context) -> None:
    """Open the interactive marketplace: bundles, integrations, credentials, health, logs."""
    # Start-up makes some 100,000 objects that live as long as the app (modules, the
    # registry, the first screen's widgets), and the cyclic collector walked them all again
    # and again before the first paint: a third or more of its CPU. Paused until the first
    # screen is painted (`MercatoApp.started` then freezes them out of its walks).
    paused = gc.isenabled()
    gc.disable()
    try:
        svc = services(ctx)
        # Store, then access: a store error exits 4 and a refusal 6, before any screen.
        svc.acl.enter(svc.scope)
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise InvalidInput(
                "the tui needs an interactive terminal",
                hint="run it in a terminal; scripts use `mercato-int list`, `creds`, `logs` ...",
            )
        # Textual costs ~150 ms to import; only this command needs it.
        from mercato_int.tui.app import MercatoApp

        svc.action = "mercato-int tui"  # what the audit trail names for the screens' calls
        MercatoApp(svc, resume_gc=paused).run()
    finally:
        if paused:
            gc.enable()
