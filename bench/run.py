"""Faultline's benchmark: what an analyst feels at 1k, 10k, 100k (and 1M) events, with
the bare ``tomli`` parse and a stock-``DataTable`` timeline measured in the same run, so
that every figure is also a ratio.

    python bench/run.py                  # 1k, 10k and 100k events
    python bench/run.py --million        # and 1M (a directory of ten documents; slow)
    python bench/run.py --sizes 100k --quick
    python bench/run.py --sizes 100k --memory   # only RSS across refreshes and reloads
    BENCH_STAGE_PEAKS=1 python bench/run.py --sizes 100k --memory   # and each stage's peak
    python bench/run.py --startup        # only: launch → first frame, small dossier

Every start is measured in a fresh subprocess, from the moment the process is launched
to the first frame whose panes hold rows: cold with an empty parsed-data cache
(``FAULTLINE_CACHE_DIR`` pointed at an empty directory), warm with the cache the cold
run wrote. Frames are those of the real ``FaultlineApp`` running headless at 120x40;
each frame is also rendered to terminal escape codes, as a real terminal would need.
Results are printed as a table and written, size by size, to
``bench/results/bench-latest.json`` (bench/results/ is not committed). Benchmarks are
not tests: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import itertools
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
DATA = RESULTS / "data"

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
PARTS = {"1m": 10}  # a document holds at most 1,000,000 entities
FEED_EVENTS = 10_000
BASELINE_LIMIT = 100_000  # the DataTable baseline takes minutes beyond this
SCREEN = (120, 40)
# How often a wait for a frame looks whether the app failed (env BENCH_POLL, seconds).
POLL_FAILED = float(os.environ.get("BENCH_POLL", "0.1"))
PANE_NAMES = ("actors", "disagreements", "events")  # the panes: tui.core.browse.PANES (Kind values)

# Typed one character at a time, then erased: what an analyst filtering a timeline does.
QUERIES = ("pipeline", "dam talks", "actor 12", "round 4711", "sanctions veto")


# -- data ---------------------------------------------------------------------------------------


def data_paths(size: str) -> list[Path]:
    """The generated dossier of one size (generated once, deterministically)."""
    sys.path.insert(0, str(HERE))
    import generate

    events = SIZES[size]
    if size in PARTS:
        directory = DATA / f"events-{size}"
        if not (directory / f"part-{PARTS[size] - 1:02d}.toml").exists():
            print(f"  generating {events:,} events in {PARTS[size]} documents…", flush=True)
            generate.write_parts(events, directory, PARTS[size])
        return [directory]
    path = DATA / f"events-{size}.toml"
    if not path.exists():
        print(f"  generating {events:,} events…", flush=True)
        generate.write(events, path)
    return [path]


def feed_documents() -> list[Path]:
    """Two 10k-event faultline/1 JSON documents, served in turn as one feed, so that each
    refresh changes ten thousand events."""
    sys.path.insert(0, str(HERE))
    import generate

    paths = []
    for seed in (2, 3):
        path = DATA / f"feed-{FEED_EVENTS}-{seed}.json"
        if not path.exists():
            generate.write(FEED_EVENTS, path, seed=seed)
        paths.append(path)
    return paths


def app_css() -> str:
    """The app's stylesheet by absolute path (a subclass here would look beside this file)."""
    import tui.ui.app

    return str(Path(tui.ui.app.__file__).parent / "app.tcss")


def files_of(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        out.extend(sorted(path.rglob("*.toml")) if path.is_dir() else [path])
    return out


# -- measuring inside a child process -----------------------------------------------------------


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident set now (not its peak): /proc/self/statm, Linux only."""
    try:
        resident = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return float("nan")
    return resident * os.sysconf("SC_PAGE_SIZE") / 2**20


def settled_rss(app: Any) -> dict[str, float]:
    """RSS now and at peak, after the full collection the app owes after a new dossier
    (tui/ui/collector.py), run at once instead of when the analyst is quiet."""
    import gc

    collector = getattr(app, "collector", None)
    if collector is not None:
        collector.collect()
    else:
        gc.collect()
    # Live objects' blocks: flat while RSS grows means the allocator keeps freed memory,
    # not that anything is retained.
    return {"rss_mb": rss_mb(), "peak_rss_mb": peak_rss_mb(), "blocks": sys.getallocatedblocks()}


def run_peak(app: Any) -> dict[str, float]:
    """``settled_rss`` and this run's own peak (``VmHWM`` since ``vm_peak_mb(reset=True)``
    before the run); the peak starts again from here for the next."""
    settled = settled_rss(app)
    peak = max(vm_peak_mb(reset=True), _PEAK_FOLDED[0])
    _PEAK_FOLDED[0] = 0.0
    return {**settled, "run_peak_mb": peak}


def children_peak_rss_mb() -> float:
    """The largest peak of this process's finished children (the process that reads the
    second part of a large document, tui/core/splitparse.py); 0 when there were none."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# The largest VmHWM read at a reset since the last ``run_peak`` (StagePeaks resets too).
_PEAK_FOLDED = [0.0]


def vm_peak_mb(reset: bool = False) -> float:
    """The kernel's peak RSS of this process (``VmHWM``) in MB; with ``reset``, the peak
    starts again from now (``/proc/self/clear_refs``), so that each run has its own
    (``getrusage``'s peak is for the whole process, and counts exited threads')."""
    try:
        with open("/proc/self/status") as file:
            peak = next(int(line.split()[1]) for line in file if line.startswith("VmHWM")) / 1024
        if reset:
            _PEAK_FOLDED[0] = max(_PEAK_FOLDED[0], peak)
            Path("/proc/self/clear_refs").write_text("5")
    except (OSError, StopIteration, ValueError):
        return float("nan")
    return peak


class StagePeaks:
    """Which stage of a refresh or reload makes the peak (``BENCH_STAGE_PEAKS=1``): the
    app's merge worker, feed fetch, UI swap and quiet collection are wrapped; each stage
    resets the kernel's peak RSS when it starts and reads it when it ends (stages that
    are open meanwhile take the larger of theirs and what a nested one saw). Printed
    to stderr as they end; ``done`` holds (stage, RSS before, peak) in MB."""

    def __init__(self) -> None:
        import threading

        self.lock = threading.Lock()
        self.open: dict[int, list[Any]] = {}
        self.done: list[tuple[str, float, float]] = []
        self._serial = itertools.count()

    def _seen(self) -> None:
        peak = vm_peak_mb(reset=True)
        for entry in self.open.values():
            entry[2] = max(entry[2], peak)

    def start(self, name: str) -> int:
        with self.lock:
            self._seen()
            key = next(self._serial)
            self.open[key] = [name, rss_mb(), 0.0]
            return key

    def end(self, key: int) -> None:
        with self.lock:
            self._seen()
            name, before, peak = self.open.pop(key)
            self.done.append((name, before, peak))
            print(f"STAGE {name:28} RSS {before:6.0f} MB  peak {peak:6.0f} MB "
                  f"(+{peak - before:.0f})", file=sys.stderr, flush=True)  # fmt: skip

    def wrap(self, owner: Any, attribute: str, name: str) -> None:
        import inspect

        real = getattr(owner, attribute)
        if inspect.iscoroutinefunction(real):

            async def traced_async(*a: Any, **k: Any) -> Any:
                key = self.start(name)
                try:
                    return await real(*a, **k)
                finally:
                    self.end(key)

            setattr(owner, attribute, traced_async)
            return

        def traced(*a: Any, **k: Any) -> Any:
            key = self.start(name)
            try:
                return real(*a, **k)
            finally:
                self.end(key)

        setattr(owner, attribute, traced)

    def install(self) -> None:
        from tui.core import browse
        from tui.core.feeds import client
        from tui.ui import app, collector, merger, reload

        self.wrap(client.FeedClient, "refresh", "fetch+parse feed")
        self.wrap(client, "parse_body", "  parse feed body")
        self.wrap(client, "compare", "  compare feed copies")
        self.wrap(reload, "reread", "reload: read again")
        self.wrap(merger, "relayer", "merge worker: relayer")
        self.wrap(browse, "merge_onto", "  merge_onto")
        self.wrap(browse, "merge", "  merge (full)")
        self.wrap(browse, "compare", "  compare")
        self.wrap(browse, "_not_the_same", "  _not_the_same")
        arranged = browse.Arranged
        after = arranged.__dict__["after"].__func__
        self.wrap_classmethod(arranged, after)
        self.wrap(browse.Arranged, "__init__", "  Arranged()")
        self.wrap(browse.ChangeLog, "updated", "change log updated")
        self.wrap(app.FaultlineApp, "_apply", "UI: apply new dossier")
        self.wrap(collector.QuietCollector, "collect", "quiet full collection")
        # (The text of a refresh's search index is written here, once it is shown.)
        self.wrap(browse.Arranged, "complete", "complete: indexes, text")

    def wrap_classmethod(self, owner: Any, function: Any) -> None:
        def traced(cls: Any, *a: Any, **k: Any) -> Any:
            key = self.start("  Arranged.after")
            try:
                return function(cls, *a, **k)
            finally:
                self.end(key)

        owner.after = classmethod(traced)


def explain_stall(label: str, ticks: list[float]) -> None:
    """With ``BENCH_STALL_TRACE=1``: what the UI thread did in the longest gap between
    ``ticks`` (bench/stalls.py)."""
    if os.environ.get("BENCH_STALL_TRACE") and len(ticks) > 1:
        import stalls

        start, end = max(itertools.pairwise(ticks), key=lambda pair: pair[1] - pair[0])
        stalls.explain(start, end, label)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[rank]


class GCPauses:
    """How long the cyclic garbage collector held the interpreter, collection by collection."""

    def __init__(self) -> None:
        import gc

        self.pauses: list[tuple[float, float, int]] = []  # (start, seconds, generation)
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._start = now
        else:
            self.pauses.append((self._start, now - self._start, info.get("generation", -1)))
            if os.environ.get("BENCH_GC_TRACE") and now - self._start > 0.05:
                # Which collection held the interpreter, in which thread, doing what.
                import threading
                import traceback

                print(
                    f"GC gen {info.get('generation')} {1000 * (now - self._start):.0f} ms"
                    f" in {threading.current_thread().name}",
                    file=sys.stderr,
                )
                print("".join(traceback.format_stack()[-9:-1]), file=sys.stderr)

    def longest(self, since: float = 0.0, until: float = float("inf")) -> float:
        return max((s for t, s, _ in self.pauses if since <= t <= until), default=0.0)


def child_parse(args: argparse.Namespace) -> dict[str, Any]:
    """The bare ``tomli`` parse of the same files, as anyone would call it, best of N."""
    import gc

    import tomli

    files = files_of([Path(p) for p in args.paths])
    runs: list[float] = []
    runs_nogc: list[float] = []
    for _ in range(args.repeats):
        for collect, into in ((True, runs), (False, runs_nogc)):
            if not collect:
                gc.disable()
            start = time.perf_counter()
            for file in files:
                tomli.loads(file.read_text(encoding="utf-8"))
            into.append(time.perf_counter() - start)
            gc.enable()
            gc.collect()
    return {
        "tomli": min(runs),
        "tomli_runs": runs,
        "tomli_gc_paused": min(runs_nogc),
        "bytes": sum(f.stat().st_size for f in files),
        "peak_rss_mb": peak_rss_mb(),
    }


def child_cache(args: argparse.Namespace) -> dict[str, Any]:
    """Write the parsed-data cache of the given paths, as a first start would."""
    from tui.core.loading import load
    from tui.core.parsecache import ParsedCache

    load(args.paths, cache=ParsedCache(Path(os.environ["FAULTLINE_CACHE_DIR"])))
    return {"peak_rss_mb": peak_rss_mb()}


def child_start(args: argparse.Namespace) -> dict[str, Any]:
    """Start the real dashboard headless; time the first frame with rows; then, with
    ``--interact``, type filters, change focus, refresh a feed and sit idle."""
    entered = time.monotonic()
    gc_pauses = GCPauses()
    import asyncio

    from tui.core import browse as browse_module
    from tui.core.config import Config
    from tui.ui.app import FaultlineApp

    imported = time.monotonic()
    result: dict[str, Any] = {"mode": args.mode}

    # How long reading and merging took inside the worker (the rest is arranging).
    load_times: list[float] = []

    def timed(real: Any) -> Any:
        def call(*a: Any, **k: Any) -> Any:
            start = time.perf_counter()
            try:
                return real(*a, **k)
            finally:
                load_times.append(time.perf_counter() - start)

        return call

    for name in ("load", "read_layer", "merge"):
        if hasattr(browse_module, name):
            setattr(browse_module, name, timed(getattr(browse_module, name)))
    if os.environ.get("BENCH_STAGE_PEAKS"):
        StagePeaks().install()
    if os.environ.get("BENCH_STALL_TRACE"):
        sys.path.insert(0, str(HERE))
        import stalls

        stalls.install()

    class BenchApp(FaultlineApp):
        """The real app; frames are also rendered to escape codes and time-stamped."""

        CSS_PATH = app_css()

        def __init__(self, *a: Any, **k: Any) -> None:
            super().__init__(*a, **k)
            self.frames: list[float] = []
            self.waiters: list[tuple[Any, asyncio.Future]] = []
            self.worker_times: list[tuple[str, float]] = []
            # The process's CPU time at the frame that resolved each waiter, and from
            # the last ``after``'s key to its frame: what a key costs, whatever else the
            # host runs (wall times on a shared host are mostly waiting for a core).
            self.frame_cpu: dict[int, float] = {}
            self.last_cpu = 0.0

        def _display(self, screen: Any, renderable: Any) -> None:
            if renderable is not None and hasattr(renderable, "render_segments"):
                renderable.render_segments(self.console)
            super()._display(screen, renderable)
            now = time.perf_counter()
            self.frames.append(now)
            for entry in list(self.waiters):
                predicate, future = entry
                if not future.done() and predicate():
                    self.frame_cpu[id(future)] = time.process_time()
                    future.set_result(now)
                    self.waiters.remove(entry)

        def on_worker_state_changed(self, event: Any) -> None:
            # No super() call: Textual calls the handler of every class in the MRO, so
            # calling it here too would show each dossier twice (and time that).
            if event.worker.group == "load":
                self.worker_times.append((event.state.name, time.perf_counter()))

        def on_dataset_arranged(self, message: Any) -> None:
            # The arranged dataset reaches the UI thread in the worker's DatasetArranged
            # message, which comes before the worker's SUCCESS state (and may come after
            # the frame showing it). Textual calls this before the app's own handler.
            self.worker_times.append(("LOADED", time.perf_counter()))

        def expect(self, predicate: Any) -> asyncio.Future:
            """The time of the first frame drawn from now on while ``predicate`` holds.

            Registered before the key is pressed, so no frame is missed."""
            future: asyncio.Future = asyncio.get_running_loop().create_future()
            self.waiters.append((predicate, future))
            return future

        async def wait(self, future: asyncio.Future, timeout: float = 1800.0) -> float:
            """The future's result (the time of the frame that resolved it); an error if
            the app failed meanwhile. Awaited, not polled: a poll every 2 ms woke the UI
            thread 500 times a second, each wake a handover of the interpreter from a
            busy worker, which on a busy host is what a stall is made of."""
            deadline = time.perf_counter() + timeout
            waited = time.perf_counter()
            while not future.done():
                if getattr(self, "_exception", None) is not None:
                    raise RuntimeError(f"the app failed: {self._exception!r}")
                if time.perf_counter() > deadline:
                    raise TimeoutError("no frame showed the expected state")
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(asyncio.shield(future), POLL_FAILED)
                self.settled_unseen(future, waited)
            return future.result()

        def settled_unseen(self, future: asyncio.Future, waited: float) -> None:
            """A state reached with nothing left to draw makes no frame (the detail
            following a cursor that stayed on its entity): the screen showed it at the
            last frame, or when the wait began if no frame came since."""
            for entry in list(self.waiters):
                predicate, pending = entry
                if pending is future and not future.done() and predicate():
                    self.frame_cpu[id(future)] = time.process_time()
                    future.set_result(max(self.frames[-1] if self.frames else 0.0, waited))
                    self.waiters.remove(entry)

        async def after(self, key: str, predicate: Any, pilot: Any) -> float:
            """Seconds from pressing ``key`` to the first frame that shows its effect."""
            future = self.expect(predicate)
            start = time.perf_counter()
            cpu = time.process_time()
            await pilot.press(key)
            shown = await self.wait(future)
            self.last_cpu = self.frame_cpu.pop(id(future), time.process_time()) - cpu
            return shown - start

    server = None
    feeds: tuple = ()
    if (args.interact or args.memory) and args.feed:
        from tui.core.config import FeedConfig

        server = feed_server([Path(f) for f in args.feed.split(",")])
        feeds = (FeedConfig(name="bench", url=server.url("/feed.json")),)
    config = Config(cache_dir=Path(os.environ["FAULTLINE_CACHE_DIR"]), feeds=feeds)
    app = BenchApp(config, data_paths=[Path(p) for p in args.paths])
    app.bench_server = server
    app.bench_load_times = load_times

    def shows_rows() -> bool:
        if app.arranged is None:
            return False
        return len(app.dashboard.pane("events").rows) > 0

    async def run() -> None:
        constructed = time.perf_counter()
        constructed_mono = time.monotonic()
        async with app.run_test(headless=True, size=SCREEN) as pilot:
            first = await app.wait(app.expect(shows_rows))
            cpu_to_frame = time.process_time()  # every thread's, from the process's start
            if os.environ.get("BENCH_EXIT_AT_FRAME"):  # profiling the start alone
                os._exit(0)
            first_mono = constructed_mono + (first - constructed)
            states = dict(app.worker_times)
            result.update(
                launch_to_frame=first_mono - args.launched,
                cpu_to_frame=cpu_to_frame,
                python_start=entered - args.launched,
                imports=imported - entered,
                app_to_frame=first - constructed,
                worker=states.get("LOADED", first) - states.get("RUNNING", constructed),
                read_and_merge=sum(load_times) if load_times else None,
                shown_to_frame=first - states.get("LOADED", first),
                rss_at_first_frame_mb=peak_rss_mb(),
                longest_gc_pause_to_first_frame=gc_pauses.longest(),
            )
            # The search and relation indexes are built after the first frame; a filter
            # typed before they are ready waits for them.
            while app.arranged is not None and not getattr(app.arranged, "completed", True):
                await asyncio.sleep(0.005)
            result["launch_to_indexed"] = (
                constructed_mono + (time.perf_counter() - constructed) - args.launched
            )
            app.pilot = pilot
            if args.memory:
                try:
                    result["memory"] = await memory(app, args, gc_pauses)
                finally:
                    if app.bench_server is not None:
                        app.bench_server.stop()
            elif args.reloads:
                result["reload"] = await reload_saves(app, args, gc_pauses)
            if args.interact:
                try:
                    await interact(app, pilot, args, result, gc_pauses)
                finally:
                    if app.bench_server is not None:
                        app.bench_server.stop()
        result["peak_rss_mb"] = peak_rss_mb()
        result["children_peak_rss_mb"] = children_peak_rss_mb()

    asyncio.run(run())
    return result


async def memory(app: Any, args: argparse.Namespace, gc_pauses: GCPauses) -> dict[str, Any]:
    """RSS after each of ``--refreshes`` feed refreshes, then after each of ``--reloads``
    saves of the data file reloaded live (``refresh`` and ``reload_saves`` with
    ``--memory``: each run records RSS after a full collection)."""
    out: dict[str, Any] = {"start": run_peak(app)}  # the start's peak; then each run's
    out["refresh"] = await refresh(app, args, gc_pauses)
    out["reload"] = await reload_saves(app, args, gc_pauses)
    runs = [out["start"], *out["refresh"]["runs"], *out["reload"]["runs"]]
    out["peak_rss_mb"] = max(r["run_peak_mb"] for r in runs)
    for part in ("refresh", "reload"):
        out[part]["peak_rss_mb"] = max(r["run_peak_mb"] for r in out[part]["runs"])
    return out


async def interact(
    app: Any, pilot: Any, args: argparse.Namespace, result: dict, gc_pauses: GCPauses
) -> None:
    import asyncio
    import gc
    import threading

    dashboard = app.dashboard
    if app.bench_server is not None and getattr(app, "feed_client", None) is not None:
        # The app fetches its feed once after the first paint: let that finish first.
        started = time.perf_counter()
        while not any(layer.is_feed for layer in app.arranged.dataset.layers):
            await asyncio.sleep(0.02)
            if time.perf_counter() - started > 600:
                raise RuntimeError("the feed was never merged")
        result["first_feed_merge"] = time.perf_counter() - started
        await pilot.pause()
    if args.refresh_only:  # issue 15: the feed refreshes alone (bench/scale.py's, in the app)
        while not app.arranged.completed:
            await asyncio.sleep(0.05)
        result["refresh"] = await refresh(app, args, gc_pauses)
        return
    await filter_keys(app, pilot, args, result)
    if args.filter_only:
        return

    # -- focus changes ---------------------------------------------------------------------------
    await app.after("escape", lambda: not dashboard.filter_text, pilot)
    focus: list[float] = []
    clear: list[float] = []
    cursor: list[float] = []
    for pane_key, name in (("1", "actors"), ("3", "events")):
        await pilot.press(pane_key)
        pane = dashboard.pane(name)
        for _ in range(args.focus_repeats):
            before = pane.cursor
            cursor.append(await app.after("j", lambda b=before, p=pane: p.cursor != b, pilot))
            ref = pane.ref
            focused = lambda r=ref: bool(dashboard.trail) and dashboard.trail[-1] == r  # noqa: E731
            focus.append(await app.after("enter", focused, pilot))
            clear.append(await app.after("escape", lambda: not dashboard.trail, pilot))
    result["focus"] = summary(focus)
    result["clear_focus"] = summary(clear)
    result["cursor_move"] = summary(cursor)

    # -- a 10k-event feed refresh, merged while a 10 ms timer measures the UI's lateness -------
    result["refresh"] = await refresh(app, args, gc_pauses)

    # -- idle ------------------------------------------------------------------------------------
    if app.bench_server is not None:
        app.bench_server.stop()
        app.bench_server = None
    # The app owes a full collection after the refreshes and runs it once the analyst
    # has been quiet for a moment (tui/ui/collector.py): wait for it, and record how
    # long it held the interpreter, then measure idling proper.
    collector = getattr(app, "collector", None)
    waited = time.perf_counter()
    while collector is not None and collector.owed and time.perf_counter() - waited < 120:
        await asyncio.sleep(0.05)
    if collector is not None:
        result["quiet_collection"] = collector.last_pause
        result["quiet_collection_after"] = time.perf_counter() - waited
    await asyncio.sleep(0.5)
    gc.collect()
    before, wall = os.times(), time.monotonic()
    await asyncio.sleep(args.idle)
    after, wall = os.times(), time.monotonic() - wall
    cpu = (after.user - before.user) + (after.system - before.system)
    result["idle_cpu_percent"] = 100 * cpu / wall
    result["idle_seconds"] = wall
    result["threads_at_end"] = threading.active_count()


async def filter_keys(app: Any, pilot: Any, args: argparse.Namespace, result: dict) -> None:
    """The filter, as typed: each key of QUERIES typed and erased, timed to the frame that
    shows its rows, to the detail that follows, and to the prompt's echo; then the search
    alone against a bare Python substring scan over the same keys (the baseline)."""
    from tui.core.search import SearchIndex, terms

    dashboard = app.dashboard
    arranged = app.arranged
    compute: list[float] = []
    real_refresh = dashboard._refresh_panes

    def timed_refresh(*a: Any, **k: Any) -> Any:
        start = time.perf_counter()
        try:
            return real_refresh(*a, **k)
        finally:
            compute.append(time.perf_counter() - start)

    dashboard._refresh_panes = timed_refresh
    await pilot.press("slash")
    latencies: list[float] = []
    cpu_latencies: list[float] = []
    followed_all: list[float] = []
    echoes: list[float] = []
    firsts: list[float] = []
    detail: list[tuple[str, float, float, float]] = []  # (query, ms to frame, filtering, CPU)

    def detail_settled() -> bool:
        if getattr(dashboard, "_detail_due", False):
            return False
        pane = dashboard.pane(dashboard.active) if dashboard.active in PANE_NAMES else None
        return pane is None or pane.ref is None or dashboard.detail.ref == pane.ref

    keys = {" ": "space"}
    for query in QUERIES[: args.queries]:
        typed = ""
        steps = [(ch, typed := typed + ch) for ch in query]
        steps += [("backspace", typed[:i]) for i in range(len(typed) - 1, -1, -1)]
        for key, expect in steps:
            mark = len(compute)
            # The frame that shows the rows for this query (with a background filter,
            # at a million events, that comes after the prompt has echoed the key).
            shows = lambda e=expect: (  # noqa: E731
                dashboard.filter_text == e
                and getattr(dashboard, "searching", None) is None
                and not any(getattr(dashboard.pane(p), "partial", False) for p in PANE_NAMES)
            )
            echoed = app.expect(lambda e=expect: dashboard.filter_input.value == e)
            # The first frame whose panes show rows for this query: with a progressive
            # filter, the first rows, before the counts are in.
            # (Before it existed, the whole answer was the first rows.)
            progressive = hasattr(dashboard, "rows_filter")
            first = app.expect(
                lambda e=expect: (
                    dashboard.filter_text == e and getattr(dashboard, "rows_filter", e) == e
                )
            )
            # The panes show the result first; the detail follows the row under the
            # cursor a frame later. Both are timed from the key; the next key waits for
            # the detail, as a typist's next key comes after the screen settles.
            settled = app.expect(lambda e=expect: dashboard.filter_text == e and detail_settled())
            start = time.perf_counter()
            latency = await app.after(keys.get(key, key), shows, pilot)
            followed = await app.wait(settled) - start
            echoes.append(min(await app.wait(echoed) - start, latency))
            firsts.append(min(await app.wait(first) - start, latency) if progressive else latency)
            latencies.append(latency)
            cpu_latencies.append(app.last_cpu)
            followed_all.append(max(followed, latency))
            detail.append(
                (
                    expect,
                    round(latency * 1000, 2),
                    round(sum(compute[mark:]) * 1000, 2),
                    round(app.last_cpu * 1000, 2),
                )
            )
    dashboard._refresh_panes = real_refresh
    result["keystroke"] = summary(latencies)
    result["keystroke_cpu"] = summary(cpu_latencies)
    result["keystroke_detail"] = summary(followed_all)
    result["keystroke_echo"] = summary(echoes)
    result["keystroke_first_rows"] = summary(firsts)
    result["keystroke_compute"] = summary(compute)
    result["keystrokes"] = detail

    # The search alone against a bare Python substring scan over the same keys.
    index = arranged.index["events"]
    search_keys = [index.key(i) for i in range(len(index))]
    searched: list[float] = []
    scanned: list[float] = []
    scanned_cpu: list[float] = []
    for query in QUERIES[: args.queries]:
        fresh = SearchIndex(search_keys)
        for n in range(1, len(query) + 1):
            prefix = query[:n]
            start = time.perf_counter()
            fresh.search(prefix)
            searched.append(time.perf_counter() - start)
            words = terms(prefix)
            start = time.perf_counter()
            cpu = time.process_time()
            if words:
                rows = [i for i, key in enumerate(search_keys) if words[0] in key]
                for word in words[1:]:
                    rows = [i for i in rows if word in search_keys[i]]
            scanned.append(time.perf_counter() - start)
            scanned_cpu.append(time.process_time() - cpu)
    result["search"] = summary(searched)
    result["bare_scan"] = summary(scanned)
    result["bare_scan_cpu"] = summary(scanned_cpu)


def feed_server(documents: list[Path]) -> Any:
    """The tests' feed server (tests/feedserver.py) on 127.0.0.1, never any other address:
    each request gets the next of the given documents in turn, so that every refresh
    brings changed events."""
    sys.path.insert(0, str(REPO / "tests"))
    from feedserver import FeedServer, Reply

    bodies = [d.read_bytes() for d in documents]
    served = itertools.count()

    def next_document(request: Any) -> Reply:
        body = bodies[next(served) % len(bodies)]
        return Reply(200, [("Content-Type", "application/json")], body)

    server = FeedServer().start()
    server.route("/feed.json", next_document)
    return server


async def refresh(app: Any, args: argparse.Namespace, gc_pauses: GCPauses) -> dict[str, Any]:
    """Refresh a 10k-event feed while a 10 ms timer measures how late the UI runs.

    The real path when the app has feeds (``r``: fetch on the event loop, parse, merge and
    arrange in worker threads, swap on the UI thread); otherwise the merge path alone."""
    import asyncio

    from tui.core.loading import read_bytes
    from tui.core.merge import Layer, merge

    real = getattr(app, "feed_client", None) is not None
    ticks: list[float] = []
    timer = app.set_interval(0.01, lambda: ticks.append(time.perf_counter()))
    runs: list[dict[str, Any]] = []
    bare = bare_loop()
    try:
        # The start-up refresh done first (a feed with no copy cached is due at start): the
        # first refresh timed would otherwise wait for its merge too, and count it.
        while app._busy():
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.5)  # the timer's own jitter, for comparison
        calm = ticks[:]
        for n in range(args.refreshes):
            timing: dict[str, float] = {}
            old = app.arranged
            ticks.clear()
            # The view replaced, by weak reference: held here until the new one is drawn,
            # it would outlive the swap (and its memory count in the next step's RSS).
            was = weakref.ref(old) if old is not None else lambda: None
            shown_future = app.expect(lambda was=was: app.arranged not in (was(), None))
            mark = len(app.bench_load_times)
            started = time.perf_counter()
            if real:
                await app.pilot.press("r")
            else:
                bodies = [Path(f).read_bytes() for f in args.feed.split(",")]
                body = bodies[n % len(bodies)]
                local = [layer for layer in old.dataset.layers if not layer.is_feed]

                def job(body=body, local=local, timing=timing) -> None:
                    start = time.perf_counter()
                    document = read_bytes(body, "feed.json", "json", layer="feed")
                    feed = Layer("feed", (document,), (), is_feed=True)
                    timing["read"] = time.perf_counter() - start
                    start = time.perf_counter()
                    merged = merge([*local, feed])
                    timing["merge"] = time.perf_counter() - start
                    app.call_from_thread(app.show_dataset, merged)

                app.run_worker(job, thread=True, group="bench-refresh")
            old = None
            shown = await app.wait(shown_future, 600)
            old = shown_future = None  # not kept alive here while RSS is measured
            if real:
                timing["merge"] = sum(app.bench_load_times[mark:])
            await asyncio.sleep(0.2)
            window = [t for t in ticks if started <= t]
            gaps = [b - a for a, b in zip([started, *window], window, strict=False)]
            explain_stall(f"refresh {n + 1}", [started, *window])
            runs.append(
                {
                    "total": shown - started,
                    **timing,
                    "longest_stall": max(gaps, default=0.0) - 0.01,
                    "window": (started, window[-1] if window else started),
                    "longest_gc_pause": gc_pauses.longest(started, shown),
                    **(run_peak(app) if args.memory else {}),
                }
            )
        calm_gaps = [b - a for a, b in itertools.pairwise(calm)]
    finally:
        timer.stop()
        bare_gaps(bare, runs)
    return {
        "path": "real: r → FeedClient fetch → remerge worker → show"
        if real
        else "merge path: worker read + merge, then app.show_dataset",
        "runs": runs,
        "total": statistics.median(r["total"] for r in runs),
        "longest_stall": max(r["longest_stall"] for r in runs),
        "bare_longest_stall": max(r.get("bare_longest_stall", 0.0) for r in runs),
        "idle_timer_jitter": max(calm_gaps, default=0.01) - 0.01,
    }


async def reload_saves(app: Any, args: argparse.Namespace, gc_pauses: GCPauses) -> dict[str, Any]:
    """Save the (copied) data file with one more event, as an editor would (a temp file
    renamed over it), and time the live reload to the frame that shows the new event,
    while a 10 ms timer measures how late the UI runs. The real path: the watcher sees
    the save, a worker reads the whole layer again, the merge worker merges and
    compares it, the UI thread swaps the dossier in."""
    import asyncio

    path = saved_file(Path(args.paths[0]))
    # The unsaved file, kept beside it: each save is written from it on disk, not from
    # bytes held here, which would be counted in the app's RSS (twice the file's size).
    original = path.with_name(path.name + ".original")
    shutil.copyfile(path, original)
    while app.reloader is None or not app.reloader.watcher.ready.is_set():
        await asyncio.sleep(0.01)
    # The start's work after its first frame done first (the indexes, and the parsed-data
    # cache written for the copy, which a cold start of a path never read before does): a
    # save in the middle of it would time the start's tail as the reload's stall.
    while any(w.group == "index" and not w.is_finished for w in app.workers):
        await asyncio.sleep(0.01)
    ticks: list[float] = []
    timer = app.set_interval(0.01, lambda: ticks.append(time.perf_counter()))
    runs: list[dict[str, Any]] = []
    bare = bare_loop()
    try:
        await asyncio.sleep(0.5)
        for n in range(args.reloads):
            ident = f"bench-reload-{n}"
            added = f'\n[[events]]\nid = "{ident}"\ntitle = "Saved {n}"\ndate = "2020"\n'
            shown_future = app.expect(
                lambda ident=ident: (
                    app.arranged is not None and ident in app.arranged.dataset.events
                )
            )
            ticks.clear()
            started = time.perf_counter()
            # Written in a thread, as another process would: the write is not the UI's.
            await asyncio.to_thread(save_with, original, path, added.encode())
            saved = time.perf_counter()
            shown = await app.wait(shown_future, 600)
            await asyncio.sleep(0.2)
            window = [t for t in ticks if saved <= t]
            gaps = [b - a for a, b in zip([saved, *window], window, strict=False)]
            explain_stall(f"reload {n + 1}", [saved, *window])
            runs.append(
                {
                    "total": shown - saved,
                    "write": saved - started,
                    "longest_stall": max(gaps, default=0.0) - 0.01,
                    "window": (saved, window[-1] if window else saved),
                    "longest_gc_pause": gc_pauses.longest(saved, shown),
                    **(run_peak(app) if args.memory else {}),
                }
            )
    finally:
        timer.stop()
        bare_gaps(bare, runs)
    return {
        "path": "real: save → watcher → reread worker → merge worker → show",
        "how": app.reloader.watcher.how,
        "runs": runs,
        "total": statistics.median(r["total"] for r in runs),
        "longest_stall": max(r["longest_stall"] for r in runs),
        "bare_longest_stall": max(r.get("bare_longest_stall", 0.0) for r in runs),
    }


def bare_loop() -> Any:
    """The bare baseline of a stall, beside the run (bench/stalls.py ``BareLoop``): an
    idle asyncio loop's 10 ms timer in another process. ``BENCH_BARE=0``: none."""
    if os.environ.get("BENCH_BARE") == "0":
        return None
    sys.path.insert(0, str(HERE))
    import stalls

    return stalls.BareLoop()


def bare_gaps(bare: Any, runs: list[dict[str, Any]]) -> None:
    """Each run's ``bare_longest_stall``: the bare loop's longest gap in the run's window."""
    if bare is not None:
        bare.stop()
    for run in runs:
        window = run.pop("window")
        if bare is not None:
            run["bare_longest_stall"] = bare.longest_gap(*window)


def save_with(original: Path, path: Path, added: bytes) -> None:
    """Save ``path`` as ``original`` with ``added`` at its end, as an editor does (a
    temporary file renamed over it), copied on disk in the kernel."""
    temporary = path.with_name(path.name + ".saving")
    shutil.copyfile(original, temporary)
    with open(temporary, "ab") as file:
        file.write(added)
    os.replace(temporary, path)


def child_baseline(args: argparse.Namespace) -> dict[str, Any]:
    """From a merged dataset in memory to the first frame: the stock ``DataTable`` timeline,
    or (``--faultline``) the Faultline dashboard given the same dataset."""
    import asyncio

    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from tui.core.loading import load
    from tui.core.parsecache import ParsedCache

    cache = ParsedCache(Path(os.environ["FAULTLINE_CACHE_DIR"]))
    dataset = load([Path(p) for p in args.paths], cache=cache)
    result: dict[str, Any] = {}

    if args.faultline:
        from tui.core.config import Config
        from tui.ui.app import FaultlineApp

        class Timed(FaultlineApp):
            CSS_PATH = app_css()

            def _display(self, screen: Any, renderable: Any) -> None:
                if renderable is not None and hasattr(renderable, "render_segments"):
                    renderable.render_segments(self.console)
                super()._display(screen, renderable)
                if (
                    self.arranged is not None
                    and "first" not in result
                    and self.dashboard.pane("events").rows
                ):
                    result["first"] = time.perf_counter()

        start = time.perf_counter()
        app: App = Timed(Config(cache_dir=Path(os.environ["FAULTLINE_CACHE_DIR"])), dataset=dataset)

        async def run_faultline() -> None:
            async with app.run_test(headless=True, size=SCREEN) as pilot:
                while "first" not in result:
                    await asyncio.sleep(0.005)
                await pilot.pause()

        asyncio.run(run_faultline())
        result["data_to_frame"] = result.pop("first") - start
        result["peak_rss_mb"] = peak_rss_mb()
        return result

    class Baseline(App):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("", "Date", "Event", "Status")
            self.rows = [
                (Text("•"), Text(e.date.text), Text(" ".join(e.title.split())), Text(e.state))
                for e in dataset.timeline
            ]
            result["rows_ready"] = time.perf_counter()
            table.add_rows(self.rows)

        def _display(self, screen: Any, renderable: Any) -> None:
            if renderable is not None and hasattr(renderable, "render_segments"):
                renderable.render_segments(self.console)
            super()._display(screen, renderable)
            table = self.query_one(DataTable)
            if table.row_count and "first" not in result:
                result["first"] = time.perf_counter()
            refilling = "refill_start" in result and "refilled" not in result
            if refilling and table.row_count == result["refill_rows"]:
                result["refilled"] = time.perf_counter()

    start = time.perf_counter()
    baseline = Baseline()

    async def run_baseline() -> None:
        async with baseline.run_test(headless=True, size=SCREEN) as pilot:
            while "first" not in result:
                await asyncio.sleep(0.005)
            # A filter typed into a DataTable means clearing it and adding the matches again.
            word = "pipeline"
            rows = [r for r in baseline.rows if word in r[2].plain.lower()]
            result["refill_rows"] = len(rows)
            result["refill_start"] = time.perf_counter()
            table = baseline.query_one(DataTable)
            table.clear()
            table.add_rows(rows)
            while "refilled" not in result:
                await asyncio.sleep(0.005)
            await pilot.pause()

    asyncio.run(run_baseline())
    result["rows_to_frame"] = result["first"] - result.pop("rows_ready")
    result["data_to_frame"] = result.pop("first") - start
    result["refill"] = result.pop("refilled") - result.pop("refill_start")
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values, default=float("nan")),
    }


# -- the parent: orchestration and the table -----------------------------------------------------


@functools.cache
def private_state_dir() -> str:
    """A state directory for this run's children, removed when the run ends."""
    path = tempfile.mkdtemp(prefix="faultline-bench-state-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


# A child imports this file as a module, whose bytecode is cached like the package's:
# run as a script, its 1,700 lines were compiled again at every launch, inside the
# launch → first frame figures.
CHILD = "import sys; sys.path.insert(0, sys.argv.pop(1)); import run; run.main()"


def child_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a timed child: compiled bytecode cached (in bench/results/pycache) and
    reused, as an installed package's is. This machine's shells may set
    PYTHONDONTWRITEBYTECODE, under which every launch compiled all of tui/ again (about
    0.1 s of each start's figure; ``--startup`` and bench/terminal.py already did this)."""
    env = dict(env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(RESULTS / "pycache")
    return env


def child_command(kind: str, extra: list[str]) -> list[str]:
    """The command that runs this file's ``--child kind`` (imported: see ``CHILD``)."""
    return [sys.executable, "-c", CHILD, str(HERE), "--child", kind, *extra]


def compile_children() -> None:
    """Bytecode for the children's modules, written once before anything is timed."""
    modules = "run, tui.cli, tui.ui.app, tui.core.splitparse"  # (the reader: cold starts)
    load = f"import sys; sys.path.insert(0, {str(HERE)!r}); import {modules}"
    env = child_env(os.environ.copy())
    subprocess.run([sys.executable, "-c", load], env=env, cwd=REPO, check=True)


def run_child(
    kind: str, extra: list[str], *, cache: Path | None = None, timeout: float = 1800
) -> dict[str, Any]:
    env = child_env(os.environ.copy())
    if cache is not None:
        env["FAULTLINE_CACHE_DIR"] = str(cache)
    env.setdefault("PYTHONHASHSEED", "0")
    # The children's saved views, pins and marks: this run's own, never the analyst's.
    env.setdefault("FAULTLINE_STATE_DIR", private_state_dir())
    command = child_command(kind, extra)
    launched = time.monotonic()
    done = subprocess.run(
        [*command, "--launched", repr(launched)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if any(os.environ.get(f"BENCH_{t}") for t in ("STAGE_PEAKS", "GC_TRACE", "STALL_TRACE")):
        sys.stderr.write(done.stderr)  # the traces asked for
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError(f"{kind} child failed ({done.returncode}):\n{done.stderr[-3000:]}")


def bench_size(size: str, args: argparse.Namespace, results: dict[str, Any]) -> dict[str, Any]:
    paths = [str(p) for p in data_paths(size)]
    events = SIZES[size]
    out: dict[str, Any] = {"events": events, "paths": paths}
    results["sizes"][size] = out
    quick = args.quick or events >= 1_000_000
    print(f"{size}: bare tomli parse…", flush=True)
    out["parse"] = run_child("parse", [*paths, "--repeats", "1" if quick else "3"])
    save(results)
    cache_root = Path(tempfile.mkdtemp(prefix="faultline-bench-"))
    try:
        colds, warms = [], []
        repeats = 1 if quick else 2
        for i in range(repeats):
            cache = cache_root / f"cold-{i}"
            print(f"{size}: cold start {i + 1}/{repeats}…", flush=True)
            colds.append(run_child("start", [*paths, "--mode", "cold"], cache=cache))
        out["cold"] = colds
        save(results)
        for i in range(repeats):
            print(f"{size}: warm start {i + 1}/{repeats}…", flush=True)
            warms.append(run_child("start", [*paths, "--mode", "warm"], cache=cache))
        out["warm"] = warms
        save(results)
        print(f"{size}: warm start, then filter, focus, feed refreshes and idle…", flush=True)
        extra = [*paths, "--mode", "warm", "--feed", ",".join(map(str, feed_documents()))]
        extra += ["--interact", "--idle", str(args.idle), "--refreshes", "2" if quick else "3"]
        if quick:
            extra += ["--queries", "3", "--focus-repeats", "3"]
        out["interactive"] = run_child("start", extra, cache=cache)
        save(results)
        reload_size(size, args, out, cache)
        memory_size(size, args, out, cache)
        if events <= BASELINE_LIMIT and not args.no_baseline:
            print(f"{size}: Faultline from a dataset in memory…", flush=True)
            out["faultline_panes"] = run_child("baseline", [*paths, "--faultline"], cache=cache)
            print(f"{size}: stock DataTable baseline…", flush=True)
            out["datatable"] = run_child("baseline", paths, cache=cache)
            save(results)
    finally:
        shutil.rmtree(cache_root, ignore_errors=True)
    return out


def refresh_size(size: str, args: argparse.Namespace) -> dict[str, Any]:
    """Only the feed refreshes of a warm-started dashboard (``--refresh-only``): a cold
    start fills a parsed-data cache kept in bench/results (once), then a warm start
    refreshes its feed ``--refreshes`` times, as in the interactive run."""
    paths = [str(p) for p in data_paths(size)]
    cache = RESULTS / f"cache-{size}"
    out: dict[str, Any] = {"events": SIZES[size], "paths": paths}
    if not cache.exists():
        print(f"{size}: cold start, to fill the parsed-data cache…", flush=True)
        out["cold"] = [run_child("start", [*paths, "--mode", "cold"], cache=cache)]
    print(f"{size}: warm start, then {args.refreshes} feed refreshes…", flush=True)
    extra = [*paths, "--mode", "warm", "--feed", ",".join(map(str, feed_documents()))]
    extra += ["--interact", "--refresh-only", "--refreshes", str(args.refreshes)]
    out["interactive"] = run_child("start", extra, cache=cache)
    return out


def filter_size(size: str, args: argparse.Namespace) -> dict[str, Any]:
    """Only the filter keystrokes, on a warm start: the parsed-data cache is kept in
    ``bench/results/filter-cache-<size>`` between runs, so each run takes about a minute at
    100k. Printed: keystroke to frame, to the detail that follows, the prompt's echo, and
    the search alone against the bare substring scan measured in the same run."""
    paths = [str(p) for p in data_paths(size)]
    cache = RESULTS / f"filter-cache-{size}"
    if not cache.exists():
        print(f"{size}: a cold start, to fill the cache…", flush=True)
        run_child("start", [*paths, "--mode", "cold"], cache=cache)
    print(f"{size}: warm start, then the filter keystrokes…", flush=True)
    extra = ["--interact", "--filter-only", "--queries", str(args.queries)]
    figures_of = run_child("start", [*paths, "--mode", "warm", *extra], cache=cache)
    for label, key in (
        ("keystroke → first rows", "keystroke_first_rows"),
        ("keystroke → frame (whole answer)", "keystroke"),
        ("  the same, CPU time", "keystroke_cpu"),
        ("keystroke → detail follows", "keystroke_detail"),
        ("keystroke → prompt echo", "keystroke_echo"),
        ("filtering work (UI thread)", "keystroke_compute"),
        ("search alone", "search"),
        ("bare substring scan (baseline)", "bare_scan"),
        ("  the same, CPU time", "bare_scan_cpu"),
    ):
        figures = figures_of[key]
        print(
            f"  {label:32} p50 {fmt_s(figures['p50']):>8}  p95 {fmt_s(figures['p95']):>8}"
            f"  max {fmt_s(figures['max']):>8}",
            flush=True,
        )
    return {"events": SIZES[size], "paths": paths, "interactive": figures_of}


def reload_size(size: str, args: argparse.Namespace, out: dict[str, Any], cache: Path) -> None:
    """The live reload of a saved data file: the dashboard on a copy of the dossier (it
    is rewritten), saved with one more event ``--reloads`` times."""
    paths = data_paths(size)
    if len(paths) != 1 or not paths[0].is_file():
        return  # 1M events are a directory of parts: not measured here
    scratch = Path(tempfile.mkdtemp(prefix="faultline-bench-reload-"))
    try:
        copy = scratch / paths[0].name
        shutil.copyfile(paths[0], copy)
        print(f"{size}: saves of the data file, reloaded live…", flush=True)
        reloads = "2" if args.quick else str(args.reload_saves)
        out["reload"] = run_child("start", [str(copy), "--mode", "warm", "--reloads", reloads],
                                  cache=cache)["reload"]  # fmt: skip
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def saved_file(path: Path) -> Path:
    """The data file the reloads save: the dossier, or its first part (1M events)."""
    return min(path.glob("*.toml")) if path.is_dir() else path


def memory_size(size: str, args: argparse.Namespace, out: dict[str, Any], cache: Path) -> None:
    """RSS across ten 10k-event feed refreshes and ten live reloads of a saved data file
    (``--memory-runs`` of each), in one dashboard on a copy of the dossier. At 1M events
    (a directory of parts) the copy is of hard links, and the reloads save its first part
    (100,000 events): a save replaces the file, so the original is never written."""
    paths = data_paths(size)
    if len(paths) != 1:
        return
    # Beside the data (hard links need the same file system).
    scratch = Path(tempfile.mkdtemp(prefix="memory-", dir=RESULTS))
    try:
        copy = scratch / paths[0].name
        if paths[0].is_dir():
            shutil.copytree(paths[0], copy, copy_function=os.link)
        else:
            shutil.copyfile(paths[0], copy)
        # The copy's parsed-data cache written first: the dashboard starts warm.
        run_child("cache", [str(copy)], cache=cache)
        runs = str(2 if args.quick and not args.memory else args.memory_runs)
        print(f"{size}: memory across {runs} refreshes and {runs} reloads…", flush=True)
        extra = [str(copy), "--mode", "warm", "--memory", "--refreshes", runs, "--reloads", runs]
        extra += ["--feed", ",".join(map(str, feed_documents()))]
        out["memory"] = run_child("start", extra, cache=cache)["memory"]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def first_frame_child(which: str, env: dict[str, str], modules: bool = False) -> dict[str, Any]:
    """One launch of bench/firstframe.py in the repository (``faultline`` there reads the
    example config.toml: the default dossier, data/), to its first frame."""
    command = [sys.executable, str(HERE / "firstframe.py"), which]
    launched = time.monotonic()
    done = subprocess.run(
        [*command, repr(launched), *(["--modules"] if modules else [])],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    found: dict[str, Any] = {}
    if any(os.environ.get(f"BENCH_{t}") for t in ("STAGE_PEAKS", "GC_TRACE", "STALL_TRACE")):
        sys.stderr.write(done.stderr)  # the traces asked for
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            found.update(json.loads(line[len("RESULT ") :]))
        elif line.startswith("MODULES "):
            found["modules"] = json.loads(line[len("MODULES ") :])
    if "launch_to_frame" not in found:
        raise RuntimeError(f"{which} child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return found


def bench_startup(args: argparse.Namespace, results: dict[str, Any]) -> dict[str, Any]:
    """Issue 15's small dossier: launch → first frame of a minimal Textual app (one
    ``Static``) and of ``faultline`` on the default dossier, cold (an empty parsed-data
    cache) and warm, in fresh processes, interleaved so that all three share the
    machine's mood. Compiled bytecode is cached (in bench/results/pycache) as an
    installed package's is, and a first untimed launch of each writes it."""
    scratch = Path(tempfile.mkdtemp(prefix="faultline-bench-startup-"))
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(RESULTS / "pycache")
    env["FAULTLINE_STATE_DIR"] = str(scratch / "state")  # no analyst's state file is read
    env.pop("FAULTLINE_CONFIG", None)
    env.setdefault("PYTHONHASHSEED", "0")
    runs: dict[str, list[dict[str, Any]]] = {"minimal": [], "cold": [], "warm": []}
    try:
        env["FAULTLINE_CACHE_DIR"] = str(scratch / "warmup")
        first_frame_child("minimal", env)
        first_frame_child("faultline", env)
        repeats = args.startup_repeats
        for i in range(repeats):
            print(f"start-up: minimal Textual app, Faultline cold, warm {i + 1}/{repeats}…",
                  flush=True)  # fmt: skip
            runs["minimal"].append(first_frame_child("minimal", env))
            env["FAULTLINE_CACHE_DIR"] = str(scratch / f"cache-{i}")
            runs["cold"].append(first_frame_child("faultline", env))
            runs["warm"].append(first_frame_child("faultline", env))
        # A count, not a time: where the host's load does not reach (needs valgrind).
        instructions = startup_instructions(env, scratch) if args.instructions else {}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    out: dict[str, Any] = {"runs": runs}
    for name, found in runs.items():
        times = [r["launch_to_frame"] for r in found]
        out[name] = {"best": min(times), "median": statistics.median(times)}
        # The child's own CPU time to its first frame: what the app costs, less sensitive
        # than the wall clock to other processes on a shared host.
        cpu = [r["cpu_to_frame"] for r in found if "cpu_to_frame" in r]
        if cpu:
            out[name]["cpu_median"] = statistics.median(cpu)
    for name in ("cold", "warm"):
        out[f"{name}_ratio"] = {
            stat: out[name][stat] / out["minimal"][stat] for stat in ("best", "median")
        }
    if instructions:
        out["instructions"] = instructions
    results["startup"] = out
    save(results)
    return out


def startup_instructions(env: dict[str, str], scratch: Path) -> dict[str, float]:
    """Instructions from launch to the first frame (callgrind's count, the process ending as
    that frame is written: ``firstframe.py --exit``) of the minimal app and of Faultline
    cold. Unlike a clock it does not depend on what else the host runs: a count taken on
    a busy host is the count of a quiet one, to a few hundredths of a percent."""
    if shutil.which("valgrind") is None:
        return {}
    counts: dict[str, float] = {}
    for which in ("minimal", "faultline"):
        env = dict(env, FAULTLINE_CACHE_DIR=str(scratch / f"instructions-{which}"))
        print(f"start-up: instructions of the {which} app to its first frame…", flush=True)
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
             str(HERE / "firstframe.py"), which, "0", "--exit"],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        found = re.search(r"Collected : (\d+)", done.stderr)
        if found is None:
            raise RuntimeError(f"callgrind gave no count for {which}:\n{done.stderr[-3000:]}")
        counts[which] = float(found.group(1))
    counts["ratio"] = counts["faultline"] / counts["minimal"]
    return counts


def startup_table(out: dict[str, Any]) -> str:
    """The start-up figures as a Markdown table (target: cold ≤ 1.3× the minimal app)."""
    head = "| launch → first frame | best | median | ÷ minimal app (best / median) | CPU, median |"
    lines = [head, "|---|---:|---:|---:|---:|"]
    labels = {
        "minimal": "minimal Textual app (one Static)",
        "cold": "faultline, default dossier, cold (target ≤ 1.3×)",
        "warm": "faultline, default dossier, warm",
    }
    for name, label in labels.items():
        ratio = out.get(f"{name}_ratio")
        against = f"{ratio['best']:.2f}× / {ratio['median']:.2f}×" if ratio else "1×"
        figures = out[name]
        cpu = fmt_s(figures["cpu_median"]) if "cpu_median" in figures else "–"
        lines.append(f"| {label} | {fmt_s(figures['best'])} | {fmt_s(figures['median'])} "
                     f"| {against} | {cpu} |")  # fmt: skip
    counts = out.get("instructions")
    if counts:
        lines.append(
            f"\nInstructions to the first frame (callgrind): minimal app "
            f"{counts['minimal'] / 1e6:,.0f} M, Faultline cold {counts['faultline'] / 1e6:,.0f} M "
            f"({counts['ratio']:.2f}×)"
        )
    return "\n".join(lines)


def save(results: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=1, default=str)
    (RESULTS / "bench-latest.json").write_text(text)
    (RESULTS / f"bench-{results['started'].replace(':', '')}.json").write_text(text)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import textual
    import tomli

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10, check=False
            )
            return done.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_files": len(git("status", "--porcelain", "--untracked-files=no").splitlines()),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "os": platform.platform(),
        "textual": getattr(textual, "__version__", "?"),
        "tomli": getattr(tomli, "__version__", "?"),
    }


def fmt_s(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "–"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def table(results: dict[str, Any]) -> str:
    """The results as a Markdown table, a column per size ("–" where not measured)."""
    sizes = list(results["sizes"])
    rows: list[tuple[str, list[str]]] = []

    def add(label: str, cell: Any) -> None:
        values = []
        for size in sizes:
            try:
                values.append(cell(results["sizes"][size]))
            except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
                values.append("–")
        rows.append((label, values))

    def best(s: dict, runs: str, key: str) -> float:
        return min(r[key] for r in s[runs])

    def of(s: dict, figure: str, stat: str = "p95") -> float:
        return s["interactive"][figure][stat]

    def times(a: float, b: float, digits: int = 2) -> str:
        return f"{a / b:.{digits}f}×"

    def cold(s: dict) -> float:
        return best(s, "cold", "launch_to_frame")

    def warm(s: dict, key: str = "launch_to_frame") -> float:
        return best(s, "warm", key)

    def arrange(s: dict) -> float:
        return warm(s, "worker") - warm(s, "read_and_merge") + warm(s, "shown_to_frame")

    def refresh(s: dict) -> dict:
        return s["interactive"]["refresh"]

    def startup(s: dict) -> float:
        return warm(s, "python_start") + warm(s, "imports")

    def panes(s: dict) -> float:
        return warm(s, "shown_to_frame")

    def rss(s: dict, runs: str) -> float:
        return max(r["peak_rss_mb"] for r in s[runs])

    feed = results.get("feed_events", FEED_EVENTS)
    add("bare tomli parse (best)", lambda s: fmt_s(s["parse"]["tomli"]))
    add("cold start → first frame", lambda s: fmt_s(cold(s)))
    add("  ÷ tomli (target ≤ 1.5×)", lambda s: times(cold(s), s["parse"]["tomli"]))
    add("warm start → first frame", lambda s: fmt_s(warm(s)))
    add("  ÷ tomli (target ≤ 0.4×)", lambda s: times(warm(s), s["parse"]["tomli"]))
    add("  indexes built (search ready)", lambda s: fmt_s(warm(s, "launch_to_indexed")))
    add("  of which Python + imports", lambda s: fmt_s(startup(s)))
    add("  of which read + merge (warm)", lambda s: fmt_s(warm(s, "read_and_merge")))
    add("  of which arrange + first paint", lambda s: fmt_s(arrange(s)))
    add("data in memory → first frame", lambda s: fmt_s(s["faultline_panes"]["data_to_frame"]))
    add("  stock DataTable, same rows", lambda s: fmt_s(s["datatable"]["data_to_frame"]))
    add(
        "  speed-up (target ≥ 20×)",
        lambda s: times(s["datatable"]["data_to_frame"], s["faultline_panes"]["data_to_frame"], 0),
    )
    add("rows in hand → first frame: panes", lambda s: fmt_s(warm(s, "shown_to_frame")))
    add("  stock DataTable (add_rows + paint)", lambda s: fmt_s(s["datatable"]["rows_to_frame"]))
    add("  speed-up", lambda s: times(s["datatable"]["rows_to_frame"], panes(s), 0))
    add("DataTable refill after a filter", lambda s: fmt_s(s["datatable"]["refill"]))
    add("filter keystroke → frame p50", lambda s: fmt_s(of(s, "keystroke", "p50")))
    add("filter keystroke → frame p95 (≤ 30 ms)", lambda s: fmt_s(of(s, "keystroke")))
    add("  first rows shown, p95 (1M: ≤ 100 ms)", lambda s: fmt_s(of(s, "keystroke_first_rows")))
    add("  filtering work p95", lambda s: fmt_s(of(s, "keystroke_compute")))
    add("  key echoed in the prompt, p95", lambda s: fmt_s(of(s, "keystroke_echo")))
    add("  detail pane follows, p95", lambda s: fmt_s(of(s, "keystroke_detail")))
    add(
        "  search p95 / bare scan p95 (≤ 2×)",
        lambda s: f"{fmt_s(of(s, 'search'))} / {fmt_s(of(s, 'bare_scan'))}",
    )
    add(
        "focus change → frame p50 / p95",
        lambda s: f"{fmt_s(of(s, 'focus', 'p50'))} / {fmt_s(of(s, 'focus'))}",
    )
    add("clear focus → frame p95", lambda s: fmt_s(of(s, "clear_focus")))
    add("cursor move → frame p95", lambda s: fmt_s(of(s, "cursor_move")))
    add("peak RSS, cold (≤ 300 MB)", lambda s: f"{rss(s, 'cold'):.0f} MB")
    add(
        "  its parsing child (second half)",
        lambda s: f"{max(r.get('children_peak_rss_mb', 0.0) for r in s['cold']):.0f} MB",
    )
    add("peak RSS, warm", lambda s: f"{rss(s, 'warm'):.0f} MB")
    add("peak RSS, warm + refreshes", lambda s: f"{s['interactive']['peak_rss_mb']:.0f} MB")
    add(f"{feed // 1000}k-event feed refresh → frame", lambda s: fmt_s(refresh(s)["total"]))
    add(
        "  of which merge (median)",
        lambda s: fmt_s(statistics.median(r["merge"] for r in refresh(s)["runs"])),
    )
    add("  longest UI stall (≤ 100 ms)", lambda s: fmt_s(refresh(s)["longest_stall"]))
    add("    bare loop's longest gap, same time", lambda s: fmt_s(refresh(s)["bare_longest_stall"]))
    add(
        "  full collection, run once quiet",
        lambda s: fmt_s(s["interactive"]["quiet_collection"]),
    )
    add("idle CPU over 10 s (< 1%)", lambda s: f"{s['interactive']['idle_cpu_percent']:.2f}%")
    add("data file saved → frame (live reload)", lambda s: fmt_s(s["reload"]["total"]))
    add("  longest UI stall (≤ 100 ms)", lambda s: fmt_s(s["reload"]["longest_stall"]))
    add(
        "    bare loop's longest gap, same time", lambda s: fmt_s(s["reload"]["bare_longest_stall"])
    )

    def grown(s: dict, path: str) -> str:
        runs = s["memory"][path]["runs"]
        first, last = runs[0]["rss_mb"], runs[-1]["rss_mb"]
        return f"{first:.0f} / {last:.0f} MB ({100 * (last - first) / first:+.0f}%)"

    add(
        "peak RSS, refreshes + reloads (≤ 300 MB)", lambda s: f"{s['memory']['peak_rss_mb']:.0f} MB"
    )
    add("  RSS before them", lambda s: f"{s['memory']['start']['rss_mb']:.0f} MB")
    add("  after the 1st / last refresh (≤ +10%)", lambda s: grown(s, "refresh"))
    add("  after the 1st / last reload (≤ +10%)", lambda s: grown(s, "reload"))

    width = max(len(label) for label, _ in rows)
    cols = [max(len(size), *(len(v[i]) for _, v in rows)) for i, size in enumerate(sizes)]

    def line(first: str, cells: list[str]) -> str:
        padded = (cell.rjust(c) for cell, c in zip(cells, cols, strict=True))
        return "| " + first.ljust(width) + " | " + " | ".join(padded) + " |"

    rule = "|" + "-" * (width + 2) + "|" + "|".join("-" * (c + 1) + ":" for c in cols) + "|"
    lines = [line("", sizes), rule]
    lines += [line(label, values) for label, values in rows]
    return "\n".join(lines)


def _dump_tasks_on_signal() -> None:
    """``kill -USR1`` a measuring child that seems stuck: it writes where each of its
    asyncio tasks waits to stderr (which the parent prints when the child fails)."""
    import asyncio
    import signal

    def dump(*_: Any) -> None:
        try:
            tasks = asyncio.all_tasks(asyncio.get_event_loop())
        except RuntimeError:
            return
        for task in tasks:
            task.print_stack(file=sys.stderr)
        sys.stderr.flush()

    signal.signal(signal.SIGUSR1, dump)


def main() -> None:
    global RESULTS, DATA, FEED_EVENTS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1k,10k,100k", help="comma-separated: 1k, 10k, 100k, 1m")
    parser.add_argument("--million", action="store_true", help="add 1M events (slow)")
    parser.add_argument("--quick", action="store_true", help="one repeat of everything")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle to time")
    parser.add_argument("--no-baseline", action="store_true", help="skip the DataTable baseline")
    parser.add_argument("--table", type=Path, help="only print the table of a results JSON file")
    parser.add_argument(
        "--startup", action="store_true", help="only launch → first frame on the default dossier"
    )
    parser.add_argument("--startup-repeats", type=int, default=5, help="launches of each app")
    parser.add_argument(
        "--instructions", action="store_true",
        help="with the start-up figures: instructions to the first frame (needs valgrind)",
    )  # fmt: skip
    # Internal: the measuring children.
    parser.add_argument("--child", choices=("parse", "start", "baseline", "cache"))
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--launched", type=float, default=0.0)
    parser.add_argument("--mode", default="cold")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--interact", action="store_true")
    parser.add_argument("--feed", default="")
    parser.add_argument("--refreshes", type=int, default=3)
    parser.add_argument("--reload-saves", type=int, default=3, help="saves of the data file")
    parser.add_argument("--reloads", type=int, default=0)  # internal: the child's
    parser.add_argument(
        "--reload-only", action="store_true", help="only the live reload of a saved data file"
    )
    parser.add_argument(
        "--memory", action="store_true", help="only RSS across refreshes and live reloads"
    )
    parser.add_argument("--memory-runs", type=int, default=10, help="refreshes, and reloads")
    parser.add_argument(
        "--refresh-only",
        action="store_true",
        help="only the feed refreshes of the dashboard (warm start; issue 15's 1M refresh)",
    )
    parser.add_argument("--queries", type=int, default=len(QUERIES))
    parser.add_argument("--focus-repeats", type=int, default=6)
    parser.add_argument("--faultline", action="store_true")
    parser.add_argument(
        "--filter-only",
        action="store_true",
        help="only the filter keystrokes, on a warm start (quick to iterate on)",
    )
    parser.add_argument("--results", type=Path, default=HERE / "results", help="output directory")
    parser.add_argument("--feed-events", type=int, default=10_000, help="events in the feed")
    args = parser.parse_args()
    RESULTS, DATA, FEED_EVENTS = args.results, args.results / "data", args.feed_events

    if args.child:
        _dump_tasks_on_signal()
        children = {"parse": child_parse, "start": child_start, "baseline": child_baseline}
        child = {**children, "cache": child_cache}[args.child]
        print("RESULT " + json.dumps(child(args)), flush=True)
        return
    if args.table:
        shown = json.loads(args.table.read_text())
        print(table(shown))
        if "startup" in shown:
            print()
            print(startup_table(shown["startup"]))
        return

    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    if args.million and "1m" not in sizes:
        sizes.append("1m")
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {', '.join(unknown)}; use {', '.join(SIZES)}")
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": machine(),
        "feed_events": FEED_EVENTS,
        "sizes": {},
    }
    one_part = args.reload_only or args.memory or args.refresh_only or args.filter_only
    if args.startup or not one_part:
        print(startup_table(bench_startup(args, results)), flush=True)
    if args.startup:
        sizes = []
    if sizes:
        compile_children()
    for size in sizes:
        if args.refresh_only:
            results["sizes"][size] = refresh_size(size, args)
            save(results)
            print(json.dumps(results["sizes"][size]["interactive"]["refresh"], indent=1))
            continue
        if args.filter_only:
            results["sizes"][size] = filter_size(size, args)
            save(results)
            continue
        if args.reload_only or args.memory:
            out: dict[str, Any] = {"events": SIZES[size]}
            results["sizes"][size] = out
            cache_root = Path(tempfile.mkdtemp(prefix="faultline-bench-"))
            only = memory_size if args.memory else reload_size
            try:
                if args.memory or args.reload_only:  # the bare baseline: how fast the host was
                    paths = [str(p) for p in data_paths(size)]
                    out["parse"] = run_child("parse", [*paths, "--repeats", "1"])
                only(size, args, out, cache_root / "cache")
            finally:
                shutil.rmtree(cache_root, ignore_errors=True)
            save(results)
            print(json.dumps(out, indent=1), flush=True)
            continue
        bench_size(size, args, results)
        print(table(results), flush=True)
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    save(results)
    if args.filter_only:
        return
    print()
    print(json.dumps(results["machine"]))
    if results["sizes"]:
        print(table(results))
    if "startup" in results:
        print()
        print(startup_table(results["startup"]))


if __name__ == "__main__":
    main()
