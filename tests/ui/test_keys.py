"""Keys as data (tui/ui/keys.py): the widgets' bindings, the help screen and the README's
key table come from one source, so they cannot disagree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_key_table() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^\| Keys \| Action \|\n(?:\|.*\n)+", text, re.MULTILINE)
    assert match, "README.md has no key table (| Keys | Action |)"
    return match.group()


def test_readme_key_table_is_the_generated_one() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui.ui.help", "--markdown"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert readme_key_table() == result.stdout, (
        "README.md's key table differs from the bindings: paste in "
        "`python -m tui.ui.help --markdown`"
    )


def test_closing_the_matrix_is_described_alike_in_readme_and_help() -> None:
    from tui.ui.help import markdown

    line = "| `Esc Backspace m` | Back to the dashboard |"
    assert line in markdown()
    assert line in readme_key_table()


def test_the_help_reads_the_keys_without_importing_the_app() -> None:
    """No app <-> help circle: the help's table is built from keys.py alone."""
    code = (
        "import sys\n"
        "from tui.ui.help import markdown\n"
        "assert 'Esc Backspace m' in markdown()\n"
        "print(sorted(m for m in sys.modules if m in ('tui.ui.app', 'tui.ui.dashboard')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_moves_that_stay_in_their_widget_are_the_lists_detail_and_matrix_moves() -> None:
    """keys.IN_PLACE lets a run of j go on without waiting (keygate.py): each of its
    actions is a move some list, the detail or the matrix binds, and no key that opens,
    closes or focuses anything is among them."""
    from tui.ui import keys
    from tui.ui.detail import DetailPane
    from tui.ui.keygate import in_place
    from tui.ui.matrix import StanceMatrix
    from tui.ui.pane import EntityPane

    moves = [*keys.ROW_LIST, *keys.DETAIL, *keys.MATRIX]
    assert keys.IN_PLACE.issubset(b.action.partition("(")[0] for b in moves)
    assert all(in_place(EntityPane, key) for key in ("j", "k", "down", "pagedown", "G"))
    assert all(in_place(DetailPane, key) for key in ("j", "up", "space"))
    assert in_place(StanceMatrix, "l")
    assert not any(in_place(EntityPane, key) for key in ("enter", "2", "s", "slash", "m"))
    assert not in_place(DetailPane, "enter")
