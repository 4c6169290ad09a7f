"""The data core never imports Textual: the dashboard imports the core, never the reverse."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import tui.core


def test_core_modules_do_not_import_textual() -> None:
    """At run time, as a user starts the command: importing every module of the core
    (and the CLI, which starts before any screen) loads no Textual. The static rule,
    that the core never imports textual, rich or tui.ui, is an import-linter contract
    in pyproject.toml (``lint-imports``, run by .ci/run)."""
    modules = [m.name for m in pkgutil.walk_packages(tui.core.__path__, "tui.core.")]
    assert {"tui.core.reader", "tui.core.export", "tui.core.feeds.client"} <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "import tui.cli\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


CORE = Path(tui.core.__file__).resolve().parent


def _import_graph(core: Path) -> dict[str, set[str]]:
    """Each module of the package at ``core`` (a ``tui/core`` folder), and the modules of
    that package it imports."""
    top = core.parent.parent
    files = sorted(core.rglob("*.py"))

    def name_of(path: Path) -> str:
        parts = path.relative_to(top).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    modules = {name_of(f) for f in files}
    return {name_of(f): _imports(f, name_of(f), modules) for f in files}


def _imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """The ``modules`` that the module ``name`` (at ``path``) imports anywhere in it: at
    the top, inside a function or under ``if TYPE_CHECKING``, relative (``from .x``,
    ``from ..core.x``, ``from . import x``) or absolute."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from . import x``: x is a module when one of that name exists.
            targets = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
            targets = targets or [base]
        else:
            continue
        found.update(t for t in targets if t in modules and t != name)
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as ``[a, b, ..., a]``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_core_imports_run_one_way() -> None:
    """No import cycle inside ``tui.core``, counting imports hidden inside functions."""
    graph = _import_graph(CORE)
    assert "tui.core.model" in graph["tui.core.merge"]  # the graph sees relative imports
    cycle = _cycle(graph)
    assert cycle is None, "import cycle in tui.core: " + " -> ".join(cycle or ())


def test_a_cycle_hidden_in_a_function_is_found(tmp_path: Path) -> None:
    """The check above sees a cycle made only by an import inside a function."""
    core = tmp_path / "tui" / "core"
    core.mkdir(parents=True)
    (core / "__init__.py").write_text("")
    (core / "a.py").write_text("from . import b\n")
    (core / "b.py").write_text("def f():\n    from ..core.a import y\n")
    (core / "c.py").write_text("from .a import x\n")
    assert _cycle(_import_graph(core)) == ["tui.core.a", "tui.core.b", "tui.core.a"]


def test_numpy_is_imported_only_where_it_is_used() -> None:
    """numpy (75 ms to import) serves the alignment view and the activity counts, which
    are computed after the first frame: the command and the dashboard start without it."""
    code = (
        "import sys\n"
        "import tui.cli, tui.ui.app, tui.core.export, tui.core.browse\n"
        "print('numpy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "False", result.stderr
