"""`logs write` attacked through its options: deeply nested or 5,000-digit --details, NaN
and Infinity, a huge --duration-ms, a --message that is not valid Unicode, holds NUL or is
too big. Each is one line on stderr, exit 2, nothing stored, on SQLite and Postgres; and
`logs --json` never prints invalid JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

BASE = ["logs", "write", "gateway_stripe", "--level", "info", "--operation", "o"]


@pytest.mark.parametrize(
    ("extra", "first_line"),
    [
        (
            ["--details", '{"a": ' + "[" * 3000 + "]" * 3000 + "}"],
            "error: --details is not valid JSON: nested deeper than the JSON parser allows",
        ),
        (
            ["--details", '{"a": ' + "[" * 100 + "]" * 100 + "}"],
            "error: details are nested deeper than 100 levels",
        ),
        (
            ["--details", '{"n": ' + "9" * 5000 + "}"],
            "error: --details is not valid JSON: a number longer than 4,300 digits",
        ),
        (
            ["--details", '{"x": NaN}'],
            "error: --details is not valid JSON: NaN and Infinity are not allowed in JSON",
        ),
        (
            ["--details", '{"x": [-Infinity]}'],
            "error: --details is not valid JSON: NaN and Infinity are not allowed in JSON",
        ),
        (["--details", '{"x": 1e999}'], "error: NaN and Infinity are not allowed in JSON"),
        (["--details", '{"x": "\\u0000"}'], "error: details holds a NUL character"),
        (["--details", '{"x": "\\udc80"}'], "error: details is not valid Unicode"),
        (
            ["--details", json.dumps({"p": "x" * (256 * 1024)})],
            "error: details is 262,152 bytes, more than the 256 KiB an entry may hold",
        ),
        (
            ["--duration-ms", str(2**31)],
            "error: durationMs must be an integer from 0 to 2,147,483,647, not 2147483648",
        ),
        (
            ["--duration-ms", "9" * 40],
            "error: durationMs must be an integer from 0 to 2,147,483,647, not '…'",
        ),
        (["--duration-ms", "9" * 5000], "error: Invalid value for '--duration-ms'"),
        # undecodable arguments are refused once, at the CLI entry, naming the option
        (
            ["--correlation", "c\udcff"],
            "error: the value of --correlation holds bytes that are not valid utf-8 text",
        ),
    ],
)
def test_bad_options_are_one_line_exit_2(cli, extra: list[str], first_line: str) -> None:
    run = cli(*BASE, "--message", "m", *extra)
    assert run.exit_code == 2
    assert run.stderr.startswith(first_line), run.stderr
    # one line (click's own usage errors add its "Try ... --help" line)
    assert [ln for ln in run.stderr.splitlines()[1:] if not ln.startswith("Try ")] == []
    assert cli("logs", "--json").json()["total"] == 0


@pytest.mark.parametrize(
    ("message", "first_line"),
    [
        (
            "undecodable \udcff byte",  # surrogateescape: refused at the CLI entry
            "error: the value of --message holds bytes that are not valid utf-8 text",
        ),
        (
            "lone \ud800 surrogate",
            "error: the value of --message holds bytes that are not valid utf-8 text",
        ),
        ("nul \x00 here", "error: message holds a NUL character, which the store cannot keep"),
        ("m" * (64 * 1024 + 1), "error: message is 65,537 bytes, more than the 64 KiB"),
    ],
)
def test_bad_messages_are_one_line_exit_2(cli, message: str, first_line: str) -> None:
    run = cli(*BASE, "--message", message)
    assert run.exit_code == 2
    assert run.stderr.startswith(first_line) and len(run.stderr.splitlines()) == 1
    assert cli("logs", "--json").json()["total"] == 0


def test_largest_entry_is_accepted_and_listed_as_strict_json(cli) -> None:
    details = {"p": "x" * (256 * 1024 - len('{"p":""}'))}
    run = cli(
        *BASE,
        "--message",
        "ż" * (32 * 1024),
        "--details",
        json.dumps(details),
        "--duration-ms",
        str(2**31 - 1),
    )
    assert run.exit_code == 0, run.stderr

    def refuse(name: str) -> None:
        raise AssertionError(f"invalid JSON printed: {name}")

    doc = json.loads(cli("logs", "--json").stdout, parse_constant=refuse)
    (entry,) = doc["items"]
    assert entry["details"] == details and entry["durationMs"] == 2**31 - 1


def test_undecodable_message_bytes_in_a_real_process_exit_2(db_url: str, cli) -> None:
    """Real argv bytes that are not UTF-8 (Python hands them over as lone surrogates): one
    error line, exit 2, no traceback, nothing stored. (Whichever layer refuses them.)"""
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": db_url, "MERCATO_INT_DEBUG": ""}
    args = [os.fsencode(a) for a in (sys.executable, "-m", "mercato_int", *BASE)]
    proc = subprocess.run(
        [*args, b"--message", b"caf\xe9 \xff"], env=env, capture_output=True, timeout=60
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.decode("utf-8", "replace").splitlines()
    assert lines[0].startswith("error: ") and len(lines) == 1
    assert cli("logs", "--json").json()["total"] == 0
