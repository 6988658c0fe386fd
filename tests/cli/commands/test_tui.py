"""`mercato-int tui` outside a terminal: a one-line error, never a screen or a traceback."""

from __future__ import annotations


def test_tui_refuses_without_a_terminal(cli):
    run = cli("tui")
    assert run.exit_code == 2
    assert run.stdout == ""
    assert run.stderr.splitlines()[0] == (
        "error: the tui needs an interactive terminal (run it in a terminal; scripts use "
        "`mercato-int list`, `creds`, `logs` ...)"
    )


def test_tui_leaves_the_collector_running_when_it_refuses(cli):
    """The command pauses the cyclic collector for its start-up: an error before any screen
    resumes it (this process goes on)."""
    import gc

    assert gc.isenabled()
    assert cli("tui").exit_code == 2
    assert gc.isenabled()


def test_tui_store_problem_exits_4_before_any_screen(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    run = cli("--db", f"sqlite:///{blocker}/sub/store.db", "tui")
    assert run.exit_code == 4
    assert run.stderr.startswith("error: ")


def test_tui_help(cli):
    run = cli("tui", "--help")
    assert run.exit_code == 0
    assert "interactive marketplace" in run.stdout


def test_tui_needs_view_access(cli, services):
    from mercato_int.scope import TenantScope

    services.acl.grant(TenantScope(), "boss", "admin", by="boss")
    run = cli("tui")  # the actor is `tester`, who has nothing in this tenant
    assert run.exit_code == 6
    assert run.stderr.splitlines()[0].startswith(
        "error: not allowed: tester lacks integrations.view in tenant default · org default"
    )
