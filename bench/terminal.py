"""Start-up as a person sees it: the installed ``faultline`` command in a real terminal.

    python bench/terminal.py                   # 100k events, 140x40, three rounds
    python bench/terminal.py --size 10k --rounds 5 --geometry 120x40

Each round launches, interleaved so that all share the host's mood, in a private tmux
server (``-L``) at the given size:

* a minimal Textual app (one ``Static``), to its text on the screen;
* ``faultline`` on the default dossier (``--data @default``), cold and warm;
* ``faultline`` on the generated dossier of ``--size`` events, cold (an empty
  ``FAULTLINE_CACHE_DIR``) and warm (the same directory once the cold start has written
  its parsed-data cache).

Each figure runs from just before ``tmux new-session`` to the first ``capture-pane``
that shows the timeline pane's heading with every event (``Timeline 7/7``) and a row
under it: what a person waits for. The screen is polled every 10 ms for the first
second and every 50 ms after, so figures carry up to about 15 ms (50 ms past the first
second) of polling. The bare ``tomli`` parse of the same dossier (best of
three, its own process: ``bench/run.py``'s) is taken in the same run; the ratios to it
are the figures issue 15 asks to hold "in a real terminal". Nothing here talks to the
network: every start is ``--offline --no-watch`` with a private config, cache, state
directory and home.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (bench/run.py: the generated data and the bare tomli child)

TIMELINE_SHOWN = re.compile(r"Timeline (\d+)/\1\b[^\n]*\n[^\n]*\n?[^\n]*•")
MINIMAL_TEXT = "minimal Textual app, drawn"
MINIMAL_APP = f"""
from textual.app import App
from textual.widgets import Static

class Minimal(App[None]):
    def compose(self):
        yield Static({MINIMAL_TEXT!r})

Minimal().run()
"""
DEADLINE = 300.0  # seconds for one start (a cold 1M start on a slow host is well under)


def quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


class Terminal:
    """A private tmux server with one session running one command."""

    def __init__(self, geometry: tuple[int, int]) -> None:
        self.socket = f"faultline-bench-{uuid.uuid4().hex[:8]}"
        self.geometry = geometry

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        tmux = shutil.which("tmux") or "tmux"
        command = [tmux, "-L", self.socket, "-f", "/dev/null", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)

    def start(self, shell: str) -> float:
        """Start ``shell`` in a new session; the monotonic time just before."""
        width, height = self.geometry
        started = time.monotonic()
        self.tmux("new-session", "-d", "-s", "b", "-x", str(width), "-y", str(height), shell)
        return started

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "b").stdout

    def wait(self, shown: re.Pattern[str] | str, started: float) -> float:
        """Seconds from ``started`` to the first screen showing ``shown``."""
        screen = ""
        while time.monotonic() - started < DEADLINE:
            screen = self.screen()
            now = time.monotonic()
            found = shown in screen if isinstance(shown, str) else shown.search(screen)
            if found:
                return now - started
            # Every 10 ms for the first second (a small dossier's start), then every 50 ms:
            # each look is a tmux client (about 2 ms of CPU), taken from the app measured.
            time.sleep(0.01 if now - started < 1.0 else 0.05)
        raise RuntimeError(f"nothing showed {shown!r} in {DEADLINE:.0f} s; the screen:\n{screen}")

    def stop(self) -> None:
        socket = self.tmux("display-message", "-p", "#{socket_path}").stdout.strip()
        self.tmux("kill-server")
        if socket:
            Path(socket).unlink(missing_ok=True)


def environment(home: Path, cache: Path) -> str:
    config = home / "config.toml"
    config.write_text("[ui]\nanimations = false\n", encoding="utf-8")
    values = {
        "FAULTLINE_CONFIG": str(config),
        "FAULTLINE_CACHE_DIR": str(cache),
        "FAULTLINE_STATE_DIR": str(home / "state"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }
    # Bytecode is written and reused as an installed package's is (this machine's shells
    # may set PYTHONDONTWRITEBYTECODE, under which every start compiles all of tui/ again).
    unset = "-u COLORTERM -u NO_COLOR -u PYTHONDONTWRITEBYTECODE"
    return f"env {unset} " + " ".join(f"{k}={quote(v)}" for k, v in values.items())


def faultline_command() -> str:
    beside = Path(sys.executable).with_name("faultline")
    found = str(beside) if beside.exists() else shutil.which("faultline")
    if not found:
        raise SystemExit("the faultline command is not installed (pip install -e .)")
    return found


def cache_written(cache: Path) -> None:
    """Wait until the cold start's parsed-data cache is complete: its files' sizes hold
    still for half a second (the app writes it in a worker after the first frame)."""
    before: list[int] = []
    end = time.monotonic() + 60
    while time.monotonic() < end:
        sizes = sorted(f.stat().st_size for f in cache.rglob("*") if f.is_file())
        if sizes and sizes == before:
            return
        before = sizes
        time.sleep(0.5)
    raise RuntimeError(f"the parsed-data cache in {cache} was never written")


def launch(
    geometry: tuple[int, int], shell: str, shown: re.Pattern[str] | str
) -> tuple[Terminal, float]:
    terminal = Terminal(geometry)
    try:
        seconds = terminal.wait(shown, terminal.start(shell))
    except BaseException:
        terminal.stop()
        raise
    return terminal, seconds


def one_round(args: argparse.Namespace, data: list[Path], scratch: Path) -> dict[str, float]:
    found: dict[str, float] = {}
    command = faultline_command()
    home = Path(tempfile.mkdtemp(prefix="home-", dir=scratch))
    python = f"{quote(sys.executable)} -c {quote(MINIMAL_APP)}"
    minimal = f"cd {quote(str(home))} && exec {environment(home, home / 'unused')} {python}"
    terminal, found["minimal"] = launch(args.geometry, minimal, MINIMAL_TEXT)
    terminal.stop()
    # The default dossier is too small for a parsed-data cache (parsecache.MIN_SIZE): one
    # start is both cold and warm.
    for label, paths in (("default", ["@default"]), ("dossier", [str(p) for p in data])):
        home = Path(tempfile.mkdtemp(prefix="home-", dir=scratch))
        cache = home / "cache"
        argv = [command, "--offline", "--no-watch", *[a for p in paths for a in ("--data", p)]]
        shell = f"cd {quote(str(home))} && exec {environment(home, cache)} "
        shell += " ".join(map(quote, argv))
        for mode in ("cold", "warm") if label == "dossier" else ("",):
            key = f"{label}_{mode}" if mode else label
            terminal, found[key] = launch(args.geometry, shell, TIMELINE_SHOWN)
            try:
                if mode == "cold":
                    cache_written(cache)
            finally:
                terminal.stop()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k", choices=sorted(run.SIZES))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--geometry", default="140x40", help="the terminal, COLUMNSxROWS")
    args = parser.parse_args()
    width, height = (int(n) for n in args.geometry.lower().split("x"))
    args.geometry = (width, height)
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed")
    data = run.data_paths(args.size)
    import compileall

    import tui

    compileall.compile_dir(Path(tui.__file__).parent, quiet=1)
    print(f"bare tomli parse of {args.size}…", flush=True)
    tomli = run.run_child("parse", [*map(str, data), "--repeats", "3"])["tomli"]
    rounds: list[dict[str, float]] = []
    scratch = Path(tempfile.mkdtemp(prefix="terminal-", dir=run.RESULTS))
    try:
        for number in range(args.rounds):
            print(f"round {number + 1}/{args.rounds}…", flush=True)
            rounds.append(one_round(args, data, scratch))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    figures = {key: [r[key] for r in rounds] for key in rounds[0]}
    best = {key: min(values) for key, values in figures.items()}
    median = {key: statistics.median(values) for key, values in figures.items()}
    result: dict[str, Any] = {
        "size": args.size, "geometry": args.geometry, "tomli": tomli, "runs": figures,
        "best": best, "median": median,
    }  # fmt: skip
    out = run.RESULTS / f"terminal-{time.strftime('%Y-%m-%dT%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"\n{args.size}, tmux {width}×{height}, {args.rounds} rounds: best / median")
    print(f"  bare tomli parse (best of 3)       {tomli:.2f} s")
    ms = {key: f"{best[key] * 1000:.0f} / {median[key] * 1000:.0f} ms" for key in best}
    print(f"  minimal Textual app → drawn        {ms['minimal']}")
    ratio = f"{best['default'] / best['minimal']:.2f}×"
    ratio += f" / {median['default'] / median['minimal']:.2f}×"
    print(f"  default dossier → rows (≤ 1.3×)    {ms['default']} = {ratio} the minimal app")
    for mode, target in (("cold", 1.5), ("warm", 0.4)):
        key = f"dossier_{mode}"
        times = f"{best[key]:.2f} / {median[key]:.2f} s"
        ratio = f"{best[key] / tomli:.2f}× / {median[key] / tomli:.2f}×"
        print(f"  {args.size} {mode} → rows (≤ {target}×)     {times} = {ratio} tomli")
    print(f"saved {out.relative_to(run.REPO)}")


if __name__ == "__main__":
    main()
