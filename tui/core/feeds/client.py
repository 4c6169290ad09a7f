"""The feed client: one ``httpx.AsyncClient`` for the life of the app.

Each feed is fetched with a conditional GET under one overall deadline, its body read
raw and decompressed with a bound (``decoders``), checked as a document, and only then
written to the cache beside the previous copy. Whatever goes wrong, the last good copy
stays in use and on disk, and the message says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import time
import traceback
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Self, TypeGuard

import httpx

from ... import __version__
from ..changes import Changes, compare
from ..config import FeedConfig
from ..dates import local_time
from ..loading import guess_format
from ..merge import Layer
from ..paths import NotPrivate
from ..text import counted
from .cache import MAX_FAILURES, CopyInfo, FeedCache, parse_body
from .decoders import BoundedDecoder, TooLarge, content_coding
from .errors import (
    CONNECT_SHARE,
    MAX_RETRY_AFTER,
    FetchError,
    library_words,
    size_text,
    status_error,
    transport_reason,
    wrong_type,
)
from .state import FeedState, FeedStatus, FetchOutcome, backoff
from .urls import origin_of, proxy_problem, redact_url, scrub, url_problem

MAX_REDIRECTS = 5
RAW_SLACK = 1 << 20  # compressed bytes allowed beyond max_size before giving up
USER_AGENT = f"faultline/{__version__} (feed reader)"
ACCEPT = "application/json, application/toml;q=0.9, text/toml;q=0.9, */*;q=0.1"
# Only what is decoded below; br and zstd are not advertised because they are not read.
ACCEPT_ENCODING = "gzip, deflate"


class _Redirected(Exception):
    """A redirect, stopped before httpx reads its Location: httpx's own parse would fail
    for a Location holding a password with a ``/`` and quote a piece of it ("Invalid
    port: 'S3c'"), or fail outside ``httpx.HTTPError`` for ``javascript:``."""

    def __init__(self, location: str) -> None:
        super().__init__("redirect")  # never the Location itself
        self.location = location


async def _stop_at_redirect(response: httpx.Response) -> None:
    """A response hook: a redirect ends ``send`` here, with its Location as sent."""
    if response.has_redirect_location:  # a 30x with a Location header; nothing parsed yet
        raise _Redirected(response.headers["location"])


_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):")


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
            layer, problems = parse_body(feed, copy.body, copy.info.format)
            if layer.documents:
                state.layer, state.copy, state.layer_sha = layer, copy.info, copy.info.sha256
                state.copy_fetched_at = copy.info.fetched_at
                state.last_success_at = copy.checked_at
                state.status = FeedStatus.CACHED
                reason = (
                    "offline: " if self.offline else ""
                ) + f"using the copy from {local_time(copy.info.fetched_at)}"
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
        hooks = self._http.event_hooks["response"]
        if _stop_at_redirect not in hooks:
            hooks.append(_stop_at_redirect)
        return self._http

    def _remember(
        self, state: FeedState, status: FeedStatus, reason: str, **extra: Any
    ) -> FetchOutcome:
        reason = scrub(state.feed, reason)
        outcome = FetchOutcome(
            feed=state.feed,
            status=status,
            reason=reason,
            layer=state.layer,
            copy_fetched_at=state.copy_fetched_at,
            next_attempt_at=state.next_attempt_at,
            **extra,
        )
        state.status, state.reason, state.last_outcome = status, reason, outcome
        state.problems = outcome.problems
        return outcome

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
                    f"offline: using the copy from {local_time(state.copy_fetched_at)}",
                )
            return self._remember(state, FeedStatus.FAILED, "offline, and no copy is cached")
        if state.retry_at is not None and state.retry_at > now:
            status = FeedStatus.STALE if state.layer is not None else FeedStatus.FAILED
            return self._remember(
                state,
                status,
                f"not fetched: the server asked to wait until {local_time(state.retry_at)}"
                " (Retry-After)",
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
                    f"took longer than the {feed.timeout:g} s deadline (timeout), "
                    "so the download was stopped"
                ) from None
            except httpx.HTTPError as error:
                raise FetchError(transport_reason(feed, error)) from None
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
        if state.layer_sha != copy.sha256:  # the copy in memory was never saved: use the disk one
            disk = await asyncio.to_thread(self.cache.read, feed)
            if disk is not None and disk.info.sha256 == copy.sha256:
                layer, _ = await asyncio.to_thread(parse_body, feed, disk.body, disk.info.format)
                if layer.documents:
                    state.layer, state.layer_sha = layer, copy.sha256
                    state.copy_fetched_at = copy.fetched_at
        self._succeeded(state, now)
        return self._remember(
            state, FeedStatus.UNCHANGED,
            f"unchanged since {local_time(state.copy_fetched_at)} (the server says not modified)",
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
        if sha == state.layer_sha and state.layer is not None:
            layer, changes = state.layer, Changes()
            info = replace(info, fetched_at=state.copy_fetched_at or now)
        else:
            layer, problems = await asyncio.to_thread(parse_body, feed, body, download.format)
            if not layer.documents or problems:
                count = len(problems)
                raise FetchError(
                    "the server sent a document that cannot be read "
                    f"({counted(count, 'problem')}, below)",
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
        state.layer, state.layer_sha, state.copy_fetched_at = layer, sha, info.fetched_at
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
            reason += f"; warning: {counted(n, 'control or bidi character')} removed"
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
        state.next_attempt_at = max(now + backoff(state.feed, state.failures), state.retry_at or 0)
        self._save_state(state)
        status = FeedStatus.STALE if state.layer is not None else FeedStatus.FAILED
        return self._remember(
            state, status, error.reason, problems=error.problems,
            http_status=error.http_status, contacted=state.last_attempt_at is not None,
        )  # fmt: skip

    def _save_state(self, state: FeedState) -> None:
        # Retry bookkeeping is a courtesy; the copy itself is untouched.
        with contextlib.suppress(OSError):
            self.cache.write_state(
                state.feed, failures=state.failures, retry_at=state.retry_at,
                last_attempt_at=state.last_attempt_at,
            )  # fmt: skip

    # -- one download ---------------------------------------------------------------------------

    async def _download(
        self, feed: FeedConfig, copy: CopyInfo | None, *, document: bool = True
    ) -> _Download:
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
            try:
                response = await client.send(request, stream=True, follow_redirects=False)
            except _Redirected as redirect:  # httpx has closed the response
                url = self._redirect(url, redirect.location, visited)
                visited.append(url)
                continue
            try:
                return await self._read(feed, url, response, document=document)
            finally:
                await response.aclose()
        raise FetchError(
            f"too many redirects (more than {MAX_REDIRECTS}); the last pointed to {redact_url(url)}"
        )

    @staticmethod
    def _redirect(url: httpx.URL, location: str, visited: list[httpx.URL]) -> httpx.URL:
        """Where a redirect to ``location`` (the header as the server sent it) leads. The
        messages show the Location redacted as raw text, never a URL parser's words."""
        scheme = _SCHEME.match(location)
        if scheme and scheme.group(1).lower() not in ("http", "https"):
            raise FetchError(
                f"{redact_url(url)} redirects to a non-web address ({scheme.group(1).lower()}:); "
                "only http and https addresses are followed"
            )
        try:
            target = url.join(location)
        except (httpx.InvalidURL, ValueError, TypeError):
            why = url_problem(location) or "it cannot be read as a URL"
            raise FetchError(
                f"{redact_url(url)} redirects to an address that cannot be used "
                f"({redact_url(location)}): its Location header is not a valid URL: {why}"
            ) from None
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

    async def _read(
        self, feed: FeedConfig, url: httpx.URL, response: httpx.Response, *, document: bool
    ) -> _Download:
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
            raise status_error(feed, response, self.clock())
        content_type = headers.get("content-type")
        fmt = guess_format(str(url), content_type) or (
            None if content_type else guess_format(feed.url)
        )
        if fmt is None and document:  # any file will do for ``download`` (its caller checks)
            raise FetchError(wrong_type(content_type), http_status=status)
        coding = content_coding(headers.get("content-encoding"))
        declared = _int(headers.get("content-length"))
        if response.is_stream_consumed:  # a transport that hands over a body already read
            coding, declared = "identity", None
        if coding == "identity" and declared is not None and declared > feed.max_size:
            raise FetchError(
                f"the body is {size_text(declared)}, over this feed's limit of "
                f"{size_text(feed.max_size)} (max_size); it was not downloaded",
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
                "the body is larger than this feed's limit of "
                f"{size_text(feed.max_size)} (max_size)"
                + (" once decompressed" if coding != "identity" else "")
                + "; the download was stopped there",
                http_status=status,
            ) from None
        except httpx.RemoteProtocolError as error:
            if declared is not None and raw < declared:
                raise FetchError(
                    "the connection closed before the whole body arrived "
                    f"({raw:,} of {declared:,} bytes)",
                    http_status=status,
                ) from None
            raise FetchError(
                f"the body arrived broken ({library_words(error)})", http_status=status
            ) from None
        return _Download(
            False,
            body,
            fmt or "",
            content_type,
            headers.get("etag"),
            headers.get("last-modified"),
            status,
        )


def _unsaved(error: OSError, state: FeedState) -> tuple[str, float | None]:
    """Why a copy could not be saved, for the feed's message, and when the copy the next
    start will find was fetched (None: it finds none). A refused cache dir is explained
    once, in the cache's warning, not once per feed; and no copy is read from it."""
    if isinstance(error, NotPrivate):
        return "the cache dir is not used, see the cache warning", None
    return error.strerror or str(error), state.copy.fetched_at if state.copy else None


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


async def _already_read(response: httpx.Response) -> Any:
    yield response.content


def _count_text(counts: dict[str, int]) -> str:
    """``12 actors, 1 event``, or ``no entities``."""
    words = [counted(n, kind.removesuffix("s")) for kind, n in counts.items() if n]
    return ", ".join(words) or "no entities"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# -- headless ---------------------------------------------------------------------------------


def download(feed: FeedConfig) -> tuple[bytes, str | None]:
    """The body and Content-Type at ``feed.url``, for a file that is not a feed document
    (``faultline import URL``): fetched as a feed is, under its deadline (``timeout``), size
    cap (``max_size``, after decompression) and redirect rules, without the cache.
    Raises ``FetchError`` with the reason a feed's message would give."""

    async def run() -> _Download:
        async with FeedClient((feed,), FeedCache(Path(os.devnull))) as client:
            async with asyncio.timeout(feed.timeout):
                return await client._download(feed, None, document=False)

    try:
        got = asyncio.run(run())
    except TimeoutError:
        raise FetchError(
            f"took longer than the {feed.timeout:g} s deadline, so the download was stopped"
        ) from None
    except httpx.HTTPError as error:
        raise FetchError(transport_reason(feed, error)) from None
    return got.body, got.content_type


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
