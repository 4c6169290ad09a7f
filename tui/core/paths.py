"""Where Faultline keeps things: the shipped dossier and the user's config and cache dirs."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "faultline"


def default_dossier() -> Path:
    """The default dossier: package data when installed, ``data/`` in a source checkout."""
    try:
        from importlib.resources import files

        packaged = Path(str(files("tui.data")))
        if packaged.is_dir() and any(packaged.glob("*.toml")):
            return packaged
    except (ModuleNotFoundError, TypeError, ValueError):
        pass
    return Path(__file__).resolve().parent.parent.parent / "data"


def user_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def user_cache_dir() -> Path:
    override = os.environ.get("FAULTLINE_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP))
