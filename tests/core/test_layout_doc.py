"""The README's layout table gives every module of ``tui/`` a line, and names none that
is gone: a new module without a line, or a line left behind, fails here."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def layout_paths() -> list[str]:
    """The paths in the first column of the README's "Layout" table."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    paths: list[str] = []
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            paths += re.findall(r"`([^`]+)`", first_cell)
    return paths


def tracked_modules() -> list[str]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the modules are listed by git ls-files")
    listed = subprocess.run(
        ["git", "ls-files", "tui"], cwd=REPO, capture_output=True, text=True, check=True
    )
    return [path for path in listed.stdout.splitlines() if path.endswith(".py")]


def test_every_module_has_a_line_in_the_layout_table() -> None:
    paths = set(layout_paths())
    # A package's __init__.py is described by its folder's line.
    missing = [
        module
        for module in tracked_modules()
        if module not in paths
        and not (module.endswith("/__init__.py") and module.removesuffix("__init__.py") in paths)
    ]
    assert not missing, f"README.md, Layout: no line for {', '.join(missing)}"


def test_every_line_of_the_layout_table_names_something_that_exists() -> None:
    gone = [path for path in layout_paths() if not (REPO / path).exists()]
    assert not gone, f"README.md, Layout: a line for what is not there: {', '.join(gone)}"
