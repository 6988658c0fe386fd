"""`keys status|rotate|drop`: the master keys that encrypt credentials (host-wide)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.context import services
from mercato_int.cli.output import confirm, err, note, out, print_json, warn
from mercato_int.errors import ExitCode, Phrase
from mercato_int.i18n import current, t, tn

if TYPE_CHECKING:
    from mercato_int.services.credentials.keys import KeyStatus

app = command_app()

keys = typer.Typer(
    name="keys",
    help="Master keys: which is active, which rows use which, rotation, backup.",
    no_args_is_help=True,
)
app.add_typer(keys)


def _render_status(status: KeyStatus, label: Callable[[str], Phrase]) -> None:
    from rich.markup import escape

    console = out()
    console.print(
        f"[bold]{escape(t('creds.keys.title'))}[/] · {escape(t('creds.keys.every_tenant'))}"
    )
    if status.active is None:
        console.print(t("creds.keys.none_yet"), markup=False)
    else:
        source = label(status.active.source)
        console.print(
            t("creds.keys.active_from", kid=status.active.kid, source=source), markup=False
        )
    for k in status.keys:
        remark = t("creds.keys.active")
        if k.can_drop:
            remark = t("creds.keys.can_drop")
        elif not k.active and k.rows:
            remark = t("creds.keys.in_use")
        elif not k.active and k.other_stores is None:
            remark = t("creds.keys.others_unknown")
        elif not k.active and k.other_stores is not None:
            listed = "; ".join(
                tn("creds.store_rows", n, store=s) for s, n in sorted(k.other_stores.items())
            )
            remark = t("creds.keys.used_elsewhere", stores=listed)
        rows = tn("creds.rows", k.rows)
        console.print(f"  {k.kid}  {rows}  {label(k.source)}  · {remark}", markup=False)
    if status.verified and not status.damaged:
        console.print(tn("creds.keys.verified", status.total_rows), markup=False)
    for d in status.damaged:
        scope = t("scope", tenant=d["tenantId"], org=d["organizationId"])
        line = t("creds.keys.damaged", integration=d["integrationId"], scope=scope, kid=d["keyId"])
        console.print(f"[red]{escape(t('creds.keys.does_not_open'))}[/]: {escape(line)}")
    for kid, n in status.unreadable.items():
        line = tn("creds.keys.unreadable", n, kid=kid)
        console.print(f"[red]{escape(line)}[/]: {escape(t('creds.keys.restore_it'))}")
    places = t("creds.keys.looked_in", places=status.places_text or status.places)
    console.print(f"[dim]{escape(places)}[/]")


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
    for path, mode in services(ctx).store.readable_by_others():
        from mercato_int.cli.output import warn

        warn(t("store.readable_by_others", path=path, mode=f"{mode:04o}"))
    if as_json:
        from mercato_int.shapes.keys import KeyStatusShape

        print_json(KeyStatusShape.of(result).document())
    else:
        _render_status(result, services(ctx).keys.source_label)
    if result.unreadable or result.damaged:
        raise typer.Exit(ExitCode.KEY)


def _progress_reporter():
    """A progress bar on a terminal's stderr; one line per batch otherwise (cron, pipes)."""
    import sys

    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        bar = Progress(
            t("creds.keys.progress"),
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
        note(t("creds.keys.progress_line", done=done, total=total))

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
    if not yes and not confirm(t("creds.keys.rotate.confirm"), command=ctx.command_path):
        err().print(t("creds.keys.rotate.declined"), markup=False)
        raise typer.Exit(ExitCode.FAILED)
    update, stop = _progress_reporter()
    try:
        result = svc.keys.rotate(batch_size=batch_size, on_progress=update)
    finally:
        stop()
    console = out()
    if result.key is None:
        console.print(t("creds.keys.nothing_to_rotate"), markup=False)
        return
    rate = result.rows / result.seconds if result.seconds > 0 else 0.0
    timing = t(
        "creds.keys.timing", seconds=_number(f"{result.seconds:.1f}"), rate=_number(f"{rate:,.0f}")
    )
    source = svc.keys.source_label(result.key.source)
    key = "creds.keys.resumed" if result.resumed else "creds.keys.rotated"
    console.print(
        tn(key, result.rows, kid=result.key.kid, source=source, timing=timing), markup=False
    )
    if result.old_keys:
        kids = ", ".join(result.old_keys)
        console.print(tn("creds.keys.old_kept", len(result.old_keys), kids=kids), markup=False)


def _number(text: str) -> str:
    """A number formatted the English way (`1,234.5`), in the Polish way under `--lang pl`:
    thousands grouped with a (no-break) space, a decimal comma."""
    if current() == "pl":
        return text.replace(",", "\u00a0").replace(".", ",")
    return text


@keys.command("drop")
def drop(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help="The key id (see `keys status`).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Drop it even though another store sharing the key source is recorded as "
            "using it (its rows under the key can then never be read).",
        ),
    ] = False,
) -> None:
    """Remove an old key that no row uses any more (refused while any row of this store
    does, or another store sharing the key source is recorded as using it)."""
    svc = services(ctx)
    if not yes and not confirm(t("creds.keys.drop.confirm", kid=key_id), command=ctx.command_path):
        err().print(t("creds.keys.drop.declined"), markup=False)
        raise typer.Exit(ExitCode.FAILED)
    result = svc.keys.drop(key_id, force=force)
    if result.forced_past:
        listed = "; ".join(
            tn("creds.store_rows", n, store=s) for s, n in sorted(result.forced_past.items())
        )
        warn(t("creds.keys.drop.forced", kid=key_id, stores=listed))
    out().print(
        t("creds.keys.dropped", kid=key_id, source=svc.keys.source_label(result.source)),
        markup=False,
    )


PASSPHRASE_ENV = "MERCATO_INT_KEYS_PASSPHRASE"
PASSPHRASE_FILE = typer.Option(
    "--passphrase-file",
    help=f"Read the passphrase from this file (its first line); else ${PASSPHRASE_ENV}; "
    "else it is asked for on the terminal.",
    show_default=False,
)


def _passphrase(path: Path | None, *, confirm: bool) -> str:
    """From `--passphrase-file`, else the environment, else asked (hidden) on a terminal;
    without one of those, exit 2 naming the ways to give it."""
    import os
    import sys

    from mercato_int.errors import InvalidInput

    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise InvalidInput(
                t("creds.keys.backup.err.cannot_read", file=path, reason=reason)
            ) from None
        return text.splitlines()[0] if text.strip() else ""
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        raise InvalidInput(t("creds.keys.backup.err.no_passphrase", env=PASSPHRASE_ENV))
    return typer.prompt(
        t("creds.keys.backup.prompt"), hide_input=True, confirmation_prompt=confirm, err=True
    )


@keys.command("export")
def export(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="The file to write (never replaced).", show_default=False)
    ],
    passphrase_file: Annotated[Path | None, PASSPHRASE_FILE] = None,
) -> None:
    """Back up every master key this host can read into FILE, encrypted under a passphrase
    (scrypt and AES-256-GCM), mode 0600."""
    svc = services(ctx)
    passphrase = _passphrase(passphrase_file, confirm=True)
    kids = svc.keys.export_keys(file, passphrase)
    out().print(
        tn("creds.keys.backup.exported", len(kids), file=file, kids=", ".join(kids)), markup=False
    )


@keys.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="A file written by `keys export`.", show_default=False)
    ],
    passphrase_file: Annotated[Path | None, PASSPHRASE_FILE] = None,
) -> None:
    """Add the master keys of an export FILE beside this host's keys (none is replaced; the
    active key stays active). A wrong passphrase or an altered file imports nothing (exit 5)."""
    svc = services(ctx)
    passphrase = _passphrase(passphrase_file, confirm=False)
    result = svc.keys.import_keys(file, passphrase)
    if not result.added:
        out().print(tn("creds.keys.backup.none_new", result.present), markup=False)
        return
    source = svc.keys.source_label(result.source)
    out().print(
        tn(
            "creds.keys.backup.imported",
            len(result.added),
            kids=", ".join(result.added),
            source=source,
            present=result.present,
        ),
        markup=False,
    )
