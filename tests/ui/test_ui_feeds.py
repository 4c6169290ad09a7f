"""Feeds in the dashboard, against a real HTTP server on 127.0.0.1 (tests/feedserver.py):
cached copies in the first paint, background and interval refreshes, ``r``, the feeds
and changes screens, marks until seen, failures that change nothing, ``--offline``, and a
UI that keeps answering keys while a server drips.

Every wait is bounded polling on a condition (``until``); nothing sleeps to synchronise.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from feedserver import FeedServer, Reply, conditional, drip, json_reply
from helpers import toasts, until
from textual.color import Color
from textual.coordinate import Coordinate
from textual.widgets import DataTable

import tui.ui.app as app_module
from tests.conftest import screen_text
from tui.core.browse import ChangeLog, Ref
from tui.core.changes import ADDED, Change, Changes
from tui.core.config import Config, FeedConfig
from tui.core.feeds import FeedCache, FeedClient, FeedState, FeedStatus
from tui.core.model import Actor, Kind
from tui.ui.app import FaultlineApp
from tui.ui.changes import ChangesScreen
from tui.ui.feeds import FeedsScreen, feed_summary
from tui.ui.problems import ProblemsScreen

SIZE = (120, 36)
PATH = "/feed.json"

LOCAL = """format = "faultline/1"
[meta]
title = "Local dossier"

[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"

[[actors]]
id = "by"
name = "Belarus"
kind = "state"
"""

V1 = {
    "format": "faultline/1",
    "actors": [{"id": "ru", "name": "Russia", "kind": "state"}],
    "events": [{"id": "summit", "title": "Moscow summit", "date": "2013-01", "actors": ["ru"]}],
}
V2 = {
    "format": "faultline/1",
    "actors": [
        {"id": "ru", "name": "Russia", "kind": "state", "role": "Federation", "country": "RUS"},
        {"id": "cn", "name": "China", "kind": "state"},
    ],
}
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """An inherited proxy setting must not route loopback test traffic anywhere else."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def local(tmp_path: Path) -> Path:
    path = tmp_path / "local.toml"
    path.write_text(LOCAL, encoding="utf-8")
    return path


def body(document: dict) -> bytes:
    return json.dumps(document).encode()


def feed_config(server: FeedServer, **overrides) -> FeedConfig:
    # Built directly, so the interval may be shorter than the config file's minimum.
    values: dict[str, Any] = {
        "name": "team",
        "url": server.url(PATH),
        "interval": 900.0,
        "timeout": 30.0,
    }
    values.update(overrides)
    return FeedConfig(**values)


def build(tmp_path: Path, local: Path, feed: FeedConfig | None, *, offline: bool = False):
    config = Config(
        cache_dir=tmp_path / "cache",
        data_paths=(local,),
        feeds=(feed,) if feed is not None else (),
    )
    return FaultlineApp(config, offline=offline)


async def seed_cache(tmp_path: Path, feed: FeedConfig) -> None:
    """A good copy on disk, fetched for real from the server as it is routed now."""
    async with FeedClient([feed], FeedCache(tmp_path / "cache")) as client:
        (outcome,) = await client.refresh_all()
    assert outcome.status is FeedStatus.FRESH, outcome.headline


async def loaded(pilot, app: FaultlineApp) -> None:
    await until(pilot, lambda: app.arranged is not None, "the first dossier")
    await pilot.pause()


def row_text(app: FaultlineApp, pane: str, ident: str) -> str:
    """The drawn text of one entity's row in a pane (what the analyst reads there)."""
    list_pane = app.dashboard.pane(pane)
    arranged = app.arranged
    assert arranged is not None
    value = arranged.row[pane][ident]
    return "".join(text for text, _ in list_pane.render_row(value, 60))


def actor_ids(app: FaultlineApp) -> set[str]:
    assert app.arranged is not None
    return set(app.arranged.dataset.actors)


def status_line(app: FaultlineApp) -> str:
    return str(app.dashboard.query_one("#status").render())


def state(app: FaultlineApp) -> FeedState:
    assert app.feed_client is not None
    return app.feed_client.state("team")


# -- start-up ---------------------------------------------------------------------------------


async def test_first_dossier_has_the_cached_feed_before_any_fetch_completes(
    tmp_path, local, server
) -> None:
    feed = feed_config(server)
    server.route(PATH, json_reply(V1, etag='"v1"'))
    await seed_cache(tmp_path, feed)
    server.route(PATH, drip(every=0.05))  # the refresh that follows never finishes here
    app = build(tmp_path, local, feed)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        # The very first dossier: local data and the cached feed, together.
        assert {"kz", "by", "ru"} <= actor_ids(app)
        assert "Russia" in screen_text(app) and "Moscow summit" in screen_text(app)
        # Then the background refresh starts, and is still dripping.
        await until(pilot, lambda: len(server.requests_for(PATH)) == 2, "the background fetch")
        assert state(app).status is FeedStatus.CACHED
        await until(pilot, lambda: "1 feed: refreshing" in status_line(app), "the status line")
        assert {"kz", "by", "ru"} <= actor_ids(app)
    assert app.feed_client is None  # closed with the app


async def test_a_feed_given_alone_shows_without_the_shipped_dossier(tmp_path, server) -> None:
    """``faultline --feed URL``: the team's feed, not the demo dossier under it."""
    server.route(PATH, json_reply(V1))
    app = FaultlineApp(Config(cache_dir=tmp_path / "cache"), feed_urls=[server.url(PATH)])
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await until(pilot, lambda: "ru" in actor_ids(app), "the feed's copy")
        assert actor_ids(app) == {"ru"}
        assert "Nazarbayev" not in screen_text(app)


async def test_loading_view_says_what_is_being_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path, local, screen
) -> None:
    from tui.core import browse as browse_module

    second = tmp_path / "second.toml"
    second.write_text('[[actors]]\nid = "cn"\nname = "China"\nkind = "state"\n')
    release = threading.Event()
    real = browse_module.read_layer

    def slow_layer(path, *args, **kwargs):
        if Path(path) == second:
            release.wait(10)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(browse_module, "read_layer", slow_layer)
    # Read in the worker, as a dossier over READ_AT_ONCE bytes is (this one is small).
    monkeypatch.setattr(FaultlineApp, "READ_AT_ONCE", 0)
    app = FaultlineApp(Config(cache_dir=tmp_path / "cache"), data_paths=[local, second])
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot, lambda: f"Loading… reading {second} (2 of 2)" in screen(app), "the progress"
        )
        release.set()
        await loaded(pilot, app)
        assert "Loading…" not in screen(app)
        assert {"kz", "by", "cn"} <= actor_ids(app)


# -- refresh, marks and the changes view ------------------------------------------------------


async def test_refresh_marks_new_and_changed_entities_until_seen(tmp_path, local, server) -> None:
    feed = feed_config(server)
    server.route(PATH, conditional(body(V1), etag='"v1"'))
    await seed_cache(tmp_path, feed)
    app = build(tmp_path, local, feed)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        # The start-up refresh finds the copy unchanged (304): nothing is marked.
        await until(pilot, lambda: state(app).status is FeedStatus.UNCHANGED, "the 304")
        assert len(app.unseen) == 0
        assert row_text(app, "actors", "ru").startswith("Russia")
        assert server.requests_for(PATH)[-1].header("if-none-match") == '"v1"'

        server.route(PATH, conditional(body(V2), etag='"v2"'))
        app.collector.quiet = 3600.0  # so the owed collection below cannot have run yet
        collections = app.collector.collections
        await pilot.press("r")
        await until(pilot, lambda: "cn" in actor_ids(app), "the new copy to be shown")
        await pilot.pause()
        assert state(app).status is FeedStatus.FRESH
        # The replaced dossier is left to a full collection once the analyst is quiet.
        assert app.collector.owed and app.collector.collections == collections
        app.collector.collect()
        assert not app.collector.owed and app.collector.collections == collections + 1
        # New and changed rows carry their glyph; untouched rows are padded to line up.
        assert row_text(app, "actors", "cn").startswith("+ China")
        assert row_text(app, "actors", "ru").startswith("* Russia")
        assert row_text(app, "actors", "kz").startswith("  Kazakhstan")
        assert "+ China" in screen_text(app) and "* Russia" in screen_text(app)
        assert "2 new or changed (c)" in status_line(app)
        await until(
            pilot, lambda: "Feeds brought 1 added, 1 changed, 1 removed" in toasts(app), "the news"
        )
        # The removed event is gone from the timeline; the local data is intact.
        assert "summit" not in app.arranged.dataset.events and {"kz", "by"} <= actor_ids(app)

        # The changes view: per feed, additions, changes with their fields, removals.
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ChangesScreen), "the changes view")
        await pilot.pause()
        text = screen_text(app)
        assert "── feed team" in text
        assert "+ actor" in text and "China" in text
        assert "* actor" in text and "Russia: country, role" in text
        assert "- event" in text and "Moscow summit (removed)" in text
        assert "1 added · 1 changed · 1 removed · 2 unseen" in text
        # Enter on China goes to it: back on the dashboard, focused on it, its mark gone.
        changes = app.screen.changes
        assert changes.entry is not None and changes.entry.change.id == "cn"
        await pilot.press("enter")
        await until(pilot, lambda: app.dashboard.trail == [Ref(Kind.ACTOR, "cn")], "the focus")
        await pilot.pause()
        assert not row_text(app, "actors", "cn").startswith("+")
        assert row_text(app, "actors", "ru").startswith("* Russia")
        assert "1 new or changed (c)" in status_line(app)

        # The detail of a changed entity says which fields changed.
        await pilot.press("escape", "1")
        for _ in range(5):
            if app.dashboard.pane(Kind.ACTOR).ref == Ref(Kind.ACTOR, "ru"):
                break
            await pilot.press("j")
        detail = app.dashboard.detail
        await until(pilot, lambda: detail.ref == Ref(Kind.ACTOR, "ru"), "Russia in the detail")
        notes = [str(block.content) for block in detail.blocks]
        assert any("Changed by a refresh of feed team" in n and "country, role" in n for n in notes)
        # Moving onto Russia selected it: no marks remain.
        assert len(app.unseen) == 0
        await pilot.pause()
        assert row_text(app, "actors", "ru").startswith("Russia")
        assert "new or changed" not in status_line(app)


async def test_changes_view_marks_everything_seen(tmp_path, local, server) -> None:
    feed = feed_config(server)
    server.route(PATH, conditional(body(V1), etag='"v1"'))
    await seed_cache(tmp_path, feed)
    server.route(PATH, conditional(body(V2), etag='"v2"'))
    app = build(tmp_path, local, feed)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        # The start-up refresh itself brings V2.
        await until(pilot, lambda: len(app.unseen) == 2, "the marks")
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ChangesScreen), "the changes view")
        await pilot.press("a")
        await pilot.pause()
        assert len(app.unseen) == 0
        assert "0 unseen" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert row_text(app, "actors", "cn").startswith("China")
        assert "+ China" not in screen_text(app)


# -- failures ---------------------------------------------------------------------------------


async def test_warnings_list_a_rejected_feed_document_with_its_located_problems(
    tmp_path, local, server
) -> None:
    """``w`` must not say "every document was read cleanly" while ``f`` shows a feed's
    document rejected: the feed, its URL and each problem's line and key path are listed."""
    bad = {"format": "faultline/1", "actors": [{"id": "KZ", "name": "Bad", "kind": "state"}]}
    server.route(PATH, json_reply(bad))
    app = build(tmp_path, local, feed_config(server))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await until(pilot, lambda: state(app).status is FeedStatus.FAILED, "the rejection")
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ProblemsScreen), "the warnings")
        lines = [str(w.render()) for w in app.screen.query(".problem")]
        url = server.url(PATH)
        assert lines[0].startswith(f"error: team ({url}): the server sent a document that cannot")
        assert (
            lines[1] == f"error: {url}:1: actors[0].id: 'KZ' is not a valid id (lower-case "
            "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 "
            "characters)"
        )
        assert "Nothing to report" not in screen_text(app)
        assert app.screen.query_one("#problems-body").border_title == "Warnings (2)"


async def test_server_error_keeps_the_copy_and_says_so(tmp_path, local, server) -> None:
    feed = feed_config(server)
    server.route(PATH, json_reply(V1, etag='"v1"'))
    await seed_cache(tmp_path, feed)
    cache = FeedCache(tmp_path / "cache")
    on_disk = cache.read(feed)
    assert on_disk is not None
    server.route(PATH, Reply(500, [("Content-Type", "text/plain")], b"[@click=app.quit]boom[/]"))
    app = build(tmp_path, local, feed)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await until(pilot, lambda: state(app).status is FeedStatus.STALE, "the failure")
        # A notification names the feed and its URL, and what stays in use.
        await until(pilot, lambda: server.url(PATH) in toasts(app), "the notification")
        assert "team (" + server.url(
            PATH
        ) + "): the server failed (500 Internal Server Error); kept the copy from" in toasts(app)
        assert "1 stale (HTTP 500)" in status_line(app)
        # Nothing changed: the feed's entities are still shown, nothing is marked.
        assert {"kz", "by", "ru"} <= actor_ids(app)
        assert "summit" in app.arranged.dataset.events
        assert len(app.unseen) == 0

        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FeedsScreen), "the feeds screen")
        await pilot.pause()
        text = screen_text(app)
        assert "team" in text and "stale" in text
        assert "the server failed (500 Internal Server Error)" in text
        assert "kept the copy from" in text and "1 actor, 1 event" in text
        # "stale" in the theme's warning colour (the one role table), not a raw "yellow".
        cell = app.screen.query_one("#feeds", DataTable).get_cell_at(Coordinate(0, 1))
        warning = Color.parse(app.get_css_variables()["text-warning"]).hex
        assert str(cell) == "stale" and cell.style == warning
        # r refreshes from the feeds screen too; it fails again, the table says so.
        before = len(server.requests_for(PATH))
        await pilot.press("r")
        await until(pilot, lambda: len(server.requests_for(PATH)) > before, "another fetch")
        await until(pilot, lambda: not state(app).fetching, "the fetch to end")
        await pilot.pause()
        assert "stale" in screen_text(app) and isinstance(app.screen, FeedsScreen)
        assert "[@click=app.quit]" not in screen_text(app)  # the body was not shown as markup
    # The good copy is still on disk, byte for byte.
    kept = cache.read(feed)
    assert kept is not None and bytes(kept.body) == bytes(on_disk.body)


async def test_a_feed_that_never_worked_is_failed_and_the_rest_loads(
    tmp_path, local, server
) -> None:
    feed = feed_config(server, url=server.url("/missing.json"))
    app = build(tmp_path, local, feed)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await until(pilot, lambda: state(app).status is FeedStatus.FAILED, "the failure")
        assert actor_ids(app) == {"kz", "by"}
        assert "1 failed (HTTP 404)" in status_line(app)
        await until(pilot, lambda: "there is no feed at this address" in toasts(app), "the news")
        assert server.url("/missing.json") in toasts(app)
        assert "no earlier copy, so this feed is left out" in toasts(app)


# -- offline ----------------------------------------------------------------------------------


async def test_offline_never_touches_the_network(tmp_path, local, server) -> None:
    feed = feed_config(server, interval=0.2)
    server.route(PATH, json_reply(V1, etag='"v1"'))
    await seed_cache(tmp_path, feed)
    requests = len(server.requests)
    connections = server.connections
    app = build(tmp_path, local, feed, offline=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        assert {"kz", "by", "ru"} <= actor_ids(app)  # the cached copy is used
        assert state(app).status is FeedStatus.CACHED
        assert "1 feed: 1 cached · offline" in status_line(app)
        await pilot.press("r")
        await until(pilot, lambda: "Offline (--offline)" in toasts(app), "the notice")
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FeedsScreen), "the feeds screen")
        await pilot.pause()
        assert "offline (--offline): nothing is fetched" in screen_text(app)
        # No timer is armed, no fetch worker exists: nothing will ever be fetched.
        assert app.refresher.timer is None
        assert not [w for w in app.workers if w.group == "feeds"]
        await app.workers.wait_for_complete()
    assert len(server.requests) == requests and server.connections == connections


# -- scheduling -------------------------------------------------------------------------------


async def test_each_feed_refreshes_on_its_interval(tmp_path, local, server) -> None:
    feed = feed_config(server, interval=0.3)
    server.route(PATH, conditional(body(V1), etag='"v1"'))
    app = build(tmp_path, local, feed)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        # No cached copy: the start-up fetch brings the feed in, then the timer takes over.
        await until(pilot, lambda: "ru" in actor_ids(app), "the first fetch")
        await until(pilot, lambda: len(server.requests_for(PATH)) >= 3, "two timed refreshes")
        seen = server.requests_for(PATH)
        assert all(r.header("if-none-match") == '"v1"' for r in seen[1:])  # conditional GETs
        await until(pilot, lambda: state(app).status is FeedStatus.UNCHANGED, "a 304")
        # The client records the 304 before the app handles the outcome and arms the timer
        # again: wait for that, rather than catch the moment between.
        await until(
            pilot,
            lambda: app.refresher.timer is not None or state(app).fetching,
            "the next refresh",
        )
        assert " · next " in status_line(app) or "refreshing" in status_line(app)


# -- responsiveness ---------------------------------------------------------------------------


async def test_keys_are_answered_while_a_server_drips(tmp_path, local, server) -> None:
    feed = feed_config(server, timeout=60.0)
    server.route(PATH, drip(every=0.02))
    app = build(tmp_path, local, feed)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await until(pilot, lambda: state(app).fetching, "the fetch to start")
        actors = app.dashboard.pane(Kind.ACTOR)
        first = actors.ref
        await pilot.press("j")
        await pilot.pause()
        assert actors.ref != first and actors.cursor == 1
        assert app.dashboard.detail.ref == actors.ref  # the detail followed
        await pilot.press("r", "k", "slash", *"bel", "enter")
        await pilot.pause()
        assert actors.cursor == 0 and app.dashboard.filter_text == "bel"
        assert actors.shown == 1
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FeedsScreen), "the feeds screen")
        await pilot.pause()
        assert "refreshing…" in screen_text(app)
        assert state(app).fetching  # still dripping all along


# -- without feeds ----------------------------------------------------------------------------


async def test_without_feeds_the_feeds_screen_says_how_to_add_one(tmp_path, local) -> None:
    app = build(tmp_path, local, None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        assert app.feed_client is None
        await pilot.press("r")
        await until(pilot, lambda: "No feeds configured" in toasts(app), "the notice")
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FeedsScreen), "the feeds screen")
        await pilot.pause()
        text = screen_text(app)
        assert "No feeds are configured" in text and "[[feeds]]" in text
        assert "--feed URL" in text
        await pilot.press("escape", "c")
        await until(pilot, lambda: isinstance(app.screen, ChangesScreen), "the changes view")
        await pilot.pause()
        hint = str(app.screen.query_one("#changes-hint").render())
        assert hint == (
            "No changes yet: a data file saved shows here. No feeds are configured (f shows how)."
        )
        assert "No changes yet: a data file saved shows here" in screen_text(app)


# -- the pieces on their own --------------------------------------------------------------------


def test_feed_summary_names_states_and_reasons() -> None:
    team = FeedState(FeedConfig(name="team", url="https://example.org/a.json"))
    ops = FeedState(FeedConfig(name="ops", url="https://example.org/b.json"))
    team.status, team.next_attempt_at = FeedStatus.FRESH, time.time() + 60
    ops.status, ops.reason = FeedStatus.STALE, "connection refused: nothing is listening there"
    text = feed_summary([team, ops], offline=False)
    assert text.startswith("2 feeds: 1 stale (connection refused), 1 fresh · next ")
    assert feed_summary([team, ops], offline=True).endswith("· offline")
    assert feed_summary([], offline=False) == ""


def test_remerge_equals_a_full_merge_and_compare(tmp_path, local) -> None:
    """remerge compares only what feeds define and reuses the previous timeline order: the
    result must be exactly what merging and comparing everything gives."""
    from tui.core.browse import remerge
    from tui.core.changes import compare
    from tui.core.loading import read_bytes, read_layer
    from tui.core.merge import Layer, check_layer, merge

    def feed_layer(document: dict) -> Layer:
        parsed = read_bytes(body(document), "feed", "json", layer="team", require_format=True)
        return check_layer("team", [parsed], [], is_feed=True)

    events = "".join(
        f'[[events]]\nid = "e{i}"\ntitle = "Event {i}"\ndate = "20{10 + i % 7}-0{1 + i % 9}"\n'
        for i in range(40)
    )
    (tmp_path / "events.toml").write_text(events, encoding="utf-8")
    local_layers = [read_layer(local), read_layer(tmp_path / "events.toml")]
    # The feed overrides a local actor and a local event, and brings its own.
    old = {**V1, "actors": [*V1["actors"], {"id": "kz", "name": "Qazaqstan", "kind": "state"}],
           "events": [*V1["events"], {"id": "e3", "title": "Moved", "date": "1999"}]}  # fmt: skip
    new = {**V2, "events": [{"id": "e7", "title": "Later", "date": "2030", "status": "planned"}]}
    before = merge([*local_layers, feed_layer(old)])
    before.timeline  # noqa: B018  (cached, as on screen)
    arranged, changes = remerge(before, [feed_layer(new)])
    full = merge([*local_layers, feed_layer(new)])
    assert [e.id for e in arranged.dataset.timeline] == [e.id for e in full.timeline]
    assert [e.id for e in arranged.events] == [e.id for e in full.timeline]
    expected = compare(before, full)
    assert changes.lines() == expected.lines() and changes.meta == expected.meta
    assert {"* actor kz: Kazakhstan (name)", "- event summit: Moscow summit"} <= set(
        changes.lines()
    )


async def test_a_refresh_keeps_the_detail_and_updates_an_open_changes_view(
    tmp_path, local, server
) -> None:
    feed = feed_config(server)
    server.route(PATH, conditional(body(V1), etag='"v1"'))
    await seed_cache(tmp_path, feed)
    app = build(tmp_path, local, feed)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await until(pilot, lambda: state(app).status is FeedStatus.UNCHANGED, "the 304")
        # From the summit in the timeline, follow the detail's link to Russia.
        await pilot.press("3", "4", "j", "enter")
        detail = app.dashboard.detail
        await until(pilot, lambda: detail.ref == Ref(Kind.ACTOR, "ru"), "Russia in the detail")
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ChangesScreen), "the changes view")
        await pilot.pause()
        assert "No changes yet" in screen_text(app)

        server.route(PATH, conditional(body(V2), etag='"v2"'))
        await pilot.press("r")  # from the changes view
        await until(pilot, lambda: "cn" in actor_ids(app), "the new copy")
        await until(pilot, lambda: "China" in screen_text(app), "the changes view to follow")
        assert "Russia: country, role" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        # The detail still shows Russia, as it reads now, with what changed.
        assert detail.ref == Ref(Kind.ACTOR, "ru")
        notes = "\n".join(str(block.content) for block in detail.blocks)
        assert "Federation" in notes and "Changed by a refresh of feed team" in notes


# -- the refresh orchestration on its own -------------------------------------------------------


async def test_refresher_reports_a_merge_in_a_typed_message_to_any_app(
    tmp_path, local, server
) -> None:
    """Feed refreshing lives outside FaultlineApp: driven from a bare Textual app, a round
    fetches the feed, re-merges in a worker and says so in ``MergeFinished`` (and the feed
    states in ``FeedsChanged``), not in worker results the app must pick apart."""
    from textual.app import App

    from tui.core.browse import read_arranged
    from tui.ui.refresh import FeedRefresher, FeedsChanged, MergeFinished

    server.route(PATH, conditional(body(V1), etag='"v1"'))
    feed = feed_config(server)
    heard: list = []

    class Host(App[None]):
        def on_merge_finished(self, message: MergeFinished) -> None:
            heard.append(message)

        def on_feeds_changed(self, message: FeedsChanged) -> None:
            heard.append(message)

    shown = read_arranged([local])
    async with FeedClient([feed], FeedCache(tmp_path / "cache")) as client:
        app = Host()
        async with app.run_test() as pilot:
            refresher = FeedRefresher(app, client, ChangeLog(), lambda: shown)
            refresher.fetch(manual=True)
            await until(pilot, lambda: any(isinstance(m, MergeFinished) for m in heard), "a merge")
            merged = [m for m in heard if isinstance(m, MergeFinished)]
            (message,) = merged
            assert message.error is None and message.before is shown
            assert {a.id for a in message.arranged.actors} == {"kz", "by", "ru"}
            assert {c.id for c in message.changes} >= {"ru", "summit"}
            summaries = [m.summary for m in heard if isinstance(m, FeedsChanged)]
            assert any("refreshing" in s for s in summaries)
            assert refresher.merged(message) and not refresher.busy


async def test_changes_view_marks_all_seen_and_tells_the_app_in_a_message() -> None:
    """``a`` in the changes view clears the unseen marks and posts ``AllSeen`` for the app
    (which redraws the dashboard's marks), instead of calling an app method by name."""
    from textual.app import App

    from tui.core.changes import UnseenChanges

    unseen = UnseenChanges()
    russia = Actor(id="ru", name="Russia", kind="state")
    unseen.add(Changes(added=(Change(Kind.ACTOR, "ru", ADDED, after=russia),)))
    log = ChangeLog()
    log.adopt(log.updated(Changes(added=(Change(Kind.ACTOR, "ru", ADDED, after=russia),)), 0.0))
    heard: list = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ChangesScreen(log, unseen, ["team"]))

        def on_changes_screen_all_seen(self, message: ChangesScreen.AllSeen) -> None:
            heard.append(message)

    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ChangesScreen), "the changes view")
        assert len(unseen) == 1
        await pilot.press("a")
        await until(pilot, lambda: bool(heard), "the AllSeen message")
        assert len(unseen) == 0


# -- the merge marks the new rows, off the UI thread ----------------------------------------------


V3 = {**V2, "actors": [*V2["actors"], {"id": "in", "name": "India", "kind": "state"}]}


class MarkedOnArrival(FaultlineApp):
    """The real app, noting the marks of each merged dossier as it reaches the UI thread
    (Textual calls this before the app's own handler)."""

    CSS_PATH = Path(app_module.__file__).with_name("app.tcss")
    arrived: list[dict[str, str]]

    def on_merge_finished(self, message: Any) -> None:
        arranged = message.arranged
        marks = arranged.marks.get(Kind.ACTOR, {}) if arranged is not None else {}
        rows = {row: ident for ident, row in arranged.row[Kind.ACTOR].items()} if marks else {}
        self.arrived.append({rows[row]: glyph for row, glyph in marks.items()})


async def test_a_refresh_arrives_with_its_rows_marked(tmp_path, local, server) -> None:
    """The merge worker marks the new dossier's rows (the UI thread used to walk every
    unseen mark in the frame that shows a refresh: 35 ms at 30,000 marks)."""
    from tui.core.changes import CHANGED_MARK, NEW_MARK

    feed = feed_config(server)
    server.route(PATH, conditional(body(V1), etag='"v1"'))
    await seed_cache(tmp_path, feed)
    app = MarkedOnArrival(Config(cache_dir=tmp_path / "cache", data_paths=(local,), feeds=(feed,)))
    app.arrived = []
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await until(pilot, lambda: state(app).status is FeedStatus.UNCHANGED, "the 304")
        server.route(PATH, conditional(body(V2), etag='"v2"'))
        await pilot.press("r")
        await until(pilot, lambda: "cn" in actor_ids(app), "the new copy to be shown")
        assert app.arrived == [{"cn": NEW_MARK, "ru": CHANGED_MARK}]
        await pilot.pause()
        assert row_text(app, "actors", "cn").startswith("+ China")
        assert row_text(app, "actors", "ru").startswith("* Russia")


async def test_a_mark_seen_while_a_merge_runs_stays_seen(
    tmp_path, local, server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker marks rows with the marks of when the merge began; one seen meanwhile
    (the cursor moved onto it) is not brought back by the merge that lands after."""
    from tui.core import browse
    from tui.ui import merger

    feed = feed_config(server)
    server.route(PATH, conditional(body(V1), etag='"v1"'))
    await seed_cache(tmp_path, feed)
    entered, release = threading.Event(), threading.Event()
    real = browse.relayer

    def held(*args: Any, **kwargs: Any) -> Any:  # the real merge, once let go
        entered.set()
        assert release.wait(10), "the test never let the merge go"
        return real(*args, **kwargs)

    app = build(tmp_path, local, feed)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await until(pilot, lambda: state(app).status is FeedStatus.UNCHANGED, "the 304")
        server.route(PATH, conditional(body(V2), etag='"v2"'))
        await pilot.press("r")
        await until(pilot, lambda: "cn" in actor_ids(app), "the first new copy")
        assert {app.unseen.mark(Kind.ACTOR, i) for i in ("cn", "ru")} == {"new", "changed"}

        monkeypatch.setattr(merger, "relayer", held)
        server.route(PATH, conditional(body(V3), etag='"v3"'))
        await pilot.press("r")
        await until(pilot, entered.is_set, "the second merge to begin")
        app.watchlist.marks.seen(Kind.ACTOR, "ru")  # as moving onto Russia does
        release.set()
        await until(pilot, lambda: "in" in actor_ids(app), "the second new copy")
        await pilot.pause()
        assert row_text(app, "actors", "in").startswith("+ India")
        assert row_text(app, "actors", "cn").startswith("+ China")
        assert row_text(app, "actors", "ru").startswith("  Russia")


class SwapWatched(FaultlineApp):
    """The real app, noting what the detail says as the message that shows a merged
    dossier has been handled (the frame that follows draws the panes it set)."""

    CSS_PATH = Path(app_module.__file__).with_name("app.tcss")
    detail_at_swap: list[str]

    async def _on_message(self, message: Any) -> None:
        await super()._on_message(message)
        if type(message).__name__ == "MergeFinished":
            self.detail_at_swap.append(detail_text(self))


def detail_text(app: FaultlineApp) -> str:
    return "\n".join(str(block.content) for block in app.dashboard.detail.blocks)


async def test_a_refresh_draws_its_rows_before_the_detail_it_changes(
    tmp_path, local, server
) -> None:
    """The frame that shows a refresh holds its rows only: the detail (Russia, which the
    refresh changed) and the activity strip are drawn again just after, from the new
    dossier, each in its own turn of the event loop. At a million events, drawn in the
    same turn as the rows, they held the UI thread 40-50 ms longer (the longest stall
    of a refresh)."""
    feed = feed_config(server)
    server.route(PATH, conditional(body(V1), etag='"v1"'))
    await seed_cache(tmp_path, feed)
    app = SwapWatched(Config(cache_dir=tmp_path / "cache", data_paths=(local,), feeds=(feed,)))
    app.detail_at_swap = []
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await until(pilot, lambda: state(app).status is FeedStatus.UNCHANGED, "the 304")
        await pilot.press("1")
        await until(pilot, lambda: app.dashboard.pane(Kind.ACTOR).ref is not None, "a row")
        for _ in range(3):  # down to Russia (Belarus, Kazakhstan, Russia)
            if app.dashboard.detail.ref != Ref(Kind.ACTOR, "ru"):
                await pilot.press("j")
                await pilot.pause()
        assert app.dashboard.detail.ref == Ref(Kind.ACTOR, "ru")
        strip = app.dashboard.query_one("#activity")
        assert "Federation" not in detail_text(app)
        server.route(PATH, conditional(body(V2), etag='"v2"'))
        await pilot.press("r")
        await until(pilot, lambda: "cn" in actor_ids(app), "the new copy")
        assert row_text(app, "actors", "cn").startswith("+ China")  # the rows: at once
        assert app.detail_at_swap and "Federation" not in app.detail_at_swap[0]
        await until(pilot, lambda: "Federation" in detail_text(app), "the detail to follow")
        assert app.dashboard.detail.ref == Ref(Kind.ACTOR, "ru")
        assert app.dashboard._activity_of is app.arranged and strip.display
