"""A cache of parsed, checked documents, so reopening an unchanged dossier skips TOML.

Each entry is keyed by the file's path and layer and is valid only while the file's
size, mtime, ctime and inode are unchanged. Entries live in the user cache dir, are
written atomically and are safe to delete; any entry that cannot be read is ignored
and rewritten. Only documents that read without errors are cached.

An entry holds the document's records as columns of plain values (strings, numbers,
tuples) in ``marshal`` format, with every date, citation list and extension table
stored once and referred to by number. Reading one back rebuilds the records without
checking them again (they were checked when the file was read) and without calling
their constructors: a precompiled function per record type creates each object and
fills its slots directly. The events come with their timeline's order (the numbers of
the events as the timeline sorts them, ``merge.OrderedEvents``), so that a start from the
cache does not sort them again; an order that is not one of the events' is a miss. A
100,000-event dossier comes back in under a fifth of the time ``tomli`` takes to parse
it. A checksum catches damage.

Nothing read back can run code: entries are ``marshal`` data only, never ``pickle``
(TOML dates and times in extension values, which marshal has no type for, are stored as
tagged tuples and rebuilt). And since what comes back is shown as the user's own data,
entries are only read from, and written to, a directory that belongs to the user and
that no one else may write (created with mode 0700); any other is not used, and
``warning`` says why.
"""

from __future__ import annotations

import datetime
import hashlib
import marshal
import os
import struct
import sys
import zlib
from array import array
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields
from itertools import repeat
from pathlib import Path
from typing import Any

from .. import __version__
from .atomic import write_atomic
from .dates import EDate, Precision
from .gcpause import gc_paused
from .merge import OrderedEvents, timeline_order
from .model import (
    EMPTY_EXTRA,
    Actor,
    Citation,
    Disagreement,
    Document,
    Event,
    Extras,
    Meta,
    Origin,
    Position,
    Source,
)
from .paths import NotPrivate, check_private, private_dir
from .problems import Problem

RECORDS = (Document, Meta, Source, Actor, Disagreement, Position, Event, Citation, Origin, EDate)


def _schema() -> str:
    """Changes whenever the model's records change shape, so old entries are ignored.

    The number is raised by hand when the reader's rules change (5: every bidi control
    removed, duplicate keys and invisible names refused; 6: top-level positions, quote,
    actor kind company; 7: repeated values stored once, as the reader now shares them;
    8: the events' timeline order stored with them), since an entry holds a document as
    those rules read it."""
    shapes = ";".join(f"{cls.__name__}:{','.join(cls.__dataclass_fields__)}" for cls in RECORDS)
    digest = hashlib.sha256(shapes.encode()).hexdigest()[:16]
    python = f"py{sys.version_info[0]}.{sys.version_info[1]}"
    return f"faultline-parsed/8 {__version__} {python} {digest}"


SCHEMA = _schema()
MIN_SIZE = 256 * 1024  # smaller documents parse in a few milliseconds: not worth a file
SUFFIX = ".parsed"
# How the payload is stored: marshal as it is, or marshal with the TOML dates and times
# in extension values as tagged tuples. (2 was pickle, once: never read again.)
_PLAIN, _DATED = 1, 3
_PREFIX = struct.Struct("<II")  # the header's length and checksum

# The rows are plain values for marshal, in many shapes, and marshal gives them back
# untyped: these names say which shape is meant (Any inside is what marshal returns).
Rows = tuple[Any, ...]  # one document: name, sanitised, meta, the shared tables, the kinds
Row = tuple[Any, ...]  # one record's, one date's or one citation's stored fields
Encoded = tuple[int, list[Any]]  # one record type's (count, columns): see _columns
Encoder = Callable[[Sequence[Any], "_EncodeTables"], Encoded]
Decoder = Callable[[Encoded, "_DecodeTables"], tuple[Any, ...]]


def _fingerprint(stat: os.stat_result) -> tuple[int, int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class ParsedCache:
    """Parsed documents on disk, keyed by path, layer and the file's size and times.

    With ``defer``, ``put`` only remembers what to write and ``flush`` writes it: the
    dashboard shows a freshly parsed dossier first and writes its cache afterwards
    (encoding 100,000 events takes a quarter of a second).
    """

    def __init__(self, directory: Path, *, min_size: int = MIN_SIZE, defer: bool = False) -> None:
        self.root = Path(directory)
        self.directory = self.root / "parsed"
        self.min_size = min_size
        self.defer = defer
        self.pending: list[tuple[Path, str, os.stat_result, Document]] = []
        self.warning: str | None = None  # why the cache is not used, for people

    def _usable(self, *, create: bool) -> bool:
        """Whether entries may be read here (and, with ``create``, written): the cache dir
        and its ``parsed`` dir are the user's own and private. Once refused, never used."""
        if self.warning is not None:
            return False
        try:
            return private_dir(self.root, create=create) and private_dir(
                self.directory, create=create
            )
        except NotPrivate as error:
            self.warning = f"cache not used: {error}"
            return False

    def entry(self, path: Path, layer: str) -> Path:
        key = hashlib.sha256(f"{Path(path).resolve()}\0{layer}".encode()).hexdigest()[:32]
        return self.directory / f"{key}{SUFFIX}"

    def get(self, path: Path, layer: str, stat: os.stat_result) -> Document | None:
        if stat.st_size < self.min_size:
            return None
        if not self._usable(create=False):
            return None
        entry = self.entry(path, layer)
        try:
            with open(entry, "rb") as handle:
                check_private(entry, os.fstat(handle.fileno()))
                length, checksum = _PREFIX.unpack(handle.read(_PREFIX.size))
                header = handle.read(length)
                if len(header) != length or zlib.crc32(header) != checksum:
                    return None
                header = marshal.loads(header)
                if header[:4] != (SCHEMA, str(path), layer, _fingerprint(stat)):
                    return None
                how, size, checksum = header[4:]
                payload = handle.read()
            if len(payload) != size or zlib.crc32(payload) != checksum:
                return None  # damaged on disk: read the document afresh
            with gc_paused():
                return decode_document(unpack_rows(how, payload), layer)
        except NotPrivate as error:
            self.warning = self.warning or f"cache not used: {error}"  # nor any other entry
            return None
        except Exception:  # noqa: BLE001 - an entry that does not decode is a miss
            return None

    def put(self, path: Path, layer: str, stat: os.stat_result, document: Document) -> None:
        if stat.st_size < self.min_size:
            return
        if self.defer:
            self.pending.append((path, layer, stat, document))
            return
        self._store(path, layer, stat, document)

    def flush(self, timeline: Sequence[Event] = ()) -> None:
        """Write what ``put`` deferred. ``timeline``: the merged dataset's (the app's,
        sorted already), from which each document's own timeline order is taken rather
        than sorted again (one Python pass, which holds the interpreter in no long call,
        where a sort of 100,000 events holds it 40-80 ms)."""
        if not self.pending:  # (every refresh's indexing ends here: nothing to walk for)
            return
        orders = _orders_within([d for *_, d in self.pending], timeline) if timeline else {}
        while self.pending:
            path, layer, stat, document = self.pending.pop(0)
            self._store(path, layer, stat, document, orders.pop(id(document), None))

    def _store(
        self,
        path: Path,
        layer: str,
        stat: os.stat_result,
        document: Document,
        order: Sequence[int] | None = None,
    ) -> None:
        try:
            if _fingerprint(os.stat(path)) != _fingerprint(stat):
                return  # changed while it was read: the next start reads it afresh
            # Paused: the rows are many small objects, and every collection they set off
            # would walk the whole document just read (which is still young).
            with gc_paused():
                rows = encode_document(document, layer, order)
                if rows is None:
                    return
                how, payload = pack_rows(rows)
                del rows
            key = (SCHEMA, str(path), layer, _fingerprint(stat))
            header = marshal.dumps((*key, how, len(payload), zlib.crc32(payload)))
            prefix = _PREFIX.pack(len(header), zlib.crc32(header))
            if self._usable(create=True):
                # The directory is private (``_usable``). Not fsynced, unlike the feed
                # cache: an entry lost or cut short by a crash fails its length or
                # checksum and only costs one slower start.
                write_atomic(self.entry(path, layer), (prefix, header, payload), fsync=False)
        except (OSError, ValueError, RecursionError):
            pass  # a cache that cannot be written only costs the next start some time


def pack_rows(rows: Rows) -> tuple[int, bytes]:
    """Encoded rows as marshal bytes, and how (``unpack_rows`` needs it). Extension values
    holding TOML dates or times, for which marshal has no type, are tagged tuples there
    (no extension value is otherwise a tuple). ValueError: a value none of this can hold."""
    try:
        return _PLAIN, marshal.dumps(rows)
    except ValueError:
        pass
    name, sanitised, meta, date_rows, cite_rows, extras, kinds = rows
    tagged = [None, *(_tag_dates(extra) for extra in extras[1:])]
    return _DATED, marshal.dumps((name, sanitised, meta, date_rows, cite_rows, tagged, kinds))


def unpack_rows(how: int, payload: bytes) -> Rows:
    """The rows ``pack_rows`` gave ``how`` and ``payload`` for. Only marshal is read."""
    if how == _PLAIN:
        rows: Rows = marshal.loads(payload)
        return rows
    if how == _DATED:
        name, sanitised, meta, date_rows, cite_rows, tagged, kinds = marshal.loads(payload)
        extras = [None, *(_untag_dates(extra) for extra in tagged[1:])]
        return (name, sanitised, meta, date_rows, cite_rows, extras, kinds)
    raise ValueError(f"unknown payload kind {how!r}")


def _tag_dates(value: Any) -> Any:
    """``value`` with each TOML date, time and date-time as a tagged tuple of numbers."""
    kind = type(value)
    if kind is dict:
        return {key: _tag_dates(item) for key, item in value.items()}
    if kind is list:
        return [_tag_dates(item) for item in value]
    if kind is datetime.datetime:
        fields = (value.year, value.month, value.day, value.hour, value.minute, value.second)
        return ("datetime", *fields, value.microsecond, _offset(value.tzinfo), value.fold)
    if kind is datetime.date:
        return ("date", value.year, value.month, value.day)
    if kind is datetime.time:
        if value.tzinfo is not None:
            raise ValueError("a time with a time zone")  # TOML has none: not cached
        return ("time", value.hour, value.minute, value.second, value.microsecond, value.fold)
    return value


def _offset(zone: datetime.tzinfo | None) -> tuple[int, int, int] | None:
    """A fixed UTC offset as (days, seconds, microseconds); ValueError for anything a
    rebuilt ``datetime.timezone`` would not equal exactly."""
    if zone is None:
        return None
    offset = zone.utcoffset(None) if type(zone) is datetime.timezone else None
    if offset is None or str(datetime.timezone(offset)) != str(zone):
        raise ValueError("a time zone other than a fixed offset")
    return (offset.days, offset.seconds, offset.microseconds)


def _untag_dates(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: _untag_dates(item) for key, item in value.items()}
    if kind is list:
        return [_untag_dates(item) for item in value]
    if kind is tuple:
        tag, *parts = value
        if tag == "datetime":
            year, month, day, hour, minute, second, micro, offset, fold = parts
            zone = None if offset is None else datetime.timezone(datetime.timedelta(*offset))
            return datetime.datetime(year, month, day, hour, minute, second, micro, zone, fold=fold)
        if tag == "date":
            return datetime.date(*parts)
        if tag == "time":
            *fields, fold = parts
            return datetime.time(*fields, fold=fold)
        raise ValueError(f"unknown tag {tag!r}")
    return value


# -- records as columns ---------------------------------------------------------------------------
#
# Each record becomes a row of its fields in declaration order, except that a date is
# the number of its row in the dates table (0: none), a citation list the number of its
# row in the citations table (0: none), an extension table its number in the extras
# list (0: none), an origin its line (the layer and document are the entry's own), and
# ``replaced`` is left out (always None in a document). Positions nest in their
# disagreement's row. The rows of one record type are stored as columns (see
# ``_columns``). The functions that convert are generated from the dataclass
# fields, so a field added to a record is carried without a change here (the schema
# digest changes with it, retiring old entries).

DATE_FIELDS = frozenset({"date", "published", "since", "as_of"})


def _codec(cls: type, name: str) -> str:
    if name == "id" and cls is Event:
        return "uninterned"
    if name == "origin":
        return "origin"
    if name == "replaced":
        return "none"
    if name == "extra":
        return "extra"
    if name == "sources" and cls is not Document:
        return "cites"
    if name == "positions":
        return "positions"
    if name in DATE_FIELDS:
        return "date"
    return "plain"


class _Uncacheable(Exception):
    """A record this format cannot hold exactly (an origin from elsewhere): not cached."""


def _compile(source: str, name: str, namespace: dict[str, Any]) -> Callable[..., Any]:
    # ``source`` is made from the record classes' own field names, at import: nothing read
    # from a cache entry or a document ever reaches exec.
    exec(compile(source, f"<parsecache {name}>", "exec"), namespace)
    compiled: Callable[..., Any] = namespace[name]
    return compiled


# How each codec's field is written (``{v}``: the field), in the generated encoder
# below (``_decoder`` reads each codec's column back). The "none" codec is not stored:
# encoding checks the field is None, decoding sets None.
_ENCODE_FIELD = {
    "plain": "{v}",
    "uninterned": "uninterned({v})",
    "date": "date({v})",
    "cites": "cites({v})",
    "extra": "extra({v})",
    "positions": "positions({v}, tables)",
    "origin": "line({v})",
}


def _encoder(cls: type) -> Encoder:
    """``encode(records, tables) -> (count, columns)`` for one record type."""
    stored = ", ".join(
        _ENCODE_FIELD[codec].format(v=f"o.{f.name}")
        for f in fields(cls)
        if (codec := _codec(cls, f.name)) != "none"
    )
    checks = "".join(
        f"        if o.{f.name} is not None:\n            raise Uncacheable\n"
        for f in fields(cls)
        if _codec(cls, f.name) == "none"
    )
    source = (
        f"def encode(records, tables):\n"
        f"    date, cites, extra, line = tables.date, tables.cites, tables.extra, tables.line\n"
        f"    positions = POSITIONS\n"
        f"    rows = []\n"
        f"    append = rows.append\n"
        f"    for o in records:\n"
        f"{checks}"
        f"        append(({stored},))\n"
        f"    return columns(rows)\n"
    )
    namespace = {
        "Uncacheable": _Uncacheable,
        "POSITIONS": _encode_positions,
        "columns": _columns,
        "uninterned": _uninterned,
    }
    return _compile(source, "encode", namespace)


def _uninterned(text: str) -> str:
    """An equal string that is not interned. The reader interns ids, and marshal stores an
    interned string as one, which loading interns again: a lookup and an insertion in
    the interpreter's table per string, 15-20 ms for 100,000 event ids, for nothing (no
    record refers to an event by its id object; a reference to an actor does, so actor
    ids stay interned)."""
    return (text + ".")[:-1]


def _columns(rows: list[Row]) -> Encoded:
    """Rows turned into columns, (count, columns): a column holding one value throughout is
    stored as ``[value]``, any other as a tuple. Columns are fewer objects to marshal than
    rows, and a constant one (every ``date_text`` None, say) costs nothing to read."""
    columns: list[Any] = []
    for column in zip(*rows, strict=True):
        first = column[0]
        columns.append([first] if column.count(first) == len(column) and _atomic(first) else column)
    return len(rows), columns


def _atomic(value: object) -> bool:
    """Equal only to itself among a column's values, and immutable: None, a string, ().
    (Not numbers: 1 == True == 1.0, and one would stand for the others.)"""
    return value is None or type(value) is str or (type(value) is tuple and not value)


def _decoder(cls: type) -> Decoder:
    """``decode((count, columns), tables) -> tuple of records``: every object made with
    ``__new__``, then each slot set column by column through its descriptor, every step
    a C-level ``map``: no Python step per record or per field (as unpickling would be,
    minus everything else unpickling does)."""
    # (slot setter, codec, column number)
    plan: list[tuple[Callable[[Any, Any], None], str, int]] = []
    column = 0
    for f in fields(cls):
        codec = _codec(cls, f.name)
        plan.append((getattr(cls, f.name).__set__, codec, column if codec != "none" else -1))
        if codec != "none":
            column += 1
    set_layer, set_document, set_line = (
        getattr(Origin, n).__set__ for n in ("layer", "document", "line")
    )

    def decode(encoded: Encoded, tables: _DecodeTables) -> tuple[Any, ...]:
        count, columns = encoded
        if not count:
            return ()  # no rows, no columns
        objects: list[Any] = list(map(_new, repeat(cls, count)))
        for setter, codec, number in plan:
            if codec == "none":
                values: Any = repeat(None, count)
            else:
                stored = columns[number]
                values = repeat(stored[0], count) if type(stored) is list else stored
                if codec == "date":
                    values = map(tables.dates.__getitem__, values)
                elif codec == "cites":
                    values = map(tables.cites.__getitem__, values)
                elif codec == "extra":
                    values = map(tables.extras.__getitem__, values)
                elif codec == "positions":
                    values = map(_decode_positions, values, repeat(tables))
                elif codec == "origin":
                    if type(stored) is list and stored[0] == -1:
                        values = repeat(None, count)  # nested positions: no origin
                    else:
                        lines = list(values)
                        origins: list[Origin | None] = list(map(_new, repeat(Origin, count)))
                        _consume(map(set_layer, origins, repeat(tables.layer)))
                        _consume(map(set_document, origins, repeat(tables.name)))
                        _consume(map(set_line, origins, lines))
                        if -1 in lines:
                            origins = [
                                None if n == -1 else o for o, n in zip(origins, lines, strict=True)
                            ]
                        values = origins
            _consume(map(setter, objects, values))
        return tuple(objects)

    return decode


_new = object.__new__


def _consume(iterator: Iterator[Any]) -> None:
    deque(iterator, maxlen=0)


class _EncodeTables:
    """While encoding: each distinct date, citation list and extension table, numbered."""

    def __init__(self, layer: str, name: str) -> None:
        self.layer, self.name = layer, name
        self.dates: dict[str, int] = {}
        self.date_rows: list[Row | None] = [None]
        self.cite_numbers: dict[Row, int] = {(): 0}
        self.cite_rows: list[Row] = [()]
        self.extras: list[dict[str, Any] | None] = [None]

    def date(self, value: EDate | None) -> int:
        if value is None:
            return 0
        number = self.dates.get(value.text)
        if number is None:
            start = self.date(value.start)
            end = self.date(value.end)
            number = self.dates[value.text] = len(self.date_rows)
            latest = value.latest.toordinal() if value.latest is not None else None
            self.date_rows.append(
                (
                    value.text,
                    value.earliest.toordinal(),
                    latest,
                    int(value.precision),
                    value.qualifier,
                    value.is_interval,
                    start,
                    end,
                )
            )
        return number

    def extra(self, value: Any) -> int:
        if not value:
            return 0
        self.extras.append(dict(value))
        return len(self.extras) - 1

    def cites(self, citations: tuple[Citation, ...]) -> int:
        if not citations:
            return 0
        key = tuple(
            c.source
            if c.locator is None and c.credibility is None and not c.extra
            else (c.source, c.locator, c.credibility, self.extra(c.extra))
            for c in citations
        )
        number = self.cite_numbers.get(key)
        if number is None:
            number = self.cite_numbers[key] = len(self.cite_rows)
            self.cite_rows.append(key)
        return number

    def line(self, origin: Origin | None) -> int | None:
        """The origin's line; -1 for none (a nested position has no origin of its own)."""
        if origin is None:
            return -1
        if origin.layer != self.layer or origin.document != self.name:
            raise _Uncacheable
        return origin.line


class _DecodeTables:
    def __init__(
        self,
        layer: str,
        name: str,
        date_rows: list[Any],
        cite_rows: list[Row],
        extras: list[Any],
    ) -> None:
        # As marshal gave them back: entry 0 of ``date_rows`` and ``extras`` is None (no
        # date, no extension values), every other a row, or a dict.
        self.layer, self.name = layer, name
        self.extras: list[Any] = [EMPTY_EXTRA, *(Extras(e) for e in extras[1:])]
        self.dates = _decode_dates(date_rows)
        self.cites = _decode_citations(cite_rows, self.extras)


_PRECISIONS = tuple(Precision)
assert all(p.value == i for i, p in enumerate(_PRECISIONS))


def _date_maker() -> Callable[..., EDate]:
    setters = {f.name: getattr(EDate, f.name).__set__ for f in fields(EDate)}
    new, fromordinal = object.__new__, datetime.date.fromordinal

    def make(
        text: str,
        earliest: int,
        latest: int | None,
        precision: int,
        qualifier: str,
        is_interval: bool,
        start: EDate | None,
        end: EDate | None,
    ) -> EDate:
        d = new(EDate)
        setters["text"](d, text)
        setters["earliest"](d, fromordinal(earliest))
        setters["latest"](d, None if latest is None else fromordinal(latest))
        setters["precision"](d, _PRECISIONS[precision])
        setters["qualifier"](d, qualifier)
        setters["is_interval"](d, is_interval)
        setters["start"](d, start)
        setters["end"](d, end)
        setters["_key"](d, (earliest, precision, text))
        return d

    return make


def _decode_dates(rows: list[Any]) -> list[EDate | None]:
    make = _make_date
    dates: list[EDate | None] = [None]
    for text, earliest, latest, precision, qualifier, is_interval, start, end in rows[1:]:
        sides = dates[start], dates[end]
        dates.append(make(text, earliest, latest, precision, qualifier, is_interval, *sides))
    return dates


def _decode_citations(rows: list[Row], extras: list[Any]) -> list[tuple[Citation, ...]]:
    new = object.__new__
    set_source, set_locator, set_credibility, set_extra = (
        getattr(Citation, name).__set__ for name in ("source", "locator", "credibility", "extra")
    )
    plain: dict[str, Citation] = {}

    def citation(
        source: str, locator: str | None = None, credibility: int | None = None, extra: int = 0
    ) -> Citation:
        c = new(Citation)
        set_source(c, source)
        set_locator(c, locator)
        set_credibility(c, credibility)
        set_extra(c, extras[extra])
        return c

    out: list[tuple[Citation, ...]] = [()]
    for row in rows[1:]:
        made = []
        for item in row:
            if type(item) is str:
                shared = plain.get(item)  # immutable, so one object serves every mention
                if shared is None:
                    shared = plain[item] = citation(item)
                made.append(shared)
            else:
                made.append(citation(*item))
        out.append(tuple(made))
    return out


def _encode_positions(positions: tuple[Position, ...], tables: _EncodeTables) -> Encoded:
    return _ENCODE[Position](positions, tables)


def _decode_positions(encoded: Encoded, tables: _DecodeTables) -> tuple[Position, ...]:
    return _DECODE[Position](encoded, tables) if encoded[0] else ()


_make_date = _date_maker()
_KINDS = (Source, Actor, Disagreement, Event)
_ENCODE: dict[type, Encoder] = {cls: _encoder(cls) for cls in (Meta, *_KINDS, Position)}
_DECODE: dict[type, Decoder] = {cls: _decoder(cls) for cls in (Meta, *_KINDS, Position)}
_KIND_FIELDS = ("sources", "actors", "disagreements", "events")
# The typecode of the timeline's order: unsigned ints of 4 bytes (8 where "I" is short).
_ORDER = "I" if array("I").itemsize >= 4 else "L"


def _orders_within(documents: list[Document], timeline: Sequence[Event]) -> dict[int, list[int]]:
    """For each of ``documents`` (by ``id``) whose every event is in ``timeline`` (the very
    objects: none replaced by a later layer), the numbers of its events in the order
    ``timeline`` holds them: its own timeline order, as a subset of a sorted sequence is
    sorted. The others are left out (their order is sorted when written)."""
    where: dict[int, tuple[int, int]] = {}
    for k, document in enumerate(documents):
        numbers = zip(repeat(k), range(len(document.events)))
        where.update(zip(map(id, document.events), numbers, strict=True))
    orders: list[list[int]] = [[] for _ in documents]
    for event in timeline:
        found = where.get(id(event))
        if found is not None:
            orders[found[0]].append(found[1])
    return {
        id(document): order
        for document, order in zip(documents, orders, strict=True)
        if len(order) == len(document.events)
    }


def encode_document(
    document: Document, layer: str, order: Sequence[int] | None = None
) -> Rows | None:
    """``document`` as marshal-able rows (None when it holds what they cannot). ``order``:
    its events' timeline order, when known (``timeline_order`` otherwise)."""
    tables = _EncodeTables(layer, document.name)
    meta = _ENCODE[Meta]((document.meta,), tables)
    try:
        kinds = (
            *(
                _ENCODE[cls](getattr(document, f), tables)
                for cls, f in zip(_KINDS, _KIND_FIELDS, strict=True)
            ),
            _ENCODE[Position](document.positions, tables),
            tuple(
                (n.document, n.message, n.path, n.line, n.column, n.warning) for n in document.notes
            ),
            # The timeline's order, which a start from the cache would otherwise sort
            # again (``OrderedEvents``): the numbers of the events, as unsigned ints.
            array(_ORDER, timeline_order(document.events) if order is None else order).tobytes(),
        )
    except _Uncacheable:
        return None
    tables_rows = (tables.date_rows, tables.cite_rows, tables.extras)
    return (document.name, document.sanitised, meta, *tables_rows, kinds)


def decode_document(rows: Rows, layer: str) -> Document:
    """The document ``encode_document`` gave these rows for."""
    name, sanitised, meta, date_rows, cite_rows, extras, kinds = rows
    tables = _DecodeTables(layer, name, date_rows, cite_rows, extras)
    *kinds, position_rows, note_rows, order = kinds
    sources, actors, disagreements, events = (
        _DECODE[cls](kind_rows, tables) for cls, kind_rows in zip(_KINDS, kinds, strict=True)
    )
    numbers = array(_ORDER)
    numbers.frombytes(order)  # ValueError: a length not a multiple of its numbers
    events = OrderedEvents.of(events, numbers)  # ValueError if not an order of them
    return Document(
        name=name,
        meta=_DECODE[Meta](meta, tables)[0],
        sources=sources,
        actors=actors,
        disagreements=disagreements,
        events=events,
        sanitised=sanitised,
        positions=_decode_positions(position_rows, tables),
        notes=tuple(Problem(*row) for row in note_rows),
    )
