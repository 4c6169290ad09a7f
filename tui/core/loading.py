"""Loading data paths: files found and read (through the parsed-data cache, and on two
cores when large), each data path made a layer, the layers merged.

Reading one document's text is the reader's (``reader.py``); splitting a large one
``splitparse.py``'s; merging layers ``merge.py``'s. This module decides which of them
runs, and refuses what cannot be read safely (too large, not a regular file) before it
is opened.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterable
from dataclasses import replace
from pathlib import Path
from stat import S_ISREG
from typing import BinaryIO

from .gcpause import gc_paused
from .merge import Dataset, Layer, check_layer, merge
from .model import Citation, Disagreement, Document, Entity, Kind, Position
from .parsecache import ParsedCache
from .problems import DocumentError, Problem
from .schema import MAX_DOCUMENT_SIZE
from .text import counted

# Parsed in a child process when ``isolate`` is asked for: below this a parse holds the
# interpreter for less than a frame's worth (1 MB of TOML: about 60 ms).
ISOLATE_MIN_SIZE = 1024 * 1024


def guess_format(name: str, content_type: str | None = None) -> str | None:
    """'toml' or 'json' from a file name or URL and, for feeds, a content type."""
    lowered = name.lower().split("?", 1)[0].split("#", 1)[0]
    if content_type:
        ctype = content_type.split(";", 1)[0].strip().lower()
        if ctype in ("application/json", "text/json") or ctype.endswith("+json"):
            return "json"
        if ctype in ("application/toml", "text/toml"):
            return "toml"
        if lowered.endswith(".toml"):  # spec: any type when the URL ends in .toml
            return "toml"
        return None
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith(".toml"):
        return "toml"
    return None


def read_bytes(
    data: bytes,
    name: str,
    fmt: str,
    *,
    layer: str | None = None,
    require_format: bool = False,
) -> Document:
    """Read one document; raise DocumentError naming ``name`` if anything is wrong."""
    with gc_paused():
        return _read_bytes([data], name, fmt, layer=layer, require_format=require_format)


def _read_bytes(
    box: list[bytes],
    name: str,
    fmt: str,
    *,
    layer: str | None,
    require_format: bool,
    keep: Unchanged | None = None,
) -> Document:
    """Read the bytes in ``box`` (taken out, so that a caller holding no other reference
    lets them go once decoded); the parsed tables are consumed as records are built.
    ``keep``: the entities the document left unchanged are the objects read before."""
    # Imported here: a start from the parsed-data cache reads no text (the reader, its
    # fast TOML path and column checks are 13 ms of imports).
    from . import splitparse
    from .reader import decode_utf8, read_json, read_toml

    if fmt == "toml":
        text = decode_utf8(box, name)
        if len(text) >= splitparse.SPLIT_MIN_SIZE:
            # A large document is read in two parts at once, when it can be cut cleanly.
            document = splitparse.read_split(text, name, layer or name, require_format)
            if document is not None:
                return keep(document) if keep else document
        document = read_toml(text, name, layer=layer or name, require_format=require_format)
        return keep(document) if keep else document
    if fmt == "json":
        document = read_json(box, name, layer=layer or name, require_format=require_format)
        return keep(document) if keep else document
    raise DocumentError([Problem(name, f"unknown document format {fmt!r} (toml or json)")])


def read_file(
    path: Path,
    *,
    layer: str | None = None,
    cache: ParsedCache | None = None,
    max_size: int = MAX_DOCUMENT_SIZE,
    isolate: bool = False,
    previous: Document | None = None,
) -> Document:
    """Read one document file, through the parsed-data cache when one is given; a file
    of more than ``max_size`` bytes is refused before it is opened. ``isolate``: parse
    a TOML document of ``ISOLATE_MIN_SIZE`` bytes or more in a child process (which
    reads the file itself), so that this one's other threads (the dashboard's) keep
    running. ``previous``: the file's document as read before a save, whose
    objects are kept for every entity the save left unchanged (``Unchanged``)."""
    name = str(path)
    layer = layer or name
    fmt = guess_format(name)
    if fmt is None:
        raise DocumentError([Problem(name, "not a .toml or .json document")])
    try:
        stat = path.stat()
        if not S_ISREG(stat.st_mode):  # a FIFO or device would block or never end
            raise DocumentError([Problem(name, "is not a regular file")])
        if stat.st_size > max_size:
            raise DocumentError([Problem(name, _too_large(f"is {_bytes(stat.st_size)}", max_size))])
        keep = Unchanged(previous) if previous is not None else None
        if cache is not None and (cached := cache.get(path, layer, stat)) is not None:
            return keep(cached) if keep else cached
        if isolate and fmt == "toml" and stat.st_size >= ISOLATE_MIN_SIZE:
            from . import splitparse

            with _open_regular(path, name) as file:
                isolated = splitparse.read_in_child(file, name, layer, max_size, keep)
            if isolated is not None:
                if cache is not None:
                    cache.put(path, layer, stat, isolated)
                return isolated
        box = [_read_at_most(path, name, stat.st_size, max_size)]
    except OSError as error:
        raise DocumentError([Problem(name, f"cannot be read: {error.strerror or error}")]) from None
    # Paused, the collector would leave every record built here to its next young
    # collection, which would walk them all at once, holding the interpreter (a second at
    # 100,000 events). Isolated reads run beside a UI: collected as they go, they cost
    # more in all but never hold it long.
    with gc_paused() if not isolate else contextlib.nullcontext():
        document = _read_bytes(box, name, fmt, layer=layer, require_format=False, keep=keep)
    if cache is not None:
        cache.put(path, layer, stat, document)
    return document


def _read_at_most(path: Path, name: str, size: int, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, which stat said holds ``size`` bytes;
    refused if it holds more than ``limit``, even when it grew since stat. Opened without
    blocking: a FIFO swapped in after stat would otherwise wait for a writer."""
    with _open_regular(path, name) as file:
        chunks: list[bytes] = []
        total = 0
        want = size + 1  # one read of the expected size (and one more to see the end)
        while total <= limit:
            chunk = file.read(want)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            want = min(1 << 20, limit + 1 - total)
    grew = f"grew past {_bytes(limit)} while being read"
    raise DocumentError([Problem(name, _too_large(grew, limit))])


def _open_regular(path: Path, name: str) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file. Opened without blocking: a
    FIFO swapped in after stat would otherwise wait for a writer."""
    file = open(path, "rb", buffering=0, opener=_open_nonblocking)  # noqa: SIM115 - returned
    if not S_ISREG(os.fstat(file.fileno()).st_mode):
        file.close()
        raise DocumentError([Problem(name, "is not a regular file")])
    return file


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)


def _too_large(what: str, limit: int) -> str:
    return (
        f"{what}; a local document may be at most {_bytes(limit)}: "
        "raise data.max_size in the config file to read it"
    )


def _bytes(size: int) -> str:
    """``5,000 bytes (4.9 KiB)``, ``536,870,912 bytes (512 MiB)``."""
    if size < 1024:
        return counted(size, "byte")
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):  # noqa: B007 - used after the loop
        value /= 1024
        if value < 1024:
            break
    return f"{size:,} bytes ({value:.{1 if value < 10 else 0}f} {unit})"


class Unchanged:
    """A document read again after a save, with every entity the save left as it was
    (equal in every field, extension values and origin included) replaced by the very
    object read before (``previous``). A save usually changes a few entities of many:
    the dossier shown then keeps its long-lived objects and the copies just read are
    freed at once, instead of a whole second dossier taking their place (which the
    allocator could not give back: at 100,000 events, 35 MB more resident after each
    save). Comparing takes 0.2 s per 100,000 events, in the reading worker. Called on
    a whole document, or on each part of one as it is decoded."""

    def __init__(self, previous: Document) -> None:
        self.previous = {
            kind: {entity.id: entity for entity in previous.entities(kind)} for kind in Kind
        }

    def __call__(self, fresh: Document) -> Document:
        kinds: dict[str, tuple[Entity, ...]] = {}
        for kind in Kind:
            old = self.previous[kind]
            kinds[kind.value] = tuple(
                kept if (kept := old.get(e.id)) is not None and _same(kept, e) else e
                for e in fresh.entities(kind)
            )
        return replace(fresh, **kinds)  # type: ignore[arg-type]


def _same(a: Entity, b: Entity) -> bool:
    """Equal, and in what equality leaves out too (origins, extension values)."""
    return a == b and _unequalled(a) == _unequalled(b)


def _unequalled(entity: Entity | Position | Citation) -> tuple[object, ...]:
    """The fields equality leaves out, down through positions and citations; extension
    values by ``repr`` (``1 == True``, but a save that changes one to the other is news)."""
    extra = entity.extra
    out: list[object] = [repr(extra) if extra else None]
    if not isinstance(entity, Citation):
        out += (entity.origin, entity.replaced)
    if isinstance(entity, Position):
        out.append(entity.disagreement)
    for n, citation in enumerate(getattr(entity, "sources", ())):
        if citation.extra:
            out.append((n, _unequalled(citation)))
    if isinstance(entity, Disagreement):
        out += map(_unequalled, entity.positions)
    return tuple(out)


def document_files(path: Path) -> list[Path]:
    """The documents of a data path: the file itself, or every *.toml under a directory
    in sorted path order (spec: "A data directory")."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*.toml") if p.is_file())
    return [path]


def size_within(paths: Iterable[Path], limit: int) -> bool:
    """Whether the documents of ``paths`` (``document_files``) total at most ``limit``
    bytes. Stops counting once over; a path that cannot be listed or measured counts as
    over (reading it will say what is wrong); a missing one as empty."""
    total = 0
    for path in paths:
        try:
            if not path.exists():
                continue
            for file in document_files(path):
                total += file.stat().st_size
                if total > limit:
                    return False
        except (OSError, ValueError):
            return False
    return True


def read_layer(
    path: Path | str,
    cache: ParsedCache | None = None,
    max_size: int = MAX_DOCUMENT_SIZE,
    *,
    isolate: bool = False,
    previous: Layer | None = None,
    unchanged: Collection[str] = (),
) -> Layer:
    """Read a local data path: one document, or every *.toml under a directory (each
    refused unread if over ``max_size`` bytes). ``isolate``: large documents are parsed
    in a child process (``_read_bytes``), for a reader sharing the interpreter with a UI.
    ``previous``: the layer as read before, whose objects are kept for what a save left
    unchanged (``read_file``). ``unchanged``: files known not to have changed since
    ``previous`` was read, whose documents in it are taken as they are, unread (one
    saved part of a data directory of ten is read again, not all ten)."""
    path = Path(path)
    name = str(path)
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return Layer(name, problems=(Problem(name, "no such file or directory"),))
    except (OSError, ValueError) as error:  # a name too long, a loop of links, a NUL byte
        reason = getattr(error, "strerror", None) or "not a usable path"
        return Layer(name, problems=(Problem(name, f"cannot be read: {reason}"),))
    documents: list[Document] = []
    problems: list[Problem] = []
    try:
        files = document_files(path)
    except OSError as error:
        return Layer(
            name, problems=(Problem(name, f"cannot be listed: {error.strerror or error}"),)
        )
    before = {d.name: d for d in previous.documents} if previous is not None else {}
    for file in files:
        kept = before.get(str(file)) if str(file) in unchanged else None
        if kept is not None:
            documents.append(kept)
            continue
        try:
            documents.append(
                read_file(
                    file,
                    layer=name,
                    cache=cache,
                    max_size=max_size,
                    isolate=isolate,
                    previous=before.get(str(file)),
                )
            )
        except DocumentError as error:
            problems.extend(error.problems)
    return check_layer(name, documents, problems)


def load(
    paths: Iterable[Path | str],
    extra_layers: Iterable[Layer] = (),
    cache: ParsedCache | None = None,
    max_size: int = MAX_DOCUMENT_SIZE,
) -> Dataset:
    """Read every local data path, add the given (feed) layers after them, and merge."""
    return merge([*(read_layer(p, cache, max_size) for p in paths), *extra_layers])
