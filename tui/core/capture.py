"""Where the dashboard's forms record facts, and the ids they give new events.

The capture file is ``[data] capture`` in the config, else ``captured.toml`` beside the
first data path (in the current directory when the first is the shipped dossier, which
is not the analyst's to write, or when there is none). It must be a loaded layer:
``covering`` says which data path reads it, if any; one that none reads is added as a
layer of its own (the app does that, once it exists).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Sequence
from pathlib import Path

from .paths import default_dossier

CAPTURE_NAME = "captured.toml"


def capture_file(configured: Path | None, data_paths: Sequence[Path]) -> Path:
    """The file the forms append to."""
    if configured is not None:
        return configured
    first = data_paths[0] if data_paths else None
    if first is None or _same(first, default_dossier()):
        return Path(CAPTURE_NAME)
    folder = first if first.is_dir() else first.parent
    return folder / CAPTURE_NAME


def covering(path: Path, data_paths: Sequence[Path]) -> Path | None:
    """The data path that reads ``path``: the path itself, or a data directory that holds
    it (a ``*.toml`` under it); None when no data path does."""
    for data in data_paths:
        if _same(data, path):
            return data
        if path.suffix == ".toml" and data.is_dir() and _inside(path, data):
            return data
    return None


def event_id(title: str, date: str, taken: Container[str]) -> str:
    """An id for a new event from its title and date, none of ``taken``:
    ``union-summit-in-astana-2014-05`` (then ``…-2``, ``…-3``)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].strip("-")
    when = re.sub(r"[^0-9]+", "-", date).strip("-")[:21]
    ident = "-".join(part for part in (base or "event", when) if part)
    candidate, n = ident, 2
    while candidate in taken:
        candidate, n = f"{ident}-{n}", n + 1
    return candidate


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a.absolute() == b.absolute()


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False
