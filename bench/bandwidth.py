"""Bytes Faultline writes to a real terminal per keystroke: what a slow SSH link carries.

    python bench/bandwidth.py                    # 120x40 and 80x24, normal and low
    python bench/bandwidth.py --sizes 120x40 --modes normal

The dashboard runs as ``python -m tui`` on the default dossier in a pseudo-terminal
(not the headless driver), from an empty directory with an empty home (no config file
is read), ``TERM=xterm-256color``. A key is written to the terminal, and every byte the
app writes back is counted until it has written nothing for ``--quiet`` seconds; so a
figure is everything that key cost on the wire, the detail pane's later update
included. Each figure also counts the style sequences (SGR), the text and the screen
rows written (a row counts when the app moves the cursor onto it). A stock Textual
``DataTable`` moving its cursor, in the same terminal, is the baseline.

Results are printed as a table and written to ``bench/results/bandwidth-latest.json``
(bench/results/ is not committed). A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"

CSI = re.compile(rb"\x1b\[[0-9;:?<=>$]*[ -/]*[@-~]")
SGR = re.compile(rb"\x1b\[[0-9;:]*m")
MOVE = re.compile(rb"\x1b\[(\d+);(\d+)H")

KEYS = {
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "enter": b"\r",
    "escape": b"\x1b",
    "backspace": b"\x7f",
    "tab": b"\t",
}

# The baseline: a stock DataTable, nothing configured but its rows and a row cursor.
DATATABLE_APP = """
from textual.app import App
from textual.widgets import DataTable

class Table(App):
    def compose(self):
        yield DataTable(cursor_type="row")

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("date", "event", "actor", "state")
        table.add_rows(
            (f"2013-{i % 12 + 1:02d}-{i % 28 + 1:02d}", f"Event number {i} of the dossier",
             f"Actor {i % 17}", "reported")
            for i in range(300)
        )
        table.focus()

Table().run()
"""


def parse(data: bytes) -> dict[str, Any]:
    """What a stretch of terminal output holds: bytes, style sequences, text, rows."""
    rows = sorted({int(m.group(1)) for m in MOVE.finditer(data)})
    text = CSI.sub(b"", data).replace(b"\x1b", b"")
    return {
        "bytes": len(data),
        "sgr": len(SGR.findall(data)),
        "sgr_bytes": sum(len(m) for m in SGR.findall(data)),
        "text_bytes": len(text),
        "rows": rows,
    }


class Terminal:
    """A program in a pseudo-terminal of a given size; everything it writes is kept."""

    def __init__(self, command: list[str], cols: int, rows: int, cwd: Path, env: dict[str, str]):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.output = bytearray()
        self.last = time.monotonic()
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.output += chunk
                self.last = time.monotonic()

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def quiet(self, seconds: float, timeout: float = 30.0) -> None:
        """Wait until the program has written nothing for ``seconds``."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            with self.lock:
                since = time.monotonic() - self.last
            if since >= seconds:
                return
            time.sleep(min(0.05, seconds - since))

    def wait_for(self, text: bytes, timeout: float = 60.0) -> None:
        start = time.monotonic()
        while text not in self.output:
            if time.monotonic() - start > timeout or self.process.poll() is not None:
                tail = bytes(self.output[-2000:])
                raise RuntimeError(f"{text!r} never appeared; the terminal ended with {tail!r}")
            time.sleep(0.05)

    def measure(self, keys: list[bytes], quiet: float, gap: float = 0.0) -> dict[str, Any]:
        """The output caused by ``keys`` (``gap`` seconds apart), until quiet."""
        with self.lock:
            mark = len(self.output)
        for n, key in enumerate(keys):
            if n and gap:
                time.sleep(gap)
            self.send(key)
        # Wait for the first byte (the app may be slow to answer), then for quiet.
        start = time.monotonic()
        while len(self.output) == mark and time.monotonic() - start < quiet:
            time.sleep(0.01)
        self.quiet(quiet)
        with self.lock:
            return parse(bytes(self.output[mark:]))

    def idle(self, seconds: float) -> dict[str, Any]:
        with self.lock:
            mark = len(self.output)
        time.sleep(seconds)
        with self.lock:
            return parse(bytes(self.output[mark:]))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.close(self.master)


@contextmanager
def terminal(command: list[str], cols: int, rows: int) -> Iterator[Terminal]:
    with tempfile.TemporaryDirectory(prefix="faultline-bandwidth-") as tmp:
        home = Path(tmp)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_DATA_HOME": str(home / "share"),
            "FAULTLINE_CACHE_DIR": str(home / "faultline-cache"),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(REPO),
        }
        term = Terminal(command, cols, rows, home, env)
        try:
            yield term
        finally:
            term.close()


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    sizes = [r["bytes"] for r in runs]
    return {
        "n": len(runs),
        "median": statistics.median(sizes),
        "max": max(sizes),
        "sgr_median": statistics.median(r["sgr"] for r in runs),
        "rows_median": statistics.median(len(r["rows"]) for r in runs),
        "runs": runs,
    }


def faultline(cols: int, rows: int, mode: str, quiet: float, idle: float) -> dict[str, Any]:
    command = [sys.executable, "-m", "tui", "--data", "@default", "--offline", "--no-watch"]
    if mode == "low":
        command.append("--low-bandwidth")
    out: dict[str, Any] = {}
    with terminal(command, cols, rows) as term:
        term.wait_for(b"Actors")
        term.quiet(1.5)
        out["start"] = parse(bytes(term.output))
        out["idle"] = term.idle(idle)
        out["cursor_move"] = summary([term.measure([b"j"], quiet) for _ in range(8)])
        out["cursor_move_up"] = summary([term.measure([b"k"], quiet) for _ in range(4)])
        # A held key: ten moves 30 ms apart (a key's auto-repeat), bytes per move.
        held = term.measure([b"j"] * 10, quiet, gap=0.03)
        out["held_move"] = {**held, "per_move": held["bytes"] / 10}
        out["pane_switch"] = summary([term.measure([key], quiet) for key in (b"2", b"3", b"1")])
        out["detail_focus"] = term.measure([b"4"], quiet)
        out["detail_link_move"] = summary([term.measure([KEYS["down"]], quiet) for _ in range(4)])
        term.measure([b"1"], quiet)
        out["filter_open"] = term.measure([b"/"], quiet)
        out["filter_keystroke"] = summary([term.measure([bytes([c])], quiet) for c in b"kazak"])
        out["filter_erase"] = summary([term.measure([KEYS["backspace"]], quiet) for _ in range(5)])
        out["filter_close"] = term.measure([KEYS["escape"]], quiet)
        out["focus"] = term.measure([KEYS["enter"]], quiet)
        out["focus_back"] = term.measure([KEYS["backspace"]], quiet)
        out["screen_switch"] = term.measure([b"m"], quiet)
        out["screen_back"] = term.measure([KEYS["escape"]], quiet)
        out["idle_after"] = term.idle(idle)
    return out


def datatable(cols: int, rows: int, quiet: float) -> dict[str, Any]:
    command = [sys.executable, "-c", DATATABLE_APP]
    with terminal(command, cols, rows) as term:
        term.wait_for(b"Event number")
        term.quiet(1.0)
        return {"cursor_move": summary([term.measure([KEYS["down"]], quiet) for _ in range(8)])}


def kb(n: float) -> str:
    return f"{n / 1000:.1f} KB" if n >= 1000 else f"{n:.0f} B"


ROWS = [
    ("cursor move (j, detail changes)", "cursor_move"),
    ("cursor move (k, detail changes)", "cursor_move_up"),
    ("held j, per move (30 ms apart)", "held_move"),
    ("move between the detail's links", "detail_link_move"),
    ("filter keystroke (/kazak)", "filter_keystroke"),
    ("filter erase (backspace)", "filter_erase"),
    ("pane switch (2, 3, 1)", "pane_switch"),
    ("focus change (Enter)", "focus"),
    ("focus back (Backspace)", "focus_back"),
    ("screen switch (m)", "screen_switch"),
    ("screen back (Esc)", "screen_back"),
    ("idle, bytes", "idle"),
]


def figure(entry: dict[str, Any]) -> str:
    if "per_move" in entry:
        return kb(entry["per_move"])
    if "median" in entry:
        sgr, rows = entry["sgr_median"], entry["rows_median"]
        return f"{kb(entry['median'])} ({sgr:.0f} SGR, {rows:.0f} rows)"
    return f"{kb(entry['bytes'])} ({entry['sgr']} SGR, {len(entry['rows'])} rows)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="120x40,80x24")
    parser.add_argument("--modes", default="normal,low", help="normal, low (--low-bandwidth)")
    parser.add_argument("--quiet", type=float, default=0.6, help="seconds of silence ending a key")
    parser.add_argument("--idle", type=float, default=3.0, help="seconds of idling measured")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()

    results: dict[str, Any] = {"python": sys.version.split()[0], "sizes": {}}
    for size in args.sizes.split(","):
        cols, rows = (int(n) for n in size.split("x"))
        entry: dict[str, Any] = {"datatable": datatable(cols, rows, args.quiet)}
        for mode in args.modes.split(","):
            entry[mode] = faultline(cols, rows, mode, args.quiet, args.idle)
        results["sizes"][size] = entry
        modes = args.modes.split(",")
        print(f"\n{size}  " + "  |  ".join(modes))
        base = entry["datatable"]["cursor_move"]
        print(f"  {'stock DataTable cursor move':38} {figure(base)}")
        for label, key in ROWS:
            cells = [figure(entry[mode][key]) for mode in modes]
            print(f"  {label:38} " + "  |  ".join(cells))
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "bandwidth-latest.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
