"""Issue 9, the caches: nothing read from a cache can run code, the cache dirs are private
(and a dir others can write is refused, with a message, while the data still loads),
and damaged feed state or a damaged cache index never crashes and never loses a good copy.

Everything here uses real files and, for feeds, the real loopback server.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import pickle
import stat
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from feedserver import FeedServer, Reply, json_reply
from helpers import plant_parsed_entry, run_faultline, until

from tui.core import splitparse
from tui.core.config import FeedConfig
from tui.core.feeds import FeedCache, FeedClient, FeedStatus, fetch_all
from tui.core.feeds.cache import CopyInfo
from tui.core.feeds.state import BACKOFF_CAP, backoff
from tui.core.loading import load
from tui.core.model import Kind
from tui.core.parsecache import ParsedCache

REPO = Path(__file__).resolve().parents[2]
DOC = '[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n'
OLD = {"format": "faultline/1", "actors": [{"id": "kz", "name": "Kazakhstan", "kind": "state"}]}
NEW = {"format": "faultline/1", "actors": [{"id": "ru", "name": "Russia", "kind": "state"}]}
NEWER = {"format": "faultline/1", "actors": [{"id": "cn", "name": "China", "kind": "state"}]}
OLD_AT, NEW_AT = 1_700_000_000.0, 1_700_000_100.0


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(autouse=True)
def usual_umask():
    """The common umask: directories would be 0755 unless made private on purpose."""
    old = os.umask(0o022)
    yield
    os.umask(old)


class Plant:
    """What an attacker pickles: unpickling it creates ``marker`` (any call would do)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# -- feeds: a cache, a server, the command ----------------------------------------------------

FEED = FeedConfig(name="team", url="http://127.0.0.1:9/feed.json")


def body_of(document: dict) -> bytes:
    return json.dumps(document).encode()


def info_for(body: bytes, at: float, etag: str | None = None) -> CopyInfo:
    return CopyInfo(hashlib.sha256(body).hexdigest(), len(body), "json", at, etag, None, None)


def two_copies(root: Path, feed: FeedConfig = FEED) -> FeedCache:
    """A cache holding OLD then NEW, written by the real code."""
    cache = FeedCache(root)
    cache.store(feed, body_of(OLD), info_for(body_of(OLD), OLD_AT, '"old"'), checked_at=OLD_AT)
    cache.store(feed, body_of(NEW), info_for(body_of(NEW), NEW_AT, '"new"'), checked_at=NEW_AT)
    return cache


def offline_open(cache: FeedCache, feed: FeedConfig = FEED):
    """What ``--offline`` shows for the feed: (outcome, actor ids)."""
    (outcome,) = fetch_all([feed], cache, offline=True)
    layer = outcome.layer
    ids = [e.id for d in layer.documents for e in d.entities(Kind.ACTOR)] if layer else []
    return outcome, ids


def faultline(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_faultline(workdir, *args)


def write_config(workdir: Path, url: str) -> Path:
    (workdir / "local.toml").write_text(DOC)
    path = workdir / "config.toml"
    path.write_text(
        f'[data]\npaths = ["local.toml"]\n\n[[feeds]]\nname = "team"\nurl = "{url}"\ntimeout = 5\n'
    )
    return path


# -- item 1: the parsed-data cache and the split reader never unpickle ------------------------


def test_a_planted_pickle_entry_runs_nothing_and_is_ignored(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    doc = tmp_path / "a.toml"
    doc.write_text(DOC)
    load([doc], cache=cache)  # a real entry exists; the attacker replaces it
    marker = tmp_path / "pwned"
    for how in (1, 2, 3):
        plant_parsed_entry(cache, doc, how, pickle.dumps(Plant(marker), protocol=5))
        assert load([doc], cache=cache).actors["kz"].name == "Kazakhstan"
        assert not marker.exists(), f"the planted entry (kind {how}) ran code"


def test_the_split_reader_never_unpickles_its_childs_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Plant(marker), protocol=5)
    child = (
        "import sys; sys.stdin.buffer.read(); "
        f"sys.stdout.buffer.write(bytes((2,)) + {payload!r}); sys.stdout.buffer.flush()"
    )
    monkeypatch.setattr(splitparse, "SPLIT_MIN_SIZE", 0)
    monkeypatch.setattr(splitparse, "command", lambda: [sys.executable, "-c", child])
    events = "".join(
        f'\n[[events]]\nid = "e{n}"\ntitle = "Round {n}"\ndate = "2013-01-02"\n' for n in range(20)
    )
    text = 'format = "faultline/1"\n' + events
    assert splitparse.read_split(text, "doc.toml", "doc.toml") is None  # read whole instead
    assert not marker.exists(), "the split reader unpickled its child's output"


DATES = """
x_offset = 1979-05-27T07:32:00.999999-08:00
x_zulu = 1979-05-27T07:32:00Z
x_local = 1979-05-27T07:32:00
x_day = 1979-05-27
x_time = 07:32:00.5
x_mixed = [1979-05-27, { at = 00:32:00, n = 1 }, "text", [2.5, true]]
"""


def test_toml_dates_in_extensions_come_back_exactly_without_pickle(tmp_path: Path) -> None:
    """A process where ``import pickle`` fails reads a document holding every TOML date
    and time kind, caches it, and reads the same values (types, offsets) back."""
    doc = tmp_path / "a.toml"
    doc.write_text(DOC + DATES)
    script = f"""
import sys
sys.modules["pickle"] = None  # any use of pickle fails
from pathlib import Path
from tui.core.loading import load
from tui.core.parsecache import ParsedCache
doc = Path({str(doc)!r})
cache = ParsedCache(Path({str(tmp_path / "cache")!r}), min_size=0)
first = dict(load([doc], cache=cache).actors["kz"].extra)
cached = cache.get(doc, str(doc), doc.stat())
assert cached is not None, "not cached"
again = dict(cached.actors[0].extra)
def shape(value):
    if isinstance(value, dict):
        return {{k: shape(v) for k, v in value.items()}}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return (type(value).__name__, repr(value), str(getattr(value, "tzinfo", None)))
assert shape(again) == shape(first), (shape(again), shape(first))
print(len(first))
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, timeout=60, cwd=REPO, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "6"


def test_the_split_child_sends_marshal_not_pickle() -> None:
    part = "[[events]]\n" + 'id = "e1"\ntitle = "t"\ndate = "2013"\n' + DATES
    result = subprocess.run(
        [*splitparse.command(), "doc.toml", "doc.toml", "10"],
        input=part.encode(), capture_output=True, timeout=60, cwd=REPO, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    marshal.loads(result.stdout[1:])  # raises on anything but marshal data


def test_no_module_of_faultline_imports_pickle() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in (REPO / "tui").rglob("*.py")
        if "import pickle" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_cache_dirs_are_created_private(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    cache = ParsedCache(root, min_size=0)
    doc = tmp_path / "a.toml"
    doc.write_text(DOC)
    load([doc], cache=cache)
    assert mode(root) == 0o700 and mode(root / "parsed") == 0o700
    (entry,) = (root / "parsed").iterdir()
    assert mode(entry) == 0o600
    feeds_root = tmp_path / "other"
    body = body_of(OLD)
    FeedCache(feeds_root).store(FEED, body, info_for(body, OLD_AT), checked_at=OLD_AT)
    assert mode(feeds_root) == 0o700 and mode(feeds_root / "feeds") == 0o700
    assert {mode(p) for p in (feeds_root / "feeds").iterdir()} == {0o600}


def tamper(entry: Path) -> None:
    """Change the data in a parsed-data entry, keeping it valid (checksums redone)."""
    raw = entry.read_bytes()
    length, _ = struct.unpack("<II", raw[:8])
    header = marshal.loads(raw[8 : 8 + length])
    payload = raw[8 + length :].replace(b"Kazakhstan", b"Kazakhstax")
    header = marshal.dumps((*header[:-1], zlib.crc32(payload)))
    entry.write_bytes(struct.pack("<II", len(header), zlib.crc32(header)) + header + payload)


def test_a_cache_entry_others_can_write_is_not_read(tmp_path: Path) -> None:
    doc = tmp_path / "a.toml"
    doc.write_text(DOC)
    load([doc], cache=ParsedCache(tmp_path / "cache", min_size=0))
    entry = ParsedCache(tmp_path / "cache").entry(doc, str(doc))
    tamper(entry)
    os.chmod(entry, 0o666)
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    assert load([doc], cache=cache).actors["kz"].name == "Kazakhstan"
    assert cache.warning is not None and str(entry) in cache.warning
    assert "other users can write to this cache file (mode 0666)" in cache.warning


def test_a_world_writable_cache_dir_is_refused_and_the_data_still_loads(tmp_path: Path) -> None:
    root = tmp_path / "shared"
    trusting = ParsedCache(root, min_size=0)
    doc = tmp_path / "a.toml"
    doc.write_text(DOC)
    load([doc], cache=trusting)
    # Another user, who can write the dir, swaps in an entry with other data: a valid one.
    tamper(trusting.entry(doc, str(doc)))
    assert trusting.get(doc, str(doc), doc.stat()).actors[0].name == "Kazakhstax"  # valid entry
    os.chmod(root, 0o777)
    os.chmod(root / "parsed", 0o777)
    cache = ParsedCache(root, min_size=0)
    assert load([doc], cache=cache).actors["kz"].name == "Kazakhstan"
    assert cache.warning is not None
    assert str(root) in cache.warning and "other users can write" in cache.warning
    assert "\n" not in cache.warning


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a dir to another user needs root")
def test_a_cache_dir_of_another_user_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "theirs"
    root.mkdir(mode=0o700)
    os.chown(root, 65534, 65534)
    cache = ParsedCache(root, min_size=0)
    doc = tmp_path / "a.toml"
    doc.write_text(DOC)
    assert load([doc], cache=cache).actors["kz"].name == "Kazakhstan"
    assert not (root / "parsed").exists()
    assert cache.warning is not None and "belongs to another user" in cache.warning
    feeds = FeedCache(root)
    assert feeds.read(FEED) is None
    with pytest.raises(OSError):
        feeds.store(FEED, body_of(OLD), info_for(body_of(OLD), OLD_AT), checked_at=OLD_AT)
    assert not (root / "feeds").exists()
    assert feeds.warning is not None and "belongs to another user" in feeds.warning


# -- item 1: the feed cache dir ---------------------------------------------------------------


def test_a_world_writable_feed_cache_is_refused_said_once_and_feeds_still_fetch(
    tmp_path: Path,
) -> None:
    with FeedServer() as server:
        server.route("/feed.json", json_reply(NEW, etag='"new"'))
        feed = FeedConfig(name="team", url=server.url("/feed.json"), timeout=5)
        # A copy planted in the shared dir, with a valid index and checksum: not used.
        two_copies(tmp_path / "cache", feed)
        os.chmod(tmp_path / "cache", 0o777)
        config = write_config(tmp_path, feed.url)
        result = faultline(tmp_path, "export", "--config", str(config), "--offline", "-f", "md")
        assert "Traceback" not in result.stderr
        assert result.stderr.count("other users can write") == 1, result.stderr
        assert "Russia" not in result.stdout
        assert "offline, and no copy is cached" in result.stderr
        result = faultline(tmp_path, "fetch", "--config", str(config))
        assert "Traceback" not in result.stderr
        assert result.stderr.count("other users can write") == 1, result.stderr
        assert "fetched: 1 actor" in result.stdout + result.stderr
        assert result.returncode == 1  # fetched, but nothing could be saved


def test_a_feed_cache_file_others_can_write_refuses_the_cache(tmp_path: Path) -> None:
    cache = two_copies(tmp_path / "cache")
    os.chmod(cache.meta_path(FEED), 0o666)
    fresh = FeedCache(tmp_path / "cache")
    outcome, ids = offline_open(fresh)
    assert ids == [] and outcome.status is FeedStatus.FAILED
    assert fresh.warning is not None and str(cache.meta_path(FEED)) in fresh.warning
    assert "other users can write to this cache file (mode 0666); delete it" in fresh.warning


async def test_the_dashboard_says_once_that_a_cache_dir_is_not_used(tmp_path: Path) -> None:
    from tui.core.config import Config
    from tui.ui.app import FaultlineApp

    with FeedServer() as server:
        server.route("/feed.json", json_reply(NEW, etag='"new"'))
        feed = FeedConfig(name="team", url=server.url("/feed.json"), timeout=5)
        local = tmp_path / "local.toml"
        local.write_text(DOC)
        root = tmp_path / "cache"
        root.mkdir()
        os.chmod(root, 0o777)
        app = FaultlineApp(Config(cache_dir=root, data_paths=(local,), feeds=(feed,)))
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            client = app.feed_client
            await until(pilot, lambda: client.state(feed).status is FeedStatus.FRESH, "a fetch")
            await pilot.press("r")  # a second fetch, also not saved: still one warning
            await until(pilot, lambda: len(server.requests) == 2, "the second fetch")
            await until(pilot, lambda: not client.state(feed).fetching, "its end")
            await app.workers.wait_for_complete()
            await pilot.pause()
            texts = [str(toast.render()) for toast in app.screen.query("Toast")]
            warnings = [t for t in texts if "other users can write" in t]
            assert len(warnings) == 1, texts
            assert str(root) in warnings[0]
            assert app.arranged is not None and {"kz", "ru"} <= set(app.arranged.dataset.actors)


# -- item 5: backoff after very many failures -------------------------------------------------


async def test_5000_failures_in_the_state_file_back_off_to_the_cap(tmp_path: Path) -> None:
    """17 hours of a per-minute cron during an outage, then more: each fetch still ends
    with the server's reason, waits the capped time, and counts the failure."""
    with FeedServer() as server:
        server.route("/feed.json", Reply(503, body=b"down"))
        feed = FeedConfig(name="team", url=server.url("/feed.json"), timeout=5, interval=60.0)
        cache = FeedCache(tmp_path / "cache")
        cache.write_state(feed, failures=5000, retry_at=None, last_attempt_at=OLD_AT)
        config = write_config(tmp_path, feed.url)
        result = faultline(tmp_path, "fetch", "--config", str(config))
        assert result.returncode == 1
        assert "the server failed (503 Service Unavailable)" in result.stdout + result.stderr
        assert "unexpected" not in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert json.loads(cache.state_path(feed).read_text())["failures"] == 5001
        now = 1_800_000_000.0
        async with FeedClient([feed], cache, clock=lambda: now) as client:
            client.load_cached()
            outcome = await client.refresh(feed)
        assert outcome.reason.startswith("the server failed (503")
        assert outcome.next_attempt_at == now + BACKOFF_CAP
        assert json.loads(cache.state_path(feed).read_text())["failures"] == 5002


def test_backoff_doubles_then_stops_at_the_cap() -> None:
    feed = FeedConfig(name="team", url="http://127.0.0.1:9/", interval=60.0)
    waits = [backoff(feed, n) for n in (1, 2, 3, 1024, 1025, 10**9)]
    assert waits == [60.0, 120.0, 240.0, BACKOFF_CAP, BACKOFF_CAP, BACKOFF_CAP]


# -- item 6: damaged state and index ----------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [
        '{"retry_at": 1e300}',
        '{"retry_at": Infinity}',
        '{"retry_at": -Infinity}',
        '{"retry_at": NaN}',
        '{"retry_at": "soon"}',
        '{"retry_at": true}',
        '{"retry_at": 4102444800.0}',  # 2100: far beyond the day a server may ask for
        '{"failures": -3, "last_attempt_at": 1e20}',
        '{"failures": 1.5}',
        '{"failures": "many"}',
        '{"failures": 1e300}',
        '{"failures": 100000000000000000000000000000000000000}',
        "[1, 2]",
        '"state"',
        "{trunc",
    ],
)
def test_a_damaged_state_file_is_treated_as_absent(tmp_path: Path, state: str) -> None:
    with FeedServer() as server:
        server.route("/feed.json", json_reply(NEW, etag='"new"'))
        feed = FeedConfig(name="team", url=server.url("/feed.json"), timeout=5)
        cache = two_copies(tmp_path / "cache", feed)
        cache.state_path(feed).write_text(state)
        outcome, ids = offline_open(cache, feed)
        assert outcome.status is FeedStatus.CACHED and ids == ["ru"]
        (outcome,) = fetch_all([feed], cache)
        assert outcome.status is FeedStatus.UNCHANGED, outcome.reason
        assert "unexpected" not in outcome.reason
        assert len(server.requests) == 1  # fetched: no invented Retry-After held it back


@pytest.mark.parametrize(
    "field, value",
    [
        ("fetched_at", 1e20),
        ("fetched_at", -1e20),
        ("fetched_at", float("inf")),
        ("fetched_at", "yesterday"),
        ("size", -1),
        ("size", True),
        ("etag", 7),
        ("format", "yaml"),
        ("checked_at", 1e300),
        ("checked_at", "never"),
    ],
)
def test_wild_values_in_the_index_are_damage_not_a_crash(
    tmp_path: Path, field: str, value: object
) -> None:
    cache = two_copies(tmp_path / "cache")
    meta = json.loads(cache.meta_path(FEED).read_text())
    meta.pop("checksum", None)  # as an older version wrote it, or someone edited it
    if field == "checked_at":
        meta["checked_at"] = value
    else:
        meta["current"][field] = value
    cache.meta_path(FEED).write_text(json.dumps(meta))
    outcome, ids = offline_open(cache)
    assert outcome.status is FeedStatus.CACHED and ids == ["ru"], outcome.reason
    assert "unexpected" not in outcome.reason


def flip_sha_digit(raw: bytes, sha: str) -> bytes:
    digit = "0" if sha[10] != "0" else "1"
    return raw.replace(sha.encode(), (sha[:10] + digit + sha[11:]).encode(), 1)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw, sha: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw, sha: b"", id="emptied"),
        pytest.param(lambda raw, sha: bytes([raw[0] ^ 1]) + raw[1:], id="first byte flipped"),
        pytest.param(flip_sha_digit, id="a digit of the current checksum flipped"),
        pytest.param(
            lambda raw, sha: raw.replace(b'\\"new\\"', b'\\"nex\\"'), id="the etag flipped"
        ),
        pytest.param(None, id="deleted"),
    ],
)
def test_a_damaged_index_never_loses_the_good_copies(tmp_path: Path, damage) -> None:
    cache = two_copies(tmp_path / "cache")
    new_sha = info_for(body_of(NEW), NEW_AT).sha256
    if damage is None:
        cache.meta_path(FEED).unlink()
    else:
        raw = cache.meta_path(FEED).read_bytes()
        cache.meta_path(FEED).write_bytes(damage(raw, new_sha))
    outcome, ids = offline_open(cache)
    assert outcome.status is FeedStatus.CACHED and ids == ["ru"], outcome.reason
    assert "index" in outcome.reason  # says the copy was recovered
    copy = cache.read(FEED)
    assert copy is not None and copy.info.etag is None  # no validator from a damaged index
    assert copy.info.fetched_at == NEW_AT
    # The next copy keeps the recovered one as its previous copy.
    newer = body_of(NEWER)
    cache.store(FEED, newer, info_for(newer, NEW_AT + 100), checked_at=NEW_AT + 100)
    meta = json.loads(cache.meta_path(FEED).read_text())
    assert meta["previous"]["sha256"] == new_sha
    cache.body_path(FEED, info_for(body_of(NEWER), 0).sha256).write_bytes(b"{}")
    assert offline_open(cache)[1] == ["ru"]


# -- item 15: true messages when the cache cannot be written ----------------------------------


async def test_a_failed_save_promises_an_older_copy_only_when_there_is_one(tmp_path: Path) -> None:
    with FeedServer() as server:
        server.route("/feed.json", json_reply(NEW, etag='"new"'))
        feed = FeedConfig(name="team", url=server.url("/feed.json"), timeout=5)
        blocked = tmp_path / "cache"
        blocked.write_text("a file where the cache dir should be")
        async with FeedClient([feed], FeedCache(blocked)) as client:
            client.load_cached()
            outcome = await client.refresh(feed)
        text = outcome.describe()
        assert outcome.status is FeedStatus.FRESH and outcome.failed
        assert "older" not in text
        assert "is not a directory" in text or "not a directory" in (client.cache.warning or "")
        assert "the next start has no copy of this feed" in text

        # A copy on disk, but in a dir that is refused from now on: the next start will not
        # read it either.
        cache = two_copies(tmp_path / "good", feed)
        server.route("/feed.json", json_reply(NEWER, etag='"newer"'))
        async with FeedClient([feed], cache) as client:
            client.load_cached()
            os.chmod(cache.directory, 0o777)
            outcome = await client.refresh(feed)
        text = outcome.describe()
        assert outcome.failed and "could not be saved" in text
        assert "the next start uses" not in text
        assert "the next start has no copy of this feed" in text


def test_a_dangling_symlink_cache_dir_gets_a_true_message(tmp_path: Path) -> None:
    with FeedServer() as server:
        server.route("/feed.json", json_reply(NEW, etag='"new"'))
        config = write_config(tmp_path, server.url("/feed.json"))
        (tmp_path / "cache").symlink_to(tmp_path / "gone")
        result = faultline(tmp_path, "fetch", "--config", str(config))
    output = result.stdout + result.stderr
    assert "File exists" not in output
    assert "Traceback" not in output
    assert output.count(f"symbolic link to {tmp_path / 'gone'}, which does not exist") == 1, output
    assert "fetched: 1 actor" in output


# -- review 2, F5: an index naming a body that is not on disk hides nothing -----------------


@pytest.mark.parametrize("named", ["a body that does not exist", "a body whose checksum fails"])
def test_an_index_naming_a_missing_body_still_finds_the_good_copy(
    tmp_path: Path, named: str
) -> None:
    """A well-formed index (an old version's, without a checksum of its own) whose current
    body is missing or wrong: the good body on disk is found, as for a damaged index."""
    with FeedServer() as server:
        server.route("/feed.json", json_reply(NEW, etag='"new"'))
        url = server.url("/feed.json")
        config = write_config(tmp_path, url)
        fetched = faultline(tmp_path, "fetch", "--config", str(config))
        assert fetched.returncode == 0, fetched.stderr
    cache = FeedCache(tmp_path / "cache")
    feed = FeedConfig(name="team", url=url)
    sha = "a" * 64
    if named == "a body whose checksum fails":
        cache.body_path(feed, sha).write_bytes(b'{"format": "faultline/1"}')
        cache.body_path(feed, sha).chmod(0o600)
    index = {
        "version": 1,
        "checked_at": 1,
        "current": {"sha256": sha, "size": 1, "format": "json", "fetched_at": 1},
        "previous": None,
    }
    cache.meta_path(feed).write_text(json.dumps(index))
    offline = faultline(tmp_path, "fetch", "--offline", "--config", str(config))
    assert offline.returncode == 0, offline.stderr
    assert "no copy is cached" not in offline.stdout + offline.stderr
    assert "offline: using the copy from" in offline.stdout
    assert "the copy was found by its checksum" in offline.stdout
    exported = faultline(tmp_path, "export", "-f", "json", "--config", str(config))
    assert exported.returncode == 0, exported.stderr
    assert '"Russia"' in exported.stdout and '"Kazakhstan"' in exported.stdout
