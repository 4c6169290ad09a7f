"""What every importer shares: inputs read as a stream of text lines (plain, ``.zip``,
``.gz`` or a URL) with FILE:LINE positions, bad rows counted and reported, the filters,
the map file, and the faultline/1 document built and written atomically.

Rows are read one at a time and never held: memory follows the document being built (the
kept events, their actors and sources), not the input.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import gzip
import hashlib
import io
import json
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..gcpause import gc_paused
from ..problems import FaultlineError
from ..schema import ID_RE, NAME_LIMIT, TEXT_LIMIT
from ..text import is_blank, sanitise
from ..urls import is_web_url

SHOWN_PROBLEMS = 50  # bad rows printed one by one; the rest are counted
# The longest line an input may hold, in characters. A row of any export is a few
# thousand; a PLOVER array written on one line (json.dumps) is held as one line, so this
# leaves room for about 300,000 of its records. Past it the input is refused: a line is
# held whole, and 600 KB of gzip can unpack to one line of 600 MB.
LINE_LIMIT = 64 * 1024 * 1024
GRADES = frozenset("ABCDEF")
ZIP_MAGIC, GZIP_MAGIC = b"PK\x03\x04", b"\x1f\x8b"


class ImportFailure(FaultlineError):
    """The import stopped: an input of the wrong kind or that cannot be read, a bad map
    file, or a bad row under ``--strict``. Nothing is written."""


# -- options ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActorMap:
    """``--map FILE``: source actors to the analyst's own actor ids, and outlet grades."""

    actors: dict[str, str] = field(default_factory=dict)  # key as written (case kept)
    outlets: dict[str, str] = field(default_factory=dict)  # outlet (lower case) -> grade
    _folded: dict[str, str] = field(default_factory=dict)  # upper-cased key -> actor id

    def __post_init__(self) -> None:
        self._folded.update({key.upper(): value for key, value in self.actors.items()})

    def actor(self, *keys: str) -> str | None:
        """The dossier actor id for the longest of ``keys`` the map names (any case)."""
        best: str | None = None
        best_length = -1
        for key in keys:
            if key and len(key) > best_length:
                found = self._folded.get(key.upper())
                if found is not None:
                    best, best_length = found, len(key)
        return best

    def grade(self, outlet: str) -> str:
        return self.outlets.get(outlet.lower(), "F")


def read_map(path: Path) -> ActorMap:
    """Read a map file: ``[actors]`` (source key -> actor id) and ``[outlets]`` (outlet or
    web host -> Admiralty grade A-F). Every mistake names the file and key."""
    import tomli

    name = str(path)
    try:
        raw = tomli.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ImportFailure(
            f"{name}: cannot read the map file: {error.strerror or error}"
        ) from None
    except UnicodeDecodeError:
        raise ImportFailure(f"{name}: the map file is not UTF-8 text") from None
    except tomli.TOMLDecodeError as error:
        raise ImportFailure(f"{name}: the map file is not valid TOML: {error}") from None
    unknown = sorted(set(raw) - {"actors", "outlets"})
    if unknown:
        raise ImportFailure(
            f"{name}: {sanitise(unknown[0])[0]!r}: unknown table (a map file has [actors] "
            "and [outlets])"
        )
    actors: dict[str, str] = {}
    for key, value in _table(raw, "actors", name).items():
        if not isinstance(value, str) or ID_RE.match(value) is None:
            raise ImportFailure(
                f"{name}: actors.{_shown_key(key)}: must be an actor id of the dossier "
                f"(lower-case letters, digits, . _ -), not {_shown(value)}"
            )
        actors[key] = value
    outlets: dict[str, str] = {}
    for key, value in _table(raw, "outlets", name).items():
        if not isinstance(value, str) or value not in GRADES:
            raise ImportFailure(
                f"{name}: outlets.{_shown_key(key)}: must be an Admiralty source grade "
                f"A to F, not {_shown(value)}"
            )
        outlets[key.lower()] = value
    return ActorMap(actors, outlets)


def _table(raw: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ImportFailure(f"{name}: {key}: must be a table ([{key}])")
    return value


def _shown(value: object) -> str:
    return sanitise(repr(value))[0][:60]


def _shown_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", key) else _shown(key)


@dataclass(frozen=True)
class Options:
    """What to keep, and how strictly to read."""

    countries: frozenset[str] = frozenset()  # upper case; empty: every country
    since: _dt.date | None = None
    until: _dt.date | None = None
    strict: bool = False
    root_only: bool = False  # GDELT: IsRootEvent rows only
    min_mentions: int = 0  # GDELT: NumMentions at least this
    actor_map: ActorMap = field(default_factory=ActorMap)

    def in_dates(self, day: str) -> bool:
        """Whether an ISO day (``2013-01-18``) is within --since/--until."""
        if self.since is not None and day < self.since.isoformat():
            return False
        return not (self.until is not None and day > self.until.isoformat())

    def in_countries(self, *codes: str) -> bool:
        return not self.countries or any(c.upper() in self.countries for c in codes if c)


# -- counting and reporting ----------------------------------------------------------------------


@dataclass
class Tally:
    """Rows read, kept, filtered and skipped, and the first bad rows, as ``FILE:LINE: why``.
    ``report`` is called with each of those lines as it is found."""

    strict: bool = False
    report: Callable[[str], None] = lambda line: None
    read: int = 0
    kept: int = 0
    filtered: int = 0
    skipped: int = 0

    def bad(self, where: str, message: str) -> None:
        """A row that cannot be imported: fatal under --strict, else reported and skipped."""
        line = sanitise(f"{where}: {message}")[0].replace("\n", "\\n")
        if self.strict:
            raise ImportFailure(f"{line} (--strict)")
        self.skipped += 1
        if self.skipped <= SHOWN_PROBLEMS:
            self.report(line)

    def summary(self) -> str:
        hidden = self.skipped - SHOWN_PROBLEMS
        more = f" ({hidden:,} not shown)" if hidden > 0 else ""
        return (
            f"read {self.read:,} row{'s' if self.read != 1 else ''}: kept {self.kept:,}, "
            f"filtered out {self.filtered:,}, skipped {self.skipped:,} bad{more}"
        )


# -- inputs ------------------------------------------------------------------------------------


@dataclass
class TextInput:
    """One stream of text lines (a file, a zip member, a download) and its name in messages."""

    name: str
    lines: Iterator[str]

    def where(self, line: int) -> str:
        return f"{self.name}:{line}"


def open_inputs(
    spec: str,
    *,
    member: Callable[[str], bool],
    what: str,
    max_size: int,
    timeout: float,
) -> Iterator[TextInput]:
    """The text streams in one input: a path or http(s) URL, plain, gzip or zip (chosen by
    content, not name). ``member`` picks a zip's members; ``what`` names the kind of file
    wanted, for the message when a zip holds none. Lines keep their endings (for csv)."""
    if is_web_url(spec):
        body = _download(spec, what, max_size, timeout)
        # The cap holds for what the download becomes, too: a zip or gzip inside it is
        # read up to max_size characters (a small download cannot run for hours).
        yield from _from_binary(io.BytesIO(body), shown_inputs([spec]), member, what, max_size)
        return
    path = Path(spec)
    try:
        handle = path.open("rb")
    except IsADirectoryError:
        raise ImportFailure(f"{spec}: is a directory, not a file") from None
    except OSError as error:
        raise ImportFailure(f"{spec}: cannot be read: {error.strerror or error}") from None
    with handle:
        yield from _from_binary(handle, spec, member, what)


def shown_inputs(inputs: Iterable[str]) -> str:
    """The inputs as a person may see them: a URL's password and secret-looking
    parameters are hidden, as in every message about feeds."""
    specs = list(inputs)
    if any(is_web_url(spec) for spec in specs):
        from ..feeds.urls import redact_url

        specs = [redact_url(spec) if is_web_url(spec) else spec for spec in specs]
    return sanitise(", ".join(specs))[0]


def _download(url: str, what: str, max_size: int, timeout: float) -> bytes:
    from ..config import FeedConfig
    from ..feeds import download
    from ..feeds.errors import FetchError
    from ..feeds.urls import feed_name_from, redact_url, url_problem

    shown = redact_url(url)
    problem = url_problem(url)
    if problem is not None:
        raise ImportFailure(f"{shown}: is not a usable URL: {problem}")
    feed = FeedConfig(feed_name_from(url), url, timeout=timeout, max_size=max_size)
    try:
        body, content_type = download(feed)
    except FetchError as error:
        raise ImportFailure(f"{shown}: not downloaded: {sanitise(error.reason)[0]}") from None
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    head = bytes(body[:512]).lstrip().lower()
    if kind in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype", b"<html")):
        raise ImportFailure(
            f"{shown}: the server sent a web page, not {what}: perhaps a login page, or the "
            "URL is wrong"
        )
    return body


def _from_binary(
    handle: IO[bytes],
    name: str,
    member: Callable[[str], bool],
    what: str,
    limit: int | None = None,
) -> Iterator[TextInput]:
    try:
        magic = handle.read(4)
        handle.seek(0)
    except OSError as error:
        raise ImportFailure(f"{name}: cannot be read: {error.strerror or error}") from None
    if magic.startswith(ZIP_MAGIC):
        yield from _zip_members(handle, name, member, what, limit)
    elif magic.startswith(GZIP_MAGIC):
        yield TextInput(name, _text_lines(gzip.GzipFile(fileobj=handle, mode="rb"), name, limit))
    else:
        yield TextInput(name, _text_lines(handle, name))


def _zip_members(
    handle: IO[bytes], name: str, member: Callable[[str], bool], what: str, limit: int | None
) -> Iterator[TextInput]:
    try:
        archive = zipfile.ZipFile(handle)
        names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise ImportFailure(f"{name}: is not a readable zip file ({_words(error)})") from None
    chosen = [n for n in names if member(n)]
    if not chosen:
        held = ", ".join(sanitise(n)[0] for n in names[:5]) + (", …" if len(names) > 5 else "")
        inside = f"it holds {held}" if names else "it is empty"
        raise ImportFailure(f"{name}: the zip holds nothing that looks like {what} ({inside})")
    with archive:
        for entry in chosen:
            label = f"{name}:{sanitise(entry)[0]}"
            try:
                binary = archive.open(entry)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as error:
                raise ImportFailure(f"{label}: cannot be read ({_words(error)})") from None
            with binary:
                yield TextInput(label, _text_lines(binary, label, limit))


def _text_lines(
    binary: IO[bytes] | gzip.GzipFile, name: str, limit: int | None = None
) -> Iterator[str]:
    """Lines of UTF-8 text (a byte-order mark dropped, a bad byte shown as U+FFFD), each
    with its line ending; a damaged compressed stream ends the input with a message, and
    so does text past ``limit`` characters (for downloads)."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline="")
    try:
        read = 0
        for number, line in enumerate(iter(lambda: text.readline(LINE_LIMIT + 1), ""), 1):
            if len(line) > LINE_LIMIT:
                raise ImportFailure(
                    f"{name}:{number}: a line of more than {LINE_LIMIT:,} characters, which "
                    "no export holds: is this the file meant? (A PLOVER array this long: "
                    "write it as JSON Lines, one record a line)"
                )
            if limit is None:
                yield line
                continue
            read += len(line)
            if read > limit:
                raise ImportFailure(
                    f"{name}: holds more than {limit:,} characters once decompressed, the "
                    "limit for a download; download it and import the file"
                )
            yield line
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as error:
        raise ImportFailure(f"{name}: cannot be read to the end ({_words(error)})") from None
    finally:
        with contextlib.suppress(OSError, ValueError):
            text.detach()


def _words(error: BaseException) -> str:
    text = sanitise(str(error))[0].replace("\n", " ").strip()
    return (text[:120] or type(error).__name__).rstrip(".")


# -- building the document -----------------------------------------------------------------------


def clean(value: str, limit: int = TEXT_LIMIT) -> str:
    """Source text made fit for a document: controls removed, white space trimmed, cut to
    ``limit`` characters (with …)."""
    text = sanitise(value)[0].strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def name_text(value: str) -> str:
    """A name or title: cleaned, cut to the format's 300 characters; '' when blank."""
    if (
        len(value) <= NAME_LIMIT
        and value[:1].isalnum()
        and value.isprintable()  # no control, format (bidi) or surrogate character
        and not value[-1].isspace()
    ):
        return value  # the common case: nothing to remove, trim or cut, and visible
    text = clean(value, NAME_LIMIT)
    return "" if is_blank(text) else text


def title_case(name: str) -> str:
    """``NURSULTAN NAZARBAYEV`` → ``Nursultan Nazarbayev`` (str.title would write
    ``Mcdonald'S``); names already in mixed case are kept as written."""
    if name != name.upper():
        return name
    return " ".join(word[:1].upper() + word[1:].lower() for word in name.split(" "))


_NOT_ID = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by ``-``: ``Police Forces (2019-)`` →
    ``police-forces-2019``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_ID.sub("-", ascii_text.lower()).strip("-")


def make_id(prefix: str, text: str) -> str:
    """A stable id ``prefix-slug``; a slug too long, or with nothing left (a name in another
    script), ends in a short hash of ``text`` so different names stay different."""
    body = slug(text)
    if body and len(prefix) + 1 + len(body) <= 64:
        return f"{prefix}-{body}"
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    room = 64 - len(prefix) - len(digest) - 2
    body = body[:room].rstrip("-")
    return f"{prefix}-{body}-{digest}" if body else f"{prefix}-{digest}"


def host_of(url: str) -> str:
    """The web host of a URL, without ``www.``: how an outlet is named and graded."""
    host = url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].lower()
    return host[4:] if host.startswith("www.") else host


class ImportedDocument:
    """The faultline/1 document an import builds: entities by id, so a row seen again (the
    same event in two files) replaces the first, as a later layer would."""

    def __init__(self, meta: dict[str, Any]) -> None:
        self.meta = meta
        self.sources: dict[str, dict[str, Any]] = {}
        self.actors: dict[str, dict[str, Any]] = {}
        self.events: dict[str, dict[str, Any]] = {}

    def counts(self) -> str:
        return ", ".join(
            f"{len(table):,} {kind if len(table) != 1 else kind[:-1]}"
            for kind, table in (
                ("events", self.events),
                ("actors", self.actors),
                ("sources", self.sources),
            )
        )

    def outlet(
        self,
        url_or_name: str,
        grade: str,
        *,
        prefix: str,
        extra: dict[str, Any] | None = None,
        host: str | None = None,
    ) -> str:
        """The id of the source record for one URL (``host`` given when the caller knows
        it is one) or outlet name, made on first use."""
        key = url_or_name
        if host is None and is_web_url(key):
            host = host_of(key)
        if host is not None:  # one record per URL: many articles share a host
            ident = f"{prefix}-src-{hashlib.sha1(key.encode('utf-8', 'replace')).hexdigest()[:16]}"
        else:
            ident = make_id(f"{prefix}-src", key)
        if ident not in self.sources:
            record: dict[str, Any] = {"id": ident}
            if host is not None:
                record["title"] = clean(key.split("://", 1)[1], NAME_LIMIT)
                record["url"] = key
                record["publisher"] = host
            else:
                record["title"] = name_text(key)
                record["publisher"] = record["title"]
            record["kind"] = "news"
            record["reliability"] = grade
            if extra:
                record.update(extra)
            self.sources[ident] = record
        return ident

    def document(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": "faultline/1", "meta": self.meta}
        for key, table in (
            ("sources", self.sources),
            ("actors", self.actors),
            ("events", self.events),
        ):
            if table:
                out[key] = list(table.values())
        return out

    def write(self, path: str) -> None:
        """Write the document to ``path`` (a person's ``-o``), JSON or TOML by its name,
        as ``export -o`` does: whole, in one rename, or not at all (OSError)."""
        from ..atomic import write_output

        write_output(Path(path), self.text(output_format(path)).encode("utf-8"))

    def text(self, fmt: str) -> str:
        """The document as JSON (one entity a line: fast, and readable in a diff) or TOML."""
        with gc_paused():
            return self._text(fmt)

    def _text(self, fmt: str) -> str:
        if fmt == "toml":
            import tomli_w

            return tomli_w.dumps(_without_none(self.document()))
        parts = [
            '{"format": "faultline/1",\n"meta": ',
            json.dumps(self.meta, ensure_ascii=False),
        ]
        for key, table in (
            ("sources", self.sources),
            ("actors", self.actors),
            ("events", self.events),
        ):
            if table:
                # One call encodes the whole list (per-entity calls cost a third more);
                # a line break before each entity is white space between tokens (a quote
                # inside a string is escaped, so the pattern never matches there).
                text = json.dumps(list(table.values()), ensure_ascii=False)
                parts.append(f',\n"{key}": [\n')
                parts.append(text[1:-1].replace('}, {"id": ', '},\n{"id": '))
                parts.append("\n]")
        parts.append("}\n")
        return "".join(parts)


def _without_none(value: Any) -> Any:
    """TOML has no null: keys whose value is None are left out."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def output_format(path: str) -> str:
    """'json' or 'toml' from OUT's extension."""
    lowered = path.lower()
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith(".toml"):
        return "toml"
    raise ImportFailure(f"{path}: the output must end in .json or .toml (that decides its format)")


# How an import's output says what it is ([meta] summary, near its start): an OUT that
# says so may be replaced by the next import, any other file may not.
IMPORT_MARK = "Imported by faultline import "


def check_output(path: str) -> None:
    """Refuse an OUT that exists and is not an earlier import's output: ``-o`` naming
    the analyst's own dossier by mistake must not replace it with imported rows."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except IsADirectoryError:
        raise ImportFailure(f"{path}: is a directory; -o names the document to write") from None
    except OSError:
        return  # missing (the usual case), or unreadable: the write says why, if it fails
    if not head.strip() or IMPORT_MARK.encode() in head:
        return
    raise ImportFailure(
        f"{path}: exists and is not the output of an earlier faultline import: nothing "
        "read or written (give -o a new file, or one an import wrote; remove this one "
        "first if it is to be replaced)"
    )


def number(column: str, text: str, kind: type[int] | type[float]) -> int | float:
    """A count (``int``, 0 or more) or a measure (``float``, finite, within ±10⁹) from a
    source column; ValueError names the column and what it holds."""
    try:
        if not text.isascii():  # int() and float() read other scripts' digits ("١٢"), too
            raise ValueError
        value = kind(text)
    except ValueError:
        raise ValueError(f"{column} {text[:20]!r} is not a number") from None
    low = 0 if kind is int else -1e9
    if not low <= value < 1e9:  # nan and inf fail this too
        raise ValueError(f"{column} {text[:20]!r} is out of range")
    return value


def parse_day(value: str, option: str) -> _dt.date:
    """A --since/--until date: YYYY-MM-DD."""
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise ImportFailure(
            f"{option} {sanitise(value)[0]!r}: expected a date YYYY-MM-DD"
        ) from None
