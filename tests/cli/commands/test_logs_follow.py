"""`logs -f` in a real process: prints entries another process writes, stops on Ctrl-C with
exit 130 and no error line."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time


def test_follow_prints_new_entries_and_stops_cleanly_on_ctrl_c(
    cli, db_url: str, interruptible
) -> None:
    assert (
        cli(
            "logs",
            "write",
            "gateway_stripe",
            "--level",
            "info",
            "--operation",
            "old",
            "--message",
            "before",
        ).exit_code
        == 0
    )
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mercato_int", "logs", "-f", "--jsonl", "--limit", "1"],
        env=env,
        preexec_fn=interruptible,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(ln) for ln in proc.stdout], daemon=True).start()

    def next_entry() -> dict:
        return json.loads(lines.get(timeout=20))  # a follower that prints nothing fails

    try:
        first = next_entry()
        assert first["message"] == "before"
        time.sleep(0.5)
        for i in range(3):
            run = cli(
                "logs",
                "write",
                "gateway_stripe",
                "--level",
                "warning",
                "--operation",
                "new",
                "--message",
                f"after {i}",
            )
            assert run.exit_code == 0
        got = [next_entry()["message"] for _ in range(3)]
        assert got == ["after 0", "after 1", "after 2"]
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=20)
    assert code == 130
    assert proc.stderr.read().splitlines() == [
        "following logs of tenant default · org default (Ctrl-C stops)"
    ]


def test_follow_shows_entries_ingested_now_with_old_timestamps(
    cli, db_url: str, interruptible, tmp_path
) -> None:
    """The follower goes by insertion order: a backfill of 2020 entries shows as it lands."""
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": db_url}
    assert (
        cli(
            "logs",
            "write",
            "gateway_stripe",
            "--level",
            "info",
            "--operation",
            "o",
            "--message",
            "before",
        ).exit_code
        == 0
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "mercato_int", "logs", "-f", "--jsonl", "--limit", "1"],
        env=env,
        preexec_fn=interruptible,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(ln) for ln in proc.stdout], daemon=True).start()
    try:
        assert json.loads(lines.get(timeout=20))["message"] == "before"
        time.sleep(0.5)
        old = {"integrationId": "gateway_stripe", "level": "warning", "operation": "backfill"}
        path = tmp_path / "old.jsonl"
        path.write_text(
            "".join(
                json.dumps(
                    {**old, "message": f"old {i}", "createdAt": f"2020-01-0{i + 1}T00:00:00Z"}
                )
                + "\n"
                for i in range(3)
            )
        )
        assert cli("logs", "ingest", str(path)).exit_code == 0
        got = [json.loads(lines.get(timeout=20)) for _ in range(3)]
        assert [g["message"] for g in got] == ["old 0", "old 1", "old 2"]
        assert got[0]["createdAt"] == "2020-01-01T00:00:00Z"
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=20)
    assert code == 130
