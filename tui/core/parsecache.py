"""A cache of parsed, checked documents, so reopening an unchanged dossier skips TOML.

Each entry is keyed by the file's path and layer and is valid only while the file's
size, mtime, ctime and inode are unchanged. Entries live in the user cache dir, are
written atomically and are safe to delete; any entry that cannot be read is ignored
and rewritten. Only documents that read without errors are cached.

Entries are pickles: they are read only from the user's own cache directory, which is
as trusted as the user's own files.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

from .. import __version__
from .atomic import write_atomic
from .dates import EDate
from .model import Actor, Citation, Disagreement, Document, Event, Meta, Origin, Position, Source


def _schema() -> str:
    """Changes whenever the model's records change shape, so old entries are ignored."""
    shapes = ";".join(
        f"{cls.__name__}:{','.join(cls.__dataclass_fields__)}"
        for cls in (Document, Meta, Source, Actor, Disagreement, Position, Event, Citation, Origin, EDate)
    )
    digest = hashlib.sha256(shapes.encode()).hexdigest()[:16]
    return f"faultline-parsed/1 {__version__} py{sys.version_info[0]}.{sys.version_info[1]} {digest}"


SCHEMA = _schema()
MIN_SIZE = 256 * 1024  # smaller documents parse in a few milliseconds: not worth a file


def _fingerprint(stat: os.stat_result) -> tuple[int, int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class ParsedCache:
    def __init__(self, directory: Path, *, min_size: int = MIN_SIZE) -> None:
        self.directory = Path(directory) / "parsed"
        self.min_size = min_size

    def entry(self, path: Path, layer: str) -> Path:
        key = hashlib.sha256(f"{Path(path).resolve()}\0{layer}".encode()).hexdigest()[:32]
        return self.directory / f"{key}.pickle"

    def get(self, path: Path, layer: str, stat: os.stat_result) -> Document | None:
        if stat.st_size < self.min_size:
            return None
        from .reader import gc_paused  # the reader imports this module

        try:
            with open(self.entry(path, layer), "rb") as handle:
                header = pickle.load(handle)
                if header[:4] != (SCHEMA, str(path), layer, _fingerprint(stat)):
                    return None
                payload = handle.read()
            if hashlib.sha256(payload).hexdigest() != header[4]:
                return None  # damaged on disk: read the document afresh
            with gc_paused():
                document = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - whatever is wrong with an entry, it is only a miss
            return None
        return document if isinstance(document, Document) else None

    def put(self, path: Path, layer: str, stat: os.stat_result, document: Document) -> None:
        if stat.st_size < self.min_size:
            return
        try:
            if _fingerprint(os.stat(path)) != _fingerprint(stat):
                return  # changed while it was read: the next start reads it afresh
            payload = pickle.dumps(document, protocol=5)
            digest = hashlib.sha256(payload).hexdigest()
            header = pickle.dumps((SCHEMA, str(path), layer, _fingerprint(stat), digest))
            write_atomic(self.entry(path, layer), header + payload)
        except (OSError, pickle.PicklingError, RecursionError):
            pass  # a cache that cannot be written only costs the next start some time
