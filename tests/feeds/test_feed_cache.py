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
from dataclasses import replace
from pathlib import Path

import pytest
from feedserver import FeedServer, json_reply

from tui.core.config import FeedConfig
from tui.core.feeds import FeedCache, FeedClient, FeedStatus
from tui.core.feeds.cache import (
    CACHE_GRACE,
    LATEST,
    MAX_FAILURES,
    CopyInfo,
    _index_checksum,
    parse_body,
)
from tui.core.model import Kind
from tui.core.paths import NotPrivate

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


# -- what the mutation run of cache.py found untested (tests/MUTATION.md) ----------------------

T0, T1, T2 = 1_700_000_000.0, 1_700_000_100.0, 1_700_000_200.0


def write_index(cache: FeedCache, **fields: object) -> None:
    """An index as an earlier version wrote it (no checksum), with ``fields`` changed."""
    body = body_of(OLD)
    current = info_for(body, '"old"').record() | {"last_modified": "Tue, 14 Nov 2023 22:13:20 GMT"}
    index = {"version": 1, "url": FEED.url, "checked_at": T0, "current": current, "previous": None}
    for key, value in fields.items():
        if key in current:
            current[key] = value
        else:
            index[key] = value
    cache.meta_path(FEED).write_text(json.dumps(index))


def test_a_304_records_fresh_validators_for_the_current_copy_only(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path)
    old, new = body_of(OLD), body_of(NEW)
    cache.store(FEED, old, info_for(old, '"a"'), checked_at=T0)
    lm = "Tue, 14 Nov 2023 22:13:20 GMT"
    cache.store(FEED, new, replace(info_for(new, '"b"', T1), last_modified=lm), checked_at=T1)
    sha = hashlib.sha256(new).hexdigest()
    assert cache.confirm(FEED, sha, etag='"c"', last_modified=None, checked_at=T2) is True
    copy = cache.read(FEED)
    assert copy is not None and copy.body == new and copy.checked_at == T2
    assert (copy.info.etag, copy.info.last_modified) == ('"c"', lm)  # None keeps the old one
    newer = "Wed, 15 Nov 2023 22:13:20 GMT"
    assert cache.confirm(FEED, sha, etag=None, last_modified=newer, checked_at=T2)
    assert (cache.read(FEED).info.etag, cache.read(FEED).info.last_modified) == ('"c"', newer)  # type: ignore[union-attr]
    meta = json.loads(cache.meta_path(FEED).read_text())
    assert meta["previous"]["sha256"] == hashlib.sha256(old).hexdigest()  # still named
    # A 304 for a body that is no longer the current one changes nothing.
    before = cache.meta_path(FEED).read_bytes()
    assert cache.confirm(FEED, hashlib.sha256(old).hexdigest(), etag='"x"', last_modified=None,
                         checked_at=T2) is False  # fmt: skip
    assert cache.meta_path(FEED).read_bytes() == before
    assert FeedCache(tmp_path / "empty").confirm(FEED, sha, etag='"x"', last_modified=None,
                                                 checked_at=T2) is False  # fmt: skip


def test_every_validator_and_time_reads_back_as_stored(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path)
    body = b'format = "faultline/1"\n[[actors]]\nid = "kz"\nname = "K"\nkind = "state"\n'
    info = CopyInfo(hashlib.sha256(body).hexdigest(), len(body), "toml", T0, '"e"',
                    "Tue, 14 Nov 2023 22:13:20 GMT", "application/toml")  # fmt: skip
    cache.store(FEED, body, info, checked_at=T1)
    copy = cache.read(FEED)
    assert copy is not None and copy.info == info and copy.note is None
    assert copy.checked_at == T1  # the later of the check and the download
    assert [e.id for d in cache.layer(FEED).documents for e in d.actors] == ["kz"]  # type: ignore[union-attr]


def test_an_empty_body_is_a_copy_too(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path)
    cache.store(FEED, b"", info_for(b"", '"empty"'), checked_at=T0)
    copy = cache.read(FEED)
    assert copy is not None and copy.body == b"" and copy.info.etag == '"empty"'
    assert copy.note is None


def test_an_index_written_by_this_version_stays_readable() -> None:
    # The checksum's form is part of the format on disk: if it changed, every index
    # written before would read as damaged and each feed would lose its validators.
    meta = {
        "version": 1,
        "url": "http://127.0.0.1:9/feed.json",
        "checked_at": 1700000000.0,
        "current": {
            "sha256": "0" * 64,
            "size": 2,
            "format": "json",
            "fetched_at": 1700000000.0,
            "etag": '"v"',
            "last_modified": None,
            "content_type": None,
        },
        "previous": None,
    }
    assert _index_checksum(meta) == (
        "dcc35625e8059839811f2cd99c8a0b90ce08b9f536edbf5d6d77d4d15aaa8ca4"
    )
    assert _index_checksum({**meta, "checksum": "ignored"}) == _index_checksum(meta)


@pytest.mark.parametrize(
    ("fields", "etag"),
    [
        ({}, '"old"'),
        ({"fetched_at": 1_700_000_000}, '"old"'),  # an integer time is a time
        ({"fetched_at": 0}, '"old"'),
        ({"fetched_at": LATEST}, '"old"'),
        ({"checked_at": 0}, '"old"'),
        ({"etag": "bad\x00etag"}, None),  # could not be sent back: dropped, copy kept
        ({"etag": ""}, None),
        ({"sha256": 5}, None),  # anything out of place: made again from the bodies
        ({"size": "12"}, None),
        ({"size": -1}, None),
        ({"format": "yaml"}, None),
        ({"fetched_at": LATEST + 1}, None),
        ({"fetched_at": -1}, None),
        ({"fetched_at": True}, None),
        ({"version": 2}, None),
    ],
)
def test_an_index_is_used_only_when_every_field_is_as_written(
    tmp_path: Path, fields: dict, etag: str | None
) -> None:
    cache = FeedCache(tmp_path)
    body = body_of(OLD)
    cache.store(FEED, body, info_for(body, '"old"'), checked_at=T0)
    write_index(cache, **fields)
    copy = cache.read(FEED)
    assert copy is not None and copy.body == body  # the good body is never lost
    assert copy.info.etag == etag
    rebuilt = etag is None and "etag" not in fields
    assert (copy.note is not None) is rebuilt


@pytest.mark.parametrize("text", ["[1]", "null", "{", '"text"'])
def test_an_index_that_is_not_an_object_is_made_again(cache: FeedCache, text: str) -> None:
    cache.meta_path(FEED).write_text(text)
    copy = cache.read(FEED)
    assert copy is not None and copy.body == body_of(OLD) and copy.note is not None


def test_a_rebuilt_index_finds_the_feeds_good_bodies_among_everything_else(
    tmp_path: Path,
) -> None:
    cache = FeedCache(tmp_path)
    others = [FeedConfig(name=f"f{i}", url=f"http://127.0.0.1:9/{i}.json") for i in range(15)]
    for other in others:
        cache.store(other, body_of(NEW), info_for(body_of(NEW), '"n"'), checked_at=T0)
    toml = b'format = "faultline/1"\n[[actors]]\nid = "kz"\nname = "K"\nkind = "state"\n'
    json_with_bom = b"\xef\xbb\xbf \n" + body_of(NEW)
    # Damaged bodies of this feed (their names do not match them), made before and after
    # the good ones, so that some come first in any order the directory lists them.
    for i in range(100):
        cache.body_path(FEED, f"{i:064x}").write_bytes(b"damaged")
    for i, (body, at) in enumerate([(toml, T0), (json_with_bom, T1)]):
        cache.store(FEED, body, info_for(body, f'"{i}"', at), checked_at=at)
    for i in range(100, 200):
        cache.body_path(FEED, f"{i:064x}").write_bytes(b"damaged")
    cache.meta_path(FEED).write_text("garbled")
    copy = cache.read(FEED)
    assert copy is not None and copy.body == json_with_bom and copy.note is not None
    assert (copy.info.format, copy.info.size) == ("json", len(json_with_bom))
    assert copy.checked_at == T1
    cache.body_path(FEED, hashlib.sha256(json_with_bom).hexdigest()).unlink()
    cache.meta_path(FEED).write_text("garbled")
    older = cache.read(FEED)
    assert older is not None and older.body == toml and older.info.format == "toml"
    assert [e.id for d in cache.layer(FEED).documents for e in d.actors] == ["kz"]  # type: ignore[union-attr]


def test_storing_the_current_body_again_keeps_the_previous_one_named(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path)
    old, new = body_of(OLD), body_of(NEW)
    cache.store(FEED, old, info_for(old, '"a"', T0), checked_at=T0)
    cache.store(FEED, new, info_for(new, '"b"', T1), checked_at=T1)
    cache.meta_path(FEED).write_text("garbled")  # rebuilt: new current, old previous
    cache.store(FEED, new, info_for(new, '"b"', T1), checked_at=T2)
    meta = json.loads(cache.meta_path(FEED).read_text())
    assert meta["previous"]["sha256"] == hashlib.sha256(old).hexdigest()


def test_a_body_on_disk_newer_than_the_index_knows_is_used_when_the_named_one_is_gone(
    tmp_path: Path,
) -> None:
    # Another process stored a newer body but did not get to write its index.
    cache = FeedCache(tmp_path)
    old, new = body_of(OLD), body_of(NEW)
    cache.store(FEED, old, info_for(old, '"a"', T0), checked_at=T0)
    newest = body_of({**NEW, "meta": {"title": "newest"}})
    target = cache.body_path(FEED, hashlib.sha256(newest).hexdigest())
    target.write_bytes(newest)
    os.utime(target, (T2, T2))
    cache.body_path(FEED, hashlib.sha256(old).hexdigest()).unlink()  # no previous to fall to
    copy = cache.read(FEED)
    assert copy is not None and copy.body == newest and copy.checked_at == T2
    assert copy.note is not None and "checksum" in copy.note  # found, not "older one"
    cache.store(FEED, new, info_for(new, '"b"', T1), checked_at=T1)
    cache.store(FEED, old, info_for(old, '"a"', T0), checked_at=T1)  # old current, new previous
    target.write_bytes(newest)
    os.utime(target, (T2, T2))
    cache.body_path(FEED, hashlib.sha256(old).hexdigest()).unlink()
    again = cache.read(FEED)
    assert again is not None and again.body == newest and "checksum" in again.note  # type: ignore[operator]


def test_a_damaged_body_is_written_again_when_the_same_copy_is_stored(cache: FeedCache) -> None:
    body = body_of(OLD)
    path = cache.body_path(FEED, hashlib.sha256(body).hexdigest())
    path.write_bytes(b"damaged")
    cache.store(FEED, body, info_for(body, '"old"'), checked_at=T1)
    assert path.read_bytes() == body


@pytest.mark.parametrize("at", [float("nan"), 1e300])
def test_a_download_time_the_file_system_cannot_hold_still_stores(
    tmp_path: Path, at: float
) -> None:
    cache = FeedCache(tmp_path)
    body = body_of(OLD)
    cache.store(FEED, body, info_for(body, '"a"', at), checked_at=T0)
    copy = cache.read(FEED)
    assert copy is not None and copy.body == body


def test_reading_a_cache_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path / "cache")
    assert cache.read(FEED) is None and cache.layer(FEED) is None
    assert cache.read_state(FEED) == {}
    assert not (tmp_path / "cache").exists()
    (tmp_path / "cache").mkdir(mode=0o700)  # the cache dir exists, its feeds/ does not
    assert cache.read(FEED) is None and cache.read_state(FEED) == {}
    assert not (tmp_path / "cache" / "feeds").exists()


def test_a_cache_refused_as_not_private_says_why_when_asked_to_store(tmp_path: Path) -> None:
    cache = FeedCache(tmp_path)
    (tmp_path / "feeds").mkdir(mode=0o700)
    os.chmod(tmp_path / "feeds", 0o777)
    with pytest.raises(NotPrivate) as refused:
        cache.store(FEED, body_of(OLD), info_for(body_of(OLD), '"a"'), checked_at=T0)
    assert cache.warning is not None and str(refused.value) == cache.warning
    assert "others can write" in cache.warning or "feeds" in cache.warning


def test_tidying_leaves_other_feeds_temp_files_alone(cache: FeedCache) -> None:
    other = FeedConfig(name="other", url="http://127.0.0.1:9/other.json")
    stray = cache.directory / f".{cache.key(other)}.x.tmp"
    stray.write_bytes(b"")
    os.utime(stray, (T0, T0))
    cache.store(FEED, body_of(NEW), info_for(body_of(NEW), '"n"'), checked_at=T1)
    assert stray.exists()


def test_retry_state_reads_back_and_drops_what_is_out_of_place(cache: FeedCache) -> None:
    cache.write_state(FEED, failures=3, retry_at=T1, last_attempt_at=T0)
    assert cache.read_state(FEED) == {"failures": 3, "retry_at": T1, "last_attempt_at": T0}
    cache.write_state(FEED, failures=0, retry_at=0, last_attempt_at=LATEST)
    assert cache.read_state(FEED) == {"failures": 0, "retry_at": 0.0, "last_attempt_at": LATEST}
    cache.write_state(FEED, failures=MAX_FAILURES, retry_at=None)
    assert cache.read_state(FEED) == {"failures": MAX_FAILURES}
    for bad in (MAX_FAILURES + 1, -1, True, 1.5, "3"):
        cache.write_state(FEED, failures=bad, retry_at=LATEST + 1, last_attempt_at=-1)  # type: ignore[arg-type]
        assert cache.read_state(FEED) == {}
    for text in ("[1]", "{", "null"):
        cache.state_path(FEED).write_text(text)
        assert cache.read_state(FEED) == {}


def test_a_feed_body_becomes_a_layer_named_for_the_feed_and_its_redacted_url() -> None:
    feed = FeedConfig(name="team", url="http://user:pw@127.0.0.1:9/feed.json?token=abc")
    shown = "http://127.0.0.1:9/feed.json?token=REDACTED"
    layer, problems = parse_body(feed, body_of(OLD), "json")
    assert problems == () and layer.ok and layer.is_feed and layer.name == "team"
    (document,) = layer.documents
    assert document.name == shown and document.actors[0].origin.layer == "team"  # type: ignore[union-attr]
    toml, _ = parse_body(feed, b'format = "faultline/1"\n', "toml")
    assert toml.ok and len(toml.documents) == 1
    missing = {"actors": OLD["actors"]}  # a feed must say its format
    bad, problems = parse_body(feed, body_of(missing), "json")
    assert bad.documents == () and bad.is_feed and bad.name == "team"
    assert bad.problems == problems
    assert [str(p) for p in problems] == [
        f'{shown}: format: missing; a feed must say format = "faultline/1"'
    ]
    clash = {**OLD, "actors": OLD["actors"] * 2}
    _, problems = parse_body(feed, body_of(clash), "json")
    assert [p.document for p in problems] == [shown]
