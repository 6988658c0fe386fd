"""`logs ingest` attacked line by line: every kind of bad line (lone surrogate, bytes that are
not UTF-8, NaN/Infinity, NUL, deep nesting, huge numbers, createdAt at the datetime limits,
oversized fields and lines) is rejected by its number on stderr, every good line around it is
stored, and the exit is 1 at the end; on SQLite and Postgres."""

from __future__ import annotations

import json

import pytest

GOOD = {"integrationId": "gateway_stripe", "level": "info", "operation": "o", "message": "m"}
HEAD = json.dumps(GOOD)[:-1]  # '{"integrationId": ..., "message": "m"' to append raw JSON to


def raw(extra: str) -> bytes:
    return (HEAD + ", " + extra + "}").encode()


# (the bad line, the reason printed for it)
BAD_LINES: list[tuple[bytes, str]] = [
    (raw('"correlationId": "a\\ud800b"'), "correlation_id is not valid Unicode"),
    (raw('"details": {"\\udfff": 1}'), "details is not valid Unicode"),
    (HEAD.encode() + b', "entityId": "caf\xe9"}', "not UTF-8 (byte 0xe9 at column "),
    (raw('"details": {"x": NaN}'), "not JSON (NaN and Infinity are not allowed in JSON)"),
    (raw('"details": {"x": [Infinity]}'), "not JSON (NaN and Infinity are not allowed"),
    (raw('"details": {"x": -Infinity}'), "not JSON (NaN and Infinity are not allowed"),
    (raw('"details": {"x": 1e400}'), "NaN and Infinity are not allowed in JSON"),
    (raw('"durationMs": 1e400'), "durationMs must be an integer from 0 to 2,147,483,647"),
    (raw('"entityId": "a\\u0000b"'), "entity_id holds a NUL character"),
    (
        b'{"integrationId": "gateway_stripe", "level": "info", "operation": "o", '
        b'"message": "nul \\u0000 here"}',
        "message holds a NUL character",
    ),
    (raw('"details": {"x": "\\\\\\u0000"}'), "details holds a NUL character"),
    (raw('"details": ' + "[" * 3000 + "]" * 3000), "not JSON (nested deeper than the JSON"),
    (raw('"details": {"a": ' + "[" * 150 + "]" * 150 + "}"), "details are nested deeper than 100"),
    (raw('"durationMs": 2147483648'), "durationMs must be an integer from 0 to 2,147,483,647"),
    (raw('"durationMs": ' + "9" * 70), "durationMs must be an integer from 0 to 2,147,483,647"),
    (raw('"details": {"n": ' + "9" * 5000 + "}"), "not JSON (a number longer than 4,300 digits)"),
    (raw('"createdAt": "0001-01-01T00:00:00+01:00"'), "createdAt must be between 1970-01-01"),
    (raw('"createdAt": "9999-12-31T23:59:59-01:00"'), "createdAt must be between 1970-01-01"),
    (raw('"createdAt": "0001-01-01T00:00:00Z"'), "createdAt must be between 1970-01-01"),
    (raw('"createdAt": "9999-12-31T23:59:59.999999Z"'), "createdAt must be between"),
    (json.dumps(GOOD | {"message": "x" * 65537}).encode(), "message is 65,537 bytes, more than"),
    (
        json.dumps(GOOD | {"details": {"p": "x" * (256 * 1024)}}).encode(),
        "details is 262,152 bytes, more than the 256 KiB",
    ),
    (json.dumps(GOOD | {"message": "y" * (5 * 1024 * 1024)}).encode(), "longer than 4 MiB"),
]


def strict_json(text: str) -> object:
    def refuse(name: str) -> None:
        raise AssertionError(f"invalid JSON printed: {name}")

    return json.loads(text, parse_constant=refuse)


def test_every_kind_of_bad_line_is_rejected_alone(cli, tmp_path) -> None:
    lines: list[bytes] = []
    expected: list[str] = []
    for i, (bad, reason) in enumerate(BAD_LINES):
        lines.append(json.dumps(GOOD | {"details": {"i": i}}).encode())
        lines.append(bad)
        expected.append(f"line {len(lines)}: {reason}")
    lines.append(json.dumps(GOOD | {"createdAt": "9999-12-30T00:00:00Z"}).encode())
    lines.append(json.dumps(GOOD | {"createdAt": "1970-01-01T00:00:00Z"}).encode())
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")

    run = cli("logs", "ingest", str(path))
    assert run.exit_code == 1
    got = run.stderr.splitlines()
    assert len(got) == len(BAD_LINES) + 1
    for line, prefix in zip(got, expected, strict=False):
        assert line.startswith(prefix), (line, prefix)
    good = len(BAD_LINES) + 2
    assert got[-1] == (
        f"ingested {good} entries into tenant default · org default; "
        f"rejected {len(BAD_LINES)} lines"
    )
    doc = strict_json(cli("logs", "--json", "--limit", "100").stdout)
    assert doc["total"] == good  # type: ignore[index]
    assert sorted(e["createdAt"][:4] for e in doc["items"])[:1] == ["1970"]  # type: ignore[index]
    assert cli("logs").exit_code == 0  # the timeline shows what was stored, even year 9999


@pytest.mark.parametrize("kind", ["nul", "surrogate", "store refuses"])
def test_a_bad_line_among_4999_good_ones_costs_only_itself(
    cli, db_url, poison, tmp_path, kind
) -> None:
    """A whole buffered batch (5,000 lines) with one bad line at 2,500: caught before the
    store (NUL, surrogate) or refused by the store itself (a real constraint; the batch is
    then split to find it): 4,999 stored either way."""
    if kind == "store refuses":
        assert cli("logs", "audit").exit_code == 0  # creates and migrates a SQLite store
        poison(db_url)
    bad = {
        "nul": raw('"message": "a\\u0000b"').replace(b'"message": "m", ', b""),
        "surrogate": raw('"entityType": "\\udbff"'),
        "store refuses": json.dumps(GOOD | {"message": "poison"}).encode(),
    }[kind]
    lines = [json.dumps(GOOD | {"message": f"m{i}"}).encode() for i in range(5000)]
    lines[2499] = bad
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    run = cli("logs", "ingest", str(path))
    assert run.exit_code == 1
    first, summary = run.stderr.splitlines()
    assert first.startswith("line 2500: ")
    assert summary == ("ingested 4,999 entries into tenant default · org default; rejected 1 line")
    assert cli("logs", "--json", "--limit", "1").json()["total"] == 4999


PEAK_RSS = """
import resource, runpy, sys
out = sys.argv.pop()
try:
    runpy.run_module("mercato_int", run_name="__main__")
finally:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=open(out, "w"))
"""


def test_a_huge_line_is_rejected_without_being_held(db_url, tmp_path) -> None:
    """A 60 MB message in one line: rejected as longer than 4 MiB, read in bounded pieces (the
    process's peak memory grows by a few MiB, not by the line), the lines around it stored."""
    import os
    import subprocess
    import sys

    path = tmp_path / "big.jsonl"
    with path.open("w") as fh:
        fh.write(json.dumps(GOOD) + "\n")
        fh.write(json.dumps(GOOD | {"message": "x" * 60_000_000}) + "\n")
        fh.write(json.dumps(GOOD) + "\n")
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": db_url}

    def peak_kib(source: str) -> tuple[int, str]:
        out = tmp_path / "rss"
        proc = subprocess.run(
            [sys.executable, "-c", PEAK_RSS, "logs", "ingest", source, str(out)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return int(out.read_text()), proc.stderr

    idle, _ = peak_kib(os.devnull)
    peak, stderr = peak_kib(str(path))
    assert stderr.splitlines() == [
        "line 2: longer than 4 MiB",
        "ingested 2 entries into tenant default · org default; rejected 1 line",
    ]
    assert peak - idle < 32 * 1024, (idle, peak)  # KiB: far below the 60 MB line
