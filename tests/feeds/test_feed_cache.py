"""The feed cache: a kill or a failed write at any moment leaves a readable, consistent
copy (never a new body with old validators), and leftovers are never read."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from feedserver import FeedServer, json_reply

from tui.core.config import FeedConfig
from tui.core.feeds import FeedCache, FeedClient, FeedStatus
from tui.core.feeds.cache import CACHE_GRACE, CopyInfo
from tui.core.model import Kind

OLD = {"format": "faultline/1", "actors": [{"id": "kz", "name": "Kazakhstan", "kind": "state"}]}
NEW = {"format": "faultline/1", "actors": [{"id": "ru", "name": "Russia", "kind": "state"}]}
FEED = FeedConfig(name="team", url="http://127.0.0.1:9/feed.json")


def body_of(document: dict) -> bytes:
    return json.dumps(document).encode()


def info_for(body: bytes, etag: str, at: float = 1_700_000_000.0) -> CopyInfo:
    return CopyInfo(
        hashlib.sha256(body).hexdigest(), len(body), "json", at, etag, None, "application/json"
    )


def actor_ids(cache: FeedCache) -> list[str]:
    layer = cache.layer(FEED)
    return [e.id for d in layer.documents for e in d.entities(Kind.ACTOR)] if layer else []


@pytest.fixture
def cache(tmp_path: Path) -> FeedCache:
    cache = FeedCache(tmp_path)
    body = body_of(OLD)
    cache.store(FEED, body, info_for(body, '"old"'), checked_at=1_700_000_000.0)
    return cache


def test_store_and_read_back(cache: FeedCache) -> None:
    copy = cache.read(FEED)
    assert copy is not None and copy.body == body_of(OLD) and copy.info.etag == '"old"'
    assert actor_ids(cache) == ["kz"]
    meta = json.loads(cache.meta_path(FEED).read_text())
    assert meta["current"]["sha256"] == hashlib.sha256(body_of(OLD)).hexdigest()
    assert meta["url"] == FEED.url


def test_new_copy_keeps_the_previous_one_named(cache: FeedCache) -> None:
    body = body_of(NEW)
    cache.store(FEED, body, info_for(body, '"new"'), checked_at=1_700_000_100.0)
    meta = json.loads(cache.meta_path(FEED).read_text())
    assert meta["previous"]["etag"] == '"old"' and meta["current"]["etag"] == '"new"'
    assert actor_ids(cache) == ["ru"]


def test_damaged_body_falls_back_to_the_previous_pair(cache: FeedCache) -> None:
    body = body_of(NEW)
    cache.store(FEED, body, info_for(body, '"new"'), checked_at=1_700_000_100.0)
    cache.body_path(FEED, hashlib.sha256(body).hexdigest()).write_bytes(body[:-3] + b"XX}")
    copy = cache.read(FEED)
    # the old body comes with the old validators: a 304 can never confirm the wrong body
    assert copy is not None and copy.body == body_of(OLD) and copy.info.etag == '"old"'
    assert copy.note == "the newest cached copy was damaged; using an older one"


def test_damaged_with_no_previous_means_none(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path)
    body = body_of(OLD)
    cache.store(FEED, body, info_for(body, '"old"'), checked_at=1.0)
    cache.body_path(FEED, info_for(body, "").sha256).write_bytes(b"{}")
    assert cache.read(FEED) is None and cache.layer(FEED) is None


def test_garbled_metadata_is_rebuilt_from_the_bodies_and_never_followed(cache: FeedCache) -> None:
    """The index is made again from the bodies (named by their checksums); a path in it
    is never followed. (tests/core/test_security_cache.py damages it in more ways.)"""
    body = body_of(OLD)
    for garbled in (
        "{not json",
        json.dumps({"version": 1, "current": {"sha256": "../../etc/passwd"}}),
    ):
        cache.meta_path(FEED).write_text(garbled)
        copy = cache.read(FEED)
        assert copy is not None and copy.body == body and copy.info.etag is None
        assert copy.note is not None and "index" in copy.note
    cache.body_path(FEED, info_for(body, "").sha256).unlink()
    assert cache.read(FEED) is None


def test_leftover_temp_files_are_never_read(cache: FeedCache) -> None:
    # what write_atomic leaves when killed before its rename: names it would use
    key = cache.key(FEED)
    bogus = info_for(body_of(NEW), '"bogus"')
    (cache.directory / f".{key}.json.k1l2j3.tmp").write_text(
        json.dumps({"version": 1, "checked_at": 2.0, "current": bogus.record(), "previous": None})
    )
    (cache.directory / f".{key}.{bogus.sha256}.body.x9y8.tmp").write_bytes(body_of(NEW))
    copy = cache.read(FEED)
    assert copy is not None and copy.info.etag == '"old"' and actor_ids(cache) == ["kz"]


def test_old_leftovers_are_tidied_young_ones_kept(cache: FeedCache) -> None:
    key = cache.key(FEED)
    old_temp = cache.directory / f".{key}.json.aaaa.tmp"
    young_temp = cache.directory / f".{key}.json.bbbb.tmp"
    stray = cache.directory / f"{key}.{'0' * 64}.body"
    for path in (old_temp, young_temp, stray):
        path.write_bytes(b"x")
    past = time.time() - CACHE_GRACE - 60
    os.utime(old_temp, (past, past))
    os.utime(stray, (past, past))
    body = body_of(NEW)
    cache.store(FEED, body, info_for(body, '"new"'), checked_at=2.0)
    assert not old_temp.exists() and not stray.exists()
    assert young_temp.exists()  # may be another process's write in progress
    assert cache.body_path(FEED, info_for(body_of(OLD), "").sha256).exists()  # the previous copy


@pytest.mark.parametrize("failing_call", [1, 2], ids=["body rename", "metadata rename"])
def test_failed_rename_leaves_the_old_copy(
    cache: FeedCache, monkeypatch, failing_call: int
) -> None:
    calls = {"n": 0}
    real_replace = os.replace

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == failing_call:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    body = body_of(NEW)
    with pytest.raises(OSError):
        cache.store(FEED, body, info_for(body, '"new"'), checked_at=2.0)
    monkeypatch.setattr(os, "replace", real_replace)
    copy = cache.read(FEED)
    assert copy is not None and copy.body == body_of(OLD) and copy.info.etag == '"old"'
    assert not [p for p in cache.directory.iterdir() if p.name.endswith(".tmp")]  # cleaned up


KILLER = textwrap.dedent(
    """
    import hashlib, json, os, sys, time
    from tui.core.config import FeedConfig
    from tui.core.feeds.cache import CopyInfo, FeedCache

    stop_at = int(sys.argv[2])
    calls = [0]
    real_fsync = os.fsync

    def fsync(fd):
        real_fsync(fd)
        calls[0] += 1
        if calls[0] == stop_at:
            print("paused", flush=True)
            time.sleep(60)  # the test kills this process here

    os.fsync = fsync
    feed = FeedConfig(name="team", url="http://127.0.0.1:9/feed.json")
    actors = [{"id": "ru", "name": "Russia", "kind": "state"}]
    body = json.dumps({"format": "faultline/1", "actors": actors}).encode()
    info = CopyInfo(hashlib.sha256(body).hexdigest(), len(body), "json", 2.0, '"new"')
    FeedCache(sys.argv[1]).store(feed, body, info, checked_at=2.0)
    print("done", flush=True)
    """
)


@pytest.mark.parametrize(
    "stop_at, expected",
    [(1, "old"), (2, "old"), (3, "old"), (4, "new")],
    ids=["body written", "body renamed", "metadata written", "metadata renamed"],
)
def test_sigkill_during_the_cache_write(
    cache: FeedCache, tmp_path: Path, stop_at: int, expected: str
) -> None:
    """A real process killed at each fsync of a store: the copy read afterwards is
    whole, and its body and validators belong together."""
    process = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(tmp_path), str(stop_at)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the child pauses (or ends)
        assert line.strip() == "paused", line
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    copy = cache.read(FEED)
    assert copy is not None
    if expected == "old":
        assert copy.body == body_of(OLD) and copy.info.etag == '"old"'
    else:
        assert copy.body == body_of(NEW) and copy.info.etag == '"new"'
    assert hashlib.sha256(copy.body).hexdigest() == copy.info.sha256


async def test_client_keeps_serving_when_the_cache_cannot_be_written(
    tmp_path: Path, monkeypatch
) -> None:
    """A failed save is reported; the new copy is used; the disk keeps the old pair, and the
    validators sent next are the disk copy's, so no 304 can confirm a body never saved."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    with FeedServer() as server:
        server.route("/feed.json", json_reply(OLD, etag='"old"'))
        feed = FeedConfig(name="team", url=server.url("/feed.json"), timeout=2)
        cache = FeedCache(tmp_path)
        async with FeedClient([feed], cache) as client:
            assert (await client.refresh(feed)).status is FeedStatus.FRESH
            server.route("/feed.json", json_reply(NEW, etag='"new"'))
            real_replace = os.replace

            def replace(src, dst):
                raise OSError(28, "No space left on device")

            monkeypatch.setattr(os, "replace", replace)
            outcome = await client.refresh(feed)
            monkeypatch.setattr(os, "replace", real_replace)
            assert outcome.status is FeedStatus.FRESH and outcome.failed
            assert (
                "but the new copy could not be saved (No space left on device), so the next "
                "start uses the copy from " in outcome.describe()
            )
            assert [e.id for e in client.state(feed).layer.documents[0].actors] == ["ru"]  # type: ignore[union-attr]
            copy = cache.read(feed)
            assert copy is not None and copy.info.etag == '"old"' and json.loads(copy.body) == OLD
            assert (await client.refresh(feed)).status is FeedStatus.UNCHANGED
            assert server.requests[-1].header("if-none-match") == '"old"'
            copy = cache.read(feed)
            assert copy is not None and copy.info.etag == '"new"' and json.loads(copy.body) == NEW
