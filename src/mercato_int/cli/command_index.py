"""Every top-level command and group of `mercato-int`: the Typer app of cli/commands/ that
holds it, and its help as written there (help, short help, hidden). `mercato-int --help` lists the commands from
here and imports a command's module only when that command runs, so a `--help` imports none of
them. Generated, like completions/; the test suite fails when it is stale:

    python -m mercato_int.cli.command_index [--check]
"""

# ruff: noqa: E501  (generated: help texts stay one string each, as the modules write them)
from __future__ import annotations

# name -> ("module:attr" of its Typer app, help, short help, hidden); see cli/lazy.py
COMMANDS: dict[str, tuple[str, str | None, str | None, bool]] = {
    # generated: begin
    "list": (
        "mercato_int.cli.commands.catalog:app",
        "Show the marketplace: bundles with their integrations, then standalone integrations.",
        None,
        False,
    ),
    "show": (
        "mercato_int.cli.commands.catalog:app",
        "Show one integration or bundle: definition, credentials schema and state in the scope.",
        None,
        False,
    ),
    "validate": (
        "mercato_int.cli.commands.catalog:app",
        "Check every provider; list each problem with file, id, field and what to change.\n\nExit 0 when clean, 1 on any problem. Does not open the store.",
        None,
        False,
    ),
    "doctor": (
        "mercato_int.cli.commands.doctor:app",
        "Check this installation: config, store, master keys, permissions, providers, keyring,\nclock and shell completions; one line each with the fix.\n\nExit 1 on any failed check (✗); warnings (!) do not change the exit code.",
        None,
        False,
    ),
    "events": (
        "mercato_int.cli.commands.events:app",
        "List the lifecycle events of the scope, oldest first: who changed what, and when.",
        None,
        False,
    ),
    "health": (
        "mercato_int.cli.commands.health:app",
        "Run health checks now: store, log and emit each result; exit 1 if any is unhealthy.\n\nEach result goes on the state, into the operation log as `health.check` and out as the\nevent `integrations.health.checked`. A check that raises or outlives --timeout is\nunhealthy with the reason. Progress goes to stderr. Credentials that cannot be decrypted\nare that item's error: the other checks still run, and the exit is 5 at the end.",
        None,
        False,
    ),
    "prune": (
        "mercato_int.cli.commands.retention:app",
        "Delete expired log entries by each tenant's retention policy (for cron).\n\nPolicy: 30 days, 90 for the error level, unless `settings set` says otherwise.\n\nBuilt for cron: batched, safe beside writers and other prunes, idempotent; one summary\nline; exit 1 on any failure.",
        None,
        False,
    ),
    "scaffold": (
        "mercato_int.cli.commands.scaffold:app",
        "Write a new provider: integration.py, a health check and a pytest test for it.\n\nRefuses to overwrite an existing folder. Exit 2 on a bad name, field or URL.",
        None,
        False,
    ),
    "serve": (
        "mercato_int.cli.commands.serve:app",
        "Serve the HTTP API: bearer tokens, the token's tenant; SIGTERM stops it gracefully.\n\nOne line on stderr when ready. A store behind on migrations is refused (exit 4).",
        None,
        False,
    ),
    "enable": (
        "mercato_int.cli.commands.state:app",
        "Enable integrations in the scope; a bundle id enables all of its integrations.\n\nRecords who and when, and one audit event per change. Missing required credentials do\nnot stop it: a warning names the `creds set` command that sets them.",
        None,
        False,
    ),
    "disable": (
        "mercato_int.cli.commands.state:app",
        "Disable integrations in the scope; a bundle id disables all of its integrations.",
        None,
        False,
    ),
    "tenants": (
        "mercato_int.cli.commands.tenants:app",
        "Every tenant and organization the store knows, with counts: enabled, with credentials,\nunhealthy, log entries in 24 h. Tenants you may not view are only counted.",
        None,
        False,
    ),
    "tui": (
        "mercato_int.cli.commands.tui:app",
        "Open the interactive marketplace: bundles, integrations, credentials, health, logs.",
        None,
        False,
    ),
    "acl": (
        "mercato_int.cli.commands.acl:app",
        "Access control per tenant: roles (admin, employee) and features.",
        None,
        False,
    ),
    "context": (
        "mercato_int.cli.commands.context:app",
        "Contexts: named stores and scopes (staging, production) kept in the config file.",
        None,
        False,
    ),
    "creds": (
        "mercato_int.cli.commands.creds:app",
        "Credentials: encrypted at rest, masked on read, shared by a bundle's integrations.",
        None,
        False,
    ),
    "db": (
        "mercato_int.cli.commands.db:app",
        "The store's schema: upgrade it, or show where it stands.",
        None,
        False,
    ),
    "keys": (
        "mercato_int.cli.commands.keys:app",
        "Master keys: which is active, which rows use which, rotation, backup.",
        None,
        False,
    ),
    "logs": (
        "mercato_int.cli.commands.logs:app",
        "Operation logs of the scope, newest first: `logs [ID] [filters]` (the filters are below), or one of the commands.",
        None,
        False,
    ),
    "settings": (
        "mercato_int.cli.commands.retention:app",
        "Per-tenant settings, such as how long logs are kept (`settings list`).",
        None,
        False,
    ),
    "tokens": (
        "mercato_int.cli.commands.tokens:app",
        "Bearer tokens of the HTTP API: each bound to an actor and the command's tenant and organization; only a hash is stored.",
        None,
        False,
    ),
    # generated: end
}


# every module of cli/commands/, in the order `--help` lists their commands (groups last)
MODULES = ("acl", "catalog", "context", "creds", "db", "doctor", "events", "health", "keys",
           "logs", "retention", "scaffold", "serve", "state", "tenants", "tokens", "tui")  # fmt: skip


def index() -> dict[str, tuple[str, str | None, str | None, bool]]:
    """The index of the commands the modules of cli/commands/ define, in the order `--help`
    lists them: the commands, then the groups, each in the modules' order."""
    import importlib

    import typer
    from typer.core import TyperGroup

    commands: dict[str, tuple[str, str | None, str | None, bool]] = {}
    groups: dict[str, tuple[str, str | None, str | None, bool]] = {}
    for module in MODULES:
        target = f"mercato_int.cli.commands.{module}:app"
        built = typer.main.get_command(importlib.import_module(target.partition(":")[0]).app)
        assert isinstance(built, TyperGroup), target
        for name, cmd in built.commands.items():
            into = groups if isinstance(cmd, TyperGroup) else commands
            into.setdefault(name, (target, cmd.help, cmd.short_help, bool(cmd.hidden)))
    return {**commands, **groups}


def main(argv: list[str]) -> int:
    import subprocess
    import sys
    from pathlib import Path

    fresh = index()
    if "--check" in argv:
        if fresh != COMMANDS:
            print(f"{__file__} is stale: run `python -m {__spec__.name}`", file=sys.stderr)
            return 1
        return 0
    path = Path(__file__)
    head, _, rest = path.read_text().partition("    # generated: begin\n")
    _, _, tail = rest.partition("    # generated: end\n")
    body = "".join(f"    {name!r}: {entry!r},\n" for name, entry in fresh.items())
    path.write_text(f"{head}    # generated: begin\n{body}    # generated: end\n{tail}")
    ruff = Path(sys.executable).parent / "ruff"
    if ruff.exists():  # the long lines, as the repository formats them
        subprocess.run([str(ruff), "format", "-q", str(path)], check=False)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
