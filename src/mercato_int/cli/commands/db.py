"""`db upgrade`, `db current` and `db partition-logs`: the store's schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.context import services
from mercato_int.cli.output import out, print_json
from mercato_int.i18n import t

if TYPE_CHECKING:
    from mercato_int.shapes.tools import DbStatusShape

app = command_app()

db_app = typer.Typer(
    help="The store's schema: upgrade it, or show where it stands.", no_args_is_help=True
)
app.add_typer(db_app, name="db")


def _status(ctx: typer.Context) -> DbStatusShape:
    from mercato_int.shapes.tools import DbStatusShape
    from mercato_int.store.engine import (
        create_store_engine,
        current_revision,
        redact_url,
    )
    from mercato_int.store.revisions import HEAD_REVISION, refuse_newer

    url = services(ctx).settings.database_url
    engine = create_store_engine(url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    refuse_newer(current, url)
    return DbStatusShape(
        url=redact_url(url),
        current=current,
        head=HEAD_REVISION,
        up_to_date=current == HEAD_REVISION,
    )


@db_app.command()
def current(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Show the store's schema revision and the one this mercato-int needs."""
    status = _status(ctx)
    if as_json:
        print_json(status.document())
        return
    state = t("logs.db.up_to_date" if status.up_to_date else "logs.db.behind")
    line = t(
        "logs.db.current",
        url=status.url,
        current=status.current or t("logs.db.none"),
        head=status.head,
        state=state,
    )
    out().print(line, markup=False)


@db_app.command()
def upgrade(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Create or migrate the store's schema to the newest revision."""
    from mercato_int.shapes.tools import DbUpgradeShape
    from mercato_int.store.engine import create_store_engine
    from mercato_int.store.migrate import upgrade as run_upgrade

    before = _status(ctx)
    if not before.up_to_date:
        engine = create_store_engine(services(ctx).settings.database_url)
        try:
            run_upgrade(engine)
        finally:
            engine.dispose()
    after = _status(ctx)
    if as_json:
        print_json(DbUpgradeShape(**after.__dict__, previous=before.current).document())
        return
    if before.up_to_date:
        out().print(t("logs.db.already", url=after.url, head=after.head), markup=False)
    else:
        previous = before.current or t("logs.db.empty_store")
        line = t("logs.db.upgraded", url=after.url, before=previous, after=after.current)
        out().print(line, markup=False)


@db_app.command("partition-logs")
def partition_logs(
    ctx: typer.Context,
    batch_size: Annotated[
        int,
        typer.Option(
            "--batch-size", min=100, max=1_000_000, help="Entries (by seq) copied per transaction."
        ),
    ] = 20_000,
    drop_old: Annotated[
        bool,
        typer.Option("--drop-old", help="Then drop the unpartitioned table a finished run kept."),
    ] = False,
) -> None:
    """Postgres: move the operation logs into a table partitioned by month, online; run it
    again after an interruption and it goes on where it stopped."""
    from mercato_int.cli.output import err
    from mercato_int.store import partition_copy
    from mercato_int.store.engine import open_store

    svc = services(ctx)
    store = open_store(svc.settings.database_url)
    try:
        if store.dialect != "postgresql":
            out().print(t("db.partition.sqlite"), markup=False)
            return
        shown = {"step": -1}

        def progress(done: int, until: int) -> None:
            step = done * 10 // max(until, 1)
            if step != shown["step"]:
                shown["step"] = step
                err().print(t("db.partition.progress", done=done, until=until), markup=False)

        outcome = partition_copy.partition_logs(
            store.engine,
            now=svc.clock(),
            batch=batch_size,
            drop_old_table=drop_old,
            on_progress=progress,
        )
    finally:
        store.dispose()
    if outcome.already:
        out().print(t("db.partition.already"), markup=False)
    else:
        if outcome.resumed_at:
            err().print(t("db.partition.resumed", done=outcome.resumed_at), markup=False)
        line = t("db.partition.done", copied=outcome.copied, old=partition_copy.OLD)
        out().print(line, markup=False)
    if drop_old:
        key = "db.partition.dropped" if outcome.old_dropped else "db.partition.nothing_to_drop"
        out().print(t(key, old=partition_copy.OLD), markup=False)
