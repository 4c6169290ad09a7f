"""Watching in the dashboard: ``p`` pins (a glyph in every pane, kept across restarts), a
refresh touching a watched entity raises an alert (the log ``!``, the status line, the
bell, an OSC notification, a command), and the marks and alerts survive a restart.

Against a real HTTP server on 127.0.0.1; every wait is bounded polling (``until``)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedserver import FeedServer, conditional
from helpers import select_actor, shown, toasts, until

from tests.conftest import screen_text
from tui.core.alerts import PIN_MARK, read_alerts
from tui.core.browse import Ref
from tui.core.config import AlertsConfig, Config, FeedConfig
from tui.core.feeds import FeedCache, FeedClient, FeedStatus
from tui.core.model import Kind
from tui.core.userstate import LOCK_FILE, StateStore
from tui.ui.app import FaultlineApp
from tui.ui.watchscreens import AlertsScreen, WatchScreen

SIZE = (120, 36)
PATH = "/feed.json"
LOCAL = """format = "faultline/1"
[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"
"""
HOSTILE = "Russia\x1b]52;c;aGk=\x07\u202e [b]red[/b]"
V1 = {"format": "faultline/1", "actors": [{"id": "ru", "name": "Russia", "kind": "state"}]}
V2 = {"format": "faultline/1", "actors": [{"id": "ru", "name": HOSTILE, "kind": "state"}]}
ALERT = "* actor ru: Russia]52;c;aGk= [b]red[/b]: name Russia → Russia]52;c;aGk= [b]red[/b]"


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def local(tmp_path: Path) -> Path:
    path = tmp_path / "local.toml"
    path.write_text(LOCAL)
    return path


def recorder(tmp_path: Path, *, fail: bool = False) -> Path:
    """A notify command that records its argv (or fails, saying why on stderr)."""
    script = tmp_path / "notify"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        + (
            "sys.stderr.write('no bus'); sys.exit(4)\n"
            if fail
            else f"open({str(tmp_path / 'argv.json')!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
        )
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


async def build(
    tmp_path: Path, local: Path, server: FeedServer, alerts: AlertsConfig | None = None
) -> FaultlineApp:
    feed = FeedConfig(name="team", url=server.url(PATH))
    async with FeedClient([feed], FeedCache(tmp_path / "cache")) as client:
        (outcome,) = await client.refresh_all()  # a good copy on disk: V1, as routed
    assert outcome.status is FeedStatus.FRESH
    config = Config(
        cache_dir=tmp_path / "cache",
        data_paths=(local,),
        feeds=(feed,),
        alerts=alerts or AlertsConfig(),
    )
    return FaultlineApp(config)


def row_text(app: FaultlineApp, pane: Kind, ident: str) -> str:
    arranged = app.arranged
    assert arranged is not None
    value = arranged.row[pane][ident]
    return "".join(text for text, _ in app.dashboard.pane(pane).render_row(value, 60))


def status_line(app: FaultlineApp) -> str:
    return str(app.dashboard.query_one("#status").render())


async def test_p_pins_and_unpins_with_a_glyph_that_survives_a_restart(
    tmp_path, local, server, private_state
) -> None:
    server.route(PATH, conditional(json.dumps(V1).encode(), etag='"v1"'))
    app = await build(tmp_path, local, server)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        await select_actor(pilot, app, "ru")
        await pilot.press("p")
        await until(pilot, lambda: "Pinned actor ru" in toasts(app), "the pin")
        assert row_text(app, Kind.ACTOR, "ru").startswith(f" {PIN_MARK}Russia")
        assert row_text(app, Kind.ACTOR, "kz").startswith("  Kazakhstan")
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, WatchScreen), "the watch view")
        await pilot.pause()
        text = screen_text(app)
        assert "actor" in text and "Russia" in text and "no change seen" in text
        await pilot.press("escape")
    assert StateStore(private_state).read()["watch"] == {"actors": ["ru"]}

    again = await build(tmp_path, local, server)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, again)
        assert row_text(again, Kind.ACTOR, "ru").startswith(f" {PIN_MARK}Russia")
        await select_actor(pilot, again, "ru")
        await pilot.press("p")
        await until(pilot, lambda: "Unpinned actor ru" in toasts(again), "the unpin")
        assert row_text(again, Kind.ACTOR, "ru").startswith("Russia")  # no pins: no column


async def test_a_refresh_touching_a_pinned_actor_alerts_on_every_channel(
    tmp_path, local, server, private_state
) -> None:
    server.route(PATH, conditional(json.dumps(V1).encode(), etag='"v1"'))
    StateStore(private_state).update(lambda s: s.update(watch={"actors": ["ru"]}))
    settings = AlertsConfig(bell=True, osc="777", command=(str(recorder(tmp_path)), "Faultline"))
    app = await build(tmp_path, local, server, settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        written: list[str] = []
        driver = app._driver  # the terminal's side: what the app writes between frames
        assert driver is not None
        driver.write = written.append  # type: ignore[method-assign]
        server.route(PATH, conditional(json.dumps(V2).encode(), etag='"v2"'))
        await pilot.press("r")
        await until(pilot, lambda: "! 1 alert (!)" in status_line(app), "the alert")
        assert "\a" in written  # the bell
        [osc] = [w for w in written if w.startswith("\x1b]777")]
        assert osc == f"\x1b]777;notify;Faultline;Faultline: {ALERT}\x07"
        record = tmp_path / "argv.json"
        await until(pilot, record.exists, "the command")
        assert json.loads(record.read_text()) == ["Faultline", f"Faultline: {ALERT}"]
        assert ALERT in toasts(app)

        await pilot.press("exclamation_mark")
        await until(pilot, lambda: isinstance(app.screen, AlertsScreen), "the alerts log")
        await pilot.pause()
        assert f"! {ALERT}" in screen_text(app)  # markup shown as typed, controls gone
        await pilot.press("enter")
        await until(pilot, lambda: app.dashboard.trail == [Ref(Kind.ACTOR, "ru")], "the focus")
        await pilot.pause()
        assert "alert" not in status_line(app)
    [alert] = read_alerts(StateStore(private_state).read())
    assert alert.seen and alert.text == ALERT


async def test_alerts_and_marks_wait_unseen_across_a_restart(
    tmp_path, local, server, private_state
) -> None:
    server.route(PATH, conditional(json.dumps(V1).encode(), etag='"v1"'))
    StateStore(private_state).update(lambda s: s.update(watch={"actors": ["ru"]}))
    app = await build(tmp_path, local, server)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        server.route(PATH, conditional(json.dumps(V2).encode(), etag='"v2"'))
        await pilot.press("r")
        await until(pilot, lambda: "! 1 alert (!)" in status_line(app), "the alert")

    again = FaultlineApp(app.config)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, again)
        assert "! 1 alert (!)" in status_line(again)
        assert "1 new or changed (c)" in status_line(again)
        assert row_text(again, Kind.ACTOR, "ru").startswith(f"*{PIN_MARK}Russia")


async def test_the_last_state_restored_at_a_start_does_not_see_the_alert_it_brings_back(
    tmp_path, local, server, private_state
) -> None:
    """The cursor was on the pinned actor when a refresh raised its alert, and the
    analyst quit. The next start restores that state, cursor and all: the row is shown,
    not seen, so its mark and the alert wait for the analyst to move onto it."""
    server.route(PATH, conditional(json.dumps(V1).encode(), etag='"v1"'))
    StateStore(private_state).update(lambda s: s.update(watch={"actors": ["ru"]}))
    app = await build(tmp_path, local, server)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        await select_actor(pilot, app, "ru")
        server.route(PATH, conditional(json.dumps(V2).encode(), etag='"v2"'))
        await pilot.press("r")
        await until(pilot, lambda: "! 1 alert (!)" in status_line(app), "the alert")
        await pilot.press("q")  # the last state kept: the cursor on Russia

    again = FaultlineApp(app.config)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, again)
        await until(pilot, lambda: again.opening is None, "the last state restored")
        await until(
            pilot, lambda: again.dashboard.pane(Kind.ACTOR).ref == Ref(Kind.ACTOR, "ru"), "ru"
        )
        await pilot.pause()
        again.watchlist.marks.flush()
        await pilot.pause()
        assert row_text(again, Kind.ACTOR, "ru").startswith(f"*{PIN_MARK}Russia")
        assert "! 1 alert (!)" in status_line(again)
        await pilot.press("k", "j")  # moved off and back onto it: now it is seen
        await until(pilot, lambda: "alert" not in status_line(again), "seen")


async def test_a_failing_command_is_said_in_the_alerts_log(
    tmp_path, local, server, private_state
) -> None:
    server.route(PATH, conditional(json.dumps(V1).encode(), etag='"v1"'))
    StateStore(private_state).update(lambda s: s.update(watch={"actors": ["ru"]}))
    script = recorder(tmp_path, fail=True)
    app = await build(tmp_path, local, server, AlertsConfig(command=(str(script),)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        server.route(PATH, conditional(json.dumps(V2).encode(), etag='"v2"'))
        await pilot.press("r")
        await until(pilot, lambda: "! 2 alerts (!)" in status_line(app), "the failure")
        await pilot.press("exclamation_mark")
        await until(pilot, lambda: isinstance(app.screen, AlertsScreen), "the alerts log")
        await pilot.pause()
        assert "! not delivered: alert command" in screen_text(app)  # newest first
        newest = app.watchlist.alerts[0]
        assert newest.text == f"not delivered: alert command {script}: exit 4: no bus"
        assert (newest.kind, newest.id) == (Kind.ACTOR, "ru")


async def test_a_saved_file_with_an_event_of_a_watched_actor_alerts(
    tmp_path, local, private_state, empty_workdir
) -> None:
    StateStore(private_state).update(lambda s: s.update(watch={"actors": ["kz"]}))
    app = FaultlineApp(Config(cache_dir=tmp_path / "cache"), data_paths=[local])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        await until(
            pilot, lambda: app.reloader is not None and app.reloader.watcher.ready.is_set(), "watch"
        )
        event = '[[events]]\nid = "visit"\ntitle = "Visit to Astana"\ndate = "2014"\n'
        saved = local.with_name(".local.toml.swp")
        saved.write_text(LOCAL + event + 'targets = ["kz"]\n')
        saved.replace(local)  # as an editor saves
        await until(pilot, lambda: "! 1 alert (!)" in status_line(app), "the alert")
        [alert] = app.watchlist.alerts
        assert alert.text == "+ event visit: Visit to Astana (involves watched actor kz)"


async def test_the_dashboard_shows_what_a_cron_fetch_found(
    tmp_path, local, server, private_state
) -> None:
    from helpers import run_faultline

    server.route(PATH, conditional(json.dumps(V1).encode(), etag='"v1"'))
    config = (await build(tmp_path, local, server)).config  # a copy of V1 in the cache
    (tmp_path / "cron.toml").write_text(
        f'[data]\npaths = ["local.toml"]\n[watch]\nactors = ["ru"]\n'
        f'[[feeds]]\nname = "team"\nurl = "{server.url(PATH)}"\n'
    )
    server.route(PATH, conditional(json.dumps(V2).encode(), etag='"v2"'))
    cron = run_faultline(tmp_path, "fetch", "--watched", "--config", "cron.toml")
    assert cron.returncode == 3, cron.stderr
    app = FaultlineApp(config)  # the analyst comes back
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        assert "! 1 alert (!)" in status_line(app)
        assert "1 new or changed (c)" in status_line(app)
        assert row_text(app, Kind.ACTOR, "ru").startswith("* Russia")  # no pin: cron's [watch]


async def test_marks_from_a_dashboard_on_other_data_are_not_counted(
    tmp_path, local, private_state
) -> None:
    marks = {"actors": {"zz": "new", "kz": "new"}, "events": {"elsewhere": "changed"}}
    StateStore(private_state).update(lambda s: s.update(unseen=marks))
    app = FaultlineApp(Config(cache_dir=tmp_path / "cache"), data_paths=[local])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        assert "1 new or changed (c)" in status_line(app)  # kz, not zz or elsewhere
        assert row_text(app, Kind.ACTOR, "kz").startswith("+ Kazakhstan")


async def test_a_running_dashboard_picks_up_what_a_cron_fetch_found(
    tmp_path, local, server, private_state
) -> None:
    from helpers import run_faultline

    server.route(PATH, conditional(json.dumps(V1).encode(), etag='"v1"'))
    app = await build(tmp_path, local, server)
    app.STATE_SYNC = 0.05  # instead of every 20 s
    (tmp_path / "cron.toml").write_text(
        f'[data]\npaths = ["local.toml"]\n[watch]\nactors = ["ru"]\n'
        f'[[feeds]]\nname = "team"\nurl = "{server.url(PATH)}"\n'
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        assert "alert" not in status_line(app)
        server.route(PATH, conditional(json.dumps(V2).encode(), etag='"v2"'))
        cron = run_faultline(tmp_path, "fetch", "--watched", "--config", "cron.toml")
        assert cron.returncode == 3, cron.stderr
        await until(pilot, lambda: "! 1 alert (!)" in status_line(app), "cron's alert")
        assert row_text(app, Kind.ACTOR, "ru").startswith("* Russia")  # and its mark


@contextlib.contextmanager
def state_locked(directory: Path, release_after: float = 15.0) -> Iterator[threading.Event]:
    """The state file's lock held, as another dashboard or a cron fetch holds it while it
    writes, until the block ends; released by a timer after ``release_after`` seconds in
    any case (the event is set then), so that a dashboard that waits for it on the UI
    thread, as it once did, fails the test instead of hanging it."""
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    timed_out = threading.Event()

    def release() -> None:
        timed_out.set()
        fcntl.flock(fd, fcntl.LOCK_UN)

    timer = threading.Timer(release_after, release)
    timer.start()
    try:
        yield timed_out
    finally:
        timer.cancel()
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


async def test_marks_are_written_behind_the_keyboard_which_never_waits_for_the_state_file(
    tmp_path, local, server, private_state
) -> None:
    """Rewriting a state file of many marks takes a tenth of a second and more, and the
    file may be locked by another dashboard meanwhile: a refresh's marks and the marks
    seen as the cursor moves show at once and are written by the state writer behind."""
    server.route(PATH, conditional(json.dumps(V1).encode(), etag='"v1"'))
    StateStore(private_state).update(lambda s: None)  # the state dir and its lock file
    app = await build(tmp_path, local, server)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        with state_locked(private_state) as timed_out:
            server.route(PATH, conditional(json.dumps(V2).encode(), etag='"v2"'))
            await pilot.press("r")  # ru's name changed: marked *
            await until(pilot, lambda: row_text(app, Kind.ACTOR, "ru").startswith("*"), "mark")
            await select_actor(pilot, app, "ru")  # seen: the mark goes at once
            await until(pilot, lambda: not row_text(app, Kind.ACTOR, "ru").startswith("*"), "seen")
            assert not timed_out.is_set()  # all of it while the lock was held
            assert "unseen" not in StateStore(private_state).read()  # nothing written yet
        app.watchlist.marks.flush()
        state = StateStore(private_state).read()
    assert state["unseen"] == {}  # marked changed, then seen: both written, in order


async def test_a_refresh_s_alert_reaches_the_status_line_when_the_writer_is_slow_to_finish(
    tmp_path, local, server, private_state
) -> None:
    """The writer thread may be held right after it posts its answer, until the UI thread
    has handled it (post_message returns at once): the alert reaches the status line."""
    server.route(PATH, conditional(json.dumps(V1).encode(), etag='"v1"'))
    StateStore(private_state).update(lambda s: s.update(watch={"actors": ["ru"]}))
    app = await build(tmp_path, local, server)
    marks = app.watchlist.marks
    post = marks.post
    assert post is not None

    def held(call) -> None:
        done = threading.Event()

        def handled() -> None:
            try:
                call()
            finally:
                done.set()

        post(handled)
        done.wait(5)

    marks.post = held
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        server.route(PATH, conditional(json.dumps(V2).encode(), etag='"v2"'))
        await pilot.press("r")
        await until(pilot, lambda: "! lists the alerts" in toasts(app), "the toast")
        await until(pilot, lambda: "! 1 alert (!)" in status_line(app), "the alert")


async def test_an_alert_raised_just_before_quitting_is_still_delivered(
    tmp_path, local, server, private_state
) -> None:
    """q pressed while the writer waits for the state's lock (another dashboard holds it
    for a second): the alert is logged in the file, so it is never sent again; its
    command must run before the dashboard is gone."""
    server.route(PATH, conditional(json.dumps(V1).encode(), etag='"v1"'))
    StateStore(private_state).update(lambda s: s.update(watch={"actors": ["ru"]}))
    settings = AlertsConfig(command=(str(recorder(tmp_path)), "Faultline"))
    app = await build(tmp_path, local, server, settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        with state_locked(private_state, release_after=1.0):
            server.route(PATH, conditional(json.dumps(V2).encode(), etag='"v2"'))
            await pilot.press("r")
            await until(pilot, lambda: row_text(app, Kind.ACTOR, "ru").startswith("*"), "mark")
            await pilot.press("q")
    [alert] = read_alerts(StateStore(private_state).read())
    assert not alert.seen  # logged: a later refresh will not send it again
    record = tmp_path / "argv.json"
    await until(None, record.exists, "the alert command")
    assert json.loads(record.read_text()) == ["Faultline", f"Faultline: {ALERT}"]
