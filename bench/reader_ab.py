"""The reader and the 100k start, this tree against another commit, in the same run.

    python bench/reader_ab.py                     # against main, four rounds
    python bench/reader_ab.py --base 2540c7e --rounds 6 --no-start
    python bench/reader_ab.py --base cfcef7b --rounds 8 --warm   # one cold start, then warm

Each round, alternating which tree goes first, runs in fresh processes:

* the bare ``tomli`` parse of the 100k dossier (CPU time: the host's speed);
* ``reader.read_toml`` of the same text, as a cold start's whole-document read does it
  (parse, checks, records; the garbage collector paused, as ``loading`` pauses it), in
  each tree (CPU time: what a busy host cannot share out);
* unless ``--no-start``: ``bench/run.py``'s cold and warm start children (this tree's
  timing code, each tree's ``tui``; bytecode cached as an installed package's): launch →
  first frame with rows, the CPU of the child and its own children, and the child's
  CPU to that frame (all its threads).

CPU times are steadier than clocks on a shared host; both are given, best and median.
The other tree is ``git archive``'d to a temporary directory and imported from there.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (bench/run.py: the generated data)

READ = r"""
import sys, time, tomli
from tui.core.gcpause import gc_paused
from tui.core.reader import read_toml
text = open(sys.argv[2], encoding="utf-8").read()
with gc_paused():
    start = time.process_time()
    tomli.loads(text) if sys.argv[1] == "tomli" else read_toml(text, "d", layer="d")
    print(time.process_time() - start)
"""


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def read_cpu(tree: Path, what: str, path: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree))
    done = subprocess.run(
        [sys.executable, "-c", READ, what, str(path)],
        env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(done.stdout)


def bare_parse(path: Path) -> float:
    """``run.py``'s bare tomli parse child (wall clock, collector on): its baseline."""
    env = run.child_env(dict(os.environ))
    done = subprocess.run(
        run.child_command("parse", [str(path), "--repeats", "1", "--launched", "0"]),
        env=env, cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[len("RESULT ") :])
            return float(result["tomli"])
    raise RuntimeError(f"parse child failed:\n{done.stderr[-2000:]}")


def start(
    tree: Path, path: Path, mode: str, cache: Path, state: str
) -> tuple[float, float, float | None]:
    """Launch → first frame, the CPU of the start child and its children, and the
    child's CPU to its first frame (None from a tree whose child does not say)."""
    env = dict(os.environ, PYTHONHASHSEED="0", FAULTLINE_STATE_DIR=state, PYTHONPATH=str(tree))
    env["FAULTLINE_CACHE_DIR"] = str(cache)
    env = run.child_env(env)  # bytecode cached, as an installed package's (each tree's own)
    # This tree's start child for both (the same timing code; ``tui`` is the tree's, from
    # the cwd and PYTHONPATH), imported, so not compiled again at each launch.
    extra = [str(path), "--mode", mode, "--launched", repr(time.monotonic())]
    command = run.child_command("start", extra)
    before = _cpu()
    done = subprocess.run(
        command, env=env, cwd=tree, capture_output=True, text=True, timeout=900, check=False
    )
    cpu = _cpu() - before
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[len("RESULT ") :])
            return result["launch_to_frame"], cpu, result.get("cpu_to_frame")
    raise RuntimeError(f"start child failed:\n{done.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="main", help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--no-start", action="store_true", help="only the reads")
    parser.add_argument("--warm", action="store_true", help="only the warm starts (no reads)")
    args = parser.parse_args()
    path = run.data_paths("100k")[0]
    scratch = Path(tempfile.mkdtemp(prefix="faultline-reader-ab-"))
    try:
        base = scratch / "base"
        base.mkdir()
        archive = subprocess.run(
            ["git", "archive", args.base], cwd=REPO, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
        trees = {args.base: base, "this tree": REPO}
        figures: dict[str, list[float]] = {}

        def add(name: str, value: float) -> None:
            figures.setdefault(name, []).append(value)

        for tree in trees.values():  # each tree's bytecode, written before any timing
            load = "import sys; sys.path.insert(0, sys.argv[1]); import run, tui.ui.app"
            load += ", tui.core.splitparse"  # (the reader, imported when first read)
            env = run.child_env(dict(os.environ, PYTHONPATH=str(tree)))
            subprocess.run([sys.executable, "-c", load, str(HERE)], env=env, cwd=tree,
                           check=True)  # fmt: skip
        for i in range(args.rounds):
            order = list(trees.items()) if i % 2 == 0 else list(trees.items())[::-1]
            add("bare tomli parse, CPU", read_cpu(REPO, "tomli", path))
            if args.warm:  # run.py's baseline too: what ``run.py --quick`` divides by
                add("bare tomli parse, wall (run.py's)", bare_parse(path))
            if not args.warm:
                for name, tree in order:
                    add(f"read_toml, CPU: {name}", read_cpu(tree, "read", path))
            if args.no_start:
                continue
            # A cold start needs an empty cache; with --warm, the first round's serves all.
            fresh = 0 if args.warm else i
            caches = {name: scratch / f"cache-{fresh}-{n}" for n, name in enumerate(trees)}
            modes = ("warm",) if args.warm and i else ("cold", "warm")
            for mode in modes:
                for name, tree in order:
                    wall, cpu, to_frame = start(tree, path, mode, caches[name], str(scratch))
                    add(f"{mode} start → frame: {name}", wall)
                    add(f"{mode} start, CPU: {name}", cpu)
                    if to_frame is not None:
                        add(f"{mode} start, CPU to the frame: {name}", to_frame)
            print(f"round {i + 1}/{args.rounds} done", flush=True)
        tomli = min(figures["bare tomli parse, CPU"])
        print(f"\n| 100k events ({args.rounds} rounds) | best | median | best ÷ bare tomli CPU |")
        print("|---|---:|---:|---:|")
        for name, values in figures.items():
            best, median = min(values), statistics.median(values)
            print(f"| {name} | {best:.3f} s | {median:.3f} s | {best / tomli:.2f}× |")
        walls = figures.get("bare tomli parse, wall (run.py's)")
        if walls:
            wall, middle = min(walls), statistics.median(walls)
            print(f"\n| warm start ÷ run.py's bare tomli parse ({wall:.2f} / {middle:.2f} s) "
                  "| best | median |\n|---|---:|---:|")  # fmt: skip
            for name, values in figures.items():
                if name.startswith("warm start → frame"):
                    best, median = min(values), statistics.median(values)
                    print(f"| {name} | {best / wall:.2f}× | {median / middle:.2f}× |")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
