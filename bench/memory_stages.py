"""Peak RSS of each stage of a refresh and of a live reload, in the core alone (no UI).

    python bench/memory_stages.py bench/results/data/events-100k.toml \
        bench/results/data/feed-10000-2.json,bench/results/data/feed-10000-3.json
    python bench/memory_stages.py --cache /tmp/cache --reloads 0 bench/results/data/events-1m \
        bench/results/data/feed-10000-2.json,bench/results/data/feed-10000-3.json

The dossier (a copy) is read and arranged as the app does, then refreshed with the feed
documents in turn through ``relayer`` (as the merge worker does), then saved with one
event more and read again (``reread``, as the reload worker does: a child parses it)
and merged in. Each stage's peak comes from the kernel (``VmHWM``, reset before the
stage through ``/proc/self/clear_refs``); after each refresh or reload a full collection
and ``malloc_trim`` run, as the app's quiet collector does. Linux only.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.core.browse import read_arranged, relayer
from tui.core.gcpause import gc_paused
from tui.core.loading import read_bytes
from tui.core.merge import Layer
from tui.core.parsecache import ParsedCache
from tui.core.watch import reread


def status() -> dict[str, int]:
    """RSS now and at peak since the last reset, in MB."""
    with open("/proc/self/status") as file:
        return {
            line.split(":")[0]: int(line.split()[1]) // 1024
            for line in file
            if line.startswith(("VmRSS", "VmHWM"))
        }


def stage(label: str, work: Callable[[], Any]) -> Any:
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from now
    base = status()["VmRSS"]
    started = time.perf_counter()
    out = work()
    now = status()
    print(
        f"  {label:18} {time.perf_counter() - started:6.2f} s  RSS {base} -> "
        f"{now['VmRSS']} MB, peak {now['VmHWM']} MB (+{now['VmHWM'] - base})",
        flush=True,
    )
    return out


def settle() -> None:
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dossier", type=Path)
    parser.add_argument("feeds", help="comma-separated JSON feed documents, served in turn")
    parser.add_argument("--refreshes", type=int, default=3)
    parser.add_argument("--reloads", type=int, default=3)
    parser.add_argument(
        "--cache",
        type=Path,
        help="a parsed-data cache directory: read warm, as the dashboard starts (run twice)",
    )
    args = parser.parse_args()
    if (args.dossier.is_dir() or args.cache is not None) and args.reloads:
        # Reloads save the dossier: only a copy (a file), never the one --cache reads.
        parser.error("with a directory of parts (1M) or --cache: --reloads 0")
    scratch = Path(tempfile.mkdtemp(prefix="faultline-memory-stages-"))
    try:
        path = scratch / args.dossier.name
        original = scratch / "original.toml"
        if args.cache is not None:  # the dossier itself, as its cache entry names it
            path = args.dossier
        elif args.dossier.is_dir():
            shutil.copytree(args.dossier, path, copy_function=os.link)
        else:
            shutil.copyfile(args.dossier, path)
            shutil.copyfile(args.dossier, original)
        cache = None if args.cache is None else ParsedCache(args.cache)
        arranged = stage("read", lambda: read_arranged([path], cache=cache, defer=True))
        stage("indexes", arranged.complete)
        settle()
        print(f"arranged: RSS {status()['VmRSS']} MB", flush=True)
        feeds = args.feeds.split(",")
        for n in range(args.refreshes):
            body = Path(feeds[n % len(feeds)]).read_bytes()
            document = stage("feed parsed", lambda b=body: read_bytes(b, "feed", "json"))
            feed = Layer("feed", (document,), (), is_feed=True)
            local = [layer for layer in arranged.dataset.layers if not layer.is_feed]
            with gc_paused():
                arranged = stage(
                    "refresh merged",
                    lambda f=feed, lo=local, a=arranged: relayer(a.dataset, [*lo, f], previous=a)[
                        0
                    ],
                )
            document = feed = body = None
            settle()
            print(f" after refresh {n + 1}: RSS {status()['VmRSS']} MB", flush=True)
        for n in range(args.reloads):
            shutil.copyfile(original, path)
            with path.open("a") as file:
                file.write(f'\n[[events]]\nid = "saved-{n}"\ntitle = "Saved"\ndate = "2020"\n')
            shown = next(layer for layer in arranged.dataset.layers if not layer.is_feed)
            again = stage("read again", lambda s=shown: reread(path, s)[0])
            layers = [again if layer is shown else layer for layer in arranged.dataset.layers]
            with gc_paused():
                arranged = stage(
                    "reload merged",
                    lambda la=layers, a=arranged: relayer(a.dataset, la, previous=a)[0],
                )
            shown = again = layers = None
            settle()
            print(f" after reload {n + 1}: RSS {status()['VmRSS']} MB", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
