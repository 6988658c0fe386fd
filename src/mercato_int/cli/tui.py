"""`tui`: the interactive marketplace."""

from __future__ import annotations

import typer

from mercato_int.cli.app import app, services


@app.command()
def tui(ctx: typer.Context) -> None:
    """Open the interactive marketplace: bundles, integrations, credentials, health, logs."""
    svc = services(ctx)
    # Textual costs ~150 ms to import; only this command needs it.
    from mercato_int.tui.app import MercatoApp

    _store = svc.store  # open and check it first: a store error exits 4, not inside the UI
    MercatoApp(svc).run()
