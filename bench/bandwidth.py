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
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"

# The pseudo-terminal the tests drive the app in (tests/helpers.py), shared with them.
sys.path.insert(0, str(REPO / "tests"))
from helpers import PtyTerminal, pty_terminal  # noqa: E402

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


def measure(term: PtyTerminal, keys: list[bytes], quiet: float, gap: float = 0.0) -> dict[str, Any]:
    """The output caused by ``keys`` (``gap`` seconds apart), until ``quiet`` seconds
    pass with none."""
    mark = len(term.output)
    for n, key in enumerate(keys):
        if n and gap:
            time.sleep(gap)
        term.send(key)
    # The first byte may take a moment (the app is busy): wait for it, then for quiet.
    start = time.monotonic()
    while len(term.output) == mark and time.monotonic() - start < quiet:
        time.sleep(0.01)
    term.quiet(quiet)
    return parse(term.output[mark:])


def idle(term: PtyTerminal, seconds: float) -> dict[str, Any]:
    mark = len(term.output)
    time.sleep(seconds)
    return parse(term.output[mark:])


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


def faultline(cols: int, rows: int, mode: str, quiet: float, idle_s: float) -> dict[str, Any]:
    command = [sys.executable, "-m", "tui", "--data", "@default", "--offline", "--no-watch"]
    if mode == "low":
        command.append("--low-bandwidth")
    out: dict[str, Any] = {}
    with pty_terminal(command, cols, rows) as term:
        term.until(lambda: b"Actors" in term.output, "the dashboard")
        term.quiet(1.5)
        out["start"] = parse(term.output)
        out["idle"] = idle(term, idle_s)
        out["cursor_move"] = summary([measure(term, [b"j"], quiet) for _ in range(8)])
        out["cursor_move_up"] = summary([measure(term, [b"k"], quiet) for _ in range(4)])
        # A held key: ten moves 30 ms apart (a key's auto-repeat), bytes per move; and,
        # split at 100 ms after the last key (the low setting's detail waits 150 ms for
        # the cursor to rest), what the moves wrote and what came once it rested.
        mark = len(term.output)
        held = measure(term, [b"j"] * 10, quiet, gap=0.03)
        rest = term.last_sent + 0.1
        moving = max((n for t, n in term.writes if t < rest), default=mark) - mark
        out["held_move"] = {
            **held,
            "per_move": held["bytes"] / 10,
            "moving_per_move": max(0, moving) / 10,
            "at_rest": held["bytes"] - max(0, moving),
        }
        out["pane_switch"] = summary([measure(term, [key], quiet) for key in (b"2", b"3", b"1")])
        out["detail_focus"] = measure(term, [b"4"], quiet)
        out["detail_link_move"] = summary([measure(term, [KEYS["down"]], quiet) for _ in range(4)])
        measure(term, [b"1"], quiet)
        out["filter_open"] = measure(term, [b"/"], quiet)
        out["filter_keystroke"] = summary([measure(term, [bytes([c])], quiet) for c in b"kazak"])
        out["filter_erase"] = summary([measure(term, [KEYS["backspace"]], quiet) for _ in range(5)])
        out["filter_close"] = measure(term, [KEYS["escape"]], quiet)
        out["focus"] = measure(term, [KEYS["enter"]], quiet)
        out["focus_back"] = measure(term, [KEYS["backspace"]], quiet)
        out["screen_switch"] = measure(term, [b"m"], quiet)
        out["screen_back"] = measure(term, [KEYS["escape"]], quiet)
        out["idle_after"] = idle(term, idle_s)
    return out


def datatable(cols: int, rows: int, quiet: float) -> dict[str, Any]:
    command = [sys.executable, "-c", DATATABLE_APP]
    with pty_terminal(command, cols, rows) as term:
        term.until(lambda: b"Event number" in term.output, "the table")
        term.quiet(1.0)
        return {"cursor_move": summary([measure(term, [KEYS["down"]], quiet) for _ in range(8)])}


def kb(n: float) -> str:
    return f"{n / 1000:.1f} KB" if n >= 1000 else f"{n:.0f} B"


ROWS = [
    ("cursor move (j, detail changes)", "cursor_move"),
    ("cursor move (k, detail changes)", "cursor_move_up"),
    ("held j, per move (30 ms apart)", "held_move"),
    ("held j, per move while moving", "held_moving"),
    ("held j, once the cursor rests", "held_rest"),
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
    if "moving" in entry:
        return kb(entry["moving"])
    if "per_move" in entry:
        return kb(entry["per_move"])
    if "median" in entry:
        sgr, rows = entry["sgr_median"], entry["rows_median"]
        return f"{kb(entry['median'])} ({sgr:.0f} SGR, {rows:.0f} rows)"
    return f"{kb(entry['bytes'])} ({entry['sgr']} SGR, {len(entry['rows'])} rows)"


def held_split(results: dict[str, Any], key: str) -> dict[str, Any]:
    """The figure for one table row (the held key's two parts come from one run)."""
    held = results["held_move"]
    if key == "held_moving":
        return {"moving": held["moving_per_move"]}
    if key == "held_rest":
        return {"moving": held["at_rest"]}
    return results[key]


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
            cells = [figure(held_split(entry[mode], key)) for mode in modes]
            print(f"  {label:38} " + "  |  ".join(cells))
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "bandwidth-latest.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
