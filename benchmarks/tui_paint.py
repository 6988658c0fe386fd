"""TUI first paint (issue 14): `mercato-int tui` started in tmux at 7, 300 and 2,000
integrations, timed until the header and the first card are on the terminal, against a Textual
hello-world (a header and one line) started the same way in the same run. Medians over
ROUNDS, in ms and as the ratio to hello-world; the peak RSS of each process.

    python benchmarks/tui_paint.py [--rounds 5] [--size 120x40] [--cold] [--source CHECKOUT]
                                   [--compare CHECKOUT]

Each run is ended with ctrl+q once painted; a warm-up run of each comes first (the store and
the registry cache are written then, and the operating system has read the files): the
measured rounds read a warm registry cache. With --cold, one more run of each with the cache
file removed first.

With --compare, another checkout's TUI (a before) is timed in the same rounds, each of its
runs right after the same case of this one, with its own data dirs (the registry cache is
keyed by the checkout's own code: two checkouts sharing one would each find it stale)."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _big_registry import make_registry

HELLO = """
from textual.app import App
from textual.widgets import Header, Static

class Hello(App):
    def compose(self):
        yield Header()
        yield Static("Hello, first card")

Hello().run()
"""

# what shows that the whole first screen is there: the header, and the first card's title
# with its first tile under it
TUI_MARKS = ("Integrations", "MedusaJS", "Products")
HELLO_MARKS = ("Hello", "Hello, first card")

# runs the command and writes its peak RSS (KiB) and its exit status once it ended
RSS = (
    "import resource, subprocess, sys; rc = subprocess.run(sys.argv[2:]).returncode; "
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss; "
    "open(sys.argv[1], 'w').write(f'{peak} {rc}')"
)


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


class TmuxGone(Exception):
    """The tmux server went away under a running TUI (seen on a loaded machine)."""


def paint(command: list[str], env: dict[str, str], marks: tuple[str, ...], size: str) -> tuple:
    """Seconds until every mark is on screen, and the peak RSS in MiB."""
    cols, lines = size.split("x")
    session = f"paint{os.getpid()}"
    rss = Path(tempfile.mkstemp(suffix=".rss")[1])
    wrapped = [sys.executable, "-c", RSS, str(rss), *command]
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    # the pane stays a while after the command ended: what it printed can be read
    line = f"env -i {exports} COLUMNS={cols} LINES={lines} {shlex.join(wrapped)}; sleep 30"
    t0 = time.perf_counter()
    tmux("new-session", "-d", "-s", session, "-x", cols, "-y", lines, line)
    elapsed = None
    screen = ""
    try:
        deadline = t0 + 120
        while time.perf_counter() < deadline:
            shown = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            )
            if shown.returncode:
                raise TmuxGone(shown.stderr.strip())
            screen = shown.stdout
            if all(m in screen for m in marks):
                elapsed = time.perf_counter() - t0
                break
            if rss.stat().st_size:
                break  # the command ended before it painted
            time.sleep(0.01)
        tmux("send-keys", "-t", session, "C-q")
        for _ in range(500):
            if rss.stat().st_size:
                break
            time.sleep(0.02)
    finally:
        tmux("kill-session", "-t", session)
    peak_kib, _, status = (rss.read_text() or "0 ?").partition(" ")
    rss.unlink()
    if elapsed is None:
        raise SystemExit(
            f"never painted (exit status {status or '?'}): {' '.join(command)} "
            f"{env.get('PYTHONPATH', '')}; the screen:\n{screen}"
        )
    return elapsed, int(peak_kib) / 1024


def paint_again(*case: Any) -> tuple:
    """`paint`, started again (at most twice) when the tmux server went away under it."""
    for attempt in range(3):
        try:
            return paint(*case)
        except TmuxGone as gone:
            print(f"tmux went away ({gone}); run again", file=sys.stderr)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def own_tmux(root: Path) -> None:
    """A tmux server of our own, under `root`: sessions on the shared default server were seen
    ended by other users of it ("never painted")."""
    (root / "tmux").mkdir(mode=0o700)
    os.environ["TMUX_TMPDIR"] = str(root / "tmux")
    os.environ.pop("TMUX", None)


def tui_cases(
    root: Path, base: dict[str, str], sizes: str, checkouts: list[tuple[str | None, str]]
) -> list[tuple[str, dict[str, str]]]:
    """(label, environment) of the TUI at each size (`7,300,2000`), for each (checkout, tag):
    the 7 bundled integrations plus `n` generated in n/5 bundles, a data dir of its own each
    (the registry cache is keyed by the checkout's code)."""
    cases = []
    for n in (int(s) for s in sizes.split(",")):
        providers = make_registry(root, n, max(1, n // 5)) if n > 7 else None
        for at, (source, tag) in enumerate(checkouts):
            env = {**base, "MERCATO_INT_HOME": str(root / f"home_{n}_{at}")}
            if source:
                env["PYTHONPATH"] = str(Path(source) / "src")
            if providers:
                env["MERCATO_INT_PROVIDERS_PATH"] = str(providers)
            cases.append((f"mercato-int tui, {n + 7 if n > 7 else 7:,} integrations{tag}", env))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--sizes", default="7,300,2000")
    parser.add_argument("--cold", action="store_true", help="also one run each, cache removed")
    parser.add_argument("--source", help="time the TUI of another checkout's src/ (a before)")
    parser.add_argument("--compare", help="also time another checkout's TUI, same rounds")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed")
    root = Path(tempfile.mkdtemp(prefix="tui_paint_"))
    own_tmux(root)
    hello = root / "hello.py"
    hello.write_text(HELLO, encoding="utf-8")
    exe = str(Path(sys.executable).with_name("mercato-int"))
    base = {"PATH": os.environ.get("PATH", ""), "TERM": "xterm-256color", "HOME": str(root)}
    checkouts = [(args.source, "")]
    if args.compare:
        checkouts.append((args.compare, f" [{Path(args.compare).name}]"))
    cases: list[tuple[str, list[str], dict[str, str], tuple[str, ...]]] = [
        ("textual hello-world", [sys.executable, str(hello)], base, HELLO_MARKS)
    ]
    for label, env in tui_cases(root, base, args.sizes, checkouts):
        cases.append((label, [exe, "tui"], env, TUI_MARKS))
    # the registry cache (registry/cache.py) is not written for files changed within 2 s:
    # wait, so the warm-up writes it and every measured round reads it (warm cache)
    time.sleep(2.5)
    for _, command, env, marks in cases:  # warm-up: stores created, files read, cache written
        paint_again(command, env, marks, args.size)
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label, *_ in cases}
    for _ in range(args.rounds):  # interleaved, so a busy moment hits every case alike
        for label, command, env, marks in cases:
            runs[label].append(paint_again(command, env, marks, args.size))
    cold: dict[str, float] = {}
    if args.cold:  # once each, the registry cache removed first (discovery runs again)
        for label, command, env, marks in cases[1:]:
            for file in Path(env["MERCATO_INT_HOME"], "cache").glob("registry-*"):
                file.unlink()
            cold[label] = paint_again(command, env, marks, args.size)[0]
    hello_ms = statistics.median(t for t, _ in runs[cases[0][0]]) * 1000
    print(f"first paint in tmux at {args.size}, median of {args.rounds} rounds (after a warm-up)")
    print(f"{'':46} {'median':>9} {'worst':>9} {'x hello':>8} {'peak RSS':>10}")
    for label, results in runs.items():
        med = statistics.median(t for t, _ in results) * 1000
        worst = max(t for t, _ in results) * 1000
        peak = max(r for _, r in results)
        print(f"{label:46} {med:7.0f}ms {worst:7.0f}ms {med / hello_ms:7.2f}x {peak:7.0f} MiB")
    for label, seconds in cold.items():
        ms = seconds * 1000
        print(f"{label + ', cold cache':56} {ms:7.0f}ms {ms / hello_ms:7.2f}x (one run)")
    tmux("kill-server")  # our own server (TMUX_TMPDIR)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
