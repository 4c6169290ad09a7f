"""Reading one large TOML document on two cores.

Parsing is pure Python and holds the interpreter, so a 33 MB, 100,000-event document
takes one core 2.5 s (tomli's parse, then checking every field and building records).
When such a document can be cut cleanly in two, this reads the first part in this
process while a child process (``python -m tui.core.splitparse``) reads the second and
sends back its records in the parsed-data cache's encoding (marshal data, never pickle:
reading the child's answer runs no code, whatever is in it).

Cut cleanly means: the second part, from an ``[[events]]`` line to the end, holds
nothing but ``[[events]]`` tables, so each part read alone gives exactly the records
the whole would. The cut is only made when nothing can make a line mean something else:
no multi-line strings (a header-like line inside one is text), no carriage returns or
other line breaks (line numbers must agree), and every line of the second part that
starts with ``[`` is exactly ``[[events]]``. Anything else, and anything that goes
wrong (a problem in either part, a duplicate id across them, a child that fails), and
the caller reads the whole document in one piece as before, which also gives the
canonical problem messages. The answer is the same either way; only the time differs.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO

from .gcpause import gc_paused
from .model import Document
from .parsecache import Rows, decode_document, encode_document, pack_rows, unpack_rows
from .problems import DocumentError, Problem
from .reader import decode_utf8, read_toml
from .schema import ENTITY_LIMIT

# Below this a document parses in well under a second: not worth a second process.
SPLIT_MIN_SIZE = 8 * 1024 * 1024
# Where to cut, as a share of the text: the child also starts an interpreter and
# encodes its records, so this process takes a little more than half.
HEAD_SHARE = 0.6
HEADER = "\n[[events]]\n"
_INDENTED_HEADER = re.compile(r"\n[ \t]+\[")
_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
PROBLEMS = 3  # the child's exit status when its part has problems
PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent
# A child still reading after this long is stopped and the document read whole. (It
# reads at most 40% of a document of at most 1,000,000 entities: well under a minute.)
CHILD_TIMEOUT = 300.0


def split_point(text: str) -> int | None:
    """Where ``text`` can be cut into two documents that read as the whole does (the
    start of an ``[[events]]`` line), or None."""
    if '"""' in text or "'''" in text or any(ch in text for ch in _OTHER_BREAKS):
        return None
    # The first part must open the events array itself: were ``events`` defined there
    # some other way (``events = []``, ``[events]``), the whole would be invalid TOML
    # (an array of tables cannot extend it) while each part alone would read. So the
    # cut comes after the first [[events]] line.
    first = -1 if text.startswith(HEADER[1:]) else text.find(HEADER)
    if first == -1 and not text.startswith(HEADER[1:]):
        return None
    at = text.find(HEADER, max(int(len(text) * HEAD_SHARE), first + 1))
    if at == -1:
        return None
    # From the cut on: every line starting with "[" is exactly [[events]] (so no other
    # table, no sub-table of an event, no array element on a line of its own).
    if text.count("\n[", at) != text.count(HEADER, at) or _INDENTED_HEADER.search(text, at):
        return None
    return at + 1


def command() -> list[str]:
    """How the child is started (a function, so a test can start something else).

    ``-P``: the current directory is not put on the module path, so a ``tui`` package
    in whatever directory Faultline was started from (another checkout, a cloned
    dossier) is never imported in its place."""
    return [sys.executable, "-P", "-m", "tui.core.splitparse"]


def read_split(text: str, name: str, layer: str, require_format: bool = False) -> Document | None:
    """Read ``text`` in two parts at once; None when it cannot be cut, or when anything
    about the parts is not plain (the caller then reads it whole)."""
    cut = split_point(text)
    if cut is None:
        return None
    offset = text.count("\n", 0, cut)
    child = _Child(text[cut:].encode("utf-8"), name, layer, offset)
    try:
        with gc_paused():
            first = read_toml(text[:cut], name, layer=layer, require_format=require_format)
    except DocumentError:
        return None
    else:
        second = child.result()
    finally:
        child.abandon()  # a no-op once the result is taken
    if (
        second is None
        or second.sources
        or second.actors
        or second.disagreements
        or second.positions
    ):
        return None
    events = first.events + second.events
    total = first.size + len(second.events)
    seen = {event.id for event in first.events}
    if total > ENTITY_LIMIT or any(event.id in seen for event in second.events):
        return None  # read whole, these are reported as the spec says
    return Document(
        name=name,
        meta=first.meta,
        sources=first.sources,
        actors=first.actors,
        disagreements=first.disagreements,
        events=events,
        sanitised=first.sanitised + second.sanitised,
        positions=first.positions,
        notes=first.notes,
    )


def read_in_child(
    file: IO[bytes],
    name: str,
    layer: str,
    limit: int,
    keep: Callable[[Document], Document] | None = None,
) -> Document | None:
    """Read the document open in ``file`` (a regular file, at most ``limit`` bytes) in a
    child process, leaving this one's interpreter to others: the dashboard reads a saved
    data file again while it runs, and tomli, compiled, holds the interpreter for the
    whole parse (2 s at 100,000 events), which would freeze the screen. A document with
    problems raises them (DocumentError, the located messages the child found), so
    nothing is parsed here then either. None when the child failed (or found more than
    ``limit`` bytes): the caller reads the file here.

    The child reads the file itself, and its answer is read part by part
    (``CHUNK_EVENTS`` events each), each part decoded and given to ``keep``
    (``loading.Unchanged``: the objects shown for what a save left unchanged) before the
    next is read: a file read again never exists here as a second whole copy of its
    dossier, nor as bytes or text."""
    child = _Child(file, name, layer, 0, chunk=CHUNK_EVENTS, limit=limit)
    try:
        return child.result(keep)
    finally:
        child.abandon()


# ``read_in_child``'s answer comes in parts of this many events, each decoded on its own:
# one marshal.loads of 100,000 events holds the interpreter for 150 ms, a tenth of it
# 15 ms, and the dashboard draws between two.
CHUNK_EVENTS = 10_000
_CHUNK_HEAD = struct.Struct("<BQ")  # how the part is packed, and its length


class _Child:
    """The child process reading the second part while this process reads the first.

    Its input (``data`` written to one, or the caller's open file) and output are
    unnamed temporary files, not pipes: feeding or draining a pipe needs this process's
    interpreter, which the first part's parse holds (tomli is compiled and does not let
    go of it), and the child would wait for it.
    """

    def __init__(
        self,
        data: bytes | IO[bytes],
        name: str,
        layer: str,
        offset: int,
        chunk: int | None = None,
        limit: int | None = None,
    ) -> None:
        self._layer = layer
        self._chunked = chunk is not None
        self._process: subprocess.Popen[bytes] | None = None
        self._files: list[IO[bytes]] = []
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p
        )
        arguments = [name, layer, str(offset)]
        if chunk is not None:
            arguments += [str(chunk), str(limit if limit is not None else -1)]
        try:
            if isinstance(data, bytes):
                source: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
                self._files.append(source)
                source.write(data)
                source.seek(0)
            else:  # a file the caller opened (and closes): the child reads it itself
                source = data
            self._output = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
            self._files.append(self._output)
            self._process = subprocess.Popen(
                [*command(), *arguments],
                stdin=source,
                stdout=self._output,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except (OSError, ValueError, subprocess.SubprocessError):
            self._process = None

    def _close(self) -> None:
        for file in self._files:
            file.close()
        self._files.clear()

    def abandon(self) -> None:
        """Stop the child if it still runs, and let its files go."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        self._close()

    def result(self, keep: Callable[[Document], Document] | None = None) -> Document | None:
        """The child's records; None when it could not give them. A whole document read
        (``read_in_child``) with problems raises them as DocumentError, as reading it
        here would; its parts are decoded one at a time, each given to ``keep``."""
        process = self._process
        try:
            status = None if process is None else process.wait(timeout=CHILD_TIMEOUT)
            if status not in (0, PROBLEMS) or (status == PROBLEMS and not self._chunked):
                return None
            self._output.seek(0)
            if status == PROBLEMS or not self._chunked:
                output = self._output.read()
        except (OSError, subprocess.TimeoutExpired):
            return None  # the caller abandons the child and reads the document whole
        if status == PROBLEMS:
            problems = _problems_from_json(output)
            if problems is None:
                return None  # an answer that does not decode: read it here for them
            raise DocumentError(problems)
        try:
            if self._chunked:
                parts = (decode_document(rows, self._layer) for rows in _parts(self._output))
                return _joined([keep(part) if keep else part for part in parts])
            return decode_document(unpack_rows(output[0], output[1:]), self._layer)
        except Exception:  # noqa: BLE001 - output that does not decode: parse in-process
            return None


_PROBLEM_FIELDS = (("document", str), ("message", str), ("path", str), ("warning", bool))


def _problems_json(problems: list[Problem]) -> bytes:
    """A document's problems as the child sends them back (JSON: reading it runs no code)."""
    return json.dumps([dataclasses.asdict(problem) for problem in problems]).encode("utf-8")


def _problems_from_json(output: bytes) -> list[Problem] | None:
    """The problems the child sent, or None if the answer is not a list of them."""
    try:
        items = json.loads(output)
    except ValueError:
        return None
    if not isinstance(items, list) or not items:
        return None
    problems = []
    for item in items:
        if not isinstance(item, dict):
            return None
        if not all(isinstance(item.get(key), kind) for key, kind in _PROBLEM_FIELDS):
            return None
        place = [item.get("line"), item.get("column")]
        if not all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in place):
            return None
        fields = (item["document"], item["message"], item["path"], *place, item["warning"])
        problems.append(Problem(*fields))
    return problems


def _parts(output: IO[bytes]) -> Iterator[Rows]:
    """The rows of each part of a chunked answer, read from ``output`` one at a time."""
    while head := output.read(_CHUNK_HEAD.size):
        how, size = _CHUNK_HEAD.unpack(head)
        payload = output.read(size)
        if len(payload) != size:
            raise ValueError("the answer ends inside a part")
        yield unpack_rows(how, payload)
        del payload


def _joined(parts: list[Document]) -> Document:
    """One document from its parts: the first holds all but its later events."""
    first, *rest = parts
    return replace(first, events=first.events + tuple(e for part in rest for e in part.events))


def _split(document: Document, chunk: int) -> list[Document]:
    """``document`` as parts of at most ``chunk`` events, the first holding the rest."""
    events = document.events
    first = replace(document, events=events[:chunk])
    rest = [Document(name=document.name, events=events[i : i + chunk])
            for i in range(chunk, len(events), chunk)]  # fmt: skip
    return [first, *rest]


def _child_main(argv: list[str]) -> int:
    """In the child: read a part from stdin, write its records to stdout."""
    name, layer, offset = argv[0], argv[1], int(argv[2])
    chunk = int(argv[3]) if len(argv) > 3 else None  # read_in_child: the answer in parts
    limit = int(argv[4]) if len(argv) > 4 else -1  # read_in_child: the largest file read
    box = [sys.stdin.buffer.read(limit + 1 if limit >= 0 else -1)]
    if 0 <= limit < len(box[0]):
        return 1  # grown past the limit: the parent reads it, and says so
    try:
        text = decode_utf8(box, name)  # a byte order mark dropped, as a read here does
        with gc_paused():
            document = read_toml(text, name, layer=layer, offset=offset)
    except DocumentError as error:
        if chunk:  # read_in_child: the problems go back, so the parent need not read it
            sys.stdout.buffer.write(_problems_json(error.problems))
            sys.stdout.buffer.flush()
        return PROBLEMS
    del text
    out = sys.stdout.buffer
    for part in _split(document, chunk) if chunk else [document]:
        rows = encode_document(part, layer)
        if rows is None:
            return 1
        try:
            how, payload = pack_rows(rows)
        except ValueError:  # a value marshal cannot hold: the parent reads it itself
            return 1
        # Chunked: each part's packing and length, then its rows; else one byte saying
        # how, then the rows.
        out.write(_CHUNK_HEAD.pack(how, len(payload)) if chunk else bytes((how,)))
        out.write(payload)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
