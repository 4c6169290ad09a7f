"""The last good copy of each feed on disk, its validators and the retry bookkeeping:
bodies stored by checksum, an index with a checksum of its own made again from the
bodies when damaged, in the user's private cache dir. And ``parse_body``: a body as a
layer, for a cached copy as for a new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..config import FeedConfig
from ..loading import read_bytes
from ..merge import Layer, check_layer
from ..paths import NotPrivate, private_dir, read_private
from ..problems import DocumentError, Problem
from .urls import redact_url

CACHE_GRACE = 600.0  # unreferenced cache files younger than this may be another process's
LATEST = 32_503_680_000.0  # 3000-01-01: a later time in a cache or state file is damage
MAX_FAILURES = 1_000_000_000  # consecutive failures counted (the backoff is capped long before)


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
            value = texts[key]
            if value is not None and not _VALIDATOR.fullmatch(value):
                texts[key] = None
        return cls(sha, size, fmt, at, **texts)


_SHA256 = re.compile(r"[0-9a-f]{64}")
_VALIDATOR = re.compile(r"[\x20-\x7e]{1,8192}")  # what goes back in a header as it came


def _moment(value: object) -> float | None:
    """A time read from a cache or state file, or None when it is not one: a number (not
    a bool), finite, from 1970 to the year 3000."""
    # NaN fails the range test too.
    if (type(value) is not int and type(value) is not float) or not 0 <= value <= LATEST:
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
_REBUILT = (
    "the cache index was missing, damaged or named a body not on disk; the copy was found by "
    "its checksum"
)


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
    previous copy. An index that is missing, damaged, holds any value out of place, or
    names a current body that is missing or damaged is made again from the bodies (each
    body's time is set to when it was downloaded), so a good body is never lost, only its
    validators (the next fetch downloads in full).

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
        current = index.current
        body = self._body(feed, current.sha256)
        if body is not None:
            return CachedCopy(current, body, max(index.checked_at, current.fetched_at), index.note)
        # The body the index names is missing or damaged, though the index itself reads
        # well: the bodies on disk decide, as for a damaged index, so that an index naming
        # a body that is not there never hides a good one that is. A copy the index knows
        # as its previous one keeps its validators.
        found = index if index.note is not None else self._rebuild(feed)
        if found is None:
            return None
        known = {index.previous.sha256: index.previous} if index.previous else {}
        for info in (found.current, found.previous):
            if info is None or (body := self._body(feed, info.sha256)) is None:
                continue
            kept = known.get(info.sha256, info)
            note = _DAMAGED if kept.sha256 in known else _REBUILT
            return CachedCopy(kept, body, kept.fetched_at, note)
        return None

    def layer(self, feed: FeedConfig) -> Layer | None:
        """The cached copy as a layer, or None."""
        copy = self.read(feed)
        return None if copy is None else parse_body(feed, copy.body, copy.info.format)[0]

    def store(self, feed: FeedConfig, body: bytes, info: CopyInfo, *, checked_at: float) -> None:
        """Write a new good body, then the index naming it and the copy it replaces."""
        self._writable()
        target = self.body_path(feed, info.sha256)
        if not _holds(target, info.sha256):
            write_atomic(target, body)
        # The body's time is its download's: what a rebuilt index goes by.
        with contextlib.suppress(OSError, ValueError, OverflowError):
            os.utime(target, (info.fetched_at, info.fetched_at))
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
