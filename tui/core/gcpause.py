"""Pausing the cyclic garbage collector while many objects that form no cycles are made.

Reading, caching and merging a large dossier allocate millions of small objects; the
collector would walk them again and again, for nothing. And what a refresh frees goes
back to the system (``release_free_memory``, ``return_large_blocks``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

# Work done in one C call holds the interpreter throughout: over 100,000 entities that
# is 30-80 ms, which a dashboard thread waits for when a worker merges or arranges a new
# dossier beside it. Such loops (merge.py, browse.py) go in steps of this many entities,
# still in C.
STEP = 10_000


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects that form no cycles.

    Parsing and checking a 100,000-event document allocates millions of objects, and the
    collector would otherwise walk them again and again: pausing it halves the time.
    Pauses nest: the collector is enabled again only if it was enabled before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Not empty while the collector is paused for the start-up (``pause_start``).
_start_pause: list[bool] = []


def pause_start() -> None:
    """Pause the cyclic collector for the start-up: from the command's first step until
    the dashboard has drawn the dossier (or failed to), or the command is chosen when it
    is not the dashboard (``end_start_pause``).

    Starting the dashboard creates some 60,000 objects the collector tracks that live as
    long as it does (Textual's and Faultline's classes and functions, the stylesheet, the
    widgets) and very little cyclic garbage: the 130-odd young collections they would
    trigger walk them again and again, 11-14 ms of a 200 ms start on a small dossier
    (bench/README.md, "Issue 15: start-up, third round")."""
    if gc.isenabled():
        gc.disable()
        _start_pause.append(True)


def end_start_pause() -> None:
    """The start-up is over: the collector runs again if ``pause_start`` paused it."""
    if _start_pause:
        _start_pause.clear()
        gc.enable()


def release_free_memory() -> None:
    """Give the C allocator's free pages back to the system, after a full collection.

    A refresh frees a whole dossier's worth of objects, but glibc keeps the freed pages
    (in every thread's arena) for reuse, so the resident size only ever grows: by 60 MB
    and more per refresh at 100,000 events, much of it never reused. ``malloc_trim``
    returns them (measured: bench/README.md, "Issue 15: memory"). Elsewhere than glibc
    (macOS, musl, Windows) nothing is done. ctypes drops the GIL for the call, so only
    the calling thread waits for it."""
    _trim()(0)


def return_large_blocks() -> None:
    """Have glibc map every block of 4 MiB or more on its own and unmap it when freed.

    A large dossier's containers (a tuple of 100,000 events, a row dict, a timeline,
    the search text) are large blocks, and a refresh or a reload frees a set of them
    for every set it makes. By default glibc raises the size it maps on its own each
    time such a block is freed, so after the first refresh they come from the heap
    instead, between small blocks that outlive them: freed, they stay resident until a
    trim, and the heap only grows (measured: bench/README.md, "Issue 15: compact
    storage"). A fixed threshold stops that. Not lower: at 128 KiB every piece a
    refresh builds in steps (CHUNK rows) was mapped and unmapped too, and a 1M refresh
    took 15% longer, its young collections and UI stalls longer with it
    (bench/README.md, "End of the evening session"). Process-wide; the dashboard sets
    it at start. Elsewhere than glibc, nothing is done."""
    _mallopt()(_M_MMAP_THRESHOLD, _LARGE)


# glibc's malloc.h: M_MMAP_THRESHOLD.
_M_MMAP_THRESHOLD = -3
_LARGE = 4 * 1024 * 1024


@cache
def _mallopt() -> Callable[[int, int], int]:
    """glibc's ``mallopt``, or a stand-in that does nothing."""
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        try:
            mallopt: Callable[[int, int], int] = ctypes.CDLL(None).mallopt
        except (OSError, AttributeError):  # not glibc
            pass
        else:
            mallopt.argtypes = [ctypes.c_int, ctypes.c_int]  # type: ignore[attr-defined]
            mallopt.restype = ctypes.c_int  # type: ignore[attr-defined]
            return mallopt
    return lambda option, value: 0


@cache
def _trim() -> Callable[[int], int]:
    """glibc's ``malloc_trim``, or a stand-in that does nothing."""
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        try:
            # The C library the interpreter runs on, as loaded: nothing searched for.
            trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
            pass
        else:
            trim.argtypes = [ctypes.c_size_t]  # type: ignore[attr-defined]
            trim.restype = ctypes.c_int  # type: ignore[attr-defined]
            return trim
    return lambda pad: 0


def collect_young() -> None:
    """Collect the young generations now: called right after building one of a large
    dossier's big containers (a copied table, a timeline, a search index), even while
    paused.

    A young collection walks every young object. Left young together, the containers a
    refresh of a million events builds make one pass walk several million references
    (a fifth of a second, holding the interpreter, in whichever thread trips it);
    collected one at a time, each pass is short, and afterwards they are old, which only
    full collections walk (and the dashboard runs those when the analyst is quiet).
    """
    gc.collect(1)


def old_lists(count: int) -> list[list[Any]]:
    """``count`` empty lists already in the oldest generation, for a large dossier's big
    lists built in steps (a spliced timeline, the events' ids): filled afterwards, no
    young collection walks them (CPython moves an object between generations only when
    a collection walks it), where one walked each when new (a million references, 30-50 ms
    holding the interpreter at a million events). Made old by a young collection
    (``collect_young``) while they are empty: call this while little else is young.
    Only full collections walk them, as they walk everything else the dossier holds."""
    made: list[list[Any]] = [[] for _ in range(count)]
    collect_young()
    return made


def old_dicts(count: int) -> list[dict[Any, Any]]:
    """``count`` empty dicts already in the oldest generation (see ``old_lists``), for a
    large dossier's tables copied by ``update`` (which into an empty dict is a copy in
    C, as ``dict.copy`` is). An empty dict is not tracked by the collector until it
    holds a container, so each holds one while it is made old, then is emptied: it
    stays tracked, and old."""
    made: list[dict[Any, Any]] = [{None: []} for _ in range(count)]
    collect_young()
    for table in made:
        table.clear()
    return made
