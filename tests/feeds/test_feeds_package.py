"""The feeds package: its modules import one way, and httpx is imported only when feeds
are configured (the feed client and httpx cost a tenth of a warm start)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import tui.core

# From the bottom up: each module may import only those before it.
ORDER = ["errors", "urls", "decoders", "cache", "state", "client"]
FEEDS = Path(tui.core.__file__).parent / "feeds"


def sibling_imports(path: Path) -> set[str]:
    """The feeds modules ``path`` imports (``from .cache import …``), anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.add((node.module or "").split(".")[0])
    return found


def test_every_feeds_module_imports_only_the_modules_below_it() -> None:
    modules = sorted(p.stem for p in FEEDS.glob("*.py") if p.stem != "__init__")
    assert modules == sorted(ORDER), "a new feeds module needs its place in ORDER"
    for rank, name in enumerate(ORDER):
        above = sibling_imports(FEEDS / f"{name}.py") - set(ORDER[:rank])
        assert not above, f"feeds/{name}.py imports {sorted(above)}, which are not below it"


def test_the_old_single_module_is_gone() -> None:
    assert not (FEEDS.parent / "feed.py").exists()


def test_httpx_is_imported_only_when_feeds_are_configured(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("")
    document = tmp_path / "one.json"
    document.write_text(
        '{"format": "faultline/1", "actors": [{"id": "kz", "name": "K", "kind": "state"}]}'
    )
    code = (
        "import sys\n"
        "from tui.cli import main\n"
        "from tui.core.config import Config\n"
        "from tui.ui.app import FaultlineApp\n"
        f"args = ['--config', {str(config)!r}, 'export', '--format', 'json',\n"
        f"        '--data', {str(document)!r}, '-o', {str(tmp_path / 'out.json')!r}]\n"
        "assert main(args) == 0\n"
        f"FaultlineApp(Config(), data_paths=[{str(document)!r}])\n"
        "print('without feeds:', 'httpx' in sys.modules)\n"
        "FaultlineApp(Config(), feed_urls=['http://127.0.0.1:9/feed.json'])\n"
        "print('with a feed:', 'httpx' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "FAULTLINE_CACHE_DIR": str(tmp_path / "cache")},
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["without feeds: False", "with a feed: True"]
