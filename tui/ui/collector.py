"""Full garbage collections while the analyst is quiet, not while they work.

CPython's cyclic collector runs a full collection whenever enough objects have piled up
since the last one, and it holds the interpreter meanwhile: with a 100,000-event dossier
and a 10,000-event feed refresh that is 150-350 ms, and it fell in the middle of the
refresh (measured by ``bench/run.py``). The big dossier itself is frozen after the first
load (``gc.freeze``), but what each refresh builds cannot be frozen without also
freezing, for good, whatever widgets happened to be alive.

So while the dashboard runs, automatic *full* collections are switched off (the young
generations are still collected as usual: they are cheap and catch most cyclic garbage)
and full collections are run here instead: after a refresh or after a spell of activity,
once no key or mouse event has come for ``quiet`` seconds, or after ``longest`` seconds
at the latest. Nothing polls: one timer, re-armed only while a collection is owed.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Protocol

from ..core.gcpause import release_free_memory

# A third threshold this high means CPython never starts a full collection by itself.
NEVER = 1 << 30
# The second generation is collected once per this many young collections (CPython: 10),
# so that what the screen throws away within seconds (old widgets, drawn lines, which
# Textual's caches tie into cycles) dies there, not in the full collection.
MIDDLE = 50
# While work the user waits for is in flight, how often to look whether it is done.
BUSY_RECHECK = 0.5


class _Timer(Protocol):
    def stop(self) -> None: ...


class QuietCollector:
    """Owes full collections and pays them when the user is quiet.

    ``set_timer(delay, callback)`` is the app's (a one-shot timer with ``stop()``);
    ``busy()`` says whether work the user waits for is in flight (a refresh), which a
    collection would hold up. A refresh landing counts as activity: the user is looking
    at what it brought.
    """

    def __init__(
        self,
        set_timer: Callable[[float, Callable[[], None]], _Timer],
        *,
        busy: Callable[[], bool] = lambda: False,
        quiet: float = 2.0,
        longest: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._set_timer = set_timer
        self._busy = busy
        self.quiet = quiet
        self.longest = longest
        self._clock = clock
        self._thresholds: tuple[int, int, int] | None = None
        self._timer: _Timer | None = None
        self._owed_since: float | None = None
        self._last_input = clock()
        self.collections = 0  # how many full collections were run here
        self.last_pause = 0.0  # and how long the last one held the interpreter

    @property
    def running(self) -> bool:
        return self._thresholds is not None

    @property
    def owed(self) -> bool:
        return self._owed_since is not None

    def start(self) -> None:
        """Take over full collections."""
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            young, middle, _ = self._thresholds
            gc.set_threshold(young, max(middle, MIDDLE), NEVER)

    def stop(self) -> None:
        """Hand full collections back to CPython."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
        self._owed_since = None

    def owe(self) -> None:
        """A full collection is due (a refresh swapped dossiers, or the user was busy)."""
        if not self.running:
            return
        now = self._clock()
        self._last_input = max(self._last_input, now)
        if self._owed_since is None:
            self._owed_since = now
        self._arm()

    def touched(self) -> None:
        """A key or mouse event came: the user is not quiet. Browsing makes garbage, so
        the first input after a collection owes the next one."""
        self._last_input = self._clock()
        if self.running and self._owed_since is None:
            self._owed_since = self._last_input
            self._arm()

    def _arm(self) -> None:
        if self._timer is not None or self._owed_since is None:
            return
        now = self._clock()
        due = min(self._last_input + self.quiet, self._owed_since + self.longest)
        self._timer = self._set_timer(max(due - now, 0.05), self._fire)

    def _fire(self) -> None:
        self._timer = None
        if self._owed_since is None or not self.running:
            return
        now = self._clock()
        overdue = now - self._owed_since >= self.longest
        if not overdue and now - self._last_input < self.quiet:
            self._arm()  # input came meanwhile: wait for the next quiet spell
            return
        if not overdue and self._busy():
            # A refresh is under way; look again shortly (only while one is).
            self._timer = self._set_timer(BUSY_RECHECK, self._fire)
            return
        self.collect()

    def collect(self) -> None:
        """Run the owed full collection now, then hand the freed memory back to the
        system (``gcpause.release_free_memory``: the interpreter is not held for that)."""
        self._owed_since = None
        start = time.perf_counter()
        gc.collect()
        self.last_pause = time.perf_counter() - start
        self.collections += 1
        release_free_memory()
