"""The 1M-event feed refresh at the core level (issue 15): what a 10k-event feed refresh
of a million-event dossier costs the merge worker, stage by stage, and how long it holds
the interpreter (which is how long the dashboard's UI thread would stall meanwhile).

    python bench/scale.py                      # 1M events (ten parts), 4 refreshes
    python bench/scale.py --events 100000 --parts 1

The dossier is generated once (bench/generate.py) into bench/results/data and read
through the parsed-data cache (the first run fills it: slow). Each refresh replaces the
feed layer with the other of two 10k-event JSON documents (seeds 2 and 3), as the app's
merge worker does (``relayer`` under ``gc_paused``, given the previous arrangement), and
first as before issue 15 (``--full-refreshes``: every layer merged and arranged afresh,
with ``Arranged.complete``). A thread wakes every
10 ms and records how late it woke: its worst lateness is the longest the worker held
the interpreter, the honest measure of a UI stall. The bare baselines, in the same run:
a ``dict`` copy of the million events and a full ``merge`` of the same layers.
Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

from tui.core import browse, merge  # noqa: E402
from tui.core.gcpause import gc_paused  # noqa: E402
from tui.core.loading import read_bytes, read_layer  # noqa: E402
from tui.core.merge import Layer  # noqa: E402
from tui.core.parsecache import ParsedCache  # noqa: E402

DATA = HERE / "results" / "data"


class Ticker:
    """A thread waking every ``period`` seconds, noting how late each wake-up came."""

    def __init__(self, period: float = 0.01) -> None:
        self.period = period
        self.late: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            due = time.perf_counter() + self.period
            time.sleep(self.period)
            self.late.append(time.perf_counter() - due)

    def __enter__(self) -> Ticker:
        self._thread.start()
        time.sleep(0.05)
        self.late.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def longest(self) -> float:
        return max(self.late, default=0.0)


class Stages:
    """Time spent in named functions of the core while a refresh runs (wrapped in place)."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        real = getattr(owner, name, None)
        if real is None:
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                self.times[label] = self.times.get(label, 0.0) + time.perf_counter() - start

        setattr(owner, name, timed)
        self._undo.append(lambda: setattr(owner, name, real))

    def restore(self) -> None:
        while self._undo:
            self._undo.pop()()


@contextmanager
def staged() -> Iterator[Stages]:
    """Time the stages of ``relayer``: merge (resolve within it), compare, the timeline,
    ``Arranged`` (``complete`` within it) or ``Arranged.after`` (``Arranged`` within it).
    Functions that do not exist are skipped."""
    stages = Stages()
    stages.wrap(browse, "merge", "merge")
    stages.wrap(browse, "merge_onto", "merge")
    stages.wrap(browse, "compare", "compare")
    stages.wrap(browse, "_timeline_after", "timeline")
    stages.wrap(browse.Arranged, "__init__", "Arranged")
    stages.wrap(browse.Arranged, "complete", "complete")
    stages.wrap(browse.Arranged, "after", "Arranged.after")
    try:
        yield stages
    finally:
        stages.restore()


def dossier(events: int, parts: int) -> list[Path]:
    DATA.mkdir(parents=True, exist_ok=True)
    if parts > 1:
        directory = DATA / f"events-{events}-parts-{parts}"
        if not (directory / f"part-{parts - 1:02d}.toml").exists():
            print(f"generating {events:,} events in {parts} documents…", flush=True)
            generate.write_parts(events, directory, parts)
        return [directory]
    path = DATA / f"events-{events}.toml"
    if not path.exists():
        print(f"generating {events:,} events…", flush=True)
        generate.write(events, path)
    return [path]


def feeds(events: int) -> list[Layer]:
    layers = []
    for seed in (2, 3):
        path = DATA / f"feed-{events}-{seed}.json"
        if not path.exists():
            generate.write(events, path, seed=seed)
        document = read_bytes(path.read_bytes(), "feed.json", "json", layer="feed")
        layers.append(Layer("feed", (document,), (), is_feed=True))
    return layers


def run(args: argparse.Namespace) -> dict[str, Any]:
    cache = ParsedCache(DATA / "cache")
    paths = dossier(args.events, args.parts)
    start = time.perf_counter()
    with gc_paused():
        local = [read_layer(path, cache) for path in paths]
    cache.flush()
    load = time.perf_counter() - start
    feed_layers = feeds(args.feed_events)
    with gc_paused():
        arranged = browse.Arranged(merge.merge([*local, feed_layers[0]]))
    gc.freeze()  # as the app does after its first load (app.py)
    events = arranged.dataset.events
    out: dict[str, Any] = {"events": len(events), "load_via_cache": load, "full": []}
    out["incremental"] = []

    with Ticker() as ticker:
        start = time.perf_counter()
        copied = dict(events)
        out["baseline_dict_copy"] = time.perf_counter() - start
        out["baseline_dict_copy_stall"] = ticker.longest
    del copied
    with Ticker() as ticker, gc_paused():
        start = time.perf_counter()
        merge.merge([*local, feed_layers[1]])
        out["baseline_full_merge"] = time.perf_counter() - start
        out["baseline_full_merge_stall"] = ticker.longest

    share = merge.INCREMENTAL_SHARE
    for mode, refreshes in (("full", args.full_refreshes), ("incremental", args.refreshes)):
        # "full": every layer merged and arranged afresh, as before issue 15.
        merge.INCREMENTAL_SHARE = -1.0 if mode == "full" else share
        runs = out.setdefault(mode, [])
        for n in range(refreshes):
            feed = feed_layers[(len(out["full"]) + len(out["incremental"]) + 1) % 2]
            previous = arranged if mode == "incremental" else None
            with staged() as stages, Ticker() as ticker, gc_paused():
                start = time.perf_counter()
                new, changes = browse.remerge(arranged.dataset, [feed], previous=previous)
                new.complete()
                total = time.perf_counter() - start
            # The young collections that will walk what was built (the app's collector
            # leaves full ones for a quiet moment: collector.py).
            start = time.perf_counter()
            gc.collect(1)
            young = time.perf_counter() - start
            runs.append(
                {
                    "total": total,
                    "longest_stall": ticker.longest,
                    "young_collection": young,
                    "changes": len(changes),
                    **stages.times,
                }
            )
            print(
                f"{mode} refresh {n + 1}: {total:.2f} s, longest stall "
                f"{ticker.longest * 1000:.0f} ms, then a young collection {young * 1000:.0f} ms; "
                + ", ".join(f"{k.strip()} {v:.2f}" for k, v in stages.times.items()),
                flush=True,
            )
            arranged = new
            gc.collect()
    merge.INCREMENTAL_SHARE = share
    for mode in ("full", "incremental"):
        if out[mode]:
            out[f"{mode}_median"] = statistics.median(r["total"] for r in out[mode])
            out[f"{mode}_longest_stall"] = max(r["longest_stall"] for r in out[mode])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--parts", type=int, default=10)
    parser.add_argument("--feed-events", type=int, default=10_000)
    parser.add_argument("--refreshes", type=int, default=4)
    parser.add_argument("--full-refreshes", type=int, default=2, help="merged afresh, first")
    parser.add_argument("--output", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    out = run(args)
    print(
        f"{out['events']:,} events; bare dict copy {out['baseline_dict_copy']:.3f} s "
        f"(stall {out['baseline_dict_copy_stall'] * 1000:.0f} ms); bare full merge "
        f"{out['baseline_full_merge']:.2f} s (stall {out['baseline_full_merge_stall'] * 1000:.0f}"
        " ms)"
    )
    for mode in ("full", "incremental"):
        if out[mode]:
            print(
                f"{mode} refresh: median {out[f'{mode}_median']:.2f} s, longest stall "
                f"{out[f'{mode}_longest_stall'] * 1000:.0f} ms"
            )
    if args.output:
        args.output.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
