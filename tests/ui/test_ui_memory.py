"""Memory across refreshes and live reloads: a dossier replaced on screen is released.

The analyst who leaves the dashboard running through many feed refreshes and saves must
not pay for every dossier shown before: once a new one is shown and a collection has
run, the one it replaced (its arranged indexes and its merged dataset) is gone. Checked
structurally, with weak references, against a real loopback feed server and a real
data file saved on disk."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import weakref
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from feedserver import FeedServer, json_reply
from helpers import until
from textual.app import App
from textual.message_pump import MessagePump
from textual.worker import Worker

from tui.core.browse import Arranged
from tui.core.config import Config, FeedConfig
from tui.core.loading import ISOLATE_MIN_SIZE
from tui.core.merge import Dataset, Layer
from tui.core.model import Document, Kind
from tui.ui.app import FaultlineApp

SIZE = (120, 36)
PATH = "/feed.json"

LOCAL = """format = "faultline/1"

[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"
"""


def feed_document(round_: int) -> dict[str, Any]:
    return {
        "format": "faultline/1",
        "actors": [{"id": "ru", "name": f"Russia {round_}", "kind": "state"}],
        "events": [
            {"id": f"summit-{round_}", "title": "Summit", "date": "2013-01", "actors": ["ru"]}
        ],
    }


def still_held(ref: weakref.ref[Any]) -> str:
    """What keeps the object of ``ref`` alive, for the failure message."""
    target = ref()
    if target is None:
        return "released"
    holders = [type(r).__name__ for r in gc.get_referrers(target)]
    return f"{type(target).__name__} still held by {holders}"


def released(refs: list[weakref.ref[Any]]) -> bool:
    gc.collect()
    return all(ref() is None for ref in refs)


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


async def test_a_refreshed_dossier_releases_the_one_it_replaced(tmp_path: Path) -> None:
    local = tmp_path / "local.toml"
    local.write_text(LOCAL, encoding="utf-8")
    with FeedServer() as server:
        server.route(PATH, json_reply(feed_document(0)))
        feed = FeedConfig(name="team", url=server.url(PATH), interval=900.0, timeout=30.0)
        config = Config(cache_dir=tmp_path / "cache", data_paths=(local,), feeds=(feed,))
        app = FaultlineApp(config)
        async with app.run_test(size=SIZE) as pilot:
            # The first dossier shown (the one built at start-up) as much as any later one.
            await until(pilot, lambda: app.arranged is not None, "the first dossier")
            # Filtered: each dossier shown is searched in a worker too.
            await pilot.press("slash", *"russia", "enter")
            await until(pilot, lambda: app.dashboard.filter_text == "russia", "the filter")
            for round_ in (1, 2, 3):
                shown = app.arranged
                assert shown is not None
                refs = [weakref.ref(shown), weakref.ref(shown.dataset)]
                del shown
                server.route(PATH, json_reply(feed_document(round_)))
                await pilot.press("r")
                ident = f"summit-{round_}"
                await until(
                    pilot,
                    lambda ident=ident: ident in app.arranged.dataset.events,  # type: ignore[union-attr]
                    f"refresh {round_} shown",
                )
                await pilot.pause()
                # Before any collection: no worker (finished ones linger) holds the old one.
                assert stale_in_workers(app) == []
                assert released(refs), [still_held(r) for r in refs]


async def test_a_refresh_shown_writes_its_search_text_once_the_old_one_is_gone(
    tmp_path: Path,
) -> None:
    """A refresh arranged from the dossier shown (a feed small beside the data) builds no
    second search text beside the one shown: the shown one's is let go while the new
    dossier is built, and the new one's is written once it is shown. The filter finds
    the same rows throughout."""
    local = tmp_path / "local.toml"
    events = "".join(
        f'\n[[events]]\nid = "talks-{n}"\ntitle = "Talks, round {n}"\n'
        f'date = "2012-{n % 12 + 1:02d}"\nactors = ["kz"]\n'
        for n in range(200)
    )
    local.write_text(LOCAL + events, encoding="utf-8")
    with FeedServer() as server:
        server.route(PATH, json_reply(feed_document(0)))
        feed = FeedConfig(name="team", url=server.url(PATH), interval=900.0, timeout=30.0)
        config = Config(cache_dir=tmp_path / "cache", data_paths=(local,), feeds=(feed,))
        app = FaultlineApp(config)
        async with app.run_test(size=SIZE) as pilot:
            await until(
                pilot,
                lambda: (
                    app.arranged is not None
                    and "summit-0" in app.arranged.dataset.events  # the feed's first copy
                    and not app.arranged.needs_completing
                ),
                "the first dossier and feed, completed",
            )
            shown = app.arranged
            server.route(PATH, json_reply(feed_document(1)))
            await pilot.press("r")
            await until(
                pilot,
                lambda: "summit-1" in app.arranged.dataset.events,  # type: ignore[union-attr]
                "the refresh shown",
            )
            # The dossier replaced let its text go; the one shown writes its own.
            assert not shown.index[Kind.EVENT].encoded
            await until(pilot, lambda: not app.arranged.needs_completing, "the text written")  # type: ignore[union-attr]
            assert app.arranged.index[Kind.EVENT].encoded
            await pilot.press("slash", *"round 199", "enter")
            await until(pilot, lambda: event_ids(app) == ["talks-199"], "the row found")


def event_ids(app: FaultlineApp) -> list[str]:
    """The ids of the events the timeline shows (headings aside)."""
    pane = app.dashboard.pane(Kind.EVENT)
    return [pane.arranged.events[v].id for v in pane.rows if v >= 0]


def large_dossier() -> str:
    """A data file of more than ``ISOLATE_MIN_SIZE``: read again in a child process after
    a save, as a large dossier is."""
    events = []
    n = 0
    size = len(LOCAL)
    while size <= ISOLATE_MIN_SIZE:
        event = (
            f'\n[[events]]\nid = "event-{n}"\ntitle = "Talks, round {n}"\ndate = "2013-01-02"\n'
            f'actors = ["kz"]\nsummary = "{"water tariff pipeline " * 6}"\n'
        )
        events.append(event)
        size += len(event)
        n += 1
    return LOCAL + "".join(events)


def documents_not_shown(app: FaultlineApp) -> list[str]:
    """Documents alive that the dossier shown does not hold (frozen ones aside)."""
    assert app.arranged is not None
    shown = {id(d) for layer in app.arranged.dataset.layers for d in layer.documents}
    return [o.name for o in gc.get_objects() if type(o) is Document and id(o) not in shown]


async def test_a_reloaded_dossier_releases_the_one_it_replaced(tmp_path: Path) -> None:
    data = tmp_path / "x.toml"
    text = large_dossier()
    data.write_text(text, encoding="utf-8")
    app = FaultlineApp(Config(cache_dir=tmp_path / "cache"), data_paths=[data])
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot,
            lambda: (
                app.reloader is not None
                and app.reloader.watcher is not None
                and app.reloader.watcher.ready.is_set()
            ),
            "the dossier, watched",
            timeout=60,
        )
        for round_ in (1, 2, 3):
            shown = app.arranged
            assert shown is not None
            refs = [weakref.ref(shown), weakref.ref(shown.dataset)]
            del shown
            # Saved as editors save: a temp file renamed over the data file.
            ident = f"saved-{round_}"
            temp = tmp_path / ".x.toml.swp"
            temp.write_text(
                text + f'\n[[events]]\nid = "{ident}"\ntitle = "Saved"\ndate = "2020"\n',
                encoding="utf-8",
            )
            temp.replace(data)
            await until(
                pilot,
                lambda ident=ident: ident in app.arranged.dataset.events,  # type: ignore[union-attr]
                f"save {round_} shown",
                timeout=60,
            )
            await pilot.pause()
            # Before any collection: no worker (finished ones linger) holds the old one.
            assert stale_in_workers(app) == []
            assert released(refs), [still_held(r) for r in refs]
            # Nor is the data file's previous version (its layer) kept by anything.
            assert documents_not_shown(app) == []


# What a finished worker may lead to without holding a dossier: the app's own state,
# which holds the dossier shown, and the machinery of tasks and messages.
APP_STATE = (App, MessagePump, asyncio.Task, contextvars.Context, type, ModuleType)


def stale_in_workers(app: FaultlineApp) -> list[str]:
    """Dossiers (arranged views, datasets, layers) other than the one shown that some
    worker still alive holds, finished or not: it would keep them from being freed."""
    assert app.arranged is not None
    dataset = app.arranged.dataset
    shown = {id(app.arranged), id(dataset), *(id(layer) for layer in dataset.layers)}
    if app.dashboard.arranged is not None:
        shown.add(id(app.dashboard.arranged))
    dossier = (Arranged, Dataset, Layer)
    found = []
    for worker in [o for o in gc.get_objects() if isinstance(o, Worker)]:
        seen = {id(worker)}
        todo = [(referent, 1) for referent in gc.get_referents(worker)]
        while todo:
            item, depth = todo.pop()
            if id(item) in seen or isinstance(item, APP_STATE) or depth > 8:
                continue
            seen.add(id(item))
            if isinstance(item, dossier):
                if id(item) not in shown:
                    found.append(f"{worker.group} worker holds a {type(item).__name__}")
                continue
            todo.extend((referent, depth + 1) for referent in gc.get_referents(item))
    return found
