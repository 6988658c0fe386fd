"""The `mercato-int` command: global options, error rendering and exit codes.

The commands live in `cli/commands/`, one module per group, each with its own Typer app; this
module imports none of them. `MercatoGroup` (a `cli/lazy.py` group) lists them from
`cli/command_index.py` and imports a module only when one of its commands runs, so `--help`
loads no command module, nor the store or the registry."""

import contextlib
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from mercato_int import __version__
from mercato_int.cli.command_index import COMMANDS
from mercato_int.cli.context import CliState, Interrupted, carried_interrupt, invocation
from mercato_int.cli.lazy import LazyGroup
from mercato_int.errors import ExitCode, InvalidInput, MercatoIntError, is_store_failure


class MercatoGroup(LazyGroup):
    """Renders every error a user can cause as one line on stderr plus a documented exit code.

    Its subcommands are built when used, not all up front (`cli/lazy.py`): Typer builds a
    command by evaluating every parameter annotation (~1 ms a command), and importing every
    command module is a tenth of a `--help`. `--help` lists them from the command index."""

    lazy_commands = COMMANDS

    def prepare(self, command: Any) -> Any:
        return _localized(command)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        # the arguments are parsed outside `invoke` (a tenth of a second of a command's start)
        with carried_interrupt():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with carried_interrupt():
            return super().invoke(ctx)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except typer.TyperException as exc:  # a typo: suggest among every command
            message = getattr(exc, "message", "")
            if args and "Did you mean" not in message:
                import difflib

                matches = difflib.get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    suggestions = ", ".join(repr(m) for m in matches)
                    exc.message = f"{message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        from mercato_int import i18n
        from mercato_int.cli.output import closed_stdout, error_line, reset

        reset()
        invocation.clear()
        try:
            # Chosen before parsing, so that usage errors are framed in the language too.
            i18n.reset()
            argv = args
            lang = _lang_flag(argv)
            if lang and i18n.normalize(lang) is None:
                raise InvalidInput(
                    f"unknown language {lang!r}", hint=f"use {' or '.join(i18n.LANGUAGES)}"
                )
            i18n.choose(lang, config=lambda: _configured_lang(argv))
            _refuse_undecodable(self, sys.argv[1:] if argv is None else list(argv))
            _localized(self, subcommands=False)  # the rest, as each is built
            rv = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except MercatoIntError as exc:  # worded here, in the chosen language (`str`)
            _scope_hint(exc)
            error_line(str(exc))
            code: int = exc.exit_code
        except typer.TyperException as exc:  # click's usage errors
            if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help, as click
                typer.echo(exc.format_message(), err=True)  # does (the class is private)
                return _exit(ExitCode.USAGE, standalone_mode)
            from mercato_int.cli.localized_help import usage_message

            error_line(usage_message(exc))
            ctx = getattr(exc, "ctx", None)
            parent = ctx.parent if ctx is not None else None
            # a group's implied command (`logs` means `logs show`): the group's help
            if (
                ctx is not None
                and parent is not None
                and getattr(parent.command, "default_command", None) == ctx.info_name
            ):
                ctx = parent
            command = ctx.command_path if ctx is not None else "mercato-int"
            from mercato_int.cli.output import note

            note(i18n.t("cli.try_help", command=command))
            code = getattr(exc, "exit_code", ExitCode.USAGE) or ExitCode.USAGE
        except (KeyboardInterrupt, Interrupted, typer.Abort):
            error_line(i18n.t("cli.interrupted"))
            code = ExitCode.INTERRUPTED
        except BrokenPipeError:  # `mercato-int list --json | head`
            with contextlib.suppress(OSError, ValueError):  # OSError: BrokenPipeError itself
                closed_stdout()
            code = ExitCode.OK
        except Exception as exc:
            code = _unexpected(exc)
        else:
            code = rv if isinstance(rv, int) else ExitCode.OK
        return _exit(code, standalone_mode)


def _refuse_undecodable(root: Any, argv: list[str]) -> None:
    """InvalidInput (exit 2) naming the first argument that holds bytes the locale could not
    decode (Python keeps them as lone surrogates): checked here once, for every option and
    argument of every command, before any of them reaches a service or the store."""
    for i, arg in enumerate(argv):
        if not any("\ud800" <= c <= "\udfff" for c in arg):
            continue
        from mercato_int import i18n
        from mercato_int.errors import InvalidInput

        encoding = sys.getfilesystemencoding()
        option = _option_of(root, argv, i)
        if option:
            message = i18n.t("cli.undecodable_option", option=option, encoding=encoding)
        else:
            message = i18n.t("cli.undecodable_argument", position=i + 1, encoding=encoding)
        raise InvalidInput(message, hint=i18n.t("cli.undecodable_hint", encoding=encoding))


def _option_of(root: Any, argv: list[str], i: int) -> str | None:
    """The option whose value `argv[i]` is (`--opt=VALUE` or `--opt VALUE`), else None."""
    arg = argv[i]
    if arg.startswith("--") and "=" in arg:
        return arg.split("=", 1)[0]
    if arg.startswith("-"):
        return None  # an option's own name is not its value
    previous = argv[i - 1] if i else ""
    if not previous.startswith("-") or previous == "--" or "=" in previous:
        return None
    command = root
    for token in argv[:i]:  # the command the option belongs to, as far as the words say
        sub = command.get_command(None, token) if hasattr(command, "get_command") else None
        if sub is not None:
            command = sub
    for candidate in (command, root):
        for param in getattr(candidate, "params", []):
            if previous in (*param.opts, *param.secondary_opts):
                flag = getattr(param, "is_flag", False) or getattr(param, "count", False)
                return None if flag else previous
    return previous


def _unexpected(exc: Exception) -> int:
    """A store failure mid-command is exit 4; anything else is a bug, reported in one line
    without a traceback (tracebacks can carry secrets) unless MERCATO_INT_DEBUG=1."""
    import os

    from mercato_int.cli.output import error_line

    if os.environ.get("MERCATO_INT_DEBUG") == "1":
        raise exc
    name = type(exc).__name__
    if is_store_failure(exc):
        reason = str(getattr(exc, "orig", exc)).strip().splitlines() or [name]
        error_line(
            f"the store failed: {_without_db_password(reason[0])} (check that it is reachable "
            "and not locked, then run the command again)"
        )
        return ExitCode.STORE
    error_line(
        f"internal error ({name}); nothing secret is shown here: run again with "
        "MERCATO_INT_DEBUG=1 for the traceback, and report it"
    )
    return ExitCode.FAILED


def _scope_hint(exc: MercatoIntError) -> None:
    """Rebuild a hint that names a command with this invocation's `--tenant`/`--org`."""
    state = invocation.get("state")
    if exc.scoped_hint is None or not isinstance(state, CliState):
        return
    try:
        from mercato_int.settings import Settings

        settings = state._services.settings if state._services else None
        settings = settings or Settings.load(
            database_url=state.db,
            tenant=state.tenant,
            org=state.org,
            actor=state.actor,
            context=state.context,
        )
        exc.hint = exc.scoped_hint(settings.scope.cli_flags())
    except Exception:  # the error path never fails on its own
        return


def _without_db_password(text: str) -> str:
    """`text` with the store URL's password masked (a driver's message may quote it)."""
    state = invocation.get("state")
    if not isinstance(state, CliState):
        return text
    url = state._services.settings.database_url if state._services else state.db
    if not url:
        return text
    from mercato_int.store.urls import redact_text

    return redact_text(text, url)


def _exit(code: int, standalone_mode: bool) -> Any:
    if not standalone_mode:
        return code
    sys.exit(int(code))


def _configured_lang(argv: Sequence[str] | None = None) -> str | None:
    """`lang` in the config file (of the context that applies, else the top level), for
    i18n.choose (which reads no configuration itself); None when the file is unreadable or the
    context unknown: the command that reads it reports that."""
    import os

    try:
        from mercato_int.config_file import CONFIG_FILE_NAME, ENV_HOME, default_dirs, read_config
        from mercato_int.contexts import configured_lang

        config_dir, _ = default_dirs(os.environ.get(ENV_HOME) or None)
        path = config_dir / CONFIG_FILE_NAME
        return configured_lang(read_config(path), path, flag=_flag("--context", argv))
    except Exception:
        return None


def _complete_tenants(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """`--tenant <TAB>` (cli/complete.py, imported only when completing: `--help` does not)."""
    from mercato_int.cli.complete import complete_tenants

    return list(complete_tenants(ctx, incomplete))


def _complete_contexts(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """`--context <TAB>`, as `_complete_tenants`."""
    from mercato_int.cli.complete import complete_contexts

    return list(complete_contexts(ctx, incomplete))


def _lang_flag(argv: Sequence[str] | None) -> str | None:
    """The value of `--lang` in the arguments, if any."""
    return _flag("--lang", argv)


_VALUED_OPTIONS = ("--db", "--tenant", "--org", "--actor", "--lang", "--context")


def _flag(name: str, argv: Sequence[str] | None) -> str | None:
    """The value of the global option `name` in the arguments, if any: before the command
    (`context add qa --lang pl` sets the context's language, not the one of the messages)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg in COMMANDS and (i == 0 or argv[i - 1] not in _VALUED_OPTIONS):
            break
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.partition("=")[2]
    return None


app = typer.Typer(
    cls=MercatoGroup,
    name="mercato-int",
    help="Operate the integration marketplace: registry, credentials, state, health, logs.",
    no_args_is_help=True,
    add_completion=True,
    # Tracebacks with locals could show secrets: never.
    pretty_exceptions_enable=False,
    # Plain help: Rich-formatted help loads typer.rich_utils (rich.markdown, rich.syntax,
    # rich.traceback: ~60 ms, most of a `--help`). Sub-apps inherit this from the root.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mercato-int {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="SQLAlchemy URL of the store [env: MERCATO_INT_DATABASE_URL]"),
    ] = None,
    tenant: Annotated[
        str | None,
        typer.Option(
            "--tenant",
            help="Tenant id [env: MERCATO_INT_TENANT]",
            autocompletion=_complete_tenants,
        ),
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Organization id [env: MERCATO_INT_ORG]")
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option("--actor", help="Who acts, for audit [env: MERCATO_INT_ACTOR]"),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Language of messages: en or pl [env: MERCATO_INT_LANG; locale]"
        ),
    ] = None,
    context: Annotated[
        str | None,
        typer.Option(
            "--context",
            help="Context of the config file to use [env: MERCATO_INT_CONTEXT]",
            autocompletion=_complete_contexts,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Operate the integration marketplace: registry, credentials, state, health, logs.

    Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 store, 5 key, 6 not allowed,
    130 interrupted.
    """
    ctx.obj = invocation["state"] = CliState(
        db=db, tenant=tenant, org=org, actor=actor, lang=lang, context=context
    )
    ctx.call_on_close(ctx.obj.close)


def _localized(command: Any, *, subcommands: bool = True) -> Any:
    """`command` with its help in the chosen language. English is the help as written in the
    command modules: then nothing is loaded (`--help` start-up, benchmarks/startup.py)."""
    from mercato_int import i18n

    if i18n.current() != i18n.DEFAULT:
        from mercato_int.cli.localized_help import localize

        localize(command, subcommands=subcommands)
    return command


def main() -> None:
    """The command without the process's set-up (`cli/entry.py` is the entry point)."""
    app(prog_name="mercato-int")
