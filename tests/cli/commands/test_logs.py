"""`logs`, `logs write`, `logs ingest`, `logs audit`, `settings` and `prune` as a user runs them."""

from __future__ import annotations

import json

import pytest


def write(cli, *extra: str) -> None:
    base = ["logs", "write", "gateway_stripe", "--level", "info", "--operation", "webhook.received"]
    run = cli(*base, "--message", "Received", *extra)
    assert run.exit_code == 0, run.stderr


def test_write_then_timeline_json_and_jsonl(cli) -> None:
    write(cli, "--correlation", "evt_1", "--duration-ms", "340", "--details", '{"a": {"b": 1}}')
    run = cli(
        "logs",
        "write",
        "gateway_stripe",
        "--level",
        "error",
        "--operation",
        "webhook.failed",
        "--message",
        "Failed: Timeout",
    )
    assert run.exit_code == 0
    assert run.stderr.strip() == (
        "logged error webhook.failed for gateway_stripe in tenant default · org default"
    )

    timeline = cli("logs")
    assert timeline.exit_code == 0
    lines = timeline.stdout.splitlines()
    assert lines[0].startswith("✖ ") and lines[0].endswith("webhook.failed  [gateway_stripe]")
    assert lines[1] == "    Failed: Timeout"
    assert lines[3] == "    Received"
    assert lines[4] == "    Correlation: evt_1  •  Duration: 340ms"
    assert lines[5] == "    ▸ Details"
    assert lines[-1] == "── Showing 2 of 2 entries · tenant default · org default ──"

    detailed = cli("logs", "gateway_stripe", "--level", "info", "--details")
    assert '        "b": 1' in detailed.stdout
    assert "[gateway_stripe]" not in detailed.stdout  # one integration: no need to name it

    doc = cli("logs", "--json", "--limit", "1").json()
    assert list(doc) == [
        "items",
        "total",
        "totalExact",
        "page",
        "pageSize",
        "totalPages",
        "nextCursor",
    ]
    assert (doc["total"], doc["page"], doc["pageSize"], doc["totalPages"]) == (2, 1, 1, 2)
    assert doc["items"][0]["operation"] == "webhook.failed"

    rows = [json.loads(line) for line in cli("logs", "--jsonl").stdout.splitlines()]
    assert [r["level"] for r in rows] == ["error", "info"]
    assert rows[1]["details"] == {"a": {"b": 1}} and rows[1]["durationMs"] == 340


def test_timeline_paging_hints_the_next_cursor(cli) -> None:
    for _ in range(3):
        write(cli)
    first = cli("logs", "--limit", "2")
    assert "Showing 2 of 3 entries" in first.stdout
    cursor = first.stderr.strip().removeprefix("next page: --cursor ")
    rest = cli("logs", "--limit", "2", "--cursor", cursor, "--json").json()
    assert len(rest["items"]) == 1 and rest["total"] == 3
    # after a cursor the page number is unknown; the pages are counted all the same
    assert (rest["page"], rest["pageSize"], rest["totalPages"]) == (None, 2, 2)
    second = cli("logs", "--limit", "2", "--offset", "2", "--json").json()
    assert (second["page"], second["totalPages"], len(second["items"])) == (2, 2, 1)
    empty = cli("logs", "carrier_dhl", "--json").json()
    assert (empty["total"], empty["page"], empty["pageSize"], empty["totalPages"]) == (0, 1, 50, 0)


@pytest.mark.parametrize(
    ("args", "code", "first_line"),
    [
        (["logs", "--since", "3x"], 2, "error: not a time or age: '3x'"),
        (["logs", "--json", "--jsonl"], 2, "error: --json and --jsonl exclude each other"),
        (["logs", "-f", "--json"], 2, "error: --follow prints a stream"),
        (["logs", "--level", "loud"], 2, "error: unknown level 'loud'"),
        (["logs", "nope"], 3, "error: no integration or bundle with id 'nope'"),
        (["logs", "--cursor", "zz"], 2, "error: not a log cursor: 'zz'"),
        # numbers and times past what the stores hold (issue 11 item 10)
        (["logs", "--offset", "9" * 20], 2, "error: offset must be between 0 and 1,000,000,000"),
        (["logs", "--offset", str(2**63)], 2, "error: offset must be between 0 and 1,000,000,000"),
        (["logs", "--offset", "-1"], 2, "error: offset must be between 0 and 1,000,000,000"),
        (["events", "--limit", str(2**63)], 2, "error: limit must be between 1 and 1,000,000,000"),
        (["events", "-f", "--limit", "9" * 20], 2, "error: limit must be between 1 and"),
        (["prune", "--older-than", "99999999d"], 2, "error: age too large: '99999999d'"),
        (["prune", "--dry-run", "--older-than", "36501d"], 2, "error: age too large: '36501d'"),
        (["logs", "--since", "99999999999d"], 2, "error: age too large: '99999999999d'"),
        (
            ["logs", "--since", "0001-01-01T00:00:00+01:00"],
            2,
            "error: time out of range: '0001-01-01T00:00:00+01:00'",
        ),
        (
            ["logs", "--until", "9999-12-31T23:59:59-01:00"],
            2,
            "error: time out of range: '9999-12-31T23:59:59-01:00'",
        ),
        (
            ["events", "--since", "0001-01-01T00:00:00+01:00"],
            2,
            "error: time out of range: '0001-01-01T00:00:00+01:00'",
        ),
        (
            [
                "logs",
                "write",
                "gateway_stripe",
                "--level",
                "info",
                "--operation",
                "o",
                "--message",
                "m",
                "--details",
                "{",
            ],
            2,
            "error: --details is not valid JSON",
        ),
    ],
)
def test_usage_errors(cli, args: list[str], code: int, first_line: str) -> None:
    write(cli)  # a store with an entry in it, on SQLite and on Postgres
    run = cli(*args, env={"MERCATO_INT_DEBUG": "0"})  # an internal error would be exit 1
    assert run.exit_code == code
    assert run.stderr.splitlines()[0].startswith(first_line)
    assert len(run.stderr.splitlines()) == 1, run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["logs", "--since", "0001-01-01", "--until", "9999-12-31T23:59:59.999999", "--json"],
        ["logs", "--since", "0001-01-01T00:00:00Z", "--offset", "1000000000", "--json"],
        ["logs", "--since", "36500d", "--json"],
        ["events", "--since", "0001-01-01", "--limit", "1000000000", "--json"],
        ["prune", "--dry-run", "--older-than", "36500d", "--json"],
    ],
)
def test_the_limits_themselves_are_accepted(cli, args: list[str]) -> None:
    write(cli)
    run = cli(*args)
    assert run.exit_code == 0, run.stderr


def test_ingest_reports_bad_lines_and_still_writes_the_rest(cli, tmp_path) -> None:
    good = {"integrationId": "gateway_stripe", "level": "info", "operation": "o", "message": "m"}
    lines = [
        json.dumps(good | {"createdAt": "2026-01-02T03:04:05Z", "details": {"n": 1}}),
        "not json",
        "",
        json.dumps(good | {"integrationId": "nope"}),
        json.dumps(good | {"tenantId": "other"}),
        json.dumps(good | {"level": "loud"}),
        json.dumps(good),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    run = cli("logs", "ingest", str(path))
    assert run.exit_code == 1
    assert run.stderr.splitlines() == [
        "line 2: not JSON (Expecting value at column 1)",
        "line 4: no integration or bundle with id 'nope' (run `mercato-int list` to see the ids "
        "that exist)",
        "line 5: tenantId 'other' is not the command's scope (tenant default · org default)",
        "line 6: unknown level 'loud' (use one of debug, info, warning, error)",
        "ingested 2 entries into tenant default · org default; rejected 4 lines",
    ]
    doc = cli("logs", "--json").json()
    assert doc["total"] == 2
    assert doc["items"][1]["createdAt"] == "2026-01-02T03:04:05Z"


def test_ingest_from_stdin_round_trips_jsonl(cli) -> None:
    write(cli, "--details", '{"x": [1, 2]}')
    exported = cli("logs", "--jsonl").stdout
    run = cli(
        "--tenant",
        "copy",
        "logs",
        "ingest",
        "-",
        input=exported.replace('"tenantId": "default"', '"tenantId": "copy"'),
    )
    assert run.exit_code == 0, run.stderr
    copied = cli("--tenant", "copy", "logs", "--json").json()["items"][0]
    assert copied["details"] == {"x": [1, 2]} and copied["tenantId"] == "copy"


def test_settings_commands(cli) -> None:
    assert cli("settings", "get", "log.retention_days").stdout == "30\n"
    run = cli("settings", "set", "log.retention_days", "0")
    assert run.exit_code == 2
    assert run.stderr.startswith("error: log.retention_days must be between 1 and 3650, not 0")
    run = cli("settings", "set", "log.error_retention_days", "120")
    assert run.stdout == "log.error_retention_days = 120 for tenant default · org default\n"
    listing = cli("settings", "list", "--json").json()
    assert [(i["key"], i["value"], i["isDefault"]) for i in listing["items"]] == [
        ("log.error_retention_days", 120, False),
        ("log.retention_days", 30, True),
    ]
    assert cli("settings", "get", "nope").exit_code == 3


def test_prune_dry_run_and_summary(cli, tmp_path) -> None:
    old = {
        "integrationId": "gateway_stripe",
        "operation": "o",
        "message": "m",
        "createdAt": "2020-01-01T00:00:00Z",
    }
    path = tmp_path / "old.jsonl"
    path.write_text(
        "\n".join(json.dumps(old | {"level": lv}) for lv in ("info", "info", "error")) + "\n"
    )
    assert cli("logs", "ingest", str(path)).exit_code == 0
    assert cli("--tenant", "b", "logs", "ingest", str(path)).exit_code == 0
    write(cli)

    dry = cli("prune", "--all-tenants", "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.splitlines() == [
        "tenant b · org default: would prune 3 (error 1, info 2)",
        "tenant default · org default: would prune 3 (error 1, info 2)",
        "dry run: would prune 6 entries in 2 tenants (error 2, info 4)",
    ]
    run = cli("prune", "--json")
    assert run.exit_code == 0
    doc = run.json()
    assert (doc["dryRun"], doc["total"], doc["byLevel"], doc["errors"]) == (
        False,
        3,
        {"error": 1, "info": 2},
        [],
    )
    again = cli("prune", "--all-tenants")
    assert again.stdout.startswith("pruned 3 entries in 2 tenants (error 1, info 2)")
    assert cli("prune", "--all-tenants").stdout.startswith("pruned 0 entries in 1 tenant (")
    assert cli("logs", "--json").json()["total"] == 1
    bad = cli("prune", "--older-than", "soon")
    assert (bad.exit_code, bad.stderr.splitlines()[0]) == (
        2,
        "error: not an age: 'soon' (use e.g. 90s, 15m, 2h, 7d, 2w or 1h30m)",
    )


def test_audit_is_clean_on_a_clean_store(cli) -> None:
    write(cli)
    run = cli("logs", "audit")
    assert run.exit_code == 0
    assert run.stdout == "audit of tenant default · org default: 1 entry scanned, clean\n"


def test_limit_zero_is_refused_not_taken_as_the_default(cli) -> None:
    run = cli("logs", "--limit", "0")
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == "error: limit must be between 1 and 1000, not 0"


def test_help_shows_the_filters_and_the_commands(cli) -> None:
    for args in (["logs", "--help"], ["logs", "-h"]):
        run = cli(*args)
        assert run.exit_code == 0
        text = run.stdout
        for option in ("--level", "--min-level", "--operation", "--since", "--search", "--cursor"):
            assert f"\n  {option} " in text, option
        assert "Integration or bundle id (default: all)." in text
        commands = text.split("\nCommands:\n", 1)[1]
        assert [line.split()[0] for line in commands.splitlines()] == [
            "show",
            "write",
            "ingest",
            "audit",
            "scrub",
        ]
    polish = cli("--lang", "pl", "logs", "--help").stdout
    assert "\n  --level <str>        Dokładnie ten poziom.\n" in polish
    assert "\nPolecenia:\n" in polish


def test_a_bundle_shows_its_own_entries_and_its_integrations(cli) -> None:
    for integration in ("sync_medusa", "sync_medusa_orders", "sync_medusa_products"):
        run = cli(
            *("logs", "write", integration, "--level", "info", "--operation", "sync.run"),
            *("--message", f"from {integration}"),
        )
        assert run.exit_code == 0, run.stderr
    write(cli)  # gateway_stripe: not in the bundle
    doc = cli("logs", "sync_medusa", "--json").json()
    assert doc["total"] == 3
    assert sorted(i["integrationId"] for i in doc["items"]) == [
        "sync_medusa",
        "sync_medusa_orders",
        "sync_medusa_products",
    ]
    timeline = cli("logs", "sync_medusa").stdout
    assert "sync.run  [sync_medusa_orders]" in timeline  # several integrations: each named
    assert "gateway_stripe" not in timeline
    one = cli("logs", "sync_medusa_orders", "--json").json()
    assert [i["message"] for i in one["items"]] == ["from sync_medusa_orders"]
    assert cli("logs", "sync_medusa", "--level", "error", "--json").json()["total"] == 0


def test_level_marks_are_the_same_in_the_cli_and_the_tui(cli) -> None:
    from mercato_int.log_marks import LEVEL_MARKS
    from mercato_int.tui.widgets.logs_panel import LogEntry

    for level in ("debug", "info", "warning", "error"):
        run = cli(
            *("logs", "write", "gateway_stripe", "--level", level, "--operation", "o"),
            *("--message", level),
        )
        assert run.exit_code == 0
    cli_marks = {
        item["level"]: line.split(" ", 1)[0]
        for item, line in zip(
            cli("logs", "--json").json()["items"],
            [ln for ln in cli("logs").stdout.splitlines() if not ln.startswith((" ", "─"))],
            strict=True,
        )
    }
    tui_marks = {
        level: str(LogEntry({"level": level, "createdAt": None}, None).render()).split(" ", 1)[0]
        for level in cli_marks
    }
    assert cli_marks == tui_marks == {level: mark for level, (mark, _) in LEVEL_MARKS.items()}
    assert len(set(cli_marks.values())) == 4  # told apart without colour
    assert cli_marks["info"] not in {"✓", "✔", "√", "✅"}  # info is not success


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "Try 'mercato-int logs --help' for help."),
        ("pl", "Pomoc: 'mercato-int logs --help'."),
    ],
)
def test_a_usage_error_under_logs_points_at_logs_help(cli, lang, line) -> None:
    run = cli("--lang", lang, "logs", "--bogus")
    assert run.exit_code == 2
    assert run.stderr.splitlines()[-1] == line
    # a named subcommand keeps its own help
    other = cli("logs", "write", "--bogus")
    assert other.stderr.splitlines()[-1] == "Try 'mercato-int logs write --help' for help."
