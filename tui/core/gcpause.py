"""Pausing the cyclic garbage collector while many objects that form no cycles are made.

Reading, caching and merging a large dossier allocate millions of small objects; the
collector would walk them again and again, for nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
