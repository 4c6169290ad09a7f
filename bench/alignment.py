"""How long the alignment view (a) and the activity sparklines take at scale.

    python bench/alignment.py                 # 2,000 actors x 200 disagreements, 100k events
    python bench/alignment.py --actors 500 --disagreements 50 --events 10000

Alignment: every actor holds a stance on every disagreement (the densest case: 400,000
stances, four million pairs), drawn at random, a fifth of them unknown. Timed, best of
three: the worker's whole job (``alignment_of`` then ``order``: the index of every pair
and the camp order), and what the UI thread does with the answer (one actor's allies and
opponents, every actor's closest ally). The baseline, measured in the same run, is the
least any alignment must do: one pass over the disagreements asking each for its
current stances (``Disagreement.current``).

Activity: the month index of the benchmark dossier's 100,000 events (bench/generate.py;
built once per arranged view, in the indexing worker), then one count for every event
and one for a tenth of them (once per focus, filter and range; cached after). Drawing a
frame does no counting at all.
Baseline: a bare Python loop reading each event's date.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import generate

from tui.core.activity import MonthIndex
from tui.core.alignment import alignment_of
from tui.core.dates import EDate
from tui.core.model import Disagreement, Event, Position

STANCES = ("support", "oppose", "mixed", "neutral", "unknown")


def best(job: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def disagreements(actors: int, count: int, seed: int = 1) -> list[Disagreement]:
    rng = random.Random(seed)
    as_of = EDate.parse("2024")
    return [
        Disagreement(
            id=f"d{j}",
            title=f"Question {j}",
            positions=tuple(
                Position(actor=f"actor-{i}", stance=rng.choice(STANCES), as_of=as_of)
                for i in range(actors)
            ),
        )
        for j in range(count)
    ]


def events(count: int) -> list[Event]:
    """The events of the benchmark dossier of that size (``bench/generate.py``)."""
    return [
        Event(id=e["id"], title=e["title"], date=EDate.parse(e["date"]), type=e["type"])
        for e in generate.arranged(count)["events"]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actors", type=int, default=2000)
    parser.add_argument("--disagreements", type=int, default=200)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()

    columns = disagreements(args.actors, args.disagreements)
    baseline = best(lambda: [d.current() for d in columns])
    worker = best(lambda: alignment_of(columns).order())
    aligned = alignment_of(columns)
    build = best(lambda: alignment_of(columns))
    order = best(aligned.order)
    ui = best(lambda: (aligned.ranked("actor-0"), aligned.nearest()))
    print(f"alignment: {args.actors} actors x {args.disagreements} disagreements")
    print(f"  baseline: current stances, one pass   {baseline * 1000:8.0f} ms")
    print(f"  worker: index of every pair + order   {worker * 1000:8.0f} ms"
          f"   ({worker / baseline:.1f}x baseline)")  # fmt: skip
    print(f"    of which the index                   {build * 1000:8.0f} ms")
    print(f"    of which the camp order              {order * 1000:8.0f} ms")
    print(f"  UI thread: ranked + closest allies     {ui * 1000:8.0f} ms")

    timeline = events(args.events)
    bare = best(lambda: [e.date.earliest for e in timeline])
    index = best(lambda: MonthIndex(timeline))
    months = MonthIndex(timeline)
    every = best(months.activity)
    tenth = list(range(0, len(timeline), 10))
    some = best(lambda: months.activity(tenth))
    print(f"activity: {args.events} events")
    print(f"  baseline: read every event's date      {bare * 1000:8.1f} ms")
    print(f"  month index (once per view, worker)    {index * 1000:8.1f} ms"
          f"   ({index / bare:.1f}x baseline)")  # fmt: skip
    print(f"  count all events (once per view)       {every * 1000:8.1f} ms")
    print(f"  count a tenth (once per filter)        {some * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
