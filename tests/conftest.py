"""Shared fixtures. The dashboard tests (tests/ui/) use the ones below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import settle

REPO = Path(__file__).resolve().parent.parent
DOSSIER = REPO / "data" / "kazakhstan-2013.toml"


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps its watchlist, alerts, marks and since date in its own state dir, never the
    user's (nor another test's): the app, the command and their child processes."""
    monkeypatch.setenv("FAULTLINE_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


# -- dashboard --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def default_dataset():
    """The shipped dossier, read once, with origins relative to the repository so that
    nothing on screen depends on where the checkout lives."""
    import os

    from tui.core.loading import load

    here = os.getcwd()
    os.chdir(REPO)
    try:
        return load([Path("data") / DOSSIER.name])
    finally:
        os.chdir(here)


@pytest.fixture(scope="session")
def movement_dataset():
    """tests/fixtures/movement.toml (stances that move over the years), read once, with
    origins relative to the repository, as ``default_dataset``."""
    import os

    from tui.core.loading import load

    here = os.getcwd()
    os.chdir(REPO)
    try:
        return load([Path("tests") / "fixtures" / "movement.toml"])
    finally:
        os.chdir(here)


@pytest.fixture
def make_app(default_dataset, tmp_path) -> Callable:
    """Build a dashboard app on the default dossier (or on ``dataset=`` / ``data_paths=``),
    with its caches in a temporary directory."""
    from tui.core.config import Config
    from tui.ui.app import FaultlineApp

    def build(**kwargs):
        if "dataset" not in kwargs and "data_paths" not in kwargs:
            kwargs["dataset"] = default_dataset
        return FaultlineApp(Config(cache_dir=tmp_path / "cache"), **kwargs)

    return build


def screen_text(app) -> str:
    """What the terminal shows right now, as plain text (one line per row).

    The one place a test reads a Textual private (``Screen._compositor``): no public API
    gives the composed screen as text (``App.export_screenshot`` gives SVG, which
    splits text into styled spans and replaces spaces). Every test asks this helper."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.fixture
def screen() -> Callable:
    return screen_text


@pytest.fixture
def ready() -> Callable:
    return settle


@pytest.fixture
def empty_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from an empty directory with no user config, no $FAULTLINE_CONFIG and a cache
    of its own, so nothing of this machine's leaks into what the command finds."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FAULTLINE_CONFIG", raising=False)
    monkeypatch.setenv("FAULTLINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path
