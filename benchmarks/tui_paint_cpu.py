"""TUI first paint in CPU time (issue 14): the steadier figure on a loaded machine, where the
wall-clock time of `tui_paint.py` moves by ±0.5x between runs of one code.

`mercato-int tui` and the Textual hello-world of `tui_paint.py` are started in tmux as there,
each with Textual's terminal writes watched from inside the process: the moment the text
written so far holds the header and the first card (hello-world: its two lines), the
process's CPU time (`time.process_time()`, every thread, the interpreter's start included)
is noted and the app ends. Medians over ROUNDS, interleaved, after a warm-up of each; with
--compare, another checkout's TUI in the same rounds (its own data dirs).

    python benchmarks/tui_paint_cpu.py [--rounds 7] [--sizes 7,300,2000] [--compare CHECKOUT]
"""

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

sys.path.insert(0, str(Path(__file__).parent))
from tui_paint import HELLO, HELLO_MARKS, TUI_MARKS, own_tmux, tui_cases

# run inside the measured process: notes the CPU time once every mark has been written
WATCH = """
import os, sys, time
out, marks = sys.argv[1], tuple(sys.argv[3].split("|"))
from textual.drivers.linux_driver import LinuxDriver
written = []
write = LinuxDriver.write
def watching(self, data):
    write(self, data)
    if written is not None:
        written.append(data)
        text = "".join(written)
        if all(m in text for m in marks):
            written.clear()
            globals()["written"] = None
            with open(out, "w") as fh:
                fh.write(repr(time.process_time()))
            self._app.exit()
LinuxDriver.write = watching
if sys.argv[2] == "hello":
    exec(compile(open(sys.argv[4]).read(), sys.argv[4], "exec"))
else:
    sys.argv = ["mercato-int", "tui"]
    from mercato_int.cli.app import main
    main()
"""


class Gone(Exception):
    """The session ended before the marks were written."""


def run(env: dict[str, str], args: list[str], root: Path) -> float:
    """`start`, started again (at most twice) when its tmux session went away: the tmux
    server itself was seen to exit under a running TUI on a loaded machine."""
    for _attempt in range(3):
        try:
            return start(env, args, root)
        except Gone:
            print(f"the tmux session went away ({args[0]}); run again", file=sys.stderr)
    raise SystemExit(f"never painted: {args}")


def start(env: dict[str, str], args: list[str], root: Path) -> float:
    """The CPU seconds of one start until its marks were written."""
    out = Path(tempfile.mkstemp(dir=root, suffix=".cpu")[1])
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = [sys.executable, str(root / "watch.py"), str(out), *args]
    session = f"cpu{os.getpid()}"
    line = f"env -i {exports} COLUMNS=120 LINES=40 {shlex.join(command)}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", line])
    try:
        deadline = time.monotonic() + 120
        checked = time.monotonic()
        while not out.stat().st_size:
            if time.monotonic() > deadline:
                raise SystemExit(f"never painted: {args}")
            if time.monotonic() - checked > 0.5:
                checked = time.monotonic()
                alive = ["tmux", "has-session", "-t", session]
                if subprocess.run(alive, capture_output=True).returncode:
                    time.sleep(0.1)
                    if not out.stat().st_size:
                        raise Gone
            time.sleep(0.01)
        time.sleep(0.05)  # let it write the rest of the number
        return float(out.read_text())
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        out.unlink()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--sizes", default="7,300,2000")
    parser.add_argument("--compare", help="also time another checkout's TUI, same rounds")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed")
    root = Path(tempfile.mkdtemp(prefix="tui_paint_cpu_"))
    own_tmux(root)
    (root / "watch.py").write_text(WATCH, encoding="utf-8")
    (root / "hello.py").write_text(HELLO, encoding="utf-8")
    base = {"PATH": os.environ.get("PATH", ""), "TERM": "xterm-256color", "HOME": str(root)}
    cases: list[tuple[str, dict[str, str], list[str]]] = [
        ("textual hello-world", base, ["hello", "|".join(HELLO_MARKS), str(root / "hello.py")])
    ]
    checkouts = [(None, "")]
    if args.compare:
        checkouts.append((args.compare, f" [{Path(args.compare).name}]"))
    for label, env in tui_cases(root, base, args.sizes, checkouts):
        cases.append((label, env, ["tui", "|".join(TUI_MARKS)]))
    time.sleep(2.5)  # files older than 2 s: the warm-up writes the registry cache
    for _, env, case_args in cases:
        run(env, case_args, root)
    cpu: dict[str, list[float]] = {label: [] for label, *_ in cases}
    for _ in range(args.rounds):
        for label, env, case_args in cases:
            cpu[label].append(run(env, case_args, root))
    hello = statistics.median(cpu[cases[0][0]]) * 1000
    print(f"CPU time to the first paint in tmux at 120x40, median of {args.rounds} rounds")
    print(f"{'':46} {'median':>9} {'min':>9} {'x hello':>8}")
    for label, values in cpu.items():
        med, low = statistics.median(values) * 1000, min(values) * 1000
        print(f"{label:46} {med:7.0f}ms {low:7.0f}ms {med / hello:7.2f}x")
    subprocess.run(["tmux", "kill-server"], capture_output=True)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
