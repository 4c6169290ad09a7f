"""What the keyboard waits for when many marks are kept: the UI thread's share of
clearing a mark as the cursor moves (``SharedMarks.seen``) and of a refresh's marks
(``SharedMarks.add``), written at once (as before) and written behind by the state
writer (as the dashboard does now), with the bare cost of rewriting the state file
(``json.loads`` and ``json.dumps`` of the same state) measured in the same run.

    python bench/marks.py                      # 10k, 50k and 100k marks kept
    python bench/marks.py --marks 100000 --keys 50

Each figure is the time the calling thread spends in the call, median and longest over
``--keys`` calls; behind, the writer's time to write them all (``flush``) is given too.
The state lives in a temporary directory of its own.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.core.alerts import SharedMarks
from tui.core.changes import ADDED, CHANGED, Change, Changes
from tui.core.model import Kind
from tui.core.userstate import StateStore


def refresh(number: int, size: int = 10_000) -> Changes:
    """A feed refresh's changes: half added, half changed."""
    half = size // 2
    added = tuple(Change(Kind.EVENT, f"feed-{number}-{i}", ADDED) for i in range(half))
    changed = tuple(
        Change(Kind.EVENT, f"event-{number}-{i}", CHANGED, ("title",)) for i in range(half)
    )
    return Changes(added=added, changed=changed)


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def one(kept: int, keys: int, behind: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as directory:
        store = StateStore(directory)
        store.update(
            lambda state: state.update(unseen={"events": {f"kept-{i}": "new" for i in range(kept)}})
        )
        posted: list[Callable[[], None]] = []
        marks = SharedMarks(store, post=posted.append if behind else None)
        seen = [timed(lambda i=i: marks.seen(Kind.EVENT, f"kept-{i}")) for i in range(keys)]
        changes = refresh(0)
        add = timed(lambda: marks.add(changes))
        flush = timed(marks.flush)
        for call in posted:
            call()
        marks.close()
        return {
            "seen_median": statistics.median(seen),
            "seen_longest": max(seen),
            "add": add,
            "flush": flush,
        }


def bare(kept: int) -> float:
    """``json.loads`` then ``json.dumps`` of a state of ``kept`` marks: the least a
    rewrite of the file costs."""
    text = json.dumps({"unseen": {"events": {f"kept-{i}": "new" for i in range(kept)}}})
    return timed(lambda: json.dumps(json.loads(text), separators=(",", ":")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--marks", type=int, nargs="*", default=[10_000, 50_000, 100_000])
    parser.add_argument("--keys", type=int, default=30)
    args = parser.parse_args()
    ms = 1000
    print("marks kept | bare rewrite | seen, at once: median / longest | seen, behind", end="")
    print(" | add 10k, at once | add 10k, behind (the writer's flush)")
    for kept in args.marks:
        base = bare(kept)
        now = one(kept, args.keys, behind=False)
        later = one(kept, args.keys, behind=True)
        print(
            f"{kept:>10,} | {base * ms:8.1f} ms | "
            f"{now['seen_median'] * ms:7.1f} / {now['seen_longest'] * ms:7.1f} ms | "
            f"{later['seen_median'] * ms:6.3f} / {later['seen_longest'] * ms:6.3f} ms | "
            f"{now['add'] * ms:7.1f} ms | "
            f"{later['add'] * ms:6.1f} ms ({later['flush'] * ms:.0f} ms)"
        )


if __name__ == "__main__":
    main()
