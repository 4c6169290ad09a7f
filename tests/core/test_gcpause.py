"""Large blocks freed go back to the system: what a refresh or a reload replaces (a
dossier's tables, indexes, row dicts) does not stay resident after the first time.

Measured in a fresh interpreter each (the setting is process-wide), on the resident size
the kernel reports: no timing."""

from __future__ import annotations

import platform
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc's allocator",
)

CHILD = textwrap.dedent(
    """
    import asyncio, ctypes, os, sys, tempfile
    from pathlib import Path

    if sys.argv[1] == "fixed":
        from tui.core.gcpause import return_large_blocks

        return_large_blocks()
    elif sys.argv[1] == "dashboard":  # the dashboard started and stopped, on a tiny dossier
        from tui.core.config import Config
        from tui.ui.app import FaultlineApp

        async def shown():
            where = Path(tempfile.mkdtemp())
            local = where / "local.toml"
            local.write_text('format = "faultline/1"\\n')
            app = FaultlineApp(Config(cache_dir=where / "cache", data_paths=(local,)))
            async with app.run_test():
                pass

        asyncio.run(shown())
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p

    def resident():
        with open("/proc/self/statm") as file:
            return int(file.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    # A large block freed once (as the first refresh frees the first dossier's tables).
    first = bytearray(16 << 20)
    del first
    # Then large blocks, each followed by a small one that outlives it (as a dossier's
    # containers are made among the entities that stay).
    blocks, small = [], []
    for _ in range(12):
        blocks.append(bytearray(5 << 20))
        small.append(libc.malloc(1024))
    before = resident()
    del blocks
    print(before - resident())
    """
)


def freed_mb(mode: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode], capture_output=True, text=True, check=True
    )
    return int(done.stdout) / 2**20


def test_large_blocks_freed_leave_the_resident_size() -> None:
    # 12 blocks of 5 MiB: 60 MB freed, and (nearly) all of it no longer resident.
    assert freed_mb("fixed") > 48
    # The dashboard sets this at start.
    assert freed_mb("dashboard") > 48
    # By default glibc keeps them (the heap only shrinks from its top, pinned here by
    # the small blocks), which is what the dashboard no longer does.
    assert freed_mb("default") < 10
