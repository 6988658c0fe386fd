"""`creds set|get|explain|unset`: credentials, encrypted at rest and masked on read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mercato_int.cli.app import app, services
from mercato_int.cli.complete import complete_ids
from mercato_int.cli.output import err, note, out, print_json, warn
from mercato_int.errors import ExitCode, InvalidInput

if TYPE_CHECKING:
    from mercato_int.registry import CredentialField
    from mercato_int.services.credentials import CredentialsView, SaveResult

creds = typer.Typer(
    name="creds",
    help="Credentials: encrypted at rest, masked on read, shared by a bundle's integrations.",
    no_args_is_help=True,
)
app.add_typer(creds)

ID_ARG = typer.Argument(
    help="Integration or bundle id.", show_default=False, autocompletion=complete_ids
)


def parse_assignments(args: list[str]) -> dict[str, str]:
    """`KEY=VALUE`, `KEY=@path` (from a file), `KEY=-` (from stdin), `KEY=` (clear).
    Messages name the argument or field, never the value."""
    values: dict[str, str] = {}
    from_stdin: str | None = None
    for n, arg in enumerate(args, start=1):
        key, sep, value = arg.partition("=")
        if not sep or not key:
            raise InvalidInput(
                f"argument {n} is not KEY=VALUE",
                hint="use KEY=VALUE, KEY=@FILE (read from a file) or KEY=- (read from stdin)",
            )
        if key in values:
            raise InvalidInput(f"field {key!r} is given twice")
        if value == "-":
            if from_stdin is not None:
                raise InvalidInput(
                    f"fields {from_stdin!r} and {key!r} both read stdin; only one field can"
                )
            from_stdin = key
            stdin = typer.get_text_stream("stdin")
            if stdin.isatty():
                note(f"reading {key} from stdin; end with Ctrl-D")
            value = _chomp(stdin.read())
        elif value.startswith("@@"):
            value = value[1:]  # a literal value that starts with @
        elif value.startswith("@"):
            path = Path(value[1:]).expanduser()
            try:
                value = _chomp(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "strerror", None) or type(exc).__name__
                raise InvalidInput(f"field {key!r}: cannot read {path}: {reason}") from None
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
            label += " [true/false]"
        if f.required:
            label += " *"
        shown = current.get(f.key)
        default = "" if shown is None else str(shown)
        answer = typer.prompt(
            label,
            default=default if default or not f.required else None,
            hide_input=f.is_secret,
            show_default=bool(default),
            err=True,
        )
        if answer != default:
            answers[f.key] = answer
    return answers


def _report_save(result: SaveResult, scope: object) -> None:
    if result.created_key is not None:
        warn(
            f"created master key {result.created_key.kid} in {result.created_key.source}; "
            "back it up: without it the stored credentials cannot be read"
        )
    if not result.changed:
        out().print(f"Credentials of {result.owner_id} unchanged · {scope}")
        return
    out().print(
        f"Saved credentials of {result.owner_id} ({', '.join(result.changed)} changed) · {scope}"
    )


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
        ),
    ] = None,
    prompt: Annotated[
        bool, typer.Option("--prompt", help="Ask for each field; secrets are typed hidden.")
    ] = False,
) -> None:
    """Set credentials: checked against the field schema, merged with the stored values,
    encrypted before they reach the store."""
    svc = services(ctx)
    given = parse_assignments(assignments or [])
    if prompt:
        owner_id, fields = svc.credentials.write_target(integration_id)
        view = svc.credentials.read_masked(owner_id, svc.scope)
        current = view.values if view.source == "own" else {}
        given |= _prompt_values(fields, current, given)
        if not given:
            out().print(f"Credentials of {owner_id} unchanged · {svc.scope}")
            return
    result = svc.credentials.save(integration_id, given, svc.scope, actor=svc.actor)
    _report_save(result, svc.scope)


def _describe_source(view: CredentialsView) -> str:
    if view.source == "bundle":
        return f"credentials of bundle {view.owner_id} ({view.integration_id} has none of its own)"
    if view.source == "own":
        return "credentials of its own"
    return "no credentials set"


def _render(view: CredentialsView, scope: object) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = out()
    console.print(f"[bold]{escape(view.integration_id)}[/] · {scope}")
    line = _describe_source(view)
    if view.updated_at:
        stamp = view.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        line += f", updated {stamp}" + (f" by {view.updated_by}" if view.updated_by else "")
    console.print(escape(line))
    if view.source == "none":
        target = view.owner_id
        console.print(f"Set them with `mercato-int creds set {target} KEY=VALUE...`")
        return
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for f in view.fields:
        value = view.values.get(f.key)
        shown = "[dim]not set[/]" if value in (None, "") else escape(str(value))
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
            help="JSON: {integrationId, credentials, secretFieldsConfigured, source, updatedAt}.",
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
            note(f"secrets shown in plaintext; recorded in the audit trail as {svc.actor}")
    else:
        view = svc.credentials.read_masked(integration_id, svc.scope)
    if as_json:
        print_json(view.to_json())
    else:
        _render(view, svc.scope)


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
        print_json(
            {
                "integrationId": integration_id,
                "scope": svc.scope.as_dict(),
                "fields": [o.to_json() for o in origins],
            }
        )
        return
    console = out()
    console.print(f"[bold]{escape(integration_id)}[/] · {svc.scope}")
    if not origins:
        console.print(f"{escape(integration_id)} takes no credentials.")
        return
    table = Table(box=None, padding=(0, 2), show_edge=False)
    for name in ("field", "from", "value"):
        table.add_column(name, no_wrap=name != "value", overflow="fold")
    for o in origins:
        where = {"own": "this integration", "bundle": f"bundle {o.source_id}"}.get(
            o.source, "unset"
        )
        if o.shadowed_by_own:
            where += " (bundle value unused: this integration has its own row)"
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
    owner_id, _ = svc.credentials.write_target(integration_id, command="unset")
    if not yes and not typer.confirm(
        f"Remove the credentials of {owner_id} in {svc.scope}?", default=False, err=True
    ):
        err().print("Nothing removed.")
        raise typer.Exit(ExitCode.FAILED)
    removed = svc.credentials.remove(integration_id, svc.scope, actor=svc.actor)
    out().print(f"Removed the credentials of {removed} · {svc.scope}")
