"""Feeds: faultline/1 documents fetched over HTTP(S), offline-first, never losing data.

One ``FeedClient`` (one ``httpx.AsyncClient``) lives as long as the app. Each feed is
fetched with a conditional GET under one overall deadline, its body read raw and
decompressed here with a bound (httpx would inflate a gzip bomb without limit), checked
as a document, and only then written to the cache beside the previous copy. Whatever
goes wrong, the last good copy stays in use and on disk, and the message says so.
``FeedCache`` reads cached copies synchronously so the dashboard can show them at once.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import email.utils
import enum
import hashlib
import json
import os
import re
import socket
import ssl
import time
import traceback
import unicodedata
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Self, TypeGuard

import httpx

from ... import __version__
from ..atomic import write_atomic
from ..changes import Changes, compare
from ..config import Config, FeedConfig
from ..merge import Layer, check_layer
from ..model import Kind
from ..paths import NotPrivate, private_dir, read_private
from ..problems import DocumentError, FaultlineError, Problem
from ..reader import URL_RE, guess_format, read_bytes
from ..text import sanitise

MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 86_400.0  # a server cannot shut a feed off for longer than a day
BACKOFF_CAP = 6 * 3600.0  # repeated failures wait at most this long (or the interval)
CONNECT_SHARE = 0.5  # connecting may use at most this share of the deadline (and 10 s)
RAW_SLACK = 1 << 20  # compressed bytes allowed beyond max_size before giving up
INFLATE_STEP = 1 << 20  # at most this much output per zlib call: memory stays near max_size
CACHE_GRACE = 600.0  # unreferenced cache files younger than this may be another process's
LATEST = 32_503_680_000.0  # 3000-01-01: a later time in a cache or state file is damage
MAX_FAILURES = 1_000_000_000  # consecutive failures counted (the backoff is capped long before)
USER_AGENT = f"faultline/{__version__} (feed reader)"
ACCEPT = "application/json, application/toml;q=0.9, text/toml;q=0.9, */*;q=0.1"
# Only what is decoded below; br and zstd are not advertised because they are not read.
ACCEPT_ENCODING = "gzip, deflate"


class FeedStatus(str, enum.Enum):
    """Where a feed stands, as the feeds screen shows it."""

    PENDING = "pending"  # not fetched yet this session, and no cached copy
    CACHED = "cached"  # showing the cached copy; not refreshed yet (or offline)
    FRESH = "fresh"  # the last fetch brought new content
    UNCHANGED = "unchanged"  # the last fetch confirmed the copy in use (304 or same content)
    STALE = "stale"  # the last fetch failed; the previous copy is kept in use
    FAILED = "failed"  # the last fetch failed and there is no copy at all


# -- URLs, for people -------------------------------------------------------------------------

_SECRET_PARAM = re.compile(
    r"(?i)(token|key|secret|pass|pwd|auth|sig|signature|credential|session|code|jwt|bearer)"
)


def redact_url(url: str | httpx.URL) -> str:
    """A URL fit for messages: no user name or password, and hidden values for the query,
    path (``;token=…``) and fragment (``#access_token=…``) parameters whose names look
    like secrets, also when the name is percent-encoded (``%74oken``).

    Works on the raw text, before any parsing that could fail and quote a piece of it. A
    password holding an unescaped ``/``, ``?``, ``#`` or ``@`` ends a URL parser's
    authority early; so when an ``@`` comes after the authority and the authority holds a
    ``:`` or ``@``, everything up to the last ``@`` is hidden (``http://***@host/x``), even
    should that ``@`` belong to the path: showing too little beats showing a password.
    """
    text = str(url)
    scheme = re.match(r"(?i)\s*[a-z][a-z0-9+.-]*://", text)
    head = scheme.group() if scheme else ""
    rest = text[len(head) :]
    at = rest.rfind("@")
    if at >= 0:
        end = _authority_end(rest)
        if at < end:
            rest = rest[at + 1 :]
        elif ":" in rest[:end] or "@" in rest[:end]:
            rest = "***@" + rest[at + 1 :]
    end = _authority_end(rest)
    authority, rest = rest[:end], rest[end:]
    rest, hash_sep, fragment = rest.partition("#")
    path, query_sep, query = rest.partition("?")
    path = "/".join(
        ";".join([segment[0], *_redact_pairs(segment[1:])])
        for segment in (part.split(";") for part in path.split("/"))
    )
    query = "".join(_redact_pairs(re.split(r"([&;])", query)))
    fragment = "".join(_redact_pairs(re.split(r"([&;?])", fragment)))
    return sanitise(head + authority + path + query_sep + query + hash_sep + fragment)[0]


def _authority_end(rest: str) -> int:
    return min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))


def _redact_pairs(pieces: list[str]) -> list[str]:
    """``name=value`` pieces (and the separators between them, which pass through) with
    secret-looking values hidden. A piece with no ``=`` right after a hidden value is
    hidden too: it may be the rest of a value that held an unescaped ``&``."""
    out: list[str] = []
    hiding = False
    for piece in pieces:
        if piece in ("&", ";", "?", ""):
            out.append(piece)
            continue
        name, eq, value = piece.partition("=")
        if eq and value and _secret_name(name):
            out.append(f"{name}=REDACTED")
            hiding = True
        elif (not eq and hiding) or (not eq and _secret_name(piece) and "=" in _unquote(piece)):
            out.append("REDACTED")
        else:
            out.append(piece)
            hiding = False
    return out


def _unquote(text: str) -> str:
    for _ in range(3):  # %2574oken is %74oken is token, to a server that decodes twice
        decoded = urllib.parse.unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def _secret_name(name: str) -> bool:
    return _SECRET_PARAM.search(_unquote(name)) is not None


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched, or None. The words quote no part of the URL: httpx's
    own message would ("Invalid port: 'S3C'", a piece of a password holding a ``/``)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as error:
        detail = str(error)
        if detail.startswith("Invalid port"):
            problem = "its port is not a number from 1 to 65535"
        elif detail.startswith(("Invalid IPv4", "Invalid IPv6", "Invalid IDNA")):
            problem = "its host name is not valid"
        elif "non-printable" in detail:
            problem = "it holds a control character"
        elif "too long" in detail:
            problem = "it is too long"
        else:
            problem = "it cannot be read as a URL"
        if "@" in url.partition("://")[2]:
            problem += "; in a user name or password, write / ? # @ as %2F %3F %23 %40"
        return problem
    port = parsed.port
    if port is not None and not 0 < port < 65536:
        # The number may be a piece of a password ("user:99999/x@host"): shown only
        # when the URL has no user part at all.
        shown = f"{port} " if "@" not in url else ""
        return f"its port {shown}is out of range (1 to 65535)"
    if not parsed.host:
        return "it names no host"
    return None


def origin_of(url: httpx.URL) -> tuple[str, str, int]:
    """scheme, host and port: a bearer token goes only where all three match the feed's."""
    scheme = url.scheme.lower()
    port = url.port or {"http": 80, "https": 443}.get(scheme, 0)
    return scheme, url.host.lower(), port


def feed_name_from(url: str) -> str:
    """A feed name for a ``--feed URL``: its host, cleaned to the characters names allow."""
    try:
        host = httpx.URL(url).host
    except (httpx.InvalidURL, ValueError):
        host = ""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", host.lower()).strip("-._")[:60]
    return name or "feed"


def feeds_from(config: Config, urls: Iterable[str] = ()) -> list[FeedConfig]:
    """The configured feeds, then each ``--feed URL`` not already configured, named from
    its host and made unique (``example.org``, ``example.org-2``)."""
    feeds = list(config.feeds)
    names = {feed.name for feed in feeds}
    known = {feed.url for feed in feeds}
    for url in urls:
        if URL_RE.match(url) is None or any(c.isspace() for c in url):
            raise FaultlineError(f"--feed {redact_url(url)}: is not an http or https URL")
        problem = url_problem(url)
        if problem is not None:
            raise FaultlineError(f"--feed {redact_url(url)}: is not a usable URL: {problem}")
        if url in known:
            continue
        base = name = feed_name_from(url)
        number = 2
        while name in names:
            name = f"{base}-{number}"
            number += 1
        names.add(name)
        known.add(url)
        feeds.append(FeedConfig(name=name, url=url))
    return feeds


def when(timestamp: float | None) -> str:
    """A time for messages, in local time: ``2026-11-26 10:04``."""
    if timestamp is None:
        return "never"
    return _dt.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def _size(count: int) -> str:
    """``950 bytes``, ``5.1 kB``, ``50 MB``: decimal units, as max_size is written."""
    if count < 1000:
        return f"{count} bytes"
    value, unit = (count / 1000, "kB") if count < 1_000_000 else (count / 1_000_000, "MB")
    return f"{value:.1f}".rstrip("0").rstrip(".") + " " + unit


# -- the cache --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyInfo:
    """One cached body: its checksum and the validators that came with it."""

    sha256: str
    size: int
    format: str  # "json" or "toml"
    fetched_at: float  # when this body was downloaded
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None

    def record(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "size": self.size,
            "format": self.format,
            "fetched_at": self.fetched_at,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "content_type": self.content_type,
        }

    @classmethod
    def from_record(cls, raw: object) -> CopyInfo | None:
        """The copy an index names, or None when any field is not what ``record`` writes.
        A validator that could not be sent back as a header is dropped (a full fetch)."""
        if not isinstance(raw, dict):
            return None
        sha, size, fmt = raw.get("sha256"), raw.get("size"), raw.get("format")
        at = _moment(raw.get("fetched_at"))
        if not (isinstance(sha, str) and _SHA256.fullmatch(sha)):
            return None
        if type(size) is not int or size < 0 or fmt not in ("json", "toml") or at is None:
            return None
        texts = {k: raw.get(k) for k in ("etag", "last_modified", "content_type")}
        if any(v is not None and not isinstance(v, str) for v in texts.values()):
            return None
        for key in ("etag", "last_modified"):
            if texts[key] is not None and not _VALIDATOR.fullmatch(texts[key]):
                texts[key] = None
        return cls(sha, size, fmt, at, **texts)


_SHA256 = re.compile(r"[0-9a-f]{64}")
_VALIDATOR = re.compile(r"[\x20-\x7e]{1,8192}")  # what goes back in a header as it came


def _moment(value: object) -> float | None:
    """A time read from a cache or state file, or None when it is not one: a number (not
    a bool), finite, from 1970 to the year 3000."""
    if type(value) not in (int, float) or not 0 <= value <= LATEST:  # NaN fails too
        return None
    return float(value)


@dataclass(frozen=True)
class CachedCopy:
    """A verified cached body with what is known about it."""

    info: CopyInfo
    body: bytes
    checked_at: float  # when a server last confirmed this body (200 or 304)
    note: str | None = None  # set when the newest copy was damaged and an older one is used


_DAMAGED = "the newest cached copy was damaged; using an older one"
_REBUILT = "the cache index was missing or damaged; the copy was found by its checksum"


@dataclass(frozen=True)
class _Index:
    """What a feed's metadata file says: the current and previous copies."""

    current: CopyInfo
    previous: CopyInfo | None
    checked_at: float  # when a server last confirmed the current copy
    note: str | None = None  # set when rebuilt from the bodies on disk


class FeedCache:
    """The last good copy of each feed, under ``<cache dir>/feeds``.

    Bodies are stored by checksum (``<url hash>.<body sha256>.body``) and named by a
    metadata file, the index (``<url hash>.json``), that records the current and the
    previous body with their validators, and a checksum of its own. The body is written
    first, the index second, each atomically: a kill at any moment leaves an index that
    names bodies which exist, so a new body is never paired with old validators. Every
    body is checked against its sha256 when read; a damaged one falls back to the
    previous copy. An index that is missing, damaged or holds any value out of place is
    made again from the bodies (each body's time is set to when it was downloaded), so a
    good body is never lost, only its validators (the next fetch downloads in full).

    The directories are the user's own and private (mode 0700): one that is not, or a
    file in it that is not, makes the cache unused, and ``warning`` says why.
    """

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory) / "feeds"
        self.warning: str | None = None  # why the cache is not used, for people

    @staticmethod
    def key(feed: FeedConfig) -> str:
        return hashlib.sha256(feed.url.encode("utf-8")).hexdigest()

    def meta_path(self, feed: FeedConfig) -> Path:
        return self.directory / f"{self.key(feed)}.json"

    def state_path(self, feed: FeedConfig) -> Path:
        return self.directory / f"{self.key(feed)}.state.json"

    def body_path(self, feed: FeedConfig, sha256: str) -> Path:
        return self.directory / f"{self.key(feed)}.{sha256}.body"

    # -- is this cache the user's own --------------------------------------------------------

    def _usable(self, *, create: bool) -> bool:
        """Whether copies may be read here (with ``create``: written, creating the dirs).
        Once refused, the cache stays unused for this process."""
        if self.warning is not None:
            return False
        try:
            return private_dir(self.directory.parent, create=create) and private_dir(
                self.directory, create=create
            )
        except NotPrivate as error:
            self._refuse(error)
            return False

    def _writable(self) -> None:
        if not self._usable(create=True):
            raise NotPrivate(self.warning or "the cache directory cannot be used")

    def _refuse(self, error: NotPrivate) -> None:
        self.warning = self.warning or f"cache not used: {error}"

    def _read(self, path: Path) -> bytes | None:
        """A private file's bytes; None when missing or unreadable (or not private: then
        the whole cache is refused)."""
        if self.warning is not None:
            return None
        try:
            return read_private(path)
        except NotPrivate as error:
            self._refuse(error)
        except OSError:
            pass
        return None

    # -- the index and the bodies ------------------------------------------------------------

    def _body(self, feed: FeedConfig, sha256: str) -> bytes | None:
        body = self._read(self.body_path(feed, sha256))
        return body if body is not None and hashlib.sha256(body).hexdigest() == sha256 else None

    def _index(self, feed: FeedConfig) -> _Index | None:
        """The index, or the one made again from the bodies on disk; None: no copy."""
        if not self._usable(create=False):
            return None
        return self._read_index(feed) or self._rebuild(feed)

    def _read_index(self, feed: FeedConfig) -> _Index | None:
        """The index as written; None when it is missing or anything in it is wrong."""
        data = self._read(self.meta_path(feed))
        if data is None:
            return None
        try:
            raw = json.loads(data)
        except (ValueError, RecursionError):
            return None
        if not isinstance(raw, dict) or raw.get("version") != 1:
            return None
        checksum = raw.pop("checksum", None)  # indexes written by earlier versions have none
        if checksum is not None and checksum != _index_checksum(raw):
            return None
        current = CopyInfo.from_record(raw.get("current"))
        previous = raw.get("previous")
        previous_info = None if previous is None else CopyInfo.from_record(previous)
        checked_at = _moment(raw.get("checked_at"))
        if current is None or checked_at is None:
            return None
        if previous is not None and previous_info is None:
            return None
        return _Index(current, previous_info, checked_at)

    def _rebuild(self, feed: FeedConfig) -> _Index | None:
        """The index made again from the feed's bodies: each checked against the sha256 in
        its name, the newest two (by the time stored with each) current and previous."""
        key = self.key(feed)
        found: list[tuple[float, str, CopyInfo]] = []
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return None
        for entry in entries:
            parts = entry.name.split(".")
            if len(parts) != 3 or parts[0] != key or parts[2] != "body":
                continue
            sha = parts[1]
            if not _SHA256.fullmatch(sha) or (body := self._body(feed, sha)) is None:
                continue
            try:
                at = _moment(entry.stat().st_mtime)
            except OSError:
                continue
            if at is not None:
                fmt = "json" if body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" else "toml"
                found.append((at, sha, CopyInfo(sha, len(body), fmt, at)))
        if not found:
            return None
        found.sort(reverse=True)
        current = found[0][2]
        previous = found[1][2] if len(found) > 1 else None
        return _Index(current, previous, current.fetched_at, note=_REBUILT)

    def read(self, feed: FeedConfig) -> CachedCopy | None:
        """The newest cached body whose checksum holds, or None."""
        index = self._index(feed)
        if index is None:
            return None
        note = index.note
        for info in (index.current, index.previous):
            if info is None:
                continue
            body = self._body(feed, info.sha256)
            if body is not None:
                at = index.checked_at if info is index.current else info.fetched_at
                return CachedCopy(info, body, max(at, info.fetched_at), note)
            note = _DAMAGED
        return None

    def layer(self, feed: FeedConfig) -> Layer | None:
        """The cached copy as a layer, read synchronously (for the dashboard's first paint)."""
        copy = self.read(feed)
        return None if copy is None else self.parse(feed, copy)[0]

    def parse(self, feed: FeedConfig, copy: CachedCopy) -> tuple[Layer, tuple[Problem, ...]]:
        return parse_body(feed, copy.body, copy.info.format)

    def store(self, feed: FeedConfig, body: bytes, info: CopyInfo, *, checked_at: float) -> None:
        """Write a new good body, then the index naming it and the copy it replaces."""
        self._writable()
        target = self.body_path(feed, info.sha256)
        if not _holds(target, info.sha256):
            write_atomic(target, body)
        try:  # the body's time is its download's: what a rebuilt index goes by
            os.utime(target, (info.fetched_at, info.fetched_at))
        except (OSError, ValueError, OverflowError):
            pass
        index = self._index(feed)
        current, previous = (index.current, index.previous) if index else (None, None)
        if current is not None and current.sha256 != info.sha256:
            previous = current
        self._write_meta(feed, info, previous, checked_at)
        self._tidy(feed, {info.sha256} | ({previous.sha256} if previous else set()))

    def confirm(
        self,
        feed: FeedConfig,
        sha256: str,
        *,
        etag: str | None,
        last_modified: str | None,
        checked_at: float,
    ) -> bool:
        """After a 304: record fresh validators for the body the server confirmed, but only
        if that body is still the current one on disk (another process may have moved on)."""
        self._writable()
        index = self._index(feed)
        if index is None or index.current.sha256 != sha256:
            return False
        current = index.current
        info = replace(
            current,
            etag=etag if etag is not None else current.etag,
            last_modified=last_modified if last_modified is not None else current.last_modified,
        )
        self._write_meta(feed, info, index.previous, checked_at)
        return True

    def _write_meta(
        self, feed: FeedConfig, current: CopyInfo, previous: CopyInfo | None, checked_at: float
    ) -> None:
        meta: dict[str, Any] = {
            "version": 1,
            "url": redact_url(feed.url),
            "checked_at": checked_at,
            "current": current.record(),
            "previous": previous.record() if previous else None,
        }
        meta["checksum"] = _index_checksum(meta)
        write_atomic(self.meta_path(feed), json.dumps(meta, indent=1).encode("utf-8"))

    def _tidy(self, feed: FeedConfig, keep: set[str]) -> None:
        """Remove unreferenced bodies and leftover temp files, once they are old enough
        that no other process can still be about to use them."""
        key = self.key(feed)
        cutoff = time.time() - CACHE_GRACE
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return
        for entry in entries:
            name = entry.name
            stray_body = (
                name.startswith(key + ".")
                and name.endswith(".body")
                and name.split(".")[1] not in keep
            )
            temp = name.startswith("." + key) and name.endswith(".tmp")
            if not (stray_body or temp):
                continue
            try:
                if entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
            except OSError:
                pass

    # -- retry bookkeeping, kept apart so a failure never rewrites the good copy's metadata

    def read_state(self, feed: FeedConfig) -> dict[str, float | int | None]:
        """The saved failures and times; a value that is not what ``write_state`` writes
        (wrong type, out of range, not finite) is left out, as if never saved."""
        if not self._usable(create=False):
            return {}
        data = self._read(self.state_path(feed))
        try:
            raw = json.loads(data) if data is not None else None
        except (ValueError, RecursionError):
            return {}
        if not isinstance(raw, dict):
            return {}
        out: dict[str, float | int | None] = {}
        failures = raw.get("failures")
        if type(failures) is int and 0 <= failures <= MAX_FAILURES:
            out["failures"] = failures
        for key in ("retry_at", "last_attempt_at"):
            moment = _moment(raw.get(key))
            if moment is not None:
                out[key] = moment
        return out

    def write_state(self, feed: FeedConfig, **values: float | None) -> None:
        self._writable()
        write_atomic(self.state_path(feed), json.dumps(values).encode("utf-8"))


def _index_checksum(meta: dict[str, Any]) -> str:
    """The index's checksum: of its fields other than the checksum, in a fixed form."""
    canonical = json.dumps(
        {k: v for k, v in meta.items() if k != "checksum"}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _holds(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


# -- reading a body ---------------------------------------------------------------------------


def parse_body(feed: FeedConfig, body: bytes, fmt: str) -> tuple[Layer, tuple[Problem, ...]]:
    """A feed body as a layer. On any error the layer has no documents and the problems
    name the URL, the line and the key path."""
    name = redact_url(feed.url)
    try:
        document = read_bytes(body, name, fmt, layer=feed.name, require_format=True)
    except DocumentError as error:
        problems = tuple(error.problems)
        return Layer(feed.name, problems=problems, is_feed=True), problems
    layer = check_layer(feed.name, [document], [], is_feed=True)
    return layer, tuple(layer.problems)


class FetchError(Exception):
    """One fetch failed; ``reason`` says why, for people."""

    def __init__(
        self,
        reason: str,
        *,
        retry_at: float | None = None,
        http_status: int | None = None,
        problems: tuple[Problem, ...] = (),
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_at = retry_at
        self.http_status = http_status
        self.problems = problems


def content_coding(header: str | None) -> str:
    """The one content coding of a body: identity, gzip or deflate. Stacked codings
    (``gzip, gzip``) are refused: each layer multiplies what a small body can become."""
    codings = [c.strip().lower() for c in (header or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if len(codings) > 1:
        raise FetchError(
            f"the server compressed the body more than once ({sanitise(', '.join(codings))[0][:80]}); "
            "refused, as a stacked compression is how small downloads become huge"
        )
    if not codings:
        return "identity"
    coding = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}.get(codings[0])
    if coding is None:
        raise FetchError(
            f"the server used a compression Faultline does not read "
            f"({sanitise(codings[0])[0][:40]!r}; it asked for gzip or deflate)"
        )
    return coding


class BoundedDecoder:
    """Decodes a body chunk by chunk and refuses to produce more than ``limit`` bytes.

    zlib is asked for at most the room left, a step at a time (``max_length``), so a
    bomb never expands beyond the limit in memory, however small its input.
    ``finish`` returns the bytearray itself (bytes-like) rather than a copy.
    """

    def __init__(self, coding: str, limit: int) -> None:
        self.coding = coding
        self.limit = limit
        self.out = bytearray()
        self._inflater: Any = None
        self._head = b""  # deflate: the first bytes, to tell zlib-wrapped from raw
        self._ended = False  # the current compressed stream reached its end
        if coding == "gzip":
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _append(self, data: bytes) -> None:
        if len(self.out) + len(data) > self.limit:
            raise TooLarge()
        self.out += data

    def write(self, data: bytes) -> None:
        if self.coding == "identity":
            self._append(data)
            return
        if self._inflater is None:  # deflate, still deciding
            self._head += data
            if len(self._head) < 2:
                return
            cmf, flg = self._head[0], self._head[1]
            wrapped = cmf & 0x0F == 8 and (cmf * 256 + flg) % 31 == 0
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            data, self._head = self._head, b""
        self._inflate(data)

    def _inflate(self, data: bytes) -> None:
        pending = data
        try:
            while pending:
                if self._ended:
                    if self.coding == "gzip" and pending[:2] == b"\x1f\x8b":  # another member
                        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                        self._ended = False
                    else:
                        raise FetchError("the compressed body has data after its end")
                room = min(self.limit - len(self.out) + 1, INFLATE_STEP)
                self._append(self._inflater.decompress(pending, room))
                pending = self._inflater.unconsumed_tail
                if self._inflater.eof:
                    self._ended = True
                    pending = self._inflater.unused_data + pending
        except zlib.error as error:
            raise FetchError(f"the compressed body ({self.coding}) is damaged: {error}") from None

    def finish(self) -> bytes:
        if self.coding != "identity":
            if self._inflater is None:
                raise FetchError(f"the compressed body ({self.coding}) ends too early")
            try:
                while not self._ended:  # drain output zlib held back for lack of room
                    room = min(self.limit - len(self.out) + 1, INFLATE_STEP)
                    piece = self._inflater.decompress(self._inflater.unconsumed_tail, room)
                    if not piece:
                        break
                    self._append(piece)
                    self._ended = self._inflater.eof
            except zlib.error as error:
                raise FetchError(
                    f"the compressed body ({self.coding}) is damaged: {error}"
                ) from None
            if not self._ended:
                raise FetchError(
                    f"the compressed body ({self.coding}) ends too early: it was cut off"
                )
        return self.out  # type: ignore[return-value]  # bytes-like; a copy would double the peak


class TooLarge(Exception):
    pass


def parse_retry_after(value: str | None, now: float) -> float | None:
    """When a server's Retry-After (delta-seconds or HTTP-date) allows the next try."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+", value):  # ASCII digits: "²".isdigit() holds, float("²") fails
        return now + min(float(value), MAX_RETRY_AFTER)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    return min(max(moment.timestamp(), now), now + MAX_RETRY_AFTER)


# -- outcomes and state -----------------------------------------------------------------------


@dataclass(frozen=True)
class FetchOutcome:
    """What one refresh of one feed did, for the feeds screen and ``faultline fetch``."""

    feed: FeedConfig
    status: FeedStatus
    reason: str  # what happened, for people; names no secret
    layer: Layer | None  # the layer to use now: the new copy, or the one kept
    copy_fetched_at: float | None = None  # when the copy in use was downloaded
    changes: Changes | None = None  # what the new copy changed against the previous one
    problems: tuple[Problem, ...] = ()  # why a downloaded document was rejected
    attempted_at: float | None = None
    next_attempt_at: float | None = None
    http_status: int | None = None
    contacted: bool = False  # whether the network was used
    cache_error: str | None = None  # the new copy is in use but could not be saved
    saved_copy_at: float | None = None  # with cache_error: the copy the next start has, if any

    @property
    def failed(self) -> bool:
        """True when the feed is not as fresh as asked: ``fetch`` exits non-zero."""
        return self.status in (FeedStatus.STALE, FeedStatus.FAILED) or self.cache_error is not None

    @property
    def url(self) -> str:
        return redact_url(self.feed.url)

    @property
    def headline(self) -> str:
        """The one-line summary: the feed, its URL, what happened and what happens now."""
        return self.lines()[0]

    def lines(self, *, details: bool = False, limit: int = 50) -> list[str]:
        """The headline, then one indented line per problem and, with ``details``, per
        change. One message is one line: a newline inside one is shown as ``\\n``."""
        text = f"{self.feed.name} ({self.url}): {self.reason}"
        if self.status is FeedStatus.STALE:
            text += f"; kept the copy from {when(self.copy_fetched_at)}"
        elif self.status is FeedStatus.FAILED:
            text += "; no earlier copy, so this feed is left out"
        if self.cache_error:
            later = (
                f"so the next start uses the copy from {when(self.saved_copy_at)}"
                if self.saved_copy_at is not None
                else "so the next start has no copy of this feed unless a later fetch is saved"
            )
            text += f"; but the new copy could not be saved ({self.cache_error}), {later}"
        lines = [text]
        lines += ["  " + str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  … and {len(self.problems) - limit} more problems")
        if details and self.changes:
            lines += ["  " + line for line in self.changes.lines(limit)]
        return [scrub(self.feed, line).replace("\n", "\\n") for line in lines]

    def describe(self, *, details: bool = False, limit: int = 50) -> str:
        """``lines()`` joined with newlines."""
        return "\n".join(self.lines(details=details, limit=limit))


@dataclass
class FeedState:
    """The live state of one feed, owned by its ``FeedClient`` and read by the UI."""

    feed: FeedConfig
    status: FeedStatus = FeedStatus.PENDING
    reason: str = "not fetched yet"
    layer: Layer | None = None  # the copy in use
    copy: CopyInfo | None = None  # the copy on disk whose validators are sent
    last_success_at: float | None = None  # when a server last confirmed the copy (200/304)
    last_attempt_at: float | None = None
    next_attempt_at: float | None = None
    failures: int = 0  # consecutive failed attempts
    retry_at: float | None = None  # a server's Retry-After, honoured even on a manual refresh
    fetching: bool = False
    problems: tuple[Problem, ...] = ()
    changes: Changes | None = None  # from the last refresh that changed something
    last_outcome: FetchOutcome | None = None
    layer_fetched_at: float | None = None  # when the body behind ``layer`` was downloaded
    _layer_sha: str | None = field(default=None, repr=False)  # the body behind ``layer``

    @property
    def name(self) -> str:
        return self.feed.name

    @property
    def url(self) -> str:
        return redact_url(self.feed.url)

    @property
    def copy_fetched_at(self) -> float | None:
        return self.layer_fetched_at

    @property
    def counts(self) -> dict[str, int]:
        """Entities in the copy in use, by kind (``{"actors": 12, ...}``)."""
        counts = dict.fromkeys((k.value for k in Kind), 0)
        for document in self.layer.documents if self.layer else ():
            for kind in Kind:
                counts[kind.value] += len(document.entities(kind))
        return counts


# -- the client -------------------------------------------------------------------------------


@dataclass
class _Download:
    not_modified: bool
    body: bytes = b""
    format: str = ""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    http_status: int | None = None


class FeedClient:
    """Fetches feeds for the life of the app through one ``httpx.AsyncClient``.

    ``refresh(feed)`` never raises for anything the network or a server can do: it
    returns a ``FetchOutcome``. Two refreshes of one feed never overlap: a second call
    while one is in flight waits for it and returns the same outcome, and cancelling a
    caller does not cancel the fetch (a cancelled request can leak httpx pool slots).
    Environment proxies and CA bundles (``HTTPS_PROXY``, ``SSL_CERT_FILE``) apply because
    no transport is passed; TLS verification is always on.
    """

    def __init__(
        self,
        feeds: Sequence[FeedConfig],
        cache: FeedCache,
        *,
        offline: bool = False,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.feeds = tuple(feeds)
        self.cache = cache
        self.offline = offline
        self.clock = clock
        self.states: dict[str, FeedState] = {f.name: FeedState(f) for f in self.feeds}
        self._http = http
        self._owns_http = http is None
        self._locks: dict[str, asyncio.Lock] = {}
        self._inflight: dict[str, asyncio.Task[FetchOutcome]] = {}
        self._closed = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- reading what is cached -------------------------------------------------------------

    def load_cached(self) -> list[FetchOutcome]:
        """Read every feed's cached copy (synchronously, for the first paint)."""
        return [self._load_cached(state) for state in self.states.values()]

    def _load_cached(self, state: FeedState) -> FetchOutcome:
        feed = state.feed
        saved = self.cache.read_state(feed)  # every value checked there
        state.failures = int(saved.get("failures") or 0)
        retry_at, now = saved.get("retry_at"), self.clock()
        # A wait longer than a server may ask for was not a server's: ignored.
        if retry_at is not None and now < retry_at <= now + MAX_RETRY_AFTER:
            state.retry_at = float(retry_at)
        else:
            state.retry_at = None
        copy = self.cache.read(feed)
        if copy is not None:
            layer, problems = self.cache.parse(feed, copy)
            if layer.documents:
                state.layer, state.copy, state._layer_sha = layer, copy.info, copy.info.sha256
                state.layer_fetched_at = copy.info.fetched_at
                state.last_success_at = copy.checked_at
                state.status = FeedStatus.CACHED
                reason = (
                    "offline: " if self.offline else ""
                ) + f"using the copy from {when(copy.info.fetched_at)}"
                if copy.note:
                    reason += f" ({copy.note})"
                state.reason = reason
                return self._remember(state, FeedStatus.CACHED, reason)
            state.reason = "the cached copy can no longer be read"
            return self._remember(state, FeedStatus.FAILED, state.reason, problems=problems)
        reason = "offline, and no copy is cached" if self.offline else "not fetched yet"
        return self._remember(
            state, FeedStatus.FAILED if self.offline else FeedStatus.PENDING, reason
        )

    def layers(self) -> list[Layer]:
        """The copies in use, in configuration order: layer these after local data."""
        return [s.layer for s in self.states.values() if s.layer is not None]

    def state(self, feed: FeedConfig | str) -> FeedState:
        return self.states[feed if isinstance(feed, str) else feed.name]

    # -- scheduling ---------------------------------------------------------------------------

    def due(self, now: float | None = None) -> list[FeedConfig]:
        """Feeds whose next automatic refresh is due (never attempted counts as due)."""
        if self.offline:
            return []
        now = self.clock() if now is None else now
        return [
            s.feed
            for s in self.states.values()
            if not s.fetching
            and (s.next_attempt_at is None or s.next_attempt_at <= now)
            and (s.retry_at is None or s.retry_at <= now)
        ]

    def seconds_until_due(self, now: float | None = None) -> float | None:
        """How long until the next automatic refresh; None when offline or no feeds."""
        if self.offline or not self.states:
            return None
        now = self.clock() if now is None else now
        waits = []
        for s in self.states.values():
            at = max(s.next_attempt_at or now, s.retry_at or now)
            waits.append(max(0.0, at - now))
        return min(waits)

    def backoff(self, feed: FeedConfig, failures: int) -> float:
        """The wait after ``failures`` failures in a row: the interval, doubling, capped."""
        if failures <= 1:
            return feed.interval
        # Capped before computing: 2 ** 1024 is beyond a float, and 64 doublings of the
        # shortest interval are already far beyond any cap.
        doublings = min(failures - 1, 64)
        return min(feed.interval * 2.0**doublings, max(feed.interval, BACKOFF_CAP))

    # -- refreshing ---------------------------------------------------------------------------

    async def refresh(self, feed: FeedConfig | str) -> FetchOutcome:
        """Fetch one feed now (a server's Retry-After still holds). Joins a fetch in flight."""
        state = self.state(feed)
        name = state.name
        task = self._inflight.get(name)
        if task is None or task.done():
            task = asyncio.get_running_loop().create_task(self._refresh(state), name=f"feed {name}")
            self._inflight[name] = task
            task.add_done_callback(lambda t: self._forget(name, t))
        return await asyncio.shield(task)

    def _forget(self, name: str, task: asyncio.Task[FetchOutcome]) -> None:
        if self._inflight.get(name) is task:
            del self._inflight[name]

    async def refresh_all(self) -> list[FetchOutcome]:
        """Fetch every feed once, concurrently; outcomes in configuration order."""
        return list(await asyncio.gather(*(self.refresh(f) for f in self.feeds)))

    async def refresh_due(self) -> list[FetchOutcome]:
        return list(await asyncio.gather(*(self.refresh(f) for f in self.due())))

    async def aclose(self) -> None:
        """Stop fetches in flight and close the connection pool."""
        self._closed = True
        tasks = [t for t in self._inflight.values() if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._http is not None and self._owns_http:
            await self._http.aclose()
        self._http = None

    def _client(self) -> httpx.AsyncClient:
        if self._closed:
            raise FetchError("the feed client was closed")
        if self._http is None:
            problem = proxy_problem()
            if problem is not None:
                raise FetchError(f"the proxy cannot be used: {problem}")
            try:
                # No transport= here: passing one silently drops the environment's proxies.
                self._http = httpx.AsyncClient(
                    follow_redirects=False,  # followed by hand: origins, downgrades, loops
                    timeout=httpx.Timeout(30.0, connect=10.0),
                )
            except (ImportError, httpx.InvalidURL, ValueError, TypeError):
                # Not quoted: httpx's words may hold a piece of a proxy's password.
                raise FetchError(
                    "the proxy settings (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY) "
                    "cannot be used: check them"
                ) from None
        return self._http

    def _remember(
        self, state: FeedState, status: FeedStatus, reason: str, **extra: Any
    ) -> FetchOutcome:
        reason = self._scrub(state.feed, reason)
        outcome = FetchOutcome(
            feed=state.feed,
            status=status,
            reason=reason,
            layer=state.layer,
            copy_fetched_at=state.copy_fetched_at,
            attempted_at=state.last_attempt_at,
            next_attempt_at=state.next_attempt_at,
            **extra,
        )
        state.status, state.reason, state.last_outcome = status, reason, outcome
        state.problems = outcome.problems
        return outcome

    @staticmethod
    def _scrub(feed: FeedConfig, text: str) -> str:
        return scrub(feed, text)

    async def _refresh(self, state: FeedState) -> FetchOutcome:
        lock = self._locks.setdefault(state.name, asyncio.Lock())
        async with lock:
            state.fetching = True
            try:
                return await self._attempt(state)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001  (a bug must not take the dashboard down)
                # Where, not what: an exception's words may quote a header or a password.
                frames = traceback.extract_tb(error.__traceback__)
                where = (
                    f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
                )
                return self._failure(
                    state,
                    FetchError(
                        f"unexpected error ({type(error).__name__}{where}); please report it"
                    ),
                )
            finally:
                state.fetching = False

    async def _attempt(self, state: FeedState) -> FetchOutcome:
        feed = state.feed
        now = self.clock()
        if self.offline:
            if state.layer is not None:
                return self._remember(
                    state,
                    FeedStatus.CACHED,
                    f"offline: using the copy from {when(state.copy_fetched_at)}",
                )
            return self._remember(state, FeedStatus.FAILED, "offline, and no copy is cached")
        if state.retry_at is not None and state.retry_at > now:
            status = FeedStatus.STALE if state.layer is not None else FeedStatus.FAILED
            return self._remember(
                state,
                status,
                f"not fetched: the server asked to wait until {when(state.retry_at)} (Retry-After)",
            )
        state.last_attempt_at = now
        try:
            try:
                async with asyncio.timeout(feed.timeout):
                    download = await self._download(
                        feed, state.copy if state.layer is not None else None
                    )
            except TimeoutError:
                raise FetchError(
                    f"took longer than the {feed.timeout:g} s deadline (timeout), so the download was stopped"
                ) from None
            except httpx.HTTPError as error:
                raise FetchError(self._transport_reason(feed, error)) from None
            if download.not_modified:
                if state.layer is None or state.copy is None:
                    raise FetchError(
                        "the server answered 304 Not Modified although no copy was asked about",
                        http_status=304,
                    )
                return await self._not_modified(state, download)
            return await self._new_body(state, download)
        except FetchError as error:
            return self._failure(state, error)

    async def _not_modified(self, state: FeedState, download: _Download) -> FetchOutcome:
        feed, copy, now = state.feed, state.copy, self.clock()
        assert copy is not None  # validators are only sent with a copy in use
        copy = replace(
            copy,
            etag=download.etag if download.etag is not None else copy.etag,
            last_modified=download.last_modified
            if download.last_modified is not None
            else copy.last_modified,
        )
        cache_error = kept_at = None
        try:
            saved = await asyncio.to_thread(
                self.cache.confirm, feed, copy.sha256,
                etag=copy.etag, last_modified=copy.last_modified, checked_at=now,
            )  # fmt: skip
        except OSError as error:
            saved, (cache_error, kept_at) = False, _unsaved(error, state)
        if saved:
            state.copy = copy
        if state._layer_sha != copy.sha256:  # the copy in memory was never saved: use the disk one
            disk = await asyncio.to_thread(self.cache.read, feed)
            if disk is not None and disk.info.sha256 == copy.sha256:
                layer, _ = await asyncio.to_thread(self.cache.parse, feed, disk)
                if layer.documents:
                    state.layer, state._layer_sha = layer, copy.sha256
                    state.layer_fetched_at = copy.fetched_at
        self._succeeded(state, now)
        return self._remember(
            state, FeedStatus.UNCHANGED,
            f"unchanged since {when(state.layer_fetched_at)} (the server says not modified)",
            contacted=True, http_status=304, cache_error=cache_error,
            saved_copy_at=kept_at,
        )  # fmt: skip

    async def _new_body(self, state: FeedState, download: _Download) -> FetchOutcome:
        feed, now = state.feed, self.clock()
        body = download.body
        sha = hashlib.sha256(body).hexdigest()
        info = CopyInfo(
            sha,
            len(body),
            download.format,
            now,
            download.etag,
            download.last_modified,
            download.content_type,
        )
        if sha == state._layer_sha and state.layer is not None:
            layer, changes = state.layer, Changes()
            info = replace(info, fetched_at=state.copy_fetched_at or now)
        else:
            layer, problems = await asyncio.to_thread(parse_body, feed, body, download.format)
            if not layer.documents or problems:
                count = len(problems)
                raise FetchError(
                    f"the server sent a document that cannot be read ({count} problem{'s' if count != 1 else ''}, below)",
                    http_status=download.http_status,
                    problems=problems,
                )
            # Off the event loop: comparing two large copies takes a noticeable moment.
            changes = await asyncio.to_thread(compare, state.layer, layer)
        cache_error = kept_at = None
        try:
            await asyncio.to_thread(self.cache.store, feed, body, info, checked_at=now)
        except OSError as error:
            cache_error, kept_at = _unsaved(error, state)
        else:
            state.copy = info
        previous = state.layer
        state.layer, state._layer_sha, state.layer_fetched_at = layer, sha, info.fetched_at
        self._succeeded(state, now)
        if previous is None:
            counts = _count_text(state.counts)
            status, reason = FeedStatus.FRESH, f"fetched: {counts}"
        elif changes:
            status, reason = FeedStatus.FRESH, f"updated: {changes.summary()}"
        else:
            status, reason = FeedStatus.UNCHANGED, "unchanged (the server sent the same content)"
        if status is FeedStatus.FRESH and layer.sanitised:  # spec: reported as a warning
            n = layer.sanitised
            reason += f"; warning: {n} control or bidi character{'s' if n != 1 else ''} removed"
        if changes:
            state.changes = changes
        return self._remember(
            state, status, reason, changes=changes, contacted=True,
            http_status=download.http_status, cache_error=cache_error,
            saved_copy_at=kept_at,
        )  # fmt: skip

    def _succeeded(self, state: FeedState, now: float) -> None:
        had_trouble = state.failures or state.retry_at
        state.failures, state.retry_at = 0, None
        state.last_success_at = now
        state.next_attempt_at = now + state.feed.interval
        if had_trouble:
            self._save_state(state)

    def _failure(self, state: FeedState, error: FetchError) -> FetchOutcome:
        now = self.clock()
        state.failures = min(state.failures + 1, MAX_FAILURES)
        state.retry_at = error.retry_at if error.retry_at and error.retry_at > now else None
        state.next_attempt_at = max(
            now + self.backoff(state.feed, state.failures), state.retry_at or 0
        )
        self._save_state(state)
        status = FeedStatus.STALE if state.layer is not None else FeedStatus.FAILED
        return self._remember(
            state, status, error.reason, problems=error.problems,
            http_status=error.http_status, contacted=state.last_attempt_at is not None,
        )  # fmt: skip

    def _save_state(self, state: FeedState) -> None:
        try:
            self.cache.write_state(
                state.feed, failures=state.failures, retry_at=state.retry_at,
                last_attempt_at=state.last_attempt_at,
            )  # fmt: skip
        except OSError:
            pass  # retry bookkeeping is a courtesy; the copy itself is untouched

    # -- one download ---------------------------------------------------------------------------

    async def _download(self, feed: FeedConfig, copy: CopyInfo | None) -> _Download:
        problem = url_problem(feed.url)
        if problem is not None:
            raise FetchError(f"the address cannot be used: {problem}")
        token = read_token(feed)
        client = self._client()
        headers = {"Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING, "User-Agent": USER_AGENT}
        if copy is not None:  # validators a server sent that cannot go back as headers are left out
            if _header_safe(copy.etag):
                headers["If-None-Match"] = copy.etag
            if _header_safe(copy.last_modified):
                headers["If-Modified-Since"] = copy.last_modified
        timeout = httpx.Timeout(feed.timeout, connect=min(feed.timeout * CONNECT_SHARE, 10.0))
        url = httpx.URL(feed.url)
        home = origin_of(url)
        visited = [url]
        for _ in range(MAX_REDIRECTS + 1):
            hop = dict(headers)
            if token and origin_of(url) == home:  # never to another origin, even via redirect
                hop["Authorization"] = f"Bearer {token}"
            request = client.build_request("GET", url, headers=hop, timeout=timeout)
            response = await client.send(request, stream=True, follow_redirects=False)
            try:
                if response.has_redirect_location:
                    url = self._redirect(url, response.headers["location"], visited)
                    visited.append(url)
                    continue
                return await self._read(feed, url, response)
            finally:
                await response.aclose()
        raise FetchError(
            f"too many redirects (more than {MAX_REDIRECTS}); the last pointed to {redact_url(url)}"
        )

    @staticmethod
    def _redirect(url: httpx.URL, location: str, visited: list[httpx.URL]) -> httpx.URL:
        try:
            target = url.join(location)
        except (httpx.InvalidURL, ValueError):
            raise FetchError(f"{redact_url(url)} redirects to an unusable address") from None
        if target.scheme not in ("http", "https"):
            raise FetchError(
                f"{redact_url(url)} redirects to a non-web address ({redact_url(target)})"
            )
        problem = url_problem(str(target))
        if problem is not None:
            raise FetchError(
                f"{redact_url(url)} redirects to an unusable address "
                f"({redact_url(target)}): {problem}"
            )
        if url.scheme == "https" and target.scheme == "http":
            raise FetchError(
                f"refused a redirect from {redact_url(url)} to the insecure {redact_url(target)} "
                "(https to http)"
            )
        if target in visited:
            chain = " → ".join(redact_url(u) for u in visited[visited.index(target) :])
            raise FetchError(
                f"redirect loop at {redact_url(target)} ({chain} → {redact_url(target)})"
            )
        return target

    async def _read(self, feed: FeedConfig, url: httpx.URL, response: httpx.Response) -> _Download:
        status = response.status_code
        headers = response.headers
        if status == 304:
            return _Download(
                True,
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
                http_status=304,
            )
        if status not in (200, 203):
            raise self._status_error(feed, response)
        content_type = headers.get("content-type")
        fmt = guess_format(str(url), content_type) or (
            None if content_type else guess_format(feed.url)
        )
        if fmt is None:
            raise FetchError(self._wrong_type(content_type), http_status=status)
        coding = content_coding(headers.get("content-encoding"))
        declared = _int(headers.get("content-length"))
        if response.is_stream_consumed:  # a transport that hands over a body already read
            coding, declared = "identity", None
        if coding == "identity" and declared is not None and declared > feed.max_size:
            raise FetchError(
                f"the body is {_size(declared)}, over this feed's limit of {_size(feed.max_size)} (max_size); "
                "it was not downloaded",
                http_status=status,
            )
        decoder = BoundedDecoder(coding, feed.max_size)
        raw = 0
        try:
            chunks = (
                _already_read(response) if response.is_stream_consumed else response.aiter_raw()
            )
            async for chunk in chunks:
                raw += len(chunk)
                if raw > feed.max_size + (RAW_SLACK if coding != "identity" else 0):
                    raise TooLarge()
                decoder.write(chunk)
            body = decoder.finish()
        except TooLarge:
            raise FetchError(
                f"the body is larger than this feed's limit of {_size(feed.max_size)} (max_size)"
                + (" once decompressed" if coding != "identity" else "")
                + "; the download was stopped there",
                http_status=status,
            ) from None
        except httpx.RemoteProtocolError as error:
            if declared is not None and raw < declared:
                raise FetchError(
                    f"the connection closed before the whole body arrived ({raw:,} of {declared:,} bytes)",
                    http_status=status,
                ) from None
            raise FetchError(
                f"the body arrived broken ({_clean(error)})", http_status=status
            ) from None
        return _Download(
            False,
            body,
            fmt,
            content_type,
            headers.get("etag"),
            headers.get("last-modified"),
            status,
        )

    @staticmethod
    def _wrong_type(content_type: str | None) -> str:
        if not content_type:
            return (
                "the server did not say what it sent (no Content-Type) and the URL does not end "
                "in .json or .toml"
            )
        kind = _clean(content_type.split(";", 1)[0].strip().lower(), 60)
        if kind in ("text/html", "application/xhtml+xml"):
            return (
                f"the server sent a web page ({kind}), not a faultline/1 document: "
                "perhaps a login page, or the URL is wrong"
            )
        return f"the server sent {kind}, not a JSON or TOML document"

    def _status_error(self, feed: FeedConfig, response: httpx.Response) -> FetchError:
        status = response.status_code
        phrase = httpx.codes.get_reason_phrase(status) or "unknown status"
        code = f"{status} {phrase}"
        retry_at = None
        if status in (429, 503):
            retry_at = parse_retry_after(response.headers.get("retry-after"), self.clock())
        if status == 401:
            hint = (
                f"check the token in {feed.token_env}" if feed.token_env
                else "this feed needs a token: set token_env in the configuration"
            )  # fmt: skip
            reason = f"the server refused the request as unauthorised ({code}): {hint}"
        elif status == 403:
            reason = f"the server denied access ({code})"
        elif status in (404, 410):
            reason = f"there is no feed at this address ({code}): check the URL"
        elif status == 429:
            reason = f"the server says there were too many requests ({code})"
        elif status >= 500:
            reason = f"the server failed ({code})"
        else:
            reason = f"the server answered {code}, not a document"
        if retry_at is not None:
            reason += f" and asked to wait until {when(retry_at)}"
        elif status in (429, 503) and response.headers.get("retry-after", "").strip():
            reason += "; its Retry-After could not be read, so the usual wait applies"
        return FetchError(reason, retry_at=retry_at, http_status=status)

    @staticmethod
    def _transport_reason(feed: FeedConfig, error: httpx.HTTPError) -> str:
        connect = min(feed.timeout * CONNECT_SHARE, 10.0)
        if isinstance(error, httpx.ConnectTimeout):
            return f"could not connect within {connect:g} s (the server did not answer)"
        if isinstance(error, httpx.PoolTimeout):
            return "too many fetches at once: no connection became free in time"
        if isinstance(error, httpx.ReadTimeout):
            return f"the server stopped sending for {feed.timeout:g} s"
        if isinstance(error, httpx.TimeoutException):
            return f"the connection timed out ({type(error).__name__})"
        if isinstance(error, httpx.ProxyError):
            return f"the proxy failed: {_clean(error)}"
        if isinstance(error, httpx.UnsupportedProtocol):
            return f"the address cannot be used: {_clean(error)}"
        if isinstance(error, httpx.LocalProtocolError):
            # h11 quotes the header it refused ("Illegal header value b'Bearer …'"): never shown.
            return "the request could not be sent: the HTTP library refused one of its headers"
        cause = _root(error)
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = _clean(cause.verify_message or cause)
            return (
                f"the server's TLS certificate was not accepted ({detail}); nothing was fetched. "
                "Verification is never turned off: for a private CA, point SSL_CERT_FILE at it"
            )
        if isinstance(cause, ssl.SSLError):
            return f"the secure (TLS) connection failed: {_clean(cause)}"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused: nothing is listening there (is the server up?)"
        if isinstance(cause, socket.gaierror):
            return "the host name could not be found"
        if isinstance(cause, ConnectionResetError):
            return "the server reset the connection"
        if isinstance(error, httpx.ConnectError):
            return f"could not connect: {_clean(cause or error)}"
        if isinstance(error, httpx.RemoteProtocolError):
            return f"the server broke the HTTP protocol: {_clean(error)}"
        return f"the connection failed: {_clean(cause or error)}"


def _unsaved(error: OSError, state: FeedState) -> tuple[str, float | None]:
    """Why a copy could not be saved, for the feed's message, and when the copy the next
    start will find was fetched (None: it finds none). A refused cache dir is explained
    once, in the cache's warning, not once per feed; and no copy is read from it."""
    if isinstance(error, NotPrivate):
        return "the cache dir is not used, see the cache warning", None
    return error.strerror or str(error), state.copy.fetched_at if state.copy else None


def scrub(feed: FeedConfig, text: str) -> str:
    """Text fit for people: the feed's token (should a server echo it) and control
    characters removed."""
    token = os.environ.get(feed.token_env) if feed.token_env else None
    for secret in (token, token.strip()) if token else ():
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return sanitise(text)[0]


def read_token(feed: FeedConfig) -> str | None:
    """The feed's bearer token, from its ``token_env`` variable, without surrounding
    whitespace (a token file saved with Windows line endings ends in CR LF). A token that
    is unset, empty, or holds a character a header cannot carry is a ``FetchError`` that
    names the variable and never quotes the value."""
    if not feed.token_env:
        return None
    variable = f"the token variable {feed.token_env} (token_env)"
    raw = os.environ.get(feed.token_env)
    if raw is None:
        raise FetchError(f"{variable} is not set, so nothing was fetched")
    token = raw.strip()
    if not token:
        raise FetchError(f"{variable} is empty, so nothing was fetched")
    for position, char in enumerate(token, 1):
        if not " " <= char <= "~":
            kind = (
                "a control character"
                if char.isascii() or unicodedata.category(char) == "Cc"
                else "a non-ASCII character"
            )
            raise FetchError(
                f"{variable} holds {kind} (character {position} of the token), which a "
                "request header cannot carry; nothing was fetched: check the variable's value"
            )
    return token


def _header_safe(value: str | None) -> TypeGuard[str]:
    """Whether a value (a cached validator) can be sent back as a header as it is."""
    return value is not None and value != "" and all(" " <= c <= "~" for c in value)


def proxy_problem() -> str | None:
    """What is wrong with the proxy variables (``HTTPS_PROXY`` …) httpx will use, naming
    the variable and never its password; or None."""
    proxies = urllib.request.getproxies()
    if "*" in (host.strip() for host in proxies.get("no", "").split(",")):
        return None  # NO_PROXY=*: httpx uses no proxy at all
    for scheme in ("http", "https", "all"):
        value = proxies.get(scheme)
        if not value:
            continue
        names = (f"{scheme}_proxy", f"{scheme.upper()}_PROXY")
        name = next(
            (v for v in names if os.environ.get(v) == value), f"the system's {scheme} proxy setting"
        )
        url = value if "://" in value else f"http://{value}"
        shown = f"{name} ({redact_url(url)})"
        kind = url.partition("://")[0].strip().lower()
        if kind in ("socks5", "socks5h"):
            if find_spec("socksio") is None:
                return (
                    f"{shown} names a SOCKS proxy, which this installation cannot use (the "
                    "socksio package is not installed: pip install 'httpx[socks]'); "
                    "or name an http:// proxy"
                )
        elif kind not in ("http", "https"):
            return f"{shown} is not an http, https or socks5 proxy URL"
        problem = url_problem(url)
        if problem is not None:
            return f"{shown} is not a usable proxy URL: {problem}"
    return None


async def _already_read(response: httpx.Response) -> Any:
    yield response.content


def _count_text(counts: dict[str, int]) -> str:
    """``12 actors, 1 event``, or ``no entities``."""
    words = [f"{n} {kind if n != 1 else kind[:-1]}" for kind, n in counts.items() if n]
    return ", ".join(words) or "no entities"


def _root(error: BaseException) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = error
    last = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        last = current
        current = current.__cause__ or current.__context__
    return last if last is not error else None


def _clean(value: object, limit: int = 200) -> str:
    text = sanitise(str(value))[0].replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# -- headless ---------------------------------------------------------------------------------


def fetch_all(
    feeds: Sequence[FeedConfig], cache: FeedCache, *, offline: bool = False
) -> list[FetchOutcome]:
    """Refresh every feed once (or, offline, read the cached copies): for the CLI."""

    async def run() -> list[FetchOutcome]:
        async with FeedClient(feeds, cache, offline=offline) as client:
            cached = client.load_cached()
            if offline:
                return cached
            return await client.refresh_all()

    return asyncio.run(run())


__all__ = [
    "BoundedDecoder",
    "CachedCopy",
    "CopyInfo",
    "FeedCache",
    "FeedClient",
    "FeedState",
    "FeedStatus",
    "FetchError",
    "FetchOutcome",
    "content_coding",
    "feed_name_from",
    "feeds_from",
    "fetch_all",
    "parse_body",
    "parse_retry_after",
    "proxy_problem",
    "read_token",
    "redact_url",
    "url_problem",
    "when",
]
