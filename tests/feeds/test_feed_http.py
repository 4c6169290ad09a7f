"""Feeds over a real socket on 127.0.0.1: every way a fetch can go wrong, each checked for
the message a person sees and for the previous good copy, intact in memory and on disk."""

from __future__ import annotations

import asyncio
import email.utils
import functools
import json
import threading
import time
import tracemalloc
import zlib
from pathlib import Path

import httpx
import pytest
from feedserver import (
    FeedServer,
    Raw,
    Reply,
    backlogged_port,
    closed_port,
    conditional,
    drip,
    gzipped,
    json_reply,
    self_signed_cert,
    silent,
    truncated,
)
from helpers import until

from tui.core.config import FeedConfig
from tui.core.feeds import FeedCache, FeedClient, FeedStatus
from tui.core.loading import read_layer
from tui.core.merge import merge
from tui.core.model import Kind

PROXY_VARS = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
)

GOOD = {
    "format": "faultline/1",
    "meta": {"title": "Team feed"},
    "actors": [{"id": "kz", "name": "Kazakhstan", "kind": "state"}],
    "events": [{"id": "summit", "title": "Summit", "date": "2013-01", "actors": ["kz"]}],
}
NEWER = {
    "format": "faultline/1",
    "actors": [
        {"id": "kz", "name": "Kazakhstan", "kind": "state", "country": "KAZ"},
        {"id": "ru", "name": "Russia", "kind": "state"},
    ],
}
ETAG, LAST_MODIFIED = '"v1"', "Wed, 21 Oct 2015 07:28:00 GMT"


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """An inherited proxy setting must not route loopback test traffic anywhere else."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def cache(tmp_path: Path) -> FeedCache:
    return FeedCache(tmp_path / "cache")


def feed_for(url: str, **options) -> FeedConfig:
    options.setdefault("timeout", 2.0)
    return FeedConfig(name="team", url=url, **options)


def ids(layer, kind: Kind = Kind.ACTOR) -> list[str]:
    return sorted(e.id for d in layer.documents for e in d.entities(kind)) if layer else []


async def primed(server: FeedServer, cache: FeedCache, path: str = "/feed.json", **options):
    """A client whose feed already holds a good copy (GOOD, with both validators)."""
    server.route(
        path, conditional(json.dumps(GOOD).encode(), etag=ETAG, last_modified=LAST_MODIFIED)
    )
    feed = feed_for(server.url(path), **options)
    client = FeedClient([feed], cache)
    client.load_cached()
    outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FRESH, outcome.describe()
    return client, feed


def assert_kept(client: FeedClient, cache: FeedCache, feed: FeedConfig) -> None:
    """The previous good copy is still in use and still on disk, byte for byte."""
    state = client.state(feed)
    assert ids(state.layer) == ["kz"] and ids(state.layer, Kind.EVENT) == ["summit"]
    assert ids(cache.layer(feed)) == ["kz"]
    copy = cache.read(feed)
    assert copy is not None and json.loads(copy.body) == GOOD
    assert copy.info.etag == ETAG and copy.info.last_modified == LAST_MODIFIED


async def failed_refresh(client: FeedClient, feed: FeedConfig, cache: FeedCache) -> str:
    outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.STALE and outcome.failed
    assert ids(outcome.layer) == ["kz"]  # the layer to use is still the good one
    assert_kept(client, cache, feed)
    message = outcome.describe()
    assert message.startswith(f"team ({feed.url}): ")
    assert "; kept the copy from " in message
    assert client.state(feed).status is FeedStatus.STALE
    assert client.state(feed).failures == 1
    return message


@functools.cache
def bomb_of(size: int, fill: bytes = b" ") -> bytes:
    """gzip of ``size`` bytes of ``fill``, made a MiB at a time (never all in memory)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = fill * (1 << 20)
    return b"".join(packer.compress(block) for _ in range(size >> 20)) + packer.flush()


# -- conditional GET ------------------------------------------------------------------------


async def test_200_then_304_with_both_validators(server: FeedServer, cache: FeedCache) -> None:
    fresh = {"ETag": '"v2"', "Last-Modified": "Thu, 22 Oct 2015 07:28:00 GMT"}
    server.route(
        "/feed.json",
        json_reply(GOOD, etag=ETAG, last_modified=LAST_MODIFIED),
        Reply(304, list(fresh.items()), content_length=False),
        Reply(304, [], content_length=False),
    )
    feed = feed_for(server.url("/feed.json"))
    async with FeedClient([feed], cache) as client:
        client.load_cached()
        first = await client.refresh(feed)
        assert first.status is FeedStatus.FRESH and first.http_status == 200
        assert first.describe() == f"team ({feed.url}): fetched: 1 actor, 1 event"
        assert first.changes is not None and len(first.changes.added) == 2
        assert client.state(feed).counts == {
            "sources": 0,
            "actors": 1,
            "disagreements": 0,
            "events": 1,
        }

        second = await client.refresh(feed)
        assert second.status is FeedStatus.UNCHANGED and second.http_status == 304
        assert "unchanged since" in second.describe() and "not modified" in second.describe()
        assert ids(second.layer) == ["kz"]
        sent = server.requests_for("/feed.json")[1]
        assert sent.header("if-none-match") == ETAG
        assert sent.header("if-modified-since") == LAST_MODIFIED

        await client.refresh(feed)  # takes the 304's fresh validators, kept on disk too
        third = server.requests_for("/feed.json")[2]
        assert third.header("if-none-match") == '"v2"'
        assert third.header("if-modified-since") == fresh["Last-Modified"]
        assert cache.read(feed).info.etag == '"v2"'  # type: ignore[union-attr]
        # a 304 without validators keeps the last ones
        assert client.state(feed).copy.etag == '"v2"'  # type: ignore[union-attr]
    assert first.failed is False and second.failed is False


async def test_changed_feed_reports_what_changed(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache)
    server.route("/feed.json", json_reply(NEWER, etag='"v2"'))
    outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FRESH
    text = outcome.describe(details=True)
    assert "updated: 1 added, 1 changed, 1 removed" in text
    assert "+ actor ru: Russia" in text
    assert "* actor kz: Kazakhstan (country)" in text
    assert "- event summit: Summit" in text
    assert ids(cache.layer(feed)) == ["kz", "ru"]
    assert cache.read(feed).info.etag == '"v2"'  # type: ignore[union-attr]
    await client.aclose()


ONLY_CHANGED = {**GOOD, "actors": [{"id": "kz", "name": "Qazaqstan", "kind": "state"}]}
ONLY_REMOVED = {**GOOD, "events": []}
ONLY_X_VALUE = {**GOOD, "actors": [{**GOOD["actors"][0], "x_note": "revised"}]}
ONLY_X_VALUE_BEFORE = {**GOOD, "actors": [{**GOOD["actors"][0], "x_note": "first"}]}


@pytest.mark.parametrize(
    ("before", "after", "summary", "line"),
    [
        (GOOD, ONLY_CHANGED, "0 added, 1 changed, 0 removed", "* actor kz: Qazaqstan (name)"),
        (GOOD, ONLY_REMOVED, "0 added, 0 changed, 1 removed", "- event summit: Summit"),
        (
            ONLY_X_VALUE_BEFORE,
            ONLY_X_VALUE,
            "0 added, 1 changed, 0 removed",
            "* actor kz: Kazakhstan (extra)",
        ),
    ],
    ids=["only-changed", "only-removed", "only-an-x_-value"],
)
async def test_a_refresh_that_only_changes_or_only_removes_is_an_update(
    server: FeedServer, cache: FeedCache, before: dict, after: dict, summary: str, line: str
) -> None:
    # Nothing added: the analyst must still see "updated" and get the marks, never
    # "unchanged (the server sent the same content)".
    server.route("/feed.json", json_reply(before, etag='"v1"'), json_reply(after, etag='"v2"'))
    feed = feed_for(server.url("/feed.json"))
    async with FeedClient([feed], cache) as client:
        client.load_cached()
        assert (await client.refresh(feed)).status is FeedStatus.FRESH
        outcome = await client.refresh(feed)
        assert outcome.status is FeedStatus.FRESH, outcome.describe()
        text = outcome.describe(details=True)
        assert f"updated: {summary}" in text and line in text
        assert client.state(feed).changes is outcome.changes


async def test_control_characters_are_removed_and_counted(
    server: FeedServer, cache: FeedCache
) -> None:
    evil = {**GOOD, "actors": [{"id": "kz", "name": "Kaz\u001b[31makhstan\u202e", "kind": "state"}]}
    server.route("/feed.json", json_reply(evil))
    feed = feed_for(server.url("/feed.json"))
    async with FeedClient([feed], cache) as client:
        outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FRESH
    assert "warning: 2 control or bidi characters removed" in outcome.describe()
    assert outcome.layer.documents[0].actors[0].name == "Kaz[31makhstan"  # type: ignore[union-attr]
    assert "\x1b" not in outcome.describe(details=True)


async def test_same_body_again_is_unchanged(server: FeedServer, cache: FeedCache) -> None:
    server.route("/feed.json", json_reply(GOOD))  # no validators: the body comes every time
    feed = feed_for(server.url("/feed.json"))
    async with FeedClient([feed], cache) as client:
        await client.refresh(feed)
        again = await client.refresh(feed)
    assert again.status is FeedStatus.UNCHANGED
    assert "the server sent the same content" in again.describe()


# -- HTTP errors ----------------------------------------------------------------------------


async def test_500_keeps_the_copy(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache)
    server.route("/feed.json", Reply(500, [("Content-Type", "text/plain")], b"oops"))
    message = await failed_refresh(client, feed, cache)
    assert "the server failed (500 Internal Server Error)" in message
    await client.aclose()


async def test_404_names_the_url(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache)
    server.route("/feed.json", Reply(404, [("Content-Type", "text/html")], b"<h1>no</h1>"))
    message = await failed_refresh(client, feed, cache)
    assert "there is no feed at this address (404 Not Found): check the URL" in message
    await client.aclose()


async def test_429_retry_after_seconds_is_honoured(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache)
    server.route("/feed.json", Reply(429, [("Retry-After", "120")], b""))
    before = time.time()
    message = await failed_refresh(client, feed, cache)
    assert "too many requests (429 Too Many Requests) and asked to wait until" in message
    state = client.state(feed)
    assert state.retry_at is not None and before + 119 <= state.retry_at <= time.time() + 121
    assert state.next_attempt_at >= state.retry_at  # type: ignore[operator]
    assert feed not in client.due()

    count = len(server.requests_for("/feed.json"))
    deferred = await client.refresh(feed)  # even a manual refresh waits: the server asked
    assert len(server.requests_for("/feed.json")) == count
    assert deferred.status is FeedStatus.STALE and not deferred.contacted
    assert "not fetched: the server asked to wait until" in deferred.describe()
    assert "kept the copy from" in deferred.describe()
    assert_kept(client, cache, feed)
    await client.aclose()

    # remembered on disk, so a cron run in the next minute does not knock either
    later = FeedClient([feed], cache)
    later.load_cached()
    assert later.state(feed).retry_at == pytest.approx(state.retry_at)
    assert "not fetched" in (await later.refresh(feed)).describe()
    assert len(server.requests_for("/feed.json")) == count
    await later.aclose()


async def test_503_retry_after_http_date(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache)
    at = time.time() + 3600
    server.route(
        "/feed.json", Reply(503, [("Retry-After", email.utils.formatdate(at, usegmt=True))])
    )
    message = await failed_refresh(client, feed, cache)
    assert "the server failed (503 Service Unavailable) and asked to wait until" in message
    assert client.state(feed).retry_at == pytest.approx(at, abs=2)
    await client.aclose()


async def test_401_names_the_token_variable(
    server: FeedServer, cache: FeedCache, monkeypatch
) -> None:
    monkeypatch.setenv("TEAM_TOKEN", "s3cret-token-value")
    client, feed = await primed(server, cache, token_env="TEAM_TOKEN")
    server.route("/feed.json", Reply(401, [("WWW-Authenticate", "Bearer")]))
    message = await failed_refresh(client, feed, cache)
    assert "unauthorised (401 Unauthorized): check the token in TEAM_TOKEN" in message
    assert "s3cret" not in message
    await client.aclose()


# -- the network ----------------------------------------------------------------------------


async def test_connection_refused(cache: FeedCache) -> None:
    server = FeedServer().start()
    client, feed = await primed(server, cache)
    server.stop()  # nothing listens on that port any more
    message = await failed_refresh(client, feed, cache)
    assert "connection refused: nothing is listening there (is the server up?)" in message
    await client.aclose()


async def test_connection_refused_without_a_copy(cache: FeedCache) -> None:
    feed = feed_for(f"http://127.0.0.1:{closed_port()}/feed.json")
    async with FeedClient([feed], cache) as client:
        outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FAILED and outcome.layer is None
    assert outcome.describe() == (
        f"team ({feed.url}): connection refused: nothing is listening there (is the server up?); "
        "no earlier copy, so this feed is left out"
    )


async def test_connect_timeout_stays_on_loopback(cache: FeedCache) -> None:
    with backlogged_port() as port:
        feed = feed_for(f"http://127.0.0.1:{port}/feed.json", timeout=0.6)
        async with FeedClient([feed], cache) as client:
            started = time.monotonic()
            outcome = await client.refresh(feed)
            elapsed = time.monotonic() - started
    assert outcome.status is FeedStatus.FAILED
    assert "could not connect within 0.3 s (the server did not answer)" in outcome.describe()
    assert "no earlier copy, so this feed is left out" in outcome.describe()
    assert elapsed < 2


async def test_silent_server_hits_the_overall_deadline(
    server: FeedServer, cache: FeedCache
) -> None:
    client, feed = await primed(server, cache, timeout=0.5)
    server.route("/feed.json", silent())
    started = time.monotonic()
    message = await failed_refresh(client, feed, cache)
    assert time.monotonic() - started < 1.5
    assert "took longer than the 0.5 s deadline (timeout), so the download was stopped" in message
    await client.aclose()


async def test_slow_drip_past_the_deadline(server: FeedServer, cache: FeedCache) -> None:
    # every chunk arrives well within a read timeout: only the overall deadline stops it
    client, feed = await primed(server, cache, timeout=0.6)
    server.route("/feed.json", drip(every=0.02))
    started = time.monotonic()
    message = await failed_refresh(client, feed, cache)
    assert time.monotonic() - started < 1.6
    assert "took longer than the 0.6 s deadline" in message
    await client.aclose()


async def test_deadlines_do_not_leak_pool_slots(server: FeedServer, cache: FeedCache) -> None:
    server.route("/slow.json", silent())
    server.route("/feed.json", json_reply(GOOD))
    slow = FeedConfig("slow", server.url("/slow.json"), timeout=0.2)
    good = FeedConfig("good", server.url("/feed.json"), timeout=2)
    http = httpx.AsyncClient(limits=httpx.Limits(max_connections=1))
    async with FeedClient([slow, good], cache, http=http) as client:
        for _ in range(3):
            assert "deadline" in (await client.refresh(slow)).describe()
        outcome = await client.refresh(good)  # a leaked slot would make this a PoolTimeout
    assert outcome.status is FeedStatus.FRESH, outcome.describe()
    await http.aclose()


async def test_truncated_body(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache)
    server.route("/feed.json", truncated(b'{"format": "faultline/1", "act', claimed=5000))
    message = await failed_refresh(client, feed, cache)
    assert "the connection closed before the whole body arrived (30 of 5,000 bytes)" in message
    await client.aclose()


# -- redirects ------------------------------------------------------------------------------


async def test_redirect_is_followed(server: FeedServer, cache: FeedCache) -> None:
    server.route("/old.json", Reply(301, [("Location", "/new.json")]))
    server.route("/new.json", json_reply(GOOD))
    feed = feed_for(server.url("/old.json"))
    async with FeedClient([feed], cache) as client:
        outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FRESH


async def test_redirect_loop(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache)
    server.route("/feed.json", Reply(302, [("Location", "/elsewhere.json")]))
    server.route("/elsewhere.json", Reply(302, [("Location", server.url("/feed.json"))]))
    message = await failed_refresh(client, feed, cache)
    assert f"redirect loop at {feed.url}" in message
    assert server.url("/elsewhere.json") in message
    await client.aclose()


async def test_too_many_redirects(server: FeedServer, cache: FeedCache) -> None:
    for n in range(10):
        server.route(f"/hop{n}", Reply(307, [("Location", f"/hop{n + 1}")]))
    feed = feed_for(server.url("/hop0"))
    async with FeedClient([feed], cache) as client:
        outcome = await client.refresh(feed)
    assert (
        "too many redirects (more than 5); the last pointed to " + server.url("/hop6")
        in outcome.describe()
    )


# -- what the body is -----------------------------------------------------------------------


async def test_html_login_page(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache)
    server.route(
        "/feed.json",
        Reply(200, [("Content-Type", "text/html; charset=utf-8")], b"<form>login</form>"),
    )
    message = await failed_refresh(client, feed, cache)
    assert (
        "the server sent a web page (text/html), not a faultline/1 document: perhaps a login page"
        in message
    )
    await client.aclose()


async def test_invalid_utf8(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache)
    server.route(
        "/feed.json",
        Reply(200, [("Content-Type", "application/json")], b'{"format": "faultline/1\xff"}'),
    )
    message = await failed_refresh(client, feed, cache)
    assert "the server sent a document that cannot be read (1 problem, below)" in message
    assert f"  {feed.url}: is not valid UTF-8 text (byte 23)" in message
    await client.aclose()


async def test_body_over_the_size_cap(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache, max_size=2000)
    big = json.dumps({**GOOD, "x_pad": "a" * 5000}).encode()
    server.route("/feed.json", Reply(200, [("Content-Type", "application/json")], big))
    message = await failed_refresh(client, feed, cache)
    assert (
        "the body is 5.2 kB, over this feed's limit of 2 kB (max_size); it was not downloaded"
        in message
    )
    # without a Content-Length the download stops at the cap instead
    server.route(
        "/feed.json",
        Reply(
            200,
            [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
            b"%x\r\n%s\r\n0\r\n\r\n" % (len(big), big),
            content_length=False,
        ),
    )
    outcome = await client.refresh(feed)
    assert (
        "the body is larger than this feed's limit of 2 kB (max_size); "
        "the download was stopped there" in outcome.describe()
    )
    assert_kept(client, cache, feed)
    await client.aclose()


async def test_gzip_bomb_stays_within_the_cap(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache, max_size=1_000_000)
    bomb = bomb_of(256 << 20)  # 256 MiB of spaces in about 250 kB
    server.route(
        "/feed.json",
        Reply(200, [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], bomb),
    )
    tracemalloc.start()
    try:
        message = await failed_refresh(client, feed, cache)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "larger than this feed's limit of 1 MB (max_size) once decompressed" in message
    assert peak < 8_000_000, f"peak {peak:,} bytes"
    await client.aclose()


async def test_stacked_encodings_are_refused(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache)
    bomb = gzipped(bomb_of(512 << 20, b"\0"))  # the example: ~1 kB that is 512 MiB
    assert len(bomb) < 2000
    server.route(
        "/feed.json",
        Reply(
            200, [("Content-Type", "application/json"), ("Content-Encoding", "gzip, gzip")], bomb
        ),
    )
    message = await failed_refresh(client, feed, cache)
    assert "the server compressed the body more than once (gzip, gzip); refused" in message
    await client.aclose()


async def test_gzip_and_deflate_bodies_are_read(server: FeedServer, cache: FeedCache) -> None:
    raw = json.dumps(GOOD).encode()
    deflated = zlib.compress(raw)
    bare = zlib.compressobj(wbits=-15)
    raw_deflate = bare.compress(raw) + bare.flush()
    for coding, body in (
        ("gzip", gzipped(raw)),
        ("deflate", deflated),
        ("deflate", raw_deflate),
        ("identity", raw),
    ):
        server.route(
            "/feed.json",
            Reply(200, [("Content-Type", "application/json"), ("Content-Encoding", coding)], body),
        )
        feed = feed_for(server.url("/feed.json"))
        async with FeedClient(
            [feed], FeedCache(cache.directory.parent / coding / str(len(body)))
        ) as client:
            outcome = await client.refresh(feed)
        assert outcome.status is FeedStatus.FRESH, (coding, outcome.describe())
        assert server.requests_for("/feed.json")[-1].header("accept-encoding") == "gzip, deflate"


async def test_unknown_encoding_is_refused(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache)
    server.route(
        "/feed.json",
        Reply(200, [("Content-Type", "application/json"), ("Content-Encoding", "br")], b"xx"),
    )
    message = await failed_refresh(client, feed, cache)
    assert "a compression Faultline does not read ('br'" in message
    await client.aclose()


async def test_truncated_gzip(server: FeedServer, cache: FeedCache) -> None:
    client, feed = await primed(server, cache)
    cut = gzipped(json.dumps(NEWER).encode())[:-12]
    server.route(
        "/feed.json",
        Reply(200, [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], cut),
    )
    message = await failed_refresh(client, feed, cache)
    assert "the compressed body (gzip) ends too early" in message
    await client.aclose()


# -- invalid documents: every kind names the URL, the line and the key path -----------------

INVALID_JSON = [
    ("syntax", b'{"format": "faultline/1",\n "actors": [\n}', ":3:1: JSON syntax error"),
    ("not an object", b'["faultline/1"]', ": a document must be a JSON object, got array"),
    (
        "missing format",
        json.dumps({"actors": []}).encode(),
        ": format: missing; a feed must say format",
    ),
    ("unknown format", b'{\n"format": "faultline/2"}', ":2: format: unknown format 'faultline/2'"),
    (
        "wrong type",
        b'{"format": "faultline/1",\n"events": [\n {"id": "e", "title": "T",\n  "date": 2013}]}',
        ":4: events[0].date: ",
    ),
    (
        "unknown key",
        (
            b'{"format": "faultline/1",\n"actors": [{"id": "kz", "name": "K", "kind": "state",\n'
            b' "colour": "red"}]}'
        ),
        ":3: actors[0].colour: unknown key",
    ),
    (
        "missing key",
        b'{"format": "faultline/1",\n"actors": [\n{"id": "kz", "kind": "state"}]}',
        ":3: actors[0]: missing required key 'name'",
    ),
    (
        "duplicate id",
        (
            b'{"format": "faultline/1", "actors": [\n{"id": "kz", "name": "K", "kind": "state"},\n'
            b'{"id": "kz", "name": "K2", "kind": "state"}]}'
        ),
        ":3: actors[1].id: duplicate actor id 'kz': also at actors[0]",
    ),
    (
        "too long",
        json.dumps(
            {"format": "faultline/1", "sources": [{"id": "s", "title": "t" * 301}]}
        ).encode(),
        ":1: sources[0].title: is 301 characters long; the limit is 300",
    ),
    (
        "bad enum",
        (
            b'{"format": "faultline/1", "disagreements": [{"id": "d", "title": "D",\n'
            b'"positions": [{"actor": "kz",\n"stance": "maybe"}]}]}'
        ),
        ":3: disagreements[0].positions[0].stance: 'maybe' is not one of",
    ),
]


@pytest.mark.parametrize(
    "body, expected", [case[1:] for case in INVALID_JSON], ids=[c[0] for c in INVALID_JSON]
)
async def test_invalid_json_document(
    server: FeedServer, cache: FeedCache, body: bytes, expected: str
) -> None:
    client, feed = await primed(server, cache)
    server.route("/feed.json", Reply(200, [("Content-Type", "application/json")], body))
    message = await failed_refresh(client, feed, cache)
    assert "the server sent a document that cannot be read (" in message
    assert f"\n  {feed.url}{expected}" in message, message
    assert client.state(feed).problems and all(
        p.document == feed.url for p in client.state(feed).problems
    )
    await client.aclose()


INVALID_TOML = [
    ("syntax", b'format = "faultline/1"\n[[actors]\n', ":2:"),
    (
        "wrong type",
        (
            b'format = "faultline/1"\n\n[[events]]\nid = "e"\ntitle = "T"\n'
            b"date = 2013-01-18T10:00:00\n"
        ),
        ":6: events[0].date: ",
    ),
    ("unknown key", b'format = "faultline/1"\ncolour = "red"\n', ":2: colour: unknown key"),
]


@pytest.mark.parametrize(
    "body, expected", [case[1:] for case in INVALID_TOML], ids=[c[0] for c in INVALID_TOML]
)
async def test_invalid_toml_document(
    server: FeedServer, cache: FeedCache, body: bytes, expected: str
) -> None:
    client, feed = await primed(server, cache)
    server.route("/feed.json", Reply(200, [("Content-Type", "application/toml")], body))
    message = await failed_refresh(client, feed, cache)
    assert f"\n  {feed.url}{expected}" in message, message
    await client.aclose()


async def test_toml_feed_by_extension(server: FeedServer, cache: FeedCache) -> None:
    body = b'format = "faultline/1"\n[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n'
    server.route("/feed.toml", Reply(200, [("Content-Type", "application/octet-stream")], body))
    feed = feed_for(server.url("/feed.toml"))
    async with FeedClient([feed], cache) as client:
        outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FRESH and ids(outcome.layer) == ["kz"]
    assert ids(cache.layer(feed)) == ["kz"]


async def test_references_to_local_ids_resolve_after_merge(
    server: FeedServer, cache: FeedCache, tmp_path: Path
) -> None:
    local = tmp_path / "local.toml"
    local.write_text(
        'format = "faultline/1"\n[[actors]]\nid = "ru"\nname = "Russia"\nkind = "state"\n'
        '[[sources]]\nid = "osw"\ntitle = "OSW"\n'
        '[[disagreements]]\nid = "union"\ntitle = "Political union?"\n'
    )
    server.route(
        "/feed.json",
        json_reply(
            {
                "format": "faultline/1",
                "events": [
                    {
                        "id": "summit",
                        "title": "Summit",
                        "date": "2013-01",
                        "actors": ["ru"],
                        "disagreements": ["union"],
                        "sources": [{"id": "osw", "locator": "para 2"}],
                    }
                ],
                "disagreements": [
                    {
                        "id": "oil",
                        "title": "Oil",
                        "positions": [{"actor": "ru", "stance": "oppose", "sources": ["osw"]}],
                    }
                ],
            }
        ),
    )
    feed = feed_for(server.url("/feed.json"))
    async with FeedClient([feed], cache) as client:
        outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FRESH and not outcome.problems
    dataset = merge([read_layer(local), *client.layers()])
    assert dataset.unresolved == () and dataset.problems == ()
    assert dataset.events["summit"].origin.document == feed.url  # type: ignore[union-attr]
    alone = merge(client.layers())  # without the local layer they are unresolved, as they should be
    assert len(alone.unresolved) == 5


# -- tokens, proxies, TLS -------------------------------------------------------------------


async def test_token_goes_to_the_feed_origin_only(cache: FeedCache, monkeypatch) -> None:
    monkeypatch.setenv("TEAM_TOKEN", "tok-1234567890")
    with FeedServer() as home, FeedServer() as other:
        other.route("/mirror.json", json_reply(GOOD))
        home.route("/feed.json?key=abc123", Reply(302, [("Location", "/same-origin.json")]))
        home.route("/same-origin.json", Reply(302, [("Location", other.url("/mirror.json"))]))
        feed = feed_for(home.url("/feed.json?key=abc123"), token_env="TEAM_TOKEN")
        async with FeedClient([feed], cache) as client:
            outcome = await client.refresh(feed)
        assert outcome.status is FeedStatus.FRESH, outcome.describe()
        assert [r.header("authorization") for r in home.requests] == ["Bearer tok-1234567890"] * 2
        assert [r.header("authorization") for r in other.requests] == [None]
        # the same host on another port is another origin: no token there either
        assert other.port != home.port
    assert "key=REDACTED" in outcome.url and "abc123" not in outcome.describe()


async def test_token_never_in_messages(server: FeedServer, cache: FeedCache, monkeypatch) -> None:
    monkeypatch.setenv("TEAM_TOKEN", "tok-abcdefgh")
    server.route("/feed.json", Reply(302, [("Location", "/loop?echo=tok-abcdefgh")]))
    server.route("/loop", Reply(302, [("Location", "/feed.json")]))
    feed = feed_for(server.url("/feed.json"), token_env="TEAM_TOKEN")
    async with FeedClient([feed], cache) as client:
        outcome = await client.refresh(feed)
    assert "redirect loop" in outcome.describe()
    assert "tok-abcdefgh" not in outcome.describe() and "***" in outcome.describe()


async def test_missing_token_variable(server: FeedServer, cache: FeedCache, monkeypatch) -> None:
    monkeypatch.delenv("TEAM_TOKEN", raising=False)
    feed = feed_for(server.url("/feed.json"), token_env="TEAM_TOKEN")
    async with FeedClient([feed], cache) as client:
        outcome = await client.refresh(feed)
    assert (
        "the token variable TEAM_TOKEN (token_env) is not set, so nothing was fetched"
        in outcome.describe()
    )
    assert server.requests == []


async def test_userinfo_is_never_shown(server: FeedServer, cache: FeedCache) -> None:
    server.route("/feed.json", Reply(500))
    feed = feed_for(server.url("/feed.json").replace("http://", "http://analyst:hunter2@"))
    async with FeedClient([feed], cache) as client:
        outcome = await client.refresh(feed)
    assert server.requests[0].header("authorization") is not None  # httpx sent it as Basic auth
    assert "hunter2" not in outcome.describe() and "analyst" not in outcome.describe()
    assert f"(http://127.0.0.1:{server.port}/feed.json)" in outcome.describe()


async def test_environment_proxy_is_used(server: FeedServer, cache: FeedCache, monkeypatch) -> None:
    # The feed's host is never contacted: the proxy (this server, on loopback) answers.
    target = f"http://localhost:{closed_port()}/feed.json"
    server.route(target, json_reply(GOOD))
    monkeypatch.setenv("HTTP_PROXY", server.url(""))
    feed = feed_for(target)
    async with FeedClient([feed], cache) as client:
        outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FRESH, outcome.describe()
    assert server.requests[0].path == target


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    made = self_signed_cert(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    return made


async def test_untrusted_certificate_is_an_error(certificate, cache: FeedCache) -> None:
    with FeedServer(tls=certificate) as tls:
        tls.route("/feed.json", json_reply(GOOD))
        feed = feed_for(tls.url("/feed.json"))
        async with FeedClient([feed], cache) as client:
            outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FAILED
    assert (
        "the server's TLS certificate was not accepted (self-signed certificate)"
        in outcome.describe()
    )
    assert "Verification is never turned off" in outcome.describe()


async def test_ca_bundle_from_the_environment(certificate, cache: FeedCache, monkeypatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with FeedServer(tls=certificate) as tls:
        tls.route("/feed.json", json_reply(GOOD))
        feed = feed_for(tls.url("/feed.json"))
        async with FeedClient([feed], cache) as client:
            outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FRESH, outcome.describe()


async def test_https_to_http_redirect_is_refused(
    certificate, cache: FeedCache, server: FeedServer, monkeypatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    server.route("/feed.json", json_reply(NEWER))
    with FeedServer(tls=certificate) as tls:
        tls.route("/feed.json", json_reply(GOOD, etag=ETAG, last_modified=LAST_MODIFIED))
        feed = feed_for(tls.url("/feed.json"))
        async with FeedClient([feed], cache) as client:
            assert (await client.refresh(feed)).status is FeedStatus.FRESH
            tls.route("/feed.json", Reply(301, [("Location", server.url("/feed.json"))]))
            outcome = await client.refresh(feed)
            assert outcome.status is FeedStatus.STALE
            assert (
                f"refused a redirect from {feed.url} to the insecure "
                f"{server.url('/feed.json')} (https to http)" in outcome.describe()
            )
            assert ids(client.state(feed).layer) == ["kz"] and ids(cache.layer(feed)) == ["kz"]
    assert server.requests == []


# -- one fetch at a time --------------------------------------------------------------------


def gated(body: bytes) -> tuple[Raw, threading.Event]:
    release = threading.Event()

    def write(handler, stop) -> None:
        release.wait(5)
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        handler.wfile.write(head.encode() + body)
        handler.wfile.flush()

    return Raw(write), release


async def test_second_refresh_joins_the_one_in_flight(server: FeedServer, cache: FeedCache) -> None:
    handler, release = gated(json.dumps(GOOD).encode())
    server.route("/feed.json", handler)
    feed = feed_for(server.url("/feed.json"))
    async with FeedClient([feed], cache) as client:
        first = asyncio.ensure_future(client.refresh(feed))
        await until(None, lambda: len(server.requests) == 1, "the first request")
        assert client.state(feed).fetching
        second = asyncio.ensure_future(client.refresh(feed))
        third = asyncio.ensure_future(client.refresh("team"))
        await asyncio.sleep(0)
        first.cancel()  # a caller giving up does not cancel the request underneath
        release.set()
        outcome = await second
        assert outcome is await third
        assert outcome.status is FeedStatus.FRESH
        assert len(server.requests) == 1
        assert not client.state(feed).fetching
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_aclose_stops_fetches_in_flight(server: FeedServer, cache: FeedCache) -> None:
    server.route("/feed.json", silent())
    feed = feed_for(server.url("/feed.json"), timeout=30)
    client = FeedClient([feed], cache)
    pending = asyncio.ensure_future(client.refresh(feed))
    await until(None, lambda: len(server.requests) == 1, "the first request")
    await asyncio.wait_for(client.aclose(), 5)
    with pytest.raises(asyncio.CancelledError):
        await pending
    assert cache.read(feed) is None
