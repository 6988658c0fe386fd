"""`health`: run health checks now, store and print the results; exit 1 if any is unhealthy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.complete import complete_ids
from mercato_int.cli.context import services
from mercato_int.cli.output import (
    err,
    error_line,
    note,
    only_data_on_stdout,
    out,
    print_json,
)
from mercato_int.errors import ExitCode, InvalidInput
from mercato_int.i18n import scope_text, t, t_or, tn

if TYPE_CHECKING:
    from collections.abc import Callable

    from mercato_int.services.health.jobs import HealthRun, Progress
    from mercato_int.services.health.result import HealthOutcome

STYLE = {"healthy": "green", "degraded": "yellow", "unhealthy": "red", "unconfigured": "dim"}
MARK = {"healthy": "✓", "degraded": "!", "unhealthy": "✗", "unconfigured": "·"}
STATUS_WIDTH = 12  # the longest English status; a longer translation widens the column


def status_text(status: str) -> str:
    """A health status as a person reads it (the status id itself is data)."""
    return t_or(f"health.{status}", status)


app = command_app()


@app.command()
def health(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ID|BUNDLE]...",
            help="Integrations or bundles to check (a bundle's check runs once).",
            autocompletion=complete_ids,
        ),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every enabled integration in the scope.")
    ] = False,
    all_tenants: Annotated[
        bool,
        typer.Option("--all-tenants", help="Every enabled integration of every tenant (cron)."),
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", help="Cut each check after this.")
    ] = 10.0,
    concurrency: Annotated[
        int, typer.Option("--concurrency", metavar="N", help="Checks running at once.")
    ] = 16,
    processes: Annotated[
        int | None,
        typer.Option(
            "--processes",
            metavar="N",
            help=(
                "Processes that share the tenants of --all-tenants (default: one per CPU "
                "core, each with 200 tenants or more)."
            ),
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON: {items, total, counts}.")] = False,
) -> None:
    """Run health checks now: store, log and emit each result; exit 1 if any is unhealthy.

    Each result goes on the state, into the operation log as `health.check` and out as the
    event `integrations.health.checked`. A check that raises or outlives --timeout is
    unhealthy with the reason. Progress goes to stderr. Credentials that cannot be decrypted
    are that item's error: the other checks still run, and the exit is 5 at the end.
    """
    if ids and (all_ or all_tenants):
        raise InvalidInput(t("state.health.ids_and_all"))
    if not ids and not (all_ or all_tenants):
        raise InvalidInput(
            t("state.health.nothing_named"),
            hint=t("state.health.nothing_named.hint", program=_program(ctx)),
        )
    from mercato_int.services.health.service import MAX_TIMEOUT

    if not 0 < timeout <= MAX_TIMEOUT:  # NaN and infinity too
        raise InvalidInput(
            t("state.health.bad_timeout_flag", timeout=f"{timeout:g}", most=f"{MAX_TIMEOUT:g}")
        )
    if concurrency < 1:
        raise InvalidInput(t("state.health.bad_concurrency_flag", concurrency=concurrency))
    from mercato_int.services.health.shards import MOST_PROCESSES

    if processes is not None and not 1 <= processes <= MOST_PROCESSES:
        most = MOST_PROCESSES
        raise InvalidInput(t("state.health.bad_processes_flag", processes=processes, most=most))
    if processes is not None and not all_tenants:
        raise InvalidInput(t("state.health.processes_need_all_tenants"))
    # Running checks writes state, logs and events: integrations.manage, in every tenant.
    svc = services(ctx)
    if all_tenants:
        where, in_where = t("state.health.all_tenants"), t("state.health.in_all_tenants")
    else:
        where = scope_text(svc.scope, svc.settings.context)
        in_where = t("state.health.in_scope", scope=where)

    def planned(checks: int, integrations: int) -> None:
        if checks:
            count = _count(checks, integrations)
            note(t("state.health.checking", count=count, where=in_where, timeout=f"{timeout:g}"))
            return
        from mercato_int.services.health.service import scoped_command

        command = "mercato-int enable ID"
        if not all_tenants:
            command = scoped_command(command, svc.scope)
        note(t("state.health.none_enabled", where=in_where, command=command))

    def go(progress: Progress | None) -> HealthRun:
        if all_tenants:  # planned and run together: the tenants may be shared among processes
            return svc.health_fleet.run(
                actor=svc.actor,
                timeout=timeout,
                concurrency=concurrency,
                processes=processes,
                progress=progress,
                planned=planned,
            )
        from mercato_int.services.health.jobs import HealthRun, integrations_covered

        jobs = svc.health.plan(ids, svc.scope) if ids else svc.health.plan_enabled(svc.scope)
        planned(len(jobs), integrations_covered(jobs))
        if not jobs:
            return HealthRun(outcomes=[])
        return svc.health.run(
            jobs, actor=svc.actor, timeout=timeout, concurrency=concurrency, progress=progress
        )

    run = _run(go, all_tenants, as_json)
    failed_tenants = run.failed_tenants or []
    from mercato_int.cli.commands.state import report_delivery_failures

    report_delivery_failures(run.delivery_failures)
    if as_json:
        from mercato_int.shapes.health import HealthRunShape

        print_json(HealthRunShape.of(run).document())
    elif run.outcomes:
        _render(run, where, show_scope=all_tenants)
    # After everything ran and was printed: what could not be checked, one line each.
    for failure in failed_tenants:
        error_line(
            t("state.health.tenant_failed", scope=scope_text(failure.scope), error=failure.error)
        )
    for outcome in run.key_problems:
        error_line(outcome.message)
    # the worst of: 5 a key problem, 4 a tenant the store failed, 1 a failed tenant or check
    costs = [f.exit_code for f in failed_tenants]
    costs += [ExitCode.KEY] * bool(run.key_problems) + [ExitCode.FAILED] * run.any_unhealthy
    if costs:
        raise typer.Exit(max(costs))


def _program(ctx: typer.Context) -> str:
    """`mercato-int` with the `--tenant`/`--org` flags this invocation was given, for hints."""
    import shlex

    given = ctx.find_root().obj
    program = "mercato-int"
    for flag, value in (("--tenant", given.tenant), ("--org", given.org)) if given else ():
        if value:
            program += f" {flag} {shlex.quote(value)}"
    return program


def _count(checks: int, integrations: int) -> str:
    if checks == integrations:
        return tn("count.integrations", checks)
    return tn("state.health.n_checks", checks)


def _run(
    go: Callable[[Progress | None], HealthRun], all_tenants: bool = False, as_json: bool = False
) -> HealthRun:
    """Run the checks (`go`) with progress on stderr: a bar with the time remaining on a terminal
    (none with --json), one line per check elsewhere (cron logs, pipes), written a batch at a
    time (progress.lines)."""
    from contextlib import nullcontext

    from mercato_int.cli import progress as bars

    def subject_of(outcome: HealthOutcome) -> str:
        if all_tenants:  # which tenant's check it was
            return f"{outcome.subject_id} · {scope_text(outcome.scope)}"
        return outcome.subject_id

    on_terminal = err().is_terminal
    with (
        bars.bar(t("state.health.progress"), as_json=as_json) as tick,
        nullcontext(None) if on_terminal else bars.lines() as write,
    ):
        report: Progress | None = None
        if tick is not None:

            def report(outcome: HealthOutcome, done: int, total: int) -> None:
                tick(done, total, f"{subject_of(outcome)} {status_text(outcome.status)}")

        elif write is not None:

            def report(outcome: HealthOutcome, done: int, total: int) -> None:
                latency = outcome.measured_ms
                key = "state.health.progress_line"
                if latency is None:
                    key = "state.health.progress_line_unmeasured"
                subject = subject_of(outcome)
                status = status_text(outcome.status)
                write(
                    t(key, done=done, total=total, subject=subject, status=status, latency=latency)
                )

        with only_data_on_stdout():  # a check that prints never breaks the output
            return go(report)


def _render(run: HealthRun, where: str, *, show_scope: bool) -> None:
    """One line per check (the message never wraps into a column: grep-able)."""
    from rich.markup import escape

    console = out()
    console.print(f"[bold]{escape(t('state.health.title'))}[/] · {escape(where)}")
    rows = []
    for o in run.outcomes:
        ident = o.subject_id
        if len(o.integration_ids) > 1 or ident not in o.integration_ids:
            ident += f" ({tn('count.integrations', len(o.integration_ids))})"
        if show_scope:
            ident += f" · {scope_text(o.scope)}"
        measured = o.measured_ms
        rows.append((o.status, ident, "–" if measured is None else f"{measured} ms", o.message))
    width = max(len(r[1]) for r in rows)
    lat = max(len(r[2]) for r in rows)
    label = max([STATUS_WIDTH] + [len(status_text(r[0])) for r in rows])
    for status, ident, latency, message in rows:
        style = STYLE.get(status, "white")
        console.print(
            f"[{style}]{MARK.get(status, '?')} {escape(status_text(status)):<{label}}[/] "
            f"{escape(ident):<{width}}  {latency:>{lat}}  {escape(message)}"
        )
    counts = ", ".join(_status_count(s, n) for s, n in sorted(run.counts().items()))
    checks = tn("state.health.n_checks", len(run.outcomes))
    console.print(f"[dim]{escape(t('state.health.summary', checks=checks, counts=counts))}[/]")


def _status_count(status: str, n: int) -> str:
    """`2 healthy`; a status no catalogue knows stays as it is."""
    key = f"state.health.count.{status}"
    return tn(key, n) if status in STYLE else f"{n} {status}"
