"""What the UI thread did during a stall (``BENCH_STALL_TRACE=1`` with bench/run.py).

A stall is a stretch in which the event loop ran none of its callbacks on time: either
one callback ran long on the UI thread (its own CPU time says so), or the UI thread
waited (for the interpreter, held by a worker thread in a long C call, or a
collection; or for a core, on a busy host). Installed in the measuring child, this
times every callback the event loop runs and every wait in ``select``, with the UI
thread's CPU time over each, and the messages each callback dispatched; the longest
are written to stderr at exit, with what the other threads were doing when the
stall ended (each thread's innermost frames, sampled by the UI thread as the stall
ends: the thread that held the interpreter is usually still in the same call).

Not a test and not imported by the app: a bench tool.
"""

from __future__ import annotations

import asyncio
import atexit
import itertools
import selectors
import sys
import threading
import time
import traceback
from typing import Any

SHOW = 12  # the longest this many slices are written
LONG = 0.03  # s: a slice this long also records the other threads' frames


class _Slice:
    __slots__ = ("cpu", "end", "kind", "messages", "others", "start", "what")

    def __init__(self, kind: str, what: str, start: float) -> None:
        self.kind, self.what, self.start = kind, what, start
        self.end = start
        self.cpu = 0.0
        self.messages: list[tuple[str, float, float]] = []
        self.others: list[str] = []


class StallTrace:
    def __init__(self) -> None:
        self.slices: list[_Slice] = []
        self.current: _Slice | None = None
        self.main = threading.get_ident()
        self.spans: list[tuple[str, str, float, float, float]] = []

    def install(self) -> None:
        trace = self
        run = asyncio.events.Handle._run

        def timed_run(handle: Any) -> None:
            if threading.get_ident() != trace.main:
                return run(handle)
            piece = _Slice("callback", _describe(handle), time.perf_counter())
            outer, trace.current = trace.current, piece
            cpu = time.thread_time()
            try:
                return run(handle)
            finally:
                trace.current = outer
                trace.close(piece, cpu)

        asyncio.events.Handle._run = timed_run  # type: ignore[method-assign]

        select = selectors.EpollSelector.select

        def timed_select(selector: Any, timeout: float | None = None) -> Any:
            if threading.get_ident() != trace.main:
                return select(selector, timeout)
            piece = _Slice("select", f"timeout {timeout}", time.perf_counter())
            cpu = time.thread_time()
            try:
                return select(selector, timeout)
            finally:
                # Waiting past the timeout: the interpreter or a core was not to be had.
                over = time.perf_counter() - piece.start - (timeout or 0)
                piece.what += f", over by {1000 * over:.0f} ms"
                trace.close(piece, cpu)

        selectors.EpollSelector.select = timed_select  # type: ignore[method-assign]

        from textual.message_pump import MessagePump

        dispatch = MessagePump._dispatch_message

        async def timed_dispatch(pump: Any, message: Any) -> Any:
            piece = trace.current
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return await dispatch(pump, message)
            finally:
                if piece is not None and threading.get_ident() == trace.main:
                    piece.messages.append(
                        (
                            f"{type(message).__name__} → {type(pump).__name__}",
                            time.perf_counter() - start,
                            time.thread_time() - cpu,
                        )
                    )

        MessagePump._dispatch_message = timed_dispatch  # type: ignore[method-assign]
        atexit.register(self.report)
        import subprocess

        from tui.core import browse, loading, splitparse
        from tui.ui import merger, reload

        self.watch(subprocess.Popen, "__init__", "Popen")
        self.watch(subprocess.Popen, "wait", "Popen.wait")
        self.watch(splitparse, "decode_document")
        self.watch(splitparse, "_joined")
        self.watch(loading.Unchanged, "__init__", "Unchanged()")
        self.watch(loading.Unchanged, "__call__", "Unchanged.__call__")
        self.watch(reload, "signature")
        self.watch(splitparse, "unpack_rows")
        self.watch(reload, "reread")
        self.watch(merger, "relayer")
        self.watch(browse.ChangeLog, "updated", "ChangeLog.updated")
        # The UI thread's part of a swap.
        from tui.core.alerts import SharedMarks
        from tui.ui.app import FaultlineApp
        from tui.ui.dashboard import DashboardScreen
        from tui.ui.watching import Watching

        for attribute in ("_apply", "_present", "_view", "_announce_state", "_marks_adopted"):
            self.watch(FaultlineApp, attribute, f"app.{attribute}")
        self.watch(DashboardScreen, "show_arranged", "dashboard.show_arranged")
        self.watch(DashboardScreen, "redraw_panes", "dashboard.redraw_panes")
        self.watch(Watching, "changed", "watchlist.changed")
        self.watch(SharedMarks, "_written", "marks._written")
        self.watch(browse.Arranged, "set_marks", "Arranged.set_marks")
        self.watch(browse.Arranged, "set_pins", "Arranged.set_pins")

    def close(self, piece: _Slice, cpu: float) -> None:
        piece.end = time.perf_counter()
        piece.cpu = time.thread_time() - cpu
        if piece.end - piece.start >= LONG:
            frames = sys._current_frames()
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in frames.items():
                if ident == self.main:
                    continue
                stack = traceback.extract_stack(frame)[-4:]
                where = " < ".join(
                    f"{f.name} ({f.filename.rsplit('/', 2)[-1]}:{f.lineno})"
                    for f in reversed(stack)
                )
                piece.others.append(f"{names.get(ident, ident)}: {where}")
        self.slices.append(piece)
        if len(self.slices) > 200_000:
            self.slices.sort(key=lambda s: s.end - s.start, reverse=True)
            del self.slices[SHOW * 10 :]

    def watch(self, owner: Any, attribute: str, name: str = "") -> None:
        """Time each call of ``owner.attribute`` in the worker threads too (wall and that
        thread's CPU): ``explain`` lists the calls that overlap a stall."""
        real = getattr(owner, attribute)
        label = name or f"{getattr(owner, '__name__', owner)}.{attribute}"
        spans = self.spans

        def timed(*a: Any, **k: Any) -> Any:
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return real(*a, **k)
            finally:
                spans.append(
                    (label, threading.current_thread().name, start, time.perf_counter(),
                     time.thread_time() - cpu)
                )  # fmt: skip

        setattr(owner, attribute, timed)

    def explain(self, start: float, end: float, label: str) -> None:
        """Write what the UI thread did from ``start`` to ``end`` (a stall the bench
        measured): every stretch over 2 ms in it, in order."""
        inside = [s for s in self.slices if s.end > start and s.start < end]
        print(f"STALL {label}: {1000 * (end - start):.0f} ms from {start:.3f}", file=sys.stderr)
        self._write([s for s in inside if s.end - s.start > 0.002])
        for name, thread, a, b, cpu in sorted(self.spans, key=lambda s: s[2]):
            if b > start and a < end:
                print(
                    f"    {thread}: {name} {1000 * (b - a):.0f} ms ({1000 * cpu:.0f} CPU),"
                    f" {1000 * (a - start):+.0f} ms to {1000 * (b - start):+.0f} ms",
                    file=sys.stderr,
                )

    def report(self) -> None:
        longest = sorted(self.slices, key=lambda s: s.end - s.start, reverse=True)[:SHOW]
        print(
            f"STALL TRACE: the {len(longest)} longest stretches of the UI thread", file=sys.stderr
        )
        self._write(longest)

    def _write(self, pieces: list[_Slice]) -> None:
        out = sys.stderr
        for piece in pieces:
            wall = 1000 * (piece.end - piece.start)
            print(
                f"  {wall:6.0f} ms wall, {1000 * piece.cpu:5.0f} ms UI CPU, at"
                f" {piece.start:.3f}: {piece.kind} {piece.what}",
                file=out,
            )
            for name, seconds, cpu in sorted(piece.messages, key=lambda m: -m[1])[:5]:
                print(f"      {1000 * seconds:6.0f} ms ({1000 * cpu:.0f} CPU) {name}", file=out)
            for other in piece.others:
                if "wait (threading.py" in other or "select (" in other:
                    continue
                print(f"      other thread: {other}", file=out)
        out.flush()


def _describe(handle: Any) -> str:
    callback = getattr(handle, "_callback", None)
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        coro = owner.get_coro()
        name = getattr(coro, "__qualname__", repr(coro))
        frame = getattr(coro, "cr_frame", None)
        return f"task {name}" + (f" @{frame.f_lineno}" if frame is not None else "")
    return getattr(callback, "__qualname__", repr(callback))


_TRACES: list[StallTrace] = []  # the one installed, if any


def install() -> StallTrace:
    trace = StallTrace()
    trace.install()
    _TRACES.append(trace)
    return trace


def explain(start: float, end: float, label: str) -> None:
    for trace in _TRACES:
        trace.explain(start, end, label)


def bare(seconds: float, worker: str) -> dict[str, float]:
    """The bare baseline for a stall: the longest gap of a 10 ms timer in an asyncio loop
    doing nothing else, for ``seconds`` (with ``worker``: beside a thread that runs pure
    Python, ``python``, or long C calls that hold the interpreter, ``c``, all along)."""
    stop = threading.Event()

    def busy() -> None:
        while not stop.is_set():
            if worker == "python":
                sum(i * i for i in range(10_000))
            else:
                sorted(range(300_000), key=int)  # one call holding the interpreter

    async def run() -> list[float]:
        ticks: list[float] = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            await asyncio.sleep(0.01)
            ticks.append(time.perf_counter())
        return ticks

    thread = threading.Thread(target=busy, daemon=True) if worker else None
    if thread is not None:
        thread.start()
    ticks = asyncio.run(run())
    stop.set()
    gaps = sorted(b - a - 0.01 for a, b in itertools.pairwise(ticks))
    return {
        "ticks": len(ticks),
        "longest_gap_ms": 1000 * gaps[-1],
        "p99_gap_ms": 1000 * gaps[int(0.99 * (len(gaps) - 1))],
        "p50_gap_ms": 1000 * gaps[len(gaps) // 2],
    }


class BareLoop:
    """The bare baseline beside a measured run: another process whose asyncio loop does
    nothing but a 10 ms timer, on the same host at the same time. Its longest gap in a
    window is what the host alone did to a timer then (perf_counter is the system's
    monotonic clock, the same in both processes)."""

    def __init__(self) -> None:
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, __file__, "--ticks"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.ticks: list[float] = []

    def stop(self) -> None:
        assert self.process.stdin is not None
        out, _ = self.process.communicate("", timeout=60)
        self.ticks = [float(t) for t in out.split()]

    def longest_gap(self, start: float, end: float) -> float:
        inside = [t for t in self.ticks if start <= t <= end]
        return max((b - a for a, b in itertools.pairwise([start, *inside])), default=0.0) - 0.01


def ticks_until_stdin_closes() -> None:
    """``--ticks``: a 10 ms timer's ticks until stdin closes, then each tick's time."""
    ticks: list[float] = []

    async def run() -> None:
        loop = asyncio.get_running_loop()
        closed = loop.run_in_executor(None, sys.stdin.read)
        while not closed.done():
            await asyncio.sleep(0.01)
            ticks.append(time.perf_counter())

    asyncio.run(run())
    sys.stdout.write("\n".join(f"{t:.6f}" for t in ticks))


if __name__ == "__main__":
    import argparse
    import json

    if sys.argv[1:] == ["--ticks"]:
        ticks_until_stdin_closes()
        sys.exit(0)
    parser = argparse.ArgumentParser(description="the bare baseline of a UI stall")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--worker", choices=("", "python", "c"), default="")
    parser.add_argument("--switch", type=float, default=0.005, help="sys.setswitchinterval")
    options = parser.parse_args()
    sys.setswitchinterval(options.switch)
    print(
        json.dumps(
            {
                "worker": options.worker,
                "switch": options.switch,
                **bare(options.seconds, options.worker),
            }
        )
    )
