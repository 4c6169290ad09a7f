"""Importers: GDELT 2.0, ACLED and PLOVER files become faultline/1 documents.

One module per source (``gdelt``, ``acled``, ``plover``), each reading rows one at a
time into an ``ImportedDocument``; ``cameo`` holds the CAMEO codes and their PLOVER types;
``common`` what they share (inputs, bad rows, filters, the map file, the document).
The command is ``faultline import``; nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ..gcpause import gc_paused
from .common import (
    IMPORT_MARK,
    ImportedDocument,
    ImportFailure,
    Options,
    Tally,
    TextInput,
    clean,
    open_inputs,
    shown_inputs,
)

__all__ = ["SOURCES", "ImportFailure", "ImportedDocument", "Options", "Tally", "import_files"]

SOURCES = ("gdelt", "acled", "plover")


class Importer(Protocol):
    what: str

    def member(self, name: str) -> bool: ...

    def read(self, source: TextInput) -> None: ...


def _importer(source: str, options: Options, tally: Tally, imported: ImportedDocument) -> Importer:
    if source == "gdelt":
        from .gdelt import GdeltImporter

        return GdeltImporter(options, tally, imported)
    if source == "acled":
        from .acled import AcledImporter

        return AcledImporter(options, tally, imported)
    if source == "plover":
        from .plover import PloverImporter

        return PloverImporter(options, tally, imported)
    raise ImportFailure(f"unknown source {source!r} (one of {', '.join(SOURCES)})")


TITLES = {
    "gdelt": "GDELT 2.0 events",
    "acled": "ACLED events",
    "plover": "PLOVER events",
}


def import_files(
    source: str,
    inputs: Sequence[str],
    options: Options,
    tally: Tally,
    *,
    max_size: int,
    timeout: float,
) -> ImportedDocument:
    """Read every input (path or URL) of one source into a new document. Raises
    ``ImportFailure`` for an input that cannot be read or is of the wrong kind."""
    meta: dict[str, Any] = {
        "title": f"{TITLES.get(source, source)} imported",
        "summary": clean(f"{IMPORT_MARK}{source} from " + shown_inputs(inputs)),
    }
    imported = ImportedDocument(meta)
    importer = _importer(source, options, tally, imported)
    with gc_paused():  # rows make many small objects and no cycles (see gcpause)
        for spec in inputs:
            for text in open_inputs(
                spec, member=importer.member, what=importer.what, max_size=max_size,
                timeout=timeout,
            ):  # fmt: skip
                importer.read(text)
    return imported
