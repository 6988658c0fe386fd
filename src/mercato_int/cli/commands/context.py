"""`context list|show|use|add|remove`: named sets of settings in the config file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.complete import complete_contexts
from mercato_int.cli.output import out, print_json, warn
from mercato_int.i18n import t

app = command_app()

context_app = typer.Typer(
    help="Contexts: named stores and scopes (staging, production) kept in the config file.",
    no_args_is_help=True,
)
app.add_typer(context_app, name="context")

JsonOpt = Annotated[bool, typer.Option("--json", help="JSON output.")]
NAME_HELP = "Context name: letters, digits, _ or -."
# the JSON name of each key a context holds
JSON_KEYS = {
    "database_url": "databaseUrl",
    "tenant": "tenantId",
    "org": "organizationId",
    "actor": "actor",
    "lang": "lang",
}


def _path() -> Path:
    from mercato_int.config_file import CONFIG_FILE_NAME, config_dirs

    return config_dirs()[0] / CONFIG_FILE_NAME


def _flag(ctx: typer.Context) -> str | None:
    return getattr(ctx.find_root().obj, "context", None)


def _say(text: str) -> None:
    out().print(text, markup=False, highlight=False)


def _shown(values: dict[str, str]) -> dict[str, str]:
    """A context's values for display and JSON: a store URL through the redactor (a context
    never holds a password, but a file edited by hand might)."""
    from mercato_int.store.urls import redact_url

    shown = dict(values)
    if "database_url" in shown:
        shown["database_url"] = redact_url(shown["database_url"])
    return shown


def _as_json(name: str | None, values: dict[str, str], **extra: Any) -> dict[str, Any]:
    shown = _shown(values)
    return {"name": name, **{JSON_KEYS[k]: shown.get(k) for k in JSON_KEYS}, **extra}


def _summary(values: dict[str, str]) -> str:
    shown = _shown(values)
    parts = [f"{key}={shown[key]}" for key in JSON_KEYS if shown.get(key)]
    return " ".join(parts) or t("context.empty")


@context_app.command("list")
def list_(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every context of the config file; `*` marks the one in effect."""
    from mercato_int.config_file import ConfigError, read_config
    from mercato_int.contexts import contexts_of, current_of, select

    path = _path()
    data = read_config(path)
    known = contexts_of(data, path)
    try:
        active, origin = select(data, path, flag=_flag(ctx))
    except ConfigError as exc:  # list them anyway: this is where one finds the right name
        warn(str(exc))
        active, origin = None, None
    current = current_of(data, path)
    if as_json:
        items = [
            _as_json(n, v, current=n == current, active=n == active)
            for n, v in sorted(known.items())
        ]
        print_json({"contexts": items, "current": current, "active": active, "chosenBy": origin})
        return
    if not known:
        _say(t("context.none"))
        return
    width = max(len(n) for n in known)
    for name, values in sorted(known.items()):
        mark = "*" if name == active else " "
        _say(f"{mark} {name.ljust(width)}  {_summary(values)}")
    if active and origin != "current_context":
        _say(t("context.chosen_by", name=active, origin=origin))


@context_app.command("show")
def show(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            help="Context to show (default: the one in effect).", autocompletion=complete_contexts
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """One context: what it holds, and the settings in effect with it (flags and variables
    still win over it)."""
    from mercato_int.config_file import read_config
    from mercato_int.contexts import contexts_of, current_of, select
    from mercato_int.settings import Settings
    from mercato_int.store.urls import redact_url

    path = _path()
    data = read_config(path)
    chosen, origin = select(data, path, flag=name or _flag(ctx))
    values = contexts_of(data, path).get(chosen, {}) if chosen else {}
    state = ctx.find_root().obj
    settings = Settings.load(
        database_url=getattr(state, "db", None),
        tenant=getattr(state, "tenant", None),
        org=getattr(state, "org", None),
        actor=getattr(state, "actor", None),
        lang=getattr(state, "lang", None),
        context=chosen,
    )
    effective = {
        "databaseUrl": redact_url(settings.database_url),
        "tenantId": settings.scope.tenant_id,
        "organizationId": settings.scope.organization_id,
        "actor": settings.actor,
        "lang": settings.lang,
    }
    if as_json:
        current = current_of(data, path)
        body = _as_json(chosen, values, current=chosen is not None and chosen == current)
        print_json({**body, "chosenBy": origin, "effective": effective})
        return
    if chosen is None:
        _say(t("context.show.none"))
    else:
        _say(t("context.show.title", name=chosen, origin=origin))
        for key, value in _shown(values).items():
            _say(f"  {key} = {value}")
    _say(t("context.show.effective"))
    for label, setting in effective.items():
        _say(f"  {label}: {setting if setting is not None else '-'}")


@context_app.command("use")
def use(
    name: Annotated[str, typer.Argument(help=NAME_HELP, autocompletion=complete_contexts)],
    as_json: JsonOpt = False,
) -> None:
    """Make a context the current one (`current_context` in the config file)."""
    import os

    from mercato_int.config_write import use_context
    from mercato_int.contexts import ENV_CONTEXT

    path = _path()
    values = use_context(path, name)
    if as_json:
        print_json(_as_json(name, values, current=True))
    else:
        _say(t("context.used", name=name, summary=_summary(values)))
    env = os.environ.get(ENV_CONTEXT)
    if env and env != name:
        warn(t("context.env_wins", variable=ENV_CONTEXT, name=env))


def _opt(flag: str, help_: str) -> Any:
    return typer.Option(flag, help=help_, show_default=False)


@context_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help=NAME_HELP)],
    db: Annotated[
        str | None,
        _opt("--db", "Store URL, without a password (libpq reads it from ~/.pgpass)."),
    ] = None,
    tenant: Annotated[str | None, _opt("--tenant", "Tenant id.")] = None,
    org: Annotated[str | None, _opt("--org", "Organization id.")] = None,
    actor: Annotated[str | None, _opt("--actor", "Who acts, for audit.")] = None,
    lang: Annotated[str | None, _opt("--lang", "Language of messages: en or pl.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a context, or change the given values of an existing one.

    A store URL that holds a password is refused: the config file would hold it in plain
    text. Put the password in ~/.pgpass (or the file PGPASSFILE names) instead."""
    from mercato_int.config_write import add_context

    given = {"database_url": db, "tenant": tenant, "org": org, "actor": actor, "lang": lang}
    values, created = add_context(_path(), name, {k: v for k, v in given.items() if v})
    if as_json:
        print_json(_as_json(name, values, created=created))
        return
    _say(t("context.added" if created else "context.changed", name=name, summary=_summary(values)))


@context_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help=NAME_HELP, autocompletion=complete_contexts)],
    as_json: JsonOpt = False,
) -> None:
    """Remove a context from the config file (if it was the current one, no context is)."""
    from mercato_int.config_write import remove_context

    was_current = remove_context(_path(), name)
    if as_json:
        print_json({"name": name, "removed": True, "wasCurrent": was_current})
        return
    _say(t("context.removed", name=name))
    if was_current:
        _say(t("context.removed_current"))
