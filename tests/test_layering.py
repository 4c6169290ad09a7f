"""The data core never imports Textual: the dashboard imports the core, never the reverse."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tui.core


def test_core_modules_do_not_import_textual() -> None:
    modules = [f"tui.core.{m.name}" for m in pkgutil.iter_modules(tui.core.__path__)]
    assert "tui.core.reader" in modules and "tui.core.export" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "import tui.cli\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
