"""Ctrl+C ends a command with exit 130 and one line that says so (Typer alone would end it
silently), wherever it comes: in the command, or as the command closes the store. Following
(`logs -f`, `events -f`) is stopped by ctrl+c as its normal end: 130 without an error line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from mercato_int.cli.context import CliState
from mercato_int.services.container import Services


def _interrupt(*_: object, **__: object) -> None:
    raise KeyboardInterrupt


def test_an_interrupt_in_the_command_is_said(cli, monkeypatch: pytest.MonkeyPatch):
    assert cli("--tenant", "acme", "enable", "gateway_stripe").exit_code == 0
    monkeypatch.setattr(CliState, "services", _interrupt)
    run = cli("--tenant", "acme", "disable", "gateway_stripe")
    assert (run.exit_code, run.stderr) == (130, "error: interrupted\n")
    monkeypatch.undo()
    # nothing done: it is still enabled
    shown = cli("--tenant", "acme", "show", "gateway_stripe", "--json").json()
    assert shown["state"]["isEnabled"] is True


def test_an_interrupt_as_the_store_closes_is_said(cli, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(Services, "close", _interrupt)
    run = cli("--tenant", "acme", "enable", "gateway_stripe")
    assert run.exit_code == 130
    assert run.stderr.splitlines()[-1] == "error: interrupted"


def test_an_interrupt_while_the_arguments_are_parsed_is_said(cli, monkeypatch: pytest.MonkeyPatch):
    """The context is made (the arguments parsed: a tenth of a second of a command's start)
    outside `invoke`: Typer ended a ctrl+c there as a silent 130 too."""
    from typer._click.core import Command

    monkeypatch.setattr(Command, "make_context", _interrupt)
    run = cli("--tenant", "acme", "enable", "gateway_stripe")
    assert (run.exit_code, run.stderr) == (130, "error: interrupted\n")


def test_an_interrupt_as_the_entry_point_starts_is_said(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """Before MercatoGroup.main's `try` (its imports, Typer building the command): a ctrl+c
    there was a traceback."""
    from mercato_int.cli import entry, output

    monkeypatch.setenv("MERCATO_INT_DEBUG", "1")  # main() keeps pytest's hooks
    monkeypatch.setattr(sys, "argv", ["mercato-int", "list"])
    monkeypatch.setattr(output, "reset", _interrupt)
    with pytest.raises(SystemExit) as ended:
        entry.main()
    assert (ended.value.code, capsys.readouterr().err) == (130, "error: interrupted\n")


# ctrl+c while the command's modules load: an import that raises KeyboardInterrupt
WHILE_LOADING = """
import sys
class Interrupting:
    def find_spec(self, name, path=None, target=None):
        if name == "mercato_int.cli.app":
            raise KeyboardInterrupt
sys.meta_path.insert(0, Interrupting())
sys.argv = ["mercato-int", "list"]
from mercato_int.cli.entry import main
main()
"""


def test_an_interrupt_while_the_command_loads_is_said_not_a_traceback():
    run = subprocess.run(
        [sys.executable, "-c", WHILE_LOADING], capture_output=True, text=True, timeout=60
    )
    assert (run.returncode, run.stdout, run.stderr) == (130, "", "error: interrupted\n")


@pytest.mark.parametrize("args", [["logs", "-f"], ["events", "-f"]])
def test_following_ends_on_ctrl_c_without_an_error(cli, db_url: str, interruptible, args):
    write = ("logs", "write", "gateway_stripe", "--level", "info", "--operation", "o")
    assert cli("--tenant", "acme", *write, "--message", "m").exit_code == 0  # for logs -f
    assert cli("--tenant", "acme", "enable", "gateway_stripe").exit_code == 0  # for events -f
    proc = subprocess.Popen(
        [sys.executable, "-m", "mercato_int", "--tenant", "acme", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | {"MERCATO_INT_DATABASE_URL": db_url},
        preexec_fn=interruptible,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline()  # the backlog: it is following
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "error" not in stderr and "Traceback" not in stderr
