"""The `mercato-int` command itself: version, entry points, global options, error rendering."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mercato_int import __version__
from mercato_int.cli.app import app


def run(*args: str):
    """In-process, with only the isolation fixture's environment (default SQLite store)."""
    return CliRunner().invoke(app, list(args))


def test_version() -> None:
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"mercato-int {__version__}\n")


def test_python_dash_m_help() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mercato_int", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: mercato-int [OPTIONS] COMMAND [ARGS]...")
    for command in ("list", "show", "validate", "db"):
        assert f"\n  {command} " in proc.stdout
    assert "[env: MERCATO_INT_TENANT]" in proc.stdout


@pytest.mark.parametrize("args", [[], ["db"]])
def test_a_bare_group_shows_its_help_and_exits_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Usage: mercato-int {' '.join([*args, ''])}[OPTIONS] COMMAND")
    assert not any(line.startswith("error:") for line in result.stderr.splitlines())


def test_bad_usage_exits_2_with_a_hint() -> None:
    result = run("list", "--colour")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: No such option: --colour",
        "Try 'mercato-int list --help' for help.",
    ]


def test_bad_tenant_exits_2() -> None:
    result = run("--tenant", "acme corp", "list")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: invalid tenant 'acme corp' (use 1-100 letters, digits or _ . : @ - for the tenant)"
    ]
    assert result.stdout == ""


def test_bad_config_file_exits_2(isolation: Path) -> None:
    (isolation / "config.toml").write_text("tenant = [\n")
    result = run("list")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: cannot read config file {isolation / 'config.toml'}: ")
    assert line.endswith("(fix or remove the file)")


def test_config_file_sets_the_scope(isolation: Path) -> None:
    (isolation / "config.toml").write_text('tenant = "from_config"\norg = "eu"\n')
    result = run("list")
    assert result.stdout.splitlines()[0] == "Integrations · tenant from_config · org eu"
    result = run("--tenant", "flagged", "list")
    assert result.stdout.splitlines()[0] == "Integrations · tenant flagged · org eu"


def test_home_holds_the_default_store(isolation: Path, tmp_path: Path) -> None:
    assert run("list").exit_code == 0
    assert (isolation / "mercato-int.db").is_file()
    # nothing escaped to the user's real directories
    for other in ("user-home", "xdg-config", "xdg-data"):
        assert not (tmp_path / other).exists()


def test_a_bad_database_url_exits_2() -> None:
    result = run("--db", "nonsense", "list")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: not a database URL: 'nonsense' (use e.g. sqlite:///path/to.db or "
        "postgresql://user@host/db)"
    ]


@pytest.mark.parametrize("command", [["list"], ["show", "gateway_stripe"], ["db", "current"]])
def test_an_unreachable_store_exits_4_in_one_line(command: list[str]) -> None:
    url = "postgresql://postgres:hunter2@127.0.0.1:1/x"
    result = run("--db", url, *command)
    assert result.exit_code == 4
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        "error: cannot reach the store at postgresql+psycopg://postgres:••••••••@127.0.0.1:1/x: "
    )
    assert line.endswith("(check --db / MERCATO_INT_DATABASE_URL and that the server is running)")
    assert "hunter2" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_an_unwritable_sqlite_store_exits_4(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run("--db", f"sqlite:///{blocker}/sub/store.db", "list")
    assert result.exit_code == 4
    assert result.stderr.splitlines() == [
        f"error: cannot create the folder of the SQLite store {blocker}/sub: Not a directory "
        "(check --db / MERCATO_INT_DATABASE_URL or MERCATO_INT_HOME)"
    ]


def test_a_file_that_is_not_a_database_exits_4(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("this is not sqlite " * 100)
    result = run("--db", f"sqlite:///{bogus}", "list")
    assert result.exit_code == 4
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: cannot reach the store at sqlite:///{bogus}: ")
    assert "file is not a database" in line


def test_a_store_failure_mid_command_is_exit_4_in_one_line(cli, db_url, monkeypatch) -> None:
    import sqlalchemy as sa

    assert cli("list").exit_code == 0  # creates and migrates the store
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE integration_states"))
    engine.dispose()
    monkeypatch.delenv("MERCATO_INT_DEBUG")
    run = cli("list")
    assert run.exit_code == 4
    first = run.stderr.splitlines()[0]
    # SQLite fails while reading state (the store layer's message), Postgres in the query
    assert first.startswith(("error: the store failed: ", "error: cannot reach the store at "))
    assert "integration_states" in first
    assert "Traceback" not in run.stderr


def test_a_bug_is_one_line_without_traceback(cli, monkeypatch) -> None:
    from mercato_int.services.state.marketplace import MarketplaceService

    def broken(self, *args, **kwargs):
        raise RuntimeError("secret-value-must-not-show")

    monkeypatch.setattr(MarketplaceService, "overview", broken)
    monkeypatch.delenv("MERCATO_INT_DEBUG")
    run = cli("list")
    assert run.exit_code == 1
    assert run.stderr.splitlines() == [
        "error: internal error (RuntimeError); nothing secret is shown here: run again with "
        "MERCATO_INT_DEBUG=1 for the traceback, and report it"
    ]
    monkeypatch.setenv("MERCATO_INT_DEBUG", "1")
    with pytest.raises(RuntimeError):
        cli("list")


@pytest.mark.parametrize("args", [["list"], ["list", "--json"], ["show", "sync_medusa"]])
def test_a_reader_that_goes_away_is_not_an_error(args: list[str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mercato_int", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # before the command has written anything: its first write fails
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, stderr
    assert stderr == ""


def test_a_typo_suggests_the_command() -> None:
    result = run("lst")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: No such command 'lst'. Did you mean 'list'?"


def _every_command() -> list[list[str]]:
    """Every command path, walking the built tree (which builds each deferred command)."""
    import typer

    from mercato_int.cli.app import app

    root = typer.main.get_command(app)
    ctx = root.make_context("mercato-int", ["--help"], resilient_parsing=True)
    paths = []

    def walk(group, prefix: list[str]) -> None:
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            paths.append([*prefix, name])
            if hasattr(cmd, "list_commands"):
                walk(cmd, [*prefix, name])

    walk(root, [])
    return paths


def test_help_lists_every_command_and_each_has_working_help() -> None:
    paths = _every_command()
    top = [p[0] for p in paths if len(p) == 1]
    assert {"list", "show", "validate", "db"} <= set(top)
    listing = run("--help").stdout.split("Commands:\n", 1)[1]
    assert [line.split()[0] for line in listing.splitlines() if line.startswith("  ") and
            not line.startswith("   ")] == top  # fmt: skip
    for path in paths:
        result = run(*path, "--help")
        assert result.exit_code == 0, (path, result.stderr)
        assert result.stdout.startswith(f"Usage: mercato-int {' '.join(path)} "), path


@pytest.mark.parametrize(
    "args",
    [
        ["--tenant", "acme\n", "list"],
        ["--org", "eu\n", "list"],
        ["--actor", "ann\n", "list"],
        ["scaffold", "crm_acme\n", "--title", "T", "--category", "crm", "--hub", "crm"],
        ["scaffold", "crm_acme", "--title", "T", "--category", "crm", "--hub", "crm",
         "--field", "apiKey\n:secret"],
    ],
)  # fmt: skip
def test_a_trailing_newline_does_not_pass_an_identifier_check(
    args: list[str], tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app, [*args, *(["--dir", str(tmp_path)] if "scaffold" in args else [])]
    )
    assert result.exit_code == 2, result.stdout
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: invalid ")
    assert "\\n" in line  # the value is shown escaped, on the one line
    assert list(tmp_path.glob("crm_acme*")) == []


def test_a_tenant_from_the_environment_with_a_trailing_newline_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MERCATO_INT_TENANT", "acme\n")
    result = run("list")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: invalid tenant 'acme\\n' (use 1-100 letters, digits or _ . : @ - for the tenant)"
    ]


BAD = b"caf\xe9 \xff".decode("utf-8", "surrogateescape")  # what Python makes of Latin-1 bytes


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["list", "--search", BAD], "the value of --search"),
        (["list", f"--search={BAD}"], "the value of --search"),
        (["logs", "--correlation", BAD], "the value of --correlation"),
        (["logs", "write", "gateway_stripe", "--level", "info", "--operation", "x",
          "--message", BAD], "the value of --message"),
        (["scaffold", "crm_bytes", "--title", BAD, "--category", "crm", "--hub", "crm"],
         "the value of --title"),
        (["events", "--type", BAD], "the value of --type"),
        (["--tenant", BAD, "list"], "the value of --tenant"),
        (["show", BAD], "argument 2"),
        (["list", "--json", BAD], "argument 3"),  # --json takes no value
        (["creds", "set", "gateway_stripe", f"secretKey={BAD}"], "argument 4"),
    ],
)  # fmt: skip
def test_undecodable_bytes_in_any_argument_exit_2_naming_it(
    args: list[str], named: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {named} holds bytes that are not valid utf-8 text (pass it as utf-8 text "
        "(see LANG / LC_ALL))"
    ]
    assert result.stdout == ""


def test_undecodable_bytes_from_a_real_command_line() -> None:
    """The bytes as a shell passes them, through the console script's own decoding."""
    import os

    env = {**os.environ, "LANG": "C.UTF-8"}
    env.pop("MERCATO_INT_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mercato_int", "list", "--search", b"caf\xe9"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.decode().splitlines() == [
        "error: the value of --search holds bytes that are not valid utf-8 text (pass it as "
        "utf-8 text (see LANG / LC_ALL))"
    ]


@pytest.mark.postgres
def test_a_store_failure_mid_command_never_shows_the_password(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The driver's text quotes what failed; here that happens to be the password (trust
    authentication accepts any), which must not reach stderr."""
    import sqlalchemy as sa

    assert CliRunner().invoke(app, ["--db", pg_url, "db", "upgrade"]).exit_code == 0
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE integration_states"))
    engine.dispose()
    scheme, rest = pg_url.split("://", 1)
    user, host = rest.split("@", 1)
    url = f"{scheme}://{user}:integration_states@{host}"
    monkeypatch.delenv("MERCATO_INT_DEBUG")
    result = CliRunner().invoke(app, ["--db", url, "list"])
    assert result.exit_code == 4
    assert result.stderr.startswith("error: ")
    assert "integration_states" not in result.stderr
    assert "••••••••" in result.stderr


def test_undecodable_bytes_in_the_database_url_variable_exit_2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MERCATO_INT_DATABASE_URL", f"sqlite:////tmp/{BAD}.db")
    result = run("list")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: not a database URL: ")
    assert line.endswith("(it holds bytes that are not valid text: write it in UTF-8)")


def test_the_command_index_is_in_step_with_the_command_modules() -> None:
    """`--help` lists the commands from cli/command_index.py; it must say what the modules do."""
    proc = subprocess.run(
        [sys.executable, "-m", "mercato_int.cli.command_index", "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_help_imports_no_command_module() -> None:
    code = (
        "import sys; from mercato_int.cli.app import main; sys.argv = ['mercato-int', '--help']\n"
        "try: main()\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('mercato_int.cli.')), file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.startswith("Usage: mercato-int [OPTIONS] COMMAND [ARGS]...")
    import ast

    from mercato_int.cli.command_index import MODULES

    loaded = {m.removeprefix("mercato_int.cli.") for m in ast.literal_eval(proc.stderr)}
    assert "command_index" in loaded
    assert {m for m in loaded if m.startswith("commands")} <= {"commands"}
    assert {f"commands.{m}" for m in MODULES} & loaded == set()
