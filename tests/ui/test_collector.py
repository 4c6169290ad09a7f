"""When the dashboard runs full garbage collections (tui/ui/collector.py): after a
refresh or a spell of activity, once the analyst has been quiet, never during a refresh.

The scheduling is driven here by a clock and timers the test controls; the collections
and the collector's thresholds are CPython's own.
"""

from __future__ import annotations

import gc

import pytest

from tui.ui.collector import MIDDLE, NEVER, QuietCollector


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Timers:
    """One-shot timers fired by hand, in time order."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.pending: list[list] = []

    def set_timer(self, delay: float, callback):
        entry = [self.clock.now + delay, callback, True]

        class Handle:
            def stop(self) -> None:
                entry[2] = False

        self.pending.append(entry)
        return Handle()

    def advance(self, seconds: float) -> None:
        end = self.clock.now + seconds
        while True:
            due = sorted((e for e in self.pending if e[2] and e[0] <= end), key=lambda e: e[0])
            if not due:
                break
            entry = due[0]
            self.pending.remove(entry)
            self.clock.now = entry[0]
            entry[1]()
        self.clock.now = end

    @property
    def armed(self) -> int:
        return sum(1 for e in self.pending if e[2])


@pytest.fixture
def parts():
    clock = Clock()
    timers = Timers(clock)
    busy = [False]
    collector = QuietCollector(
        timers.set_timer, busy=lambda: busy[0], quiet=2.0, longest=30.0, clock=clock
    )
    before = gc.get_threshold()
    yield collector, timers, busy
    collector.stop()
    assert gc.get_threshold() == before


def test_takes_over_full_collections_and_hands_them_back(parts) -> None:
    collector, _, _ = parts
    young, middle, _ = gc.get_threshold()
    collector.start()
    assert gc.get_threshold() == (young, max(middle, MIDDLE), NEVER)
    collector.stop()
    assert gc.get_threshold()[2] != NEVER


def test_a_refresh_is_collected_once_the_analyst_is_quiet(parts) -> None:
    collector, timers, _ = parts
    collector.start()
    collector.owe()
    timers.advance(1.0)
    collector.touched()  # a key at 1 s
    timers.advance(1.5)  # 2.5 s after the refresh, but only 1.5 s after the key
    assert collector.collections == 0 and collector.owed
    timers.advance(0.6)
    assert collector.collections == 1 and not collector.owed
    assert timers.armed == 0  # nothing keeps ticking afterwards


def test_never_during_a_refresh_unless_long_overdue(parts) -> None:
    collector, timers, busy = parts
    collector.start()
    collector.owe()
    busy[0] = True
    timers.advance(10.0)
    assert collector.collections == 0
    busy[0] = False
    timers.advance(1.0)
    assert collector.collections == 1
    # Busy for longer than `longest`: collected anyway, memory must not grow for ever.
    collector.owe()
    busy[0] = True
    timers.advance(31.0)
    assert collector.collections == 2


def test_activity_owes_one_collection_and_idling_costs_nothing(parts) -> None:
    collector, timers, _ = parts
    collector.start()
    timers.advance(60.0)
    assert collector.collections == 0 and timers.armed == 0  # idle: no timer, no work
    collector.touched()
    for _ in range(5):  # keys every second: still busy
        timers.advance(1.0)
        collector.touched()
    assert collector.collections == 0
    timers.advance(2.1)
    assert collector.collections == 1
    timers.advance(60.0)
    assert collector.collections == 1 and timers.armed == 0


def test_does_nothing_until_started(parts) -> None:
    collector, timers, _ = parts
    collector.owe()
    collector.touched()
    timers.advance(10.0)
    assert collector.collections == 0 and timers.armed == 0


async def test_the_app_holds_full_collections_from_its_start_until_it_ends(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """Before the dossier is read (and frozen) too: a full collection in start-up would
    walk a dossier handed in unfrozen, holding back the first frame."""
    import threading

    from helpers import until

    from tests.conftest import DOSSIER
    from tui.core.config import Config
    from tui.ui import app as app_module
    from tui.ui.app import FaultlineApp

    release = threading.Event()
    real = app_module.read_arranged

    def held_read(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(app_module, "read_arranged", held_read)
    # Read in the worker, as a dossier over READ_AT_ONCE bytes is (this one is small).
    monkeypatch.setattr(FaultlineApp, "READ_AT_ONCE", 0)
    before = gc.get_threshold()
    app = FaultlineApp(Config(cache_dir=tmp_path), data_paths=[DOSSIER])
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.arranged is None  # still reading
        assert app.collector.running and gc.get_threshold()[2] == NEVER
        release.set()
        await until(pilot, lambda: app.arranged is not None, "the dossier")
        assert app.collector.running
    assert gc.get_threshold() == before
