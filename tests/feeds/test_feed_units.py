"""Feed pieces without a server: bounded decoding, URL redaction, Retry-After, naming,
JSON line finding, scheduling, and a mock transport for what needs TLS."""

from __future__ import annotations

import email.utils
import gzip
import json
import re
import socket
import tracemalloc
import zlib
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.config import Config, FeedConfig
from tui.core.feeds import FeedCache, FeedClient, FeedStatus, feeds_from, fetch_all, redact_url
from tui.core.feeds.decoders import BoundedDecoder, TooLarge, content_coding
from tui.core.feeds.errors import MAX_RETRY_AFTER, FetchError, parse_retry_after
from tui.core.feeds.state import BACKOFF_CAP
from tui.core.lines import json_line_index
from tui.core.problems import FaultlineError

GOOD = {"format": "faultline/1", "actors": [{"id": "kz", "name": "Kazakhstan", "kind": "state"}]}


# -- decoding -------------------------------------------------------------------------------


def chunks(data: bytes, sizes: list[int]) -> list[bytes]:
    out, i = [], 0
    for size in sizes:
        out.append(data[i : i + size])
        i += size
    out.append(data[i:])
    return [c for c in out if c]


def encode(coding: str, data: bytes) -> bytes:
    if coding == "gzip":
        return gzip.compress(data)
    if coding == "deflate":
        return zlib.compress(data)
    if coding == "raw-deflate":
        packer = zlib.compressobj(wbits=-15)
        return packer.compress(data) + packer.flush()
    return data


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=5000) | st.text(max_size=3000).map(str.encode),
    coding=st.sampled_from(["identity", "gzip", "deflate", "raw-deflate"]),
    sizes=st.lists(st.integers(1, 700), max_size=12),
)
def test_decoder_round_trips_any_chunking(data: bytes, coding: str, sizes: list[int]) -> None:
    decoder = BoundedDecoder("deflate" if coding == "raw-deflate" else coding, limit=len(data) or 1)
    for piece in chunks(encode(coding, data), sizes):
        decoder.write(piece)
    assert decoder.finish() == data


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(2, 50_000),
    limit=st.integers(1, 49_999),
    coding=st.sampled_from(["identity", "gzip", "deflate"]),
)
def test_decoder_never_exceeds_its_limit(size: int, limit: int, coding: str) -> None:
    data = b"a" * size
    decoder = BoundedDecoder(coding, limit)
    if size <= limit:
        decoder.write(encode(coding, data))
        assert decoder.finish() == data
        return
    with pytest.raises(TooLarge):
        decoder.write(encode(coding, data))
        decoder.finish()
    assert len(decoder.out) <= limit


def test_decoder_exact_limit_then_more_held_back_by_zlib() -> None:
    data = b"b" * 100_000
    decoder = BoundedDecoder("gzip", limit=100_000)
    decoder.write(gzip.compress(data))
    assert decoder.finish() == data


def test_multi_member_gzip() -> None:
    decoder = BoundedDecoder("gzip", 100)
    decoder.write(gzip.compress(b"hello ") + gzip.compress(b"world"))
    assert decoder.finish() == b"hello world"


def test_garbage_after_gzip_and_damage() -> None:
    decoder = BoundedDecoder("gzip", 100)
    with pytest.raises(FetchError, match="data after its end"):
        decoder.write(gzip.compress(b"hello") + b"trailing")
    with pytest.raises(FetchError, match=r"the compressed body \(deflate\) is damaged"):
        BoundedDecoder("deflate", 100).write(b"\x78\x9c\xff\xff\xff\xff")


@pytest.mark.parametrize(
    "header, expected",
    [(None, "identity"), ("", "identity"), ("identity", "identity"), ("GZIP", "gzip"),
     ("x-gzip", "gzip"), ("deflate", "deflate"), ("identity, gzip", "gzip")],
)  # fmt: skip
def test_content_coding(header, expected) -> None:
    assert content_coding(header) == expected


@pytest.mark.parametrize("header", ["gzip, gzip", "deflate, gzip", "gzip,br"])
def test_stacked_codings_refused(header) -> None:
    with pytest.raises(FetchError, match="compressed the body more than once"):
        content_coding(header)


@pytest.mark.parametrize("header", ["br", "zstd", "compress", "\x1b[31mevil"])
def test_unknown_codings_refused(header) -> None:
    with pytest.raises(FetchError, match="does not read") as info:
        content_coding(header)
    assert "\x1b" not in info.value.reason


def test_refusals_say_what_the_server_did_and_why_it_is_refused() -> None:
    with pytest.raises(FetchError) as stacked:
        content_coding("gzip, gzip")
    assert stacked.value.reason == (
        "the server compressed the body more than once (gzip, gzip); "
        "refused, as a stacked compression is how small downloads become huge"
    )
    with pytest.raises(FetchError) as long_stack:
        content_coding("gzip, " + "x" * 100)
    assert f"(gzip, {'x' * 74}); refused" in long_stack.value.reason  # 80 characters shown
    with pytest.raises(FetchError) as unknown:
        content_coding("y" * 100)
    assert unknown.value.reason == (
        f"the server used a compression Faultline does not read ('{'y' * 40}'; "
        "it asked for gzip or deflate)"
    )
    with pytest.raises(FetchError) as after:
        BoundedDecoder("gzip", 100).write(gzip.compress(b"hello") + b"trailing")
    assert after.value.reason == "the compressed body has data after its end"
    short = BoundedDecoder("deflate", 100)
    short.write(b"x")  # one byte: not even enough to tell the kind of deflate
    with pytest.raises(FetchError) as early:
        short.finish()
    assert early.value.reason == "the compressed body (deflate) ends too early"
    cut = BoundedDecoder("gzip", 100)
    cut.write(gzip.compress(b"hello")[:-4])
    with pytest.raises(FetchError) as cut_off:
        cut.finish()
    assert cut_off.value.reason == "the compressed body (gzip) ends too early: it was cut off"


def test_a_body_labelled_gzip_must_be_gzip() -> None:
    with pytest.raises(FetchError, match=r"the compressed body \(gzip\) is damaged"):
        BoundedDecoder("gzip", 100).write(zlib.compress(b"hello"))


def test_raw_deflate_of_nothing_and_one_that_looks_like_a_zlib_header() -> None:
    empty = BoundedDecoder("deflate", 10)
    empty.write(b"\x03\x00")  # raw deflate of b"": two bytes
    assert empty.finish() == b""
    # 0x8bdd is a multiple of 31, like a zlib header, but 0x8b is not the deflate method.
    odd = BoundedDecoder("deflate", 10)
    odd.write(b"\x8b\xdd\x0e\x00")
    assert odd.finish() == b"]\xb7"


def test_a_deflate_body_that_arrives_a_byte_at_a_time() -> None:
    for body in (zlib.compress(b"hello"), encode("raw-deflate", b"hello")):
        decoder = BoundedDecoder("deflate", 100)
        for byte in body:
            decoder.write(bytes((byte,)))
        assert decoder.finish() == b"hello"


def test_a_gzip_member_split_across_writes_after_another_member() -> None:
    second = gzip.compress(b"world")
    decoder = BoundedDecoder("gzip", 100)
    decoder.write(gzip.compress(b"hello ") + second[:6])
    decoder.write(second[6:])
    assert decoder.finish() == b"hello world"


def test_a_bomb_is_refused_without_inflating_past_the_limit() -> None:
    bomb = gzip.compress(b"\0" * (64 << 20), 9)  # 64 MiB from about 64 KB
    decoder = BoundedDecoder("gzip", 1 << 20)
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            decoder.write(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20  # the limit and one step of zlib output, not the 64 MiB
    assert len(decoder.out) <= 1 << 20


# -- URLs, names, Retry-After ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://user:pa55@example.org/f.json", "https://example.org/f.json"),
        ("https://tok@example.org:8443/f.json?x=1", "https://example.org:8443/f.json?x=1"),
        ("https://example.org/f.json?token=abc&page=2", "https://example.org/f.json?token=REDACTED&page=2"),
        ("https://example.org/f.json?api_key=1&X-Amz-Signature=2#top", "https://example.org/f.json?api_key=REDACTED&X-Amz-Signature=REDACTED#top"),
        ("https://example.org/a@b/f.json", "https://example.org/a@b/f.json"),
        ("not a url \x1b]52;c;x\x07", "not a url ]52;c;x"),
    ],
)  # fmt: skip
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@given(user=st.text("abcdefgh", min_size=1), password=st.text("ijklmnop", min_size=1))
def test_redact_never_shows_userinfo(user: str, password: str) -> None:
    shown = redact_url(f"https://{user}:{password}@feeds.example.org/x.json")
    assert shown == "https://feeds.example.org/x.json"


def test_retry_after_forms() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after("120", now) == now + 120
    assert parse_retry_after(" 0 ", now) == now
    assert parse_retry_after("99999999", now) == now + MAX_RETRY_AFTER
    assert parse_retry_after(email.utils.formatdate(now + 3600, usegmt=True), now) == now + 3600
    assert parse_retry_after(email.utils.formatdate(now - 3600, usegmt=True), now) == now
    for nonsense in (None, "", "soon", "-5", "1.5"):
        assert parse_retry_after(nonsense, now) is None


def test_feeds_from_names_by_host_and_keeps_configured_ones() -> None:
    configured = FeedConfig(name="team", url="https://intel.example.org/dossier.json")
    config = Config(feeds=(configured,))
    feeds = feeds_from(config, [
        "https://intel.example.org/dossier.json",  # already configured: not twice
        "https://Feeds.Example.com/a.json",
        "https://feeds.example.com/b.json",
        "http://[::1]:8080/c.json",
        "http://127.0.0.1:9/d.toml",
    ])  # fmt: skip
    assert [f.name for f in feeds] == [
        "team",
        "feeds.example.com",
        "feeds.example.com-2",
        "1",
        "127.0.0.1",
    ]
    assert feeds[0] is configured


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/f.json",
        "example.org/f.json",
        "http://example.org:abc/x",
        "http://exa mple.org/x",
    ],
)
def test_feeds_from_refuses_unusable_urls(url: str) -> None:
    with pytest.raises(FaultlineError, match="--feed"):
        feeds_from(Config(), [url])


def test_json_line_index() -> None:
    text = (
        '{\n "format": "faultline/1",\n "events": [\n  {"id": "a",\n   "date": "2013"},\n'
        '  {"id": "b"}\n ],\n "x_n": [1, [2,\n 3]]\n}'
    )
    index = json_line_index(text)
    assert index["format"] == 2 and index["events"] == 3
    assert index["events[0]"] == 4 and index["events[0].id"] == 4 and index["events[0].date"] == 5
    assert index["events[1]"] == 6 and index["events[1].id"] == 6
    assert index["x_n[1][1]"] == 9
    odd = json_line_index('{"format": "faultline/1",\n"actors": [{"id": "kz",\n "na me": 1}]}')
    assert odd["actors[0].'na me'"] == 3  # quoted the way the reader quotes odd keys


@settings(max_examples=50, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_json_line_index_never_fails(value) -> None:
    for indent in (None, 1):
        json_line_index(json.dumps({"v": value}, indent=indent))


# -- scheduling -----------------------------------------------------------------------------


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def mock_client(handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


async def test_backoff_doubles_and_is_capped(tmp_path: Path) -> None:
    clock = Clock()
    feed = FeedConfig(name="team", url="https://feeds.example.org/f.json", interval=900)
    http = mock_client(lambda request: httpx.Response(500))
    client = FeedClient([feed], FeedCache(tmp_path), http=http, clock=clock)
    waits = []
    for _ in range(8):
        await client.refresh(feed)
        waits.append(client.state(feed).next_attempt_at - clock.now)  # type: ignore[operator]
        assert client.due() == []
        clock.now = client.state(feed).next_attempt_at  # type: ignore[assignment]
        assert client.due() == [feed]
    assert waits == [900, 1800, 3600, 7200, 14400, BACKOFF_CAP, BACKOFF_CAP, BACKOFF_CAP]
    assert client.seconds_until_due() == 0
    client._http = mock_client(lambda request: httpx.Response(200, json=GOOD))
    outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FRESH and client.state(feed).failures == 0
    assert client.seconds_until_due() == 900
    await client.aclose()
    await http.aclose()


async def test_https_to_http_redirect_refused_with_mock_transport(tmp_path: Path) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.scheme == "https":
            return httpx.Response(302, headers={"Location": "http://feeds.example.org/f.json"})
        return httpx.Response(200, json=GOOD)

    feed = FeedConfig(name="team", url="https://feeds.example.org/f.json")
    async with (
        mock_client(handler) as http,
        FeedClient([feed], FeedCache(tmp_path), http=http) as client,
    ):
        outcome = await client.refresh(feed)
    assert seen == ["https://feeds.example.org/f.json"]
    assert outcome.describe() == (
        "team (https://feeds.example.org/f.json): refused a redirect from "
        "https://feeds.example.org/f.json to the insecure http://feeds.example.org/f.json "
        "(https to http); no earlier copy, so this feed is left out"
    )


async def test_https_upgrade_and_same_origin_token(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TEAM_TOKEN", "tok-zzzzzzzz")
    auth: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        auth.append((str(request.url), request.headers.get("authorization")))
        if request.url.scheme == "http":
            return httpx.Response(301, headers={"Location": "https://feeds.example.org/f.json"})
        if request.url.host == "feeds.example.org":
            return httpx.Response(302, headers={"Location": "https://cdn.example.net/f.json"})
        return httpx.Response(200, json=GOOD)

    feed = FeedConfig(name="team", url="http://feeds.example.org/f.json", token_env="TEAM_TOKEN")
    async with (
        mock_client(handler) as http,
        FeedClient([feed], FeedCache(tmp_path), http=http) as client,
    ):
        outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FRESH
    # http→https on the same host is another origin (scheme and port differ): no token there
    assert auth == [
        ("http://feeds.example.org/f.json", "Bearer tok-zzzzzzzz"),
        ("https://feeds.example.org/f.json", None),
        ("https://cdn.example.net/f.json", None),
    ]


async def test_unconditional_304_is_an_error(tmp_path: Path) -> None:
    feed = FeedConfig(name="team", url="https://feeds.example.org/f.json")
    async with (
        mock_client(lambda r: httpx.Response(304)) as http,
        FeedClient([feed], FeedCache(tmp_path), http=http) as client,
    ):
        outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FAILED
    assert "304 Not Modified although no copy was asked about" in outcome.describe()


async def test_unexpected_errors_become_outcomes(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("boom")

    feed = FeedConfig(name="team", url="https://feeds.example.org/f.json")
    async with (
        mock_client(handler) as http,
        FeedClient([feed], FeedCache(tmp_path), http=http) as client,
    ):
        outcome = await client.refresh(feed)
    assert outcome.status is FeedStatus.FAILED
    # Where it happened, not its words: an exception's text may quote a header or password.
    assert re.search(
        r"unexpected error \(RuntimeError at test_feed_units\.py:\d+\); please report it",
        outcome.describe(),
    )
    assert "boom" not in outcome.describe()


def test_offline_makes_no_connection(tmp_path: Path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("a connection was attempted while offline")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    feed = FeedConfig(name="team", url="https://feeds.example.org/f.json")
    body = json.dumps(GOOD).encode()
    import hashlib

    from tui.core.feeds.cache import CopyInfo

    cache = FeedCache(tmp_path)
    cache.store(
        feed,
        body,
        CopyInfo(hashlib.sha256(body).hexdigest(), len(body), "json", 1_700_000_000.0),
        checked_at=1_700_000_000.0,
    )
    other = FeedConfig(name="other", url="https://feeds.example.org/other.json")
    cached, missing = fetch_all([feed, other], cache, offline=True)
    assert cached.status is FeedStatus.CACHED and not cached.failed and cached.layer is not None
    assert cached.describe().startswith(
        "team (https://feeds.example.org/f.json): offline: using the copy from "
    )
    assert missing.status is FeedStatus.FAILED and missing.layer is None
    assert (
        "offline, and no copy is cached; no earlier copy, so this feed is left out"
        in missing.describe()
    )
