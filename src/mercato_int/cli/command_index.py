"""Every top-level command and group of `mercato-int`: the module that registers it, and its
help as written there (help, short help, hidden). `mercato-int --help` lists the commands from
here and imports a command's module only when that command runs, so a `--help` imports none of
them. Generated, like completions/; the test suite fails when it is stale:

    python -m mercato_int.cli.command_index [--check]
"""

# ruff: noqa: E501  (generated: help texts stay one string each, as the modules write them)
from __future__ import annotations

# name -> (module under mercato_int.cli, help, short help, hidden)
COMMANDS: dict[str, tuple[str, str | None, str | None, bool]] = {
    # generated: begin
    "list": (
        "catalog",
        "Show the marketplace: bundles with their integrations, then standalone integrations.",
        None,
        False,
    ),
    "show": (
        "catalog",
        "Show one integration or bundle: definition, credentials schema and state in the scope.",
        None,
        False,
    ),
    "validate": (
        "catalog",
        "Check every provider; list each problem with file, id, field and what to change.\n\nExit 0 when clean, 1 on any problem. Does not open the store.",
        None,
        False,
    ),
    "events": (
        "events",
        "List the lifecycle events of the scope, oldest first: who changed what, and when.",
        None,
        False,
    ),
    "health": (
        "health",
        "Run health checks now: store, log and emit each result; exit 1 if any is unhealthy.\n\nEach result goes on the state, into the operation log as `health.check` and out as the\nevent `integrations.health.checked`. A check that raises or outlives --timeout is\nunhealthy with the reason. Progress goes to stderr. Credentials that cannot be decrypted\nare that item's error: the other checks still run, and the exit is 5 at the end.",
        None,
        False,
    ),
    "prune": (
        "retention",
        "Delete expired log entries by each tenant's retention policy (for cron).\n\nPolicy: 30 days, 90 for the error level, unless `settings set` says otherwise.\n\nBuilt for cron: batched, safe beside writers and other prunes, idempotent; one summary\nline; exit 1 on any failure.",
        None,
        False,
    ),
    "scaffold": (
        "scaffold",
        "Write a new provider: integration.py, a health check and a pytest test for it.\n\nRefuses to overwrite an existing folder. Exit 2 on a bad name, field or URL.",
        None,
        False,
    ),
    "enable": (
        "state",
        "Enable integrations in the scope; a bundle id enables all of its integrations.\n\nRecords who and when, and one audit event per change. Missing required credentials do\nnot stop it: a warning names the `creds set` command that sets them.",
        None,
        False,
    ),
    "disable": (
        "state",
        "Disable integrations in the scope; a bundle id disables all of its integrations.",
        None,
        False,
    ),
    "tui": (
        "tui",
        "Open the interactive marketplace: bundles, integrations, credentials, health, logs.",
        None,
        False,
    ),
    "acl": ("acl", "Access control per tenant: roles (admin, employee) and features.", None, False),
    "creds": (
        "creds",
        "Credentials: encrypted at rest, masked on read, shared by a bundle's integrations.",
        None,
        False,
    ),
    "db": ("db", "The store's schema: upgrade it, or show where it stands.", None, False),
    "keys": (
        "keys",
        "Master keys: which is active, which rows use which, rotation, backup.",
        None,
        False,
    ),
    "logs": (
        "logs",
        "Operation logs of the scope, newest first: `logs [ID] [filters]` (the filters are below), or one of the commands.",
        None,
        False,
    ),
    "settings": (
        "retention",
        "Per-tenant settings, such as how long logs are kept (`settings list`).",
        None,
        False,
    ),
    # generated: end
}


def index() -> dict[str, tuple[str, str | None, str | None, bool]]:
    """The index of the commands the modules register, in the order `--help` lists them. Run
    it in a fresh interpreter: the modules register their commands when first imported."""
    import importlib

    from mercato_int.cli import app as cli

    owner: dict[str, str] = {}
    commands: list[str] = []
    groups: list[str] = []
    for module in cli._MODULES:
        importlib.import_module(f"mercato_int.cli.{module}")
        for info in cli.app.registered_commands:
            name = info.name or info.callback.__name__.lower().replace("_", "-")
            if name not in owner:
                owner[name] = module
                commands.append(name)
        for group in cli.app.registered_groups:
            name = cli._value(group.name) or cli._value(group.typer_instance.info.name)
            if name not in owner:
                owner[name] = module
                groups.append(name)
    cli._defer(cli.app)
    found = {}
    for name in [*commands, *groups]:  # the order `--help` has always listed them in
        stub = cli._stub(name, cli._DEFERRED[name])
        found[name] = (owner[name], stub.help, stub.short_help, bool(stub.hidden))
    return found


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
