"""`creds set|get|explain|unset`: credentials, encrypted at rest and masked on read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mercato_int.cli.commands import command_app, creds_transfer
from mercato_int.cli.complete import complete_field_assignments, complete_ids
from mercato_int.cli.context import services
from mercato_int.cli.output import confirm, err, local_time, note, out, print_json, warn
from mercato_int.errors import ExitCode, InvalidInput, Phrase
from mercato_int.i18n import scope_text, t

if TYPE_CHECKING:
    from mercato_int.registry import CredentialField
    from mercato_int.services.credentials.service import CredentialsView, SaveResult

app = command_app()

creds = typer.Typer(
    name="creds",
    help="Credentials: encrypted at rest, masked on read, shared by a bundle's integrations.",
    no_args_is_help=True,
)
app.add_typer(creds)

ID_ARG = typer.Argument(
    help="Integration or bundle id.", show_default=False, autocompletion=complete_ids
)


def parse_assignments(
    args: list[str], *, owner_id: str | None = None, fields: tuple[str, ...] | None = None
) -> dict[str, str]:
    """`KEY=VALUE`, `KEY=@path` (from a file), `KEY=-` (from stdin), `KEY=` (clear).
    Messages name the argument or field, never the value. With `fields`, a KEY that is not
    one of them is named by its position only: `creds set ID <secret>` with a secret that holds
    a `=` (base64 padding) must not print the part before it."""
    values: dict[str, str] = {}
    from_stdin: str | None = None
    for n, arg in enumerate(args, start=1):
        key, sep, value = arg.partition("=")
        if not sep or not key:
            raise InvalidInput(t("creds.arg.not_pair", n=n), hint=t("creds.arg.forms"))
        if fields is not None and key not in fields:
            raise InvalidInput(
                t("creds.arg.not_a_field", n=n, owner=owner_id),
                hint=t("creds.hint.known_fields", known=", ".join(fields) or t("creds.none")),
            )
        if key in values:
            raise InvalidInput(t("creds.arg.twice", field=key))
        if value == "-":
            if from_stdin is not None:
                raise InvalidInput(t("creds.arg.stdin_twice", first=from_stdin, second=key))
            from_stdin = key
            stdin = typer.get_text_stream("stdin")
            if stdin.isatty():
                note(t("creds.arg.reading_stdin", field=key))
            value = _chomp(stdin.read())
        elif value.startswith("@@"):
            value = value[1:]  # a literal value that starts with @
        elif value.startswith("@"):
            path = Path(value[1:]).expanduser()
            try:
                value = _chomp(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "strerror", None) or type(exc).__name__
                raise InvalidInput(
                    t("creds.arg.cannot_read", field=key, path=path, reason=reason)
                ) from None
        values[key] = value
    return values


def _chomp(text: str) -> str:
    """Drop the one line ending a file or a pipe adds; keep everything else as is."""
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def _prompt_values(
    fields: tuple[CredentialField, ...], current: dict[str, Any], given: dict[str, str]
) -> dict[str, str]:
    """Ask for each field not given on the command line: by label, hidden for secrets, the
    current (masked) value as default; Enter keeps it."""
    answers: dict[str, str] = {}
    for f in fields:
        if f.key in given:
            continue
        label = f"{f.label} ({f.key})"
        if f.type == "select":
            label += f" [{' / '.join(o.value for o in f.options or ())}]"
        elif f.type == "boolean":
            label += t("creds.prompt.boolean")
        if f.required:
            label += " *"
        shown = current.get(f.key)
        default = "" if shown is None else str(shown)
        # An empty answer to a required field with nothing stored is asked again, saying why;
        # Ctrl-D is an interrupt (exit 130) before anything is saved.
        while True:
            answer = typer.prompt(
                label, default=default, hide_input=f.is_secret, show_default=bool(default), err=True
            )
            if answer or not f.required or default:
                break
            note(t("creds.prompt.required", field=f.key))
        if answer != default:
            answers[f.key] = answer
    return answers


def _report_save(result: SaveResult, scope: str, source_label: Phrase | None) -> None:
    if result.created_key is not None:
        warn(t("creds.created_key", kid=result.created_key.kid, source=source_label))
    for line in result.notes:
        warn(line)
    if not result.changed:
        out().print(t("creds.unchanged", owner=result.owner_id, scope=scope), markup=False)
        return
    changed = ", ".join(result.changed)
    out().print(t("creds.saved", owner=result.owner_id, changed=changed, scope=scope), markup=False)


@creds.command("set")
def set_(
    ctx: typer.Context,
    integration_id: Annotated[str, ID_ARG],
    assignments: Annotated[
        list[str] | None,
        typer.Argument(
            help="KEY=VALUE, KEY=@FILE (value from a file), KEY=- (value from stdin), "
            "KEY= (clear the field).",
            show_default=False,
            autocompletion=complete_field_assignments,
        ),
    ] = None,
    prompt: Annotated[
        bool, typer.Option("--prompt", help="Ask for each field; secrets are typed hidden.")
    ] = False,
    if_version: Annotated[
        int | None,
        typer.Option(
            "--if-version",
            min=0,
            metavar="V",
            help="Save only if the stored credentials are still at version V (`creds get "
            "--json` shows it; 0: none stored yet); exit 1 if they changed.",
        ),
    ] = None,
) -> None:
    """Set credentials: checked against the field schema, merged with the stored values,
    encrypted before they reach the store."""
    svc = services(ctx)
    owner_id, fields = svc.credentials.write_target(integration_id, scope=svc.scope)
    given = parse_assignments(
        assignments or [], owner_id=owner_id, fields=tuple(f.key for f in fields)
    )
    if prompt:
        view = svc.credentials.read_masked(owner_id, svc.scope)
        current = view.values if view.source == "own" else {}
        given |= _prompt_values(fields, current, given)
        if not given:
            out().print(
                t("creds.unchanged", owner=owner_id, scope=scope_text(svc.scope)), markup=False
            )
            return
    result = svc.credentials.save(
        integration_id, given, svc.scope, actor=svc.actor, expected_version=if_version
    )
    created = result.created_key
    label = svc.keys.source_label(created.source) if created is not None else None
    _report_save(result, scope_text(svc.scope), label)


def _describe_source(view: CredentialsView) -> str:
    if view.source == "bundle":
        return t("creds.source.bundle", bundle=view.owner_id, integration=view.integration_id)
    if view.source == "own":
        return t("creds.source.own")
    return t("creds.source.none")


def _render(view: CredentialsView, scope: str, flags: str = "") -> None:
    from rich.markup import escape
    from rich.table import Table

    console = out()
    console.print(f"[bold]{escape(view.integration_id)}[/] · {escape(scope)}")
    line = _describe_source(view)
    if view.updated_at:
        line += t("creds.updated", stamp=local_time(view.updated_at))
        if view.updated_by:
            line += t("creds.updated_by", actor=view.updated_by)
    console.print(escape(line))
    if view.source == "none":
        console.print(t("creds.set_them", target=view.owner_id, flags=flags), markup=False)
        return
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for f in view.fields:
        value = view.values.get(f.key)
        shown = f"[dim]{t('creds.not_set')}[/]" if value in (None, "") else escape(str(value))
        table.add_row(escape(f"{f.label} ({f.key})"), shown)
    console.print(table)


@creds.command("get")
def get(
    ctx: typer.Context,
    integration_id: Annotated[str, ID_ARG],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="JSON: {integrationId, credentials, secretFieldsConfigured, source, updatedAt, "
            "version}.",
        ),
    ] = False,
    reveal: Annotated[
        bool,
        typer.Option("--reveal", help="Show secrets in plaintext (recorded in the audit trail)."),
    ] = False,
) -> None:
    """Show the credentials that apply (own, else the bundle's), secrets masked."""
    svc = services(ctx)
    if reveal:
        view = svc.credentials.reveal(integration_id, svc.scope, actor=svc.actor)
        if view.source != "none":
            note(t("creds.revealed", actor=svc.actor))
    else:
        view = svc.credentials.read_masked(integration_id, svc.scope)
    if as_json:
        from mercato_int.shapes.credentials import CredentialsViewShape

        print_json(CredentialsViewShape.of(view).document())
    else:
        _render(view, scope_text(svc.scope, svc.settings.context), svc.scope.cli_flags())


@creds.command("explain")
def explain(
    ctx: typer.Context,
    integration_id: Annotated[str, ID_ARG],
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON: {integrationId, scope, fields: [...]}.")
    ] = False,
) -> None:
    """Per field: where the effective value comes from (own row, bundle row, unset)."""
    from rich.markup import escape
    from rich.table import Table

    svc = services(ctx)
    origins = svc.credentials.explain(integration_id, svc.scope)
    if as_json:
        from mercato_int.shapes.base import ScopeShape
        from mercato_int.shapes.credentials import CredentialsExplainShape, FieldOriginShape

        shape = CredentialsExplainShape(
            integration_id=integration_id,
            scope=ScopeShape.of(svc.scope),
            fields=[FieldOriginShape.of(o) for o in origins],
        )
        print_json(shape.document())
        return
    console = out()
    where = scope_text(svc.scope, svc.settings.context)
    console.print(f"[bold]{escape(integration_id)}[/] · {escape(where)}")
    if not origins:
        console.print(t("creds.takes_none", integration=integration_id), markup=False)
        return
    table = Table(box=None, padding=(0, 2), show_edge=False)
    for name in ("field", "from", "value"):
        table.add_column(t(f"creds.col.{name}"), no_wrap=name != "value", overflow="fold")
    for o in origins:
        if o.source == "own":
            where = t("creds.from.own")
        elif o.source == "bundle":
            where = t("creds.from.bundle", bundle=o.source_id)
        else:
            where = t("creds.from.unset")
        if o.shadowed_by_own:
            where += t("creds.from.shadowed")
        shown = "" if o.value in (None, "") else escape(str(o.value))
        table.add_row(escape(f"{o.field.label} ({o.field.key})"), escape(where), shown)
    console.print(table)


@creds.command("unset")
def unset(
    ctx: typer.Context,
    integration_id: Annotated[str, ID_ARG],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove stored credentials (hard delete); asks first unless --yes."""
    svc = services(ctx)
    owner_id, _ = svc.credentials.write_target(integration_id, command="unset", scope=svc.scope)
    scope = scope_text(svc.scope)
    question = t("creds.unset.confirm", owner=owner_id, scope=scope)
    if not yes and not confirm(question, command=ctx.command_path):
        err().print(t("creds.unset.declined"), markup=False)
        raise typer.Exit(ExitCode.FAILED)
    removed = svc.credentials.remove(integration_id, svc.scope, actor=svc.actor)
    out().print(t("creds.removed", owner=removed, scope=scope), markup=False)


# in their own module (this one is near the 400-line limit), listed after the others
creds.command("export")(creds_transfer.export)
creds.command("import")(creds_transfer.import_)
