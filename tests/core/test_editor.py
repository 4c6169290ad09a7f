"""Which command ``e`` runs: $VISUAL, else $EDITOR, else vi, with the line where the
editor takes one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.editor import editor_command
from tui.core.problems import FaultlineError

FILE = Path("data/x.toml")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ["vi", "+12", "data/x.toml"]),
        ({"EDITOR": "nano"}, ["nano", "+12", "data/x.toml"]),
        ({"EDITOR": "nano", "VISUAL": "/usr/bin/nvim"}, ["/usr/bin/nvim", "+12", "data/x.toml"]),
        ({"EDITOR": "emacs -nw"}, ["emacs", "-nw", "+12", "data/x.toml"]),
        ({"EDITOR": "hx"}, ["hx", "+12", "data/x.toml"]),
        ({"EDITOR": "micro"}, ["micro", "+12", "data/x.toml"]),
        ({"VISUAL": "code --wait"}, ["code", "--wait", "--goto", "data/x.toml:12"]),
        ({"EDITOR": "subl -w"}, ["subl", "-w", "data/x.toml:12"]),
        ({"EDITOR": "ed"}, ["ed", "data/x.toml"]),  # no known way to give it the line
        ({"EDITOR": "", "VISUAL": ""}, ["vi", "+12", "data/x.toml"]),
    ],
)
def test_the_editor_and_how_it_is_given_the_line(env: dict, expected: list[str]) -> None:
    assert editor_command(FILE, 12, env) == expected


def test_no_line_opens_the_file_alone_and_a_bad_variable_is_named() -> None:
    assert editor_command(FILE, None, {"EDITOR": "vim"}) == ["vim", "data/x.toml"]
    with pytest.raises(FaultlineError, match=r"^\$VISUAL: 'code \"--wait' cannot be split"):
        editor_command(FILE, 3, {"VISUAL": 'code "--wait'})
