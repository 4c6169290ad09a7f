"""Start-up imports only what the first frame draws (issue 15): the palette, the other
screens, the forms, the exporters, the feed client (httpx), numpy and the file watcher
load when first used, so an analyst opening a small dossier does not wait for them.

Structural, not timed: the real start path (``tui.cli`` reads the arguments and the
configuration, the app draws the dashboard on the shipped dossier) runs headless in a
fresh interpreter (bench/firstframe.py, the bench's start-up child), which lists the
modules loaded when the first frame with rows is written.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import subprocess
import sys
from pathlib import Path

from helpers import isolated_env

from tests.conftest import DOSSIER

REPO = Path(__file__).resolve().parents[2]

# Modules (and their submodules) the first frame of the dashboard does not need.
NOT_FOR_THE_FIRST_FRAME = (
    "httpx",  # the feed client, only with feeds
    "tomli_w",  # writing TOML: export, the capture forms
    "numpy",  # the timeline's activity index (after the first frame), alignment
    "csv",  # the timeline's CSV export
    "secrets",  # atomic writes name their temp files from os.urandom
    "watchfiles",  # live reload: the watcher starts once the dossier is shown
    "tui.core.export",
    "tui.core.authoring",  # what `faultline add` offers: the commands' parsers are not built
    "tui.core.feeds",
    "tui.core.importers",
    "tui.core.alignment",
    "tui.ui.commands",  # the palette's go-to commands
    "tui.ui.feeds",
    "tui.ui.changes",
    "tui.ui.refresh",
    "tui.ui.capture",
    "tui.ui.editing",
    "tui.ui.alignment",
    "tui.ui.matrix",
    "tui.ui.help",
    "tui.ui.screenshot",
    "tui.ui.watchscreens",  # the alerts log, the watched list, the note and view prompt
    "tui.ui.timescreens",  # the date forms (t, T, [, ]), what moved since (M)
    "textual.widgets._footer",  # its keys come after the first frame: mounted then
)


def first_frame_modules(workdir: Path, *args: str) -> list[str]:
    """The modules loaded when ``faultline ARGS`` in ``workdir`` wrote its first frame
    with rows."""
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "firstframe.py"), "faultline", "0", "--modules",
         *args],
        cwd=workdir, env=isolated_env(workdir), capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("MODULES ")]
    assert lines, done.stderr[-3000:]
    modules: list[str] = json.loads(lines[0][len("MODULES ") :])
    return modules


def test_the_first_frame_of_the_shipped_dossier_loads_only_what_it_draws(
    tmp_path: Path,
) -> None:
    modules = first_frame_modules(tmp_path)  # no data named: the shipped dossier
    assert "tui.ui.dashboard" in modules and "tui.cli" in modules  # the real start path
    loaded = [
        module
        for module in modules
        for unneeded in NOT_FOR_THE_FIRST_FRAME
        if module == unneeded or module.startswith(unneeded + ".")
    ]
    assert loaded == []


# Dataclasses of the start path left generated (each compiles its methods at import):
# made in bulk on hot paths, where a generated method is quicker than records.record's
# shared ones, or mutable (record is frozen).
GENERATED_ON_PURPOSE = {
    "tui.core.browse.Ref",  # a position, made and hashed for every row and mark
    "tui.core.browse.Logged",  # one per entity a refresh changed
    "tui.core.changes.Change",  # likewise
    "tui.core.dates.EDate",  # compared and hashed throughout a dossier's dates
    "tui.core.merge.Dataset",  # mutable
}


def test_the_start_paths_records_compile_no_methods_at_import(tmp_path: Path) -> None:
    """``dataclass`` compiles six methods per frozen class at every start (90 M
    instructions over the start path's classes); ``records.record`` compiles none."""
    generated = set()
    for name in first_frame_modules(tmp_path):
        if not name.startswith("tui."):
            continue
        module = importlib.import_module(name)
        for value in vars(module).values():
            if not (
                isinstance(value, type)
                and value.__module__ == name
                and dataclasses.is_dataclass(value)
            ):
                continue
            methods = [getattr(value, m, None) for m in ("__init__", "__eq__", "__setattr__")]
            if any(getattr(m, "__code__", None) is not None and m.__code__.co_filename == "<string>"
                   for m in methods):  # fmt: skip
                generated.add(f"{name}.{value.__qualname__}")
    assert generated == GENERATED_ON_PURPOSE


def test_the_start_path_makes_at_import_nothing_a_common_dossier_does_not_need(
    tmp_path: Path,
) -> None:
    """The reader's record builders (a ``compile`` each) are made when a document is
    first parsed, not for a start from the parsed-data cache; the glyph tables for
    invisible characters and lone jamo when text first has some."""
    script = tmp_path / "made.py"
    script.write_text(
        "import sys\n"
        "import tui.cli, tui.ui.app\n"
        "from tui.core.schema import BUILD\n"
        "from tui.ui.glyphs import _redraw, cells\n"
        "print(len(BUILD), _redraw.cache_info().currsize)\n"
        "from tui.core.reader import read_toml\n"
        "read_toml(open(sys.argv[1], encoding='utf-8').read(), 'dossier.toml', layer='data')\n"
        "cells('\\u1161')\n"
        "print(len(BUILD), _redraw.cache_info().currsize)\n"
    )
    done = subprocess.run(
        [sys.executable, str(script), str(DOSSIER)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.stdout.split() == ["0", "0", "6", "1"], done.stderr[-3000:]


def test_the_only_screens_made_for_the_first_frame_are_the_dashboards(tmp_path: Path) -> None:
    """Each Textual class costs about 2 M instructions to create (Textual walks its
    attributes): the screens opened over the dashboard are in modules imported when
    first opened."""
    from textual.screen import Screen

    screens = set()
    for name in first_frame_modules(tmp_path):
        if name.startswith("tui."):
            for value in vars(importlib.import_module(name)).values():
                if (
                    isinstance(value, type)
                    and value.__module__ == name
                    and issubclass(value, Screen)
                ):
                    screens.add(value.__qualname__)
    assert screens == {"DashboardScreen"}
