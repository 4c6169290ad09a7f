"""An installed Faultline (not this checkout) finds its default dossier from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_the_dossier_and_stylesheet_and_runs_from_anywhere(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("faultline-*.whl")
    site = tmp_path / "site"
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    assert (site / "tui" / "data" / "kazakhstan-2013.toml").is_file()
    assert (site / "tui" / "ui" / "app.tcss").is_file()
    assert (site / "tui" / "core" / "faultline-1.schema.json").is_file()
    # Every package of the source tree is in the wheel (a new subpackage is easy to miss).
    packages = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "tui").rglob("__init__.py")}
    missing = sorted(p for p in packages if not (site / p / "__init__.py").is_file())
    assert "tui/core/feeds" in packages and not missing, f"not in the wheel: {missing}"

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
           "FAULTLINE_CACHE_DIR": str(tmp_path / "cache")}  # fmt: skip
    env.pop("FAULTLINE_CONFIG", None)
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import tui.core.paths as p; print(p.__file__); print(p.default_dossier())",
        ],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=False,
    )
    module, arranged = where.stdout.split()
    assert Path(module).is_relative_to(site), (
        "the installed copy, not this checkout, must be tested"
    )
    assert Path(arranged) == site / "tui" / "data"
    validated = subprocess.run(
        [sys.executable, "-m", "tui", "validate"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=False,
    )
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout.splitlines() == [
        "config: built-in defaults (no config file)",
        "1 document(s) valid, 0 error(s), 0 warning(s)",
    ]


def test_the_shipped_dossier_points_to_the_format_in_this_repository() -> None:
    """The dossier's header is read by whoever opens it after install: it names the format
    by a path in this repository, not a path on the machine it was written on."""
    import re

    comments = [
        line for line in (ROOT / "data" / "kazakhstan-2013.toml").read_text().splitlines()
        if line.startswith("#")
    ]  # fmt: skip
    assert "# Format: docs/format.md (faultline/1)." in comments
    assert not [line for line in comments if re.search(r"(?:^|[\s(`])/\w", line)]
