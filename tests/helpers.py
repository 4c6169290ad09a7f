"""Helpers shared by the test modules (imported as ``helpers``, like ``feedserver``)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def plant_parsed_entry(cache: Any, doc: Path, how: int, payload: bytes) -> Path:
    """A parsed-data cache entry for ``doc`` built by hand, as an attacker with write
    access to the cache dir (or a bug) would build it: the right name, schema, path,
    layer and fingerprint (from ``stat``), valid checksums, and ``payload`` as the data
    (``how``: parsecache's payload kind)."""
    import marshal
    import struct
    import zlib

    from tui.core import parsecache

    st = doc.stat()
    fingerprint = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    key = (parsecache.SCHEMA, str(doc), str(doc), fingerprint)
    header = marshal.dumps((*key, how, len(payload), zlib.crc32(payload)))
    entry: Path = cache.entry(doc, str(doc))
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_bytes(struct.pack("<II", len(header), zlib.crc32(header)) + header + payload)
    return entry


def isolated_env(workdir: Path) -> dict[str, str]:
    """The environment of a child process that runs Faultline as a person would, isolated
    from this machine: no proxy, no FAULTLINE_* or certificate variables from outside, the
    cache, state and user config dirs inside ``workdir``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if "proxy" not in k.lower()
        and not k.startswith("FAULTLINE_")
        and k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")
    }
    return clean | {
        "FAULTLINE_CACHE_DIR": str(workdir / "cache"),
        "FAULTLINE_STATE_DIR": str(workdir / "state"),
        "XDG_CONFIG_HOME": str(workdir / "xdg"),  # no user config leaks in
    }


def run_faultline(
    workdir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tui`` in ``workdir`` as a person would (``isolated_env``); ``env``
    adds variables (a token, say)."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=workdir,
        env=isolated_env(workdir) | (env or {}),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


async def until(pilot: Any, condition: Any, what: str, timeout: float = 10.0) -> None:
    """Bounded polling: let the app run until ``condition()`` holds, fail after ``timeout``.
    With no ``pilot`` (a test of the core's asyncio code, no app), the event loop runs."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await (pilot.pause(0.02) if pilot is not None else asyncio.sleep(0.005))


async def move_to(pilot: Any, app: Any, pane: Any, ident: str) -> None:
    """Press j until the cursor of the dashboard's pane ``pane`` (a ``Kind``) is on
    ``ident``, as a person would."""
    rows = app.dashboard.pane(pane)
    for _ in range(50):
        if rows.ref is not None and rows.ref.id == ident:
            return
        await pilot.press("j")
    raise AssertionError(f"{ident} not reachable in {pane}")


async def settle(app: Any, pilot: Any) -> None:
    """Wait for the app's workers (the dossier, a search), then for the screen to catch up."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def shown(pilot: Any, app: Any) -> None:
    """Wait for the first dossier to be shown, and the frames after it."""
    await until(pilot, lambda: app.arranged is not None, "the first dossier")
    await pilot.pause()
    await pilot.pause()


async def select_actor(pilot: Any, app: Any, ident: str, limit: int = 20) -> None:
    """Put the actors pane's cursor on actor ``ident``, moving down as a person would."""
    from tui.core.browse import Ref
    from tui.core.model import Kind

    await pilot.press("1")
    for _ in range(limit):
        if app.dashboard.pane(Kind.ACTOR).ref == Ref(Kind.ACTOR, ident):
            return
        await pilot.press("j")
    raise AssertionError(f"actor {ident} not reached")


async def run_command(pilot: Any, app: Any, query: str, title: str) -> None:
    """Open the palette, type ``query``, wait for the command ``title`` to lead, run it."""
    from textual.command import CommandPalette

    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    await pilot.press(*query)
    palette = app.screen

    def first_hit() -> str:
        options = palette.query_one("CommandList").options
        return str(options[0].prompt) if options else ""

    await until(pilot, lambda: first_hit().startswith(title), f"the command {title!r}")
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette")
    await pilot.pause()


async def set_range(pilot: Any, app: Any, key: str, text: str) -> None:
    """``[`` or ``]`` (``key``), then ``text`` (empty: no limit) in the date range form."""
    from textual.widgets import Input

    from tui.ui.timescreens import DateRangeForm

    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, DateRangeForm), "the date range form")
    app.screen.query_one("#date-range", Input).value = ""
    await pilot.press(*text, "enter")
    await pilot.pause()


async def travel(pilot: Any, app: Any, date: str) -> None:
    """``t``, then ``date`` (empty: back to now) in the time-travel form."""
    from tui.ui.timescreens import DateForm

    await pilot.press("t")
    await pilot.pause()
    assert isinstance(app.screen, DateForm)
    await pilot.press("ctrl+u", *date, "enter")
    await pilot.pause()


def toasts(app: Any) -> str:
    """Every notification on screen, each message whole (the screen wraps them)."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


# docs/format.md, the data format in our words: its fenced examples, each marked
# "# example: valid" or "# example: invalid" on its first line.
FORMAT_DOC = Path(__file__).resolve().parents[1] / "docs" / "format.md"
FORMAT_TEXT = FORMAT_DOC.read_text(encoding="utf-8")
VALID = "# example: valid"
INVALID = "# example: invalid"
_BLOCK = re.compile(r"^```(toml|json)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def doc_blocks(language: str) -> list[tuple[int, str]]:
    """(line number, body) of each fenced block of ``language`` in docs/format.md."""
    return [
        (FORMAT_TEXT.count("\n", 0, m.start()) + 1, m.group(2))
        for m in _BLOCK.finditer(FORMAT_TEXT)
        if m.group(1) == language
    ]


def doc_examples(marker: str) -> list[Any]:
    """The TOML examples of docs/format.md marked ``marker``, as pytest params."""
    import pytest

    return [
        pytest.param(body, id=f"format.md:{line}")
        for line, body in doc_blocks("toml")
        if body.splitlines()[0].strip() == marker
    ]


IMPORT_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
# A small dossier whose stances move over the years (Venezuela's in 2025), for time
# travel, "since" and diff.
MOVEMENT = Path(__file__).resolve().parent / "fixtures" / "movement.toml"


def import_rows(source: str, *inputs: object, **options: Any) -> tuple[Any, Any, list[str]]:
    """Run an importer in this process, as ``faultline import`` does: the document built, the
    tally of rows, and each bad-row line reported. ``options`` are ``Options`` fields, and
    ``max_size``, the cap on a download."""
    from tui.core.importers import Options, Tally, import_files

    reported: list[str] = []
    max_size = options.pop("max_size", 10_000_000)
    tally = Tally(strict=options.get("strict", False), report=reported.append)
    imported = import_files(
        source, [str(i) for i in inputs], Options(**options), tally, max_size=max_size,
        timeout=10.0,
    )  # fmt: skip
    return imported, tally, reported


class TerminalModel:
    """A terminal as far as the dashboard's output needs one: the cursor addressed with
    ``ESC[row;colH``, styles set with ``ESC[...m`` (``0`` resets), text written at the
    cursor. Each cell holds its character and the style in force; ``rows_written`` and
    ``cells_written`` say where (0-based) any text went. Other sequences (synchronised
    output, cursor shape) are skipped. For checking what terminal output leaves on screen."""

    SEQUENCE = re.compile(r"\x1b\[([0-9;:?<=>$]*)([ -/]*[@-~])|\x1b\]8;[^\x1b]*\x1b\\|\x1b")

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells = [[(" ", "")] * width for _ in range(height)]
        self.x = self.y = 0
        self.style = ""
        self.rows_written: set[int] = set()
        self.cells_written: set[tuple[int, int]] = set()  # (row, column)

    def feed(self, data: str) -> None:
        from rich.cells import get_character_cell_size

        at = 0
        for match in [*self.SEQUENCE.finditer(data), None]:
            end = match.start() if match else len(data)
            for char in data[at:end]:
                if char in "\r\n":
                    continue  # the dashboard addresses every line itself
                width = get_character_cell_size(char)
                if width == 0:
                    if self.x > 0 and self.y < self.height:
                        cell = self.cells[self.y][self.x - 1]
                        self.cells[self.y][self.x - 1] = (cell[0] + char, cell[1])
                    continue
                if self.x < self.width and self.y < self.height:
                    self.cells[self.y][self.x] = (char, self.style)
                    if width == 2 and self.x + 1 < self.width:
                        self.cells[self.y][self.x + 1] = ("", self.style)
                    self.rows_written.add(self.y)
                    self.cells_written.add((self.y, self.x))
                self.x += width
            if match is None:
                break
            at = match.end()
            params, final = match.group(1), match.group(2)
            if final == "H":
                row, _, col = (params or "1;1").partition(";")
                self.y, self.x = int(row or 1) - 1, int(col or 1) - 1
            elif final == "m":
                self.style = self._sgr(self.style, params)

    @staticmethod
    def _sgr(style: Any, params: str) -> Any:
        """The style after ``ESC[params m``: attributes, foreground, background."""
        attributes, fg, bg = style or (frozenset(), None, None)
        numbers = [int(p) if p else 0 for p in params.replace(":", ";").split(";")]
        i = 0
        while i < len(numbers):
            n = numbers[i]
            if n == 0:
                attributes, fg, bg = frozenset(), None, None
            elif n in (38, 48):
                size = 3 if numbers[i + 1] == 2 else 1
                colour = tuple(numbers[i + 2 : i + 2 + size])
                fg, bg = (colour, bg) if n == 38 else (fg, colour)
                i += 1 + size
            elif n == 39:
                fg = None
            elif n == 49:
                bg = None
            elif 30 <= n <= 37 or 90 <= n <= 97:
                fg = (n,)
            elif 40 <= n <= 47 or 100 <= n <= 107:
                bg = (n,)
            else:
                attributes = attributes | {n}
            i += 1
        return (attributes, fg, bg) if attributes or fg or bg else ""

    def text(self) -> list[str]:
        return ["".join(cell[0] for cell in row) for row in self.cells]


class PtyTerminal:
    """A program in a real pseudo-terminal of a given size (not Textual's headless
    driver): keys go in as bytes, and every byte it writes to the terminal is kept."""

    def __init__(
        self, command: list[str], cols: int, rows: int, cwd: Path, env: dict[str, str]
    ) -> None:
        import fcntl
        import struct
        import termios
        import threading

        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.process = subprocess.Popen(
            command, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
            start_new_session=True, close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self._output = bytearray()
        self.last = time.monotonic()  # when the program last wrote
        self.writes: list[tuple[float, int]] = []  # (when, output length after) per read
        self.last_sent = 0.0  # when a key was last sent
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the program ended and the terminal closed
                return
            if not chunk:
                return
            with self.lock:
                self._output += chunk
                self.last = time.monotonic()
                self.writes.append((self.last, len(self._output)))

    @property
    def output(self) -> bytes:
        with self.lock:
            return bytes(self._output)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)
        self.last_sent = time.monotonic()

    def until(self, condition: Any, what: str, timeout: float = 30.0) -> None:
        """Bounded polling until ``condition()`` holds; fail naming ``what``."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline or self.process.poll() is not None:
                tail = self.output[-1500:]
                raise AssertionError(f"timed out waiting for {what}; the terminal ended {tail!r}")
            time.sleep(0.02)

    def quiet(self, seconds: float, timeout: float = 30.0) -> None:
        """For the benchmark, which measures everything a key costs: wait until the
        program has written nothing for ``seconds``. (Tests wait for what they expect.)"""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            with self.lock:
                since = time.monotonic() - self.last
            if since >= seconds:
                return
            time.sleep(min(0.05, seconds - since))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.close(self.master)


@contextlib.contextmanager
def pty_terminal(command: list[str], cols: int, rows: int) -> Iterator[PtyTerminal]:
    """``command`` in a ``cols`` x ``rows`` pseudo-terminal, from an empty directory with
    an empty home (no config of this machine's is read), ``TERM=xterm-256color``."""
    import tempfile

    repo = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="faultline-pty-") as tmp:
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
            "PYTHONPATH": str(repo),
        }
        terminal = PtyTerminal(command, cols, rows, home, env)
        try:
            yield terminal
        finally:
            terminal.close()


def click_in_burst(app: Any, widget: Any, offset: tuple[int, int]) -> None:
    """A click at ``offset`` in ``widget`` arriving with keys (``burst``): queued on the
    app before it handles them (``Pilot.click`` waits for it)."""
    from textual import events

    x, y = widget.region.x + offset[0], widget.region.y + offset[1]
    for kind in (events.MouseDown, events.MouseUp):
        app.post_message(kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y))


def burst(app: Any, *keys: str) -> None:
    """Keys arriving together, as a terminal hands them over on a slow link or a paste:
    all queued on the app before it handles the first (``Pilot.press`` waits for each)."""
    from textual import events
    from textual.keys import _character_to_key

    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(_character_to_key(key) if char else key, char))
