"""Where Faultline keeps things: the shipped dossier and the user's config and cache dirs."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "faultline"


def default_dossier() -> Path:
    """The default dossier: ``tui/data`` when installed, ``data/`` in a source checkout.

    The wheel maps the repository's ``data/`` to the package ``tui.data`` (pyproject);
    an editable install or a plain checkout finds it beside the package instead.
    """
    package = Path(__file__).resolve().parent.parent
    installed = package / "data"
    if any(installed.glob("*.toml")):
        return installed
    return package.parent / "data"


def user_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def user_cache_dir() -> Path:
    override = os.environ.get("FAULTLINE_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP))
