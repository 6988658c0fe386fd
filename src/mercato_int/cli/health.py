"""`health`: run health checks now, store and print the results; exit 1 if any is unhealthy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mercato_int.cli.access import MANAGE, require, require_everywhere
from mercato_int.cli.app import app, services
from mercato_int.cli.complete import complete_ids
from mercato_int.cli.output import err, note, out, plural, print_json
from mercato_int.errors import ExitCode, InvalidInput

if TYPE_CHECKING:
    from mercato_int.services import Services
    from mercato_int.services.health import HealthJob, HealthRun
    from mercato_int.services.health_result import HealthOutcome

STYLE = {"healthy": "green", "degraded": "yellow", "unhealthy": "red", "unconfigured": "dim"}
MARK = {"healthy": "✓", "degraded": "!", "unhealthy": "✗", "unconfigured": "·"}


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
    as_json: Annotated[bool, typer.Option("--json", help="JSON: {items, total, counts}.")] = False,
) -> None:
    """Run health checks now: store, log and emit each result; exit 1 if any is unhealthy.

    Each result goes on the state, into the operation log as `health.check` and out as the
    event `integrations.health.checked`. A check that raises or outlives --timeout is
    unhealthy with the reason. Progress goes to stderr.
    """
    if ids and (all_ or all_tenants):
        raise InvalidInput("give integration ids or --all/--all-tenants, not both")
    if not ids and not (all_ or all_tenants):
        raise InvalidInput(
            "name integrations or bundles to check, or use --all",
            hint="e.g. `mercato-int health gateway_stripe` or `mercato-int health --all`",
        )
    if not timeout > 0:
        raise InvalidInput(f"--timeout must be more than 0 seconds, not {timeout:g}")
    if concurrency < 1:
        raise InvalidInput(f"--concurrency must be at least 1, not {concurrency}")
    # Running checks writes state, logs and events: integrations.manage, in every tenant.
    (require_everywhere if all_tenants else require)(ctx, MANAGE)
    svc = services(ctx)
    jobs, where = _plan(svc, ids or [], all_tenants)
    if not jobs:
        note(f"no enabled integrations in {where}; enable some with `mercato-int enable ID`")
        if as_json:
            print_json({"items": [], "total": 0, "counts": {}})
        return
    note(f"checking {_count(jobs)} in {where} (timeout {timeout:g} s)")
    run = _run(svc, jobs, timeout, concurrency)
    from mercato_int.cli.state import report_delivery_failures

    report_delivery_failures(run.delivery_failures)
    if as_json:
        print_json(run.to_json())
    else:
        _render(run, where, show_scope=all_tenants)
    if run.any_unhealthy:
        raise typer.Exit(ExitCode.FAILED)


def _plan(svc: Services, ids: list[str], all_tenants: bool) -> tuple[list[HealthJob], str]:
    if all_tenants:
        jobs = [j for scope in svc.state.enabled_scopes() for j in svc.health.plan_enabled(scope)]
        return jobs, "all tenants"
    if ids:
        return svc.health.plan(ids, svc.scope), str(svc.scope)
    return svc.health.plan_enabled(svc.scope), str(svc.scope)


def _count(jobs: list[HealthJob]) -> str:
    n = len(jobs)
    return (
        f"{n} integration{'s' if n != 1 else ''}"
        if n == sum(len(j.integration_ids) for j in jobs)
        else f"{n} checks"
    )


def _run(svc: Services, jobs: list[HealthJob], timeout: float, concurrency: int) -> HealthRun:
    console = err()
    if console.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(
            TextColumn("health"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("", total=len(jobs))

            def tick(outcome: HealthOutcome, done: int, total: int) -> None:
                bar.update(
                    task, completed=done, description=f"{outcome.subject_id} {outcome.status}"
                )

            return svc.health.run(
                jobs, actor=svc.actor, timeout=timeout, concurrency=concurrency, progress=tick
            )

    def line(outcome: HealthOutcome, done: int, total: int) -> None:
        note(f"[{done}/{total}] {outcome.subject_id}: {outcome.status} ({outcome.latency_ms} ms)")

    return svc.health.run(
        jobs, actor=svc.actor, timeout=timeout, concurrency=concurrency, progress=line
    )


def _render(run: HealthRun, where: str, *, show_scope: bool) -> None:
    """One line per check (the message never wraps into a column: grep-able)."""
    from rich.markup import escape

    console = out()
    console.print(f"[bold]Health[/] · {where}")
    rows = []
    for o in run.outcomes:
        ident = o.subject_id
        if len(o.integration_ids) > 1 or ident not in o.integration_ids:
            ident += f" ({plural(len(o.integration_ids), 'integration')})"
        if show_scope:
            ident += f" · tenant {o.scope.tenant_id} · org {o.scope.organization_id}"
        rows.append((o.status, ident, f"{o.latency_ms} ms", o.message))
    width = max(len(r[1]) for r in rows)
    lat = max(len(r[2]) for r in rows)
    for status, ident, latency, message in rows:
        style = STYLE.get(status, "white")
        console.print(
            f"[{style}]{MARK.get(status, '?')} {status:<12}[/] {escape(ident):<{width}}  "
            f"{latency:>{lat}}  {escape(message)}"
        )
    counts = ", ".join(f"{n} {s}" for s, n in sorted(run.counts().items()))
    console.print(f"[dim]{plural(len(run.outcomes), 'check')}: {counts}[/]")
