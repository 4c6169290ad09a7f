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


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"EDITOR": "vim"}, ["vim", "+3", "./+!touch pwned.toml"]),
        ({"EDITOR": "code -w"}, ["code", "-w", "--goto", "./+!touch pwned.toml:3"]),
        ({"EDITOR": "subl"}, ["subl", "./+!touch pwned.toml:3"]),
        ({"EDITOR": "ed"}, ["ed", "./+!touch pwned.toml"]),
    ],
)
def test_a_file_name_is_never_taken_for_an_option_or_a_command(env: dict, expected) -> None:
    # vim runs "+!cmd" as a shell command and takes "-c.toml" as an option: a data file
    # so named (a cloned repository, a downloaded dossier) must still be opened as a file.
    assert editor_command(Path("+!touch pwned.toml"), 3, env) == expected
    assert editor_command(Path("-c.toml"), None, {"EDITOR": "vim"}) == ["vim", "./-c.toml"]
    assert editor_command(Path("/data/-c.toml"), 1, {"EDITOR": "vim"})[-1] == "/data/-c.toml"
