"""Memory across refreshes and live reloads: a dossier replaced on screen is released.

The analyst who leaves the dashboard running through many feed refreshes and saves must
not pay for every dossier shown before: once a new one is shown and a collection has
run, the one it replaced (its arranged indexes and its merged dataset) is gone. Checked
structurally, with weak references, against a real loopback feed server and a real
data file saved on disk."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import pytest
from feedserver import FeedServer, json_reply
from helpers import until

from tui.core.config import Config, FeedConfig
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
                assert released(refs), [still_held(r) for r in refs]


async def test_a_reloaded_dossier_releases_the_one_it_replaced(tmp_path: Path) -> None:
    data = tmp_path / "x.toml"
    data.write_text(LOCAL, encoding="utf-8")
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
                LOCAL + f'\n[[events]]\nid = "{ident}"\ntitle = "Saved"\ndate = "2020"\n',
                encoding="utf-8",
            )
            temp.replace(data)
            await until(
                pilot,
                lambda ident=ident: ident in app.arranged.dataset.events,  # type: ignore[union-attr]
                f"save {round_} shown",
            )
            await pilot.pause()
            assert released(refs), [still_held(r) for r in refs]
