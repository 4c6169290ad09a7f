"""Time travel and the since-date recompute on the bench dossier (100k events, 2,000
actors, 500 disagreements by default), against a baseline measured in the same run.

    python bench/movement.py              # 100k events
    python bench/movement.py --events 10000

Measured, best of five each, on the arranged dossier the dashboard holds:

* **baseline**: every disagreement's current stances and tally, once (what the
  disagreements pane and matrix compute from anyway);
* **time travel**: ``Arranged.viewed(as_of, since)``, the whole recompute behind ``t``:
  every disagreement cut to the positions taken by then, the moves since the since date;
* **since**: ``Arranged.viewed(None, since)``, the recompute behind ``T``;
* **t to frame**: in the real app, headless at 120×40, ``app.travel(date)`` until the
  next frame is drawn (the dashboard redrawn as of the date, the timeline dimmed).

A benchmark, not a test: nothing asserts a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

from tui.core.browse import Arranged  # noqa: E402
from tui.core.dates import EDate  # noqa: E402
from tui.core.loading import load  # noqa: E402


def best(run: Callable[[], Any], times: int = 5) -> float:
    """The fastest of ``times`` runs, in milliseconds."""
    fastest = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        run()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest * 1000


def baseline(arranged: Arranged) -> None:
    for disagreement in arranged.disagreements:
        disagreement.tally()


async def frame_after_travel(arranged: Arranged, date: EDate) -> float:
    from tui.core.config import Config
    from tui.ui.app import FaultlineApp

    app = FaultlineApp(Config(cache_dir=HERE / "results" / "cache"), dataset=arranged.dataset)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        fastest = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            app.travel(date)
            await pilot.pause()  # the frame showing it
            fastest = min(fastest, time.perf_counter() - start)
            app.travel(None)
            await pilot.pause()
        return fastest * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    path = HERE / "results" / "data" / f"events-{args.events}.toml"
    if not path.exists():
        print(f"generating {args.events:,} events…", flush=True)
        generate.write(args.events, path)
    arranged = Arranged(load([path]))
    dataset = arranged.dataset
    positions = sum(len(d.positions) for d in dataset.disagreements.values())
    dated = sorted(p.as_of for d in dataset.disagreements.values() for p in d.positions if p.as_of)
    middle = dated[len(dated) // 2] if dated else EDate.parse("2013")
    since = dated[len(dated) // 4] if dated else EDate.parse("2012")
    print(
        f"{len(dataset.events):,} events, {len(dataset.actors):,} actors, "
        f"{len(dataset.disagreements):,} disagreements, {positions:,} positions; "
        f"as of {middle.text}, since {since.text}"
    )
    base = best(lambda: baseline(arranged))
    travel = best(lambda: arranged.viewed(middle, since))
    moved = best(lambda: arranged.viewed(None, since))
    moves = len(arranged.viewed(None, since).moved)
    frame = asyncio.run(frame_after_travel(arranged, middle))
    print(f"baseline (every tally once)   {base:8.1f} ms")
    print(f"time travel (viewed)          {travel:8.1f} ms  ({travel / base:.1f}× baseline)")
    print(f"since (viewed, {moves:,} moves)   {moved:8.1f} ms  ({moved / base:.1f}× baseline)")
    print(f"t to frame (real app)         {frame:8.1f} ms")


if __name__ == "__main__":
    main()
