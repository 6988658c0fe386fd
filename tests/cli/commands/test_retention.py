"""`settings unset` returns to the default; `settings set` and `unset` warn on stderr when
`error` entries would be kept for less time than the others (issue 10, item 16)."""

from __future__ import annotations

WARNING = (
    "warning: error entries would now be kept {errors} days, fewer than the {general} days of "
    "every other level: prune deletes errors first\n"
)


def test_unset_returns_to_the_default(cli) -> None:
    assert cli("--tenant", "acme", "settings", "set", "log.retention_days", "14").exit_code == 0
    assert cli("--tenant", "acme", "settings", "get", "log.retention_days").stdout == "14\n"
    run = cli("--tenant", "acme", "settings", "unset", "log.retention_days")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout == "log.retention_days = 30 (the default) for tenant acme · org default\n"
    data = cli("--tenant", "acme", "settings", "get", "log.retention_days", "--json").json()
    assert (data["value"], data["isDefault"], data["updatedBy"]) == (30, True, None)
    again = cli("--tenant", "acme", "settings", "unset", "log.retention_days", "--json")
    assert again.exit_code == 0 and again.json()["isDefault"] is True  # nothing to remove: fine
    unknown = cli("settings", "unset", "log.retention")
    assert unknown.exit_code == 3
    assert unknown.stderr.startswith("error: no setting 'log.retention'")


def test_set_warns_when_errors_would_go_first(cli) -> None:
    run = cli("settings", "set", "log.error_retention_days", "7")
    assert run.exit_code == 0
    assert run.stderr == WARNING.format(errors=7, general=30)
    assert run.stdout == "log.error_retention_days = 7 for tenant default · org default\n"
    quiet = cli("settings", "set", "log.error_retention_days", "30", "--json")
    assert (quiet.exit_code, quiet.stderr) == (0, "")  # equal is fine
    cli("settings", "set", "log.retention_days", "120")
    # back to the default 90 for errors, now under the general 120
    run = cli("settings", "unset", "log.error_retention_days")
    assert run.stderr == WARNING.format(errors=90, general=120)
    polish = cli("--lang", "pl", "settings", "set", "log.retention_days", "121")
    assert polish.stderr == (
        "ostrzeżenie: wpisy błędów będą teraz przechowywane 90 dni, krócej niż 121 dni "
        "pozostałych poziomów: prune usunie błędy najpierw\n"
    )


def test_unset_needs_manage(cli) -> None:
    cli("--actor", "alice", "acl", "grant", "alice", "admin")
    cli("--actor", "alice", "acl", "grant", "bob", "employee")
    run = cli("--actor", "bob", "settings", "unset", "log.retention_days")
    assert run.exit_code == 6
    assert "lacks integrations.manage" in run.stderr
