"""Over a slow link every byte counts (issue 16): the dashboard in a real pseudo-terminal
rewrites only the rows a key changed.

``python -m tui`` runs in a pseudo-terminal at 120×40 (not the headless driver: these
are the bytes an SSH session carries). Its output is played into a model of a terminal
(``helpers.TerminalModel``), which says which rows any text was written to. Tests wait
for what they expect to see, never for a time.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

import pytest
from helpers import PtyTerminal, TerminalModel, pty_terminal

from tests.conftest import DOSSIER
from tui.core.browse import Arranged
from tui.core.loading import load

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

WIDTH, HEIGHT = 120, 40
FRAME_END = re.compile(rb"\x1b\[\d+;\d+H\Z")  # each frame ends by placing the cursor


def actor_names() -> list[str]:
    """The actors pane's first rows, in its order."""
    return [actor.name for actor in Arranged(load([DOSSIER])).actors[:3]]


def model(output: bytes) -> TerminalModel:
    screen = TerminalModel(WIDTH, HEIGHT)
    screen.feed(output.decode("utf-8"))
    return screen


def screen_text(term: PtyTerminal) -> list[str] | None:
    """The screen, once a whole frame is in (None while one is being written)."""
    output = term.output
    if not FRAME_END.search(output):
        return None
    try:
        return model(output).text()
    except UnicodeDecodeError:  # a character cut in two: the rest is on its way
        return None


def title_at(term: PtyTerminal, name: str) -> tuple[int, int] | None:
    """Where the detail pane shows ``name`` as its title (the line under its border)."""
    text = screen_text(term) or []
    for y, line in enumerate(text[:-1]):
        border = line.find("─ Detail · ")
        if border > 0:
            x = text[y + 1].find(name + " ", line.rfind("╭", 0, border))
            return (y + 1, x) if x > 0 else None
    return None


def started(term: PtyTerminal, first: str) -> bool:
    """The dashboard is up, the first actor in the detail, and the work that follows the
    first frame (the activity counts) is on screen: what a key writes is the key's."""
    text = screen_text(term) or []
    return title_at(term, first) is not None and not any("counting…" in line for line in text)


def written_by(
    term: PtyTerminal, keys: bytes, shown: Callable[[], bool], what: str
) -> tuple[TerminalModel, TerminalModel]:
    """Press ``keys``; once ``shown()``: the screen before, and after (its
    ``rows_written`` and ``cells_written`` are what the key's output wrote)."""
    mark = len(term.output)
    before = model(term.output[:mark])
    term.send(keys)
    term.until(shown, what)
    after = model(term.output[:mark])
    after.rows_written.clear()
    after.cells_written.clear()
    after.feed(term.output[mark:].decode("utf-8"))
    return before, after


@pytest.mark.parametrize("flags", [[], ["--low-bandwidth"]], ids=["normal", "low-bandwidth"])
def test_a_cursor_move_rewrites_only_the_rows_it_changed(flags: list[str]) -> None:
    first, *others = actor_names()
    command = [sys.executable, "-m", "tui", "--data", "@default", "--offline", "--no-watch"]
    with pty_terminal([*command, *flags], WIDTH, HEIGHT) as term:
        term.until(lambda: started(term, first), "the dashboard, the first actor in detail")
        title_y, detail_x = title_at(term, first) or (0, 0)
        text = screen_text(term) or []
        header = next(y for y, line in enumerate(text) if line.lstrip().startswith("Faultline"))
        status = next(y for y, line in enumerate(text) if re.search(r"\d+ actors · \d+", line))

        for name in others:
            before, after = written_by(
                term, b"j", lambda n=name: title_at(term, n) == (title_y, detail_x), name
            )
            changed = {y for y in range(HEIGHT) if after.cells[y] != before.cells[y]}
            written = after.rows_written
            assert title_y in written  # the detail followed the cursor
            assert written <= changed, f"rows rewritten unchanged: {sorted(written - changed)}"
            assert header not in written and status not in written
            # In the lists, the two rows the cursor left and came to, and nothing else:
            # not the other panes, their titles or borders.
            lists = {y for y, x in after.cells_written if x < detail_x - 4}
            assert len(lists) == 2, sorted(lists)


def test_ctrl_l_writes_the_whole_screen_again() -> None:
    # After line noise the terminal may show anything: Ctrl+L sends every row, as in
    # curses programs, so that what the dashboard keeps of the screen is true again.
    first = actor_names()[0]
    command = [sys.executable, "-m", "tui", "--data", "@default", "--offline", "--no-watch"]
    with pty_terminal(command, WIDTH, HEIGHT) as term:
        term.until(lambda: started(term, first), "the dashboard, the first actor in detail")
        mark = len(term.output)
        term.send(b"\x0c")
        everything = set(range(HEIGHT))

        def rewritten() -> bool:
            screen = model(term.output[:mark])
            screen.rows_written.clear()
            try:
                screen.feed(term.output[mark:].decode("utf-8"))
            except UnicodeDecodeError:
                return False
            return screen.rows_written == everything

        term.until(rewritten, "every row written again")
