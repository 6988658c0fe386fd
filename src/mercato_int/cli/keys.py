"""`keys status|rotate|drop`: the master keys that encrypt credentials (host-wide)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mercato_int.cli.app import app, services
from mercato_int.cli.output import err, note, out, print_json
from mercato_int.errors import ExitCode

if TYPE_CHECKING:
    from mercato_int.services.keys import KeyStatus

keys = typer.Typer(
    name="keys",
    help="Master keys: which is active, which rows use which, rotation.",
    no_args_is_help=True,
)
app.add_typer(keys)


def _render_status(status: KeyStatus) -> None:
    from rich.markup import escape

    console = out()
    console.print("[bold]Master keys[/] · every tenant of this store")
    if status.active is None:
        console.print("No master key yet; the first `mercato-int creds set` creates one.")
    else:
        console.print(f"active: {status.active.kid} from {escape(status.active.source)}")
    for k in status.keys:
        remark = "active"
        if k.can_drop:
            remark = "no row uses it: can be dropped with `mercato-int keys drop ID`"
        elif not k.active:
            remark = "still in use: run `mercato-int keys rotate` to finish"
        rows = f"{k.rows} row{'s' if k.rows != 1 else ''}"
        console.print(f"  {k.kid}  {rows}  {escape(k.source)}  · {remark}")
    if status.verified and not status.damaged:
        console.print(f"verified: every row opens with its key ({status.total_rows} rows)")
    for d in status.damaged:
        console.print(
            f"[red]does not open[/]: {escape(d['integrationId'])} in tenant {escape(d['tenantId'])}"
            f" · org {escape(d['organizationId'])} (key {d['keyId']}): altered or copied from "
            "another row; set these credentials again"
        )
    for kid, n in status.unreadable.items():
        console.print(
            f"[red]{n} row{'s' if n != 1 else ''} under key {kid}, which no available key "
            "opens[/]: restore that key"
        )
    console.print(f"[dim]looked in: {escape(status.places)}[/]")


@keys.command("status")
def status(
    ctx: typer.Context,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="JSON: {activeKeyId, activeKeySource, keys, unreadable, unreadableRows, "
            "totalRows, lookedIn, verified, damaged}.",
        ),
    ] = False,
    verify: Annotated[
        bool,
        typer.Option("--verify", help="Also decrypt every row to find altered or moved ones."),
    ] = False,
) -> None:
    """The active key and where it came from, every key in use with its row count, and rows
    that no available key opens (exit 5 if there are any)."""
    result = services(ctx).keys.status(verify=verify)
    if as_json:
        print_json(result.to_json())
    else:
        _render_status(result)
    if result.unreadable or result.damaged:
        raise typer.Exit(ExitCode.KEY)


def _progress_reporter():
    """A progress bar on a terminal's stderr; one line per batch otherwise (cron, pipes)."""
    import sys

    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        bar = Progress(
            "re-encrypting",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err(),
            transient=True,
        )
        task = bar.add_task("rows", total=None)
        bar.start()

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return update, bar.stop

    def line(done: int, total: int) -> None:
        note(f"re-encrypted {done}/{total} rows")

    return line, lambda: None


@keys.command("rotate")
def rotate(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=100_000, help="Rows per transaction.")
    ] = 500,
) -> None:
    """Make a new master key active and re-encrypt every row under it, in batches (each its
    own transaction). Interrupted and run again, it finishes the same rotation."""
    svc = services(ctx)
    if not yes and not typer.confirm(
        "Make a new master key active and re-encrypt the credentials of every tenant?",
        default=False,
        err=True,
    ):
        err().print("Nothing rotated.")
        raise typer.Exit(ExitCode.FAILED)
    update, stop = _progress_reporter()
    try:
        result = svc.keys.rotate(batch_size=batch_size, on_progress=update)
    finally:
        stop()
    if result.key is None:
        out().print("No master key and no credentials yet: nothing to rotate.")
        return
    rate = result.rows / result.seconds if result.seconds > 0 else 0.0
    timing = f"in {result.seconds:.1f}s ({rate:,.0f} rows/s)"
    if result.resumed:
        out().print(
            f"finished rotating to key {result.key.kid} ({result.key.source}): {result.rows} "
            f"rows that still used an older key re-encrypted {timing}"
        )
    else:
        out().print(
            f"rotated to a new key {result.key.kid} ({result.key.source}): {result.rows} rows "
            f"re-encrypted {timing}"
        )
    if result.old_keys:
        out().print(
            f"old key{'s' if len(result.old_keys) > 1 else ''} {', '.join(result.old_keys)} "
            "kept for reading; no row uses "
            f"{'them' if len(result.old_keys) > 1 else 'it'}: drop with "
            "`mercato-int keys drop ID` once your backups no longer need "
            f"{'them' if len(result.old_keys) > 1 else 'it'}"
        )


@keys.command("drop")
def drop(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help="The key id (see `keys status`).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove an old key that no row uses any more (refused while any row does)."""
    svc = services(ctx)
    if not yes and not typer.confirm(
        f"Remove master key {key_id}? Backups made before the rotation will not open.",
        default=False,
        err=True,
    ):
        err().print("Nothing dropped.")
        raise typer.Exit(ExitCode.FAILED)
    place = svc.keys.drop(key_id)
    out().print(f"Dropped key {key_id} from {place}")
