"""`doctor`: check this installation, one line per check with the fix."""

from __future__ import annotations

from typing import Annotated

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.output import out, print_json
from mercato_int.errors import ExitCode
from mercato_int.i18n import t

app = command_app()


@app.command()
def doctor(
    ctx: typer.Context,
    deep: Annotated[
        bool,
        typer.Option("--deep", help="Also decrypt every credential row (values discarded)."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON: {ok, checks}.")] = False,
) -> None:
    """Check this installation: config, store, master keys, permissions, providers, keyring,
    clock and shell completions; one line each with the fix.

    Exit 1 on any failed check (✗); warnings (!) do not change the exit code."""
    from mercato_int.doctor import FAIL, WARN, Doctor
    from mercato_int.settings import Settings

    state = ctx.find_root().obj

    def load() -> Settings:
        return Settings.load(
            database_url=getattr(state, "db", None),
            tenant=getattr(state, "tenant", None),
            org=getattr(state, "org", None),
            actor=getattr(state, "actor", None),
            lang=getattr(state, "lang", None),
            context=getattr(state, "context", None),
        )

    checks = Doctor(load).run(deep=deep)
    failed = sum(c.status == FAIL for c in checks)
    warned = sum(c.status == WARN for c in checks)
    if as_json:
        from mercato_int.shapes.doctor import DoctorShape

        print_json(DoctorShape.of_checks(checks).document())
    else:
        console = out()
        for c in checks:
            line = f"{c.mark} {c.title}: {c.detail}"
            if c.fix:
                line += f" → {c.fix}"
            console.print(line, markup=False, highlight=False)
        console.print(t("doctor.summary", failed=failed, warned=warned), markup=False)
    if failed:
        raise typer.Exit(ExitCode.FAILED)
