"""Helpers shared by the test modules (imported as ``helpers``, like ``feedserver``)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def run_faultline(
    workdir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tui`` in ``workdir`` as a person would, isolated from this machine:
    no proxy, no FAULTLINE_* or certificate variables from outside, the cache and the user
    config dir inside ``workdir``; ``env`` adds variables (a token, say)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if "proxy" not in k.lower()
        and not k.startswith("FAULTLINE_")
        and k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")
    }
    clean |= {
        "FAULTLINE_CACHE_DIR": str(workdir / "cache"),
        "XDG_CONFIG_HOME": str(workdir / "xdg"),  # no user config leaks in
    }
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=workdir,
        env=clean | (env or {}),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


async def until(pilot: Any, condition: Any, what: str, timeout: float = 10.0) -> None:
    """Bounded polling: let the app run until ``condition()`` holds, fail after ``timeout``.
    With no ``pilot`` (a test of the core's asyncio code, no app), the event loop runs."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await (pilot.pause(0.02) if pilot is not None else asyncio.sleep(0.005))


async def settle(app: Any, pilot: Any) -> None:
    """Wait for the app's workers (the dossier, a search), then for the screen to catch up."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def toasts(app: Any) -> str:
    """Every notification on screen, each message whole (the screen wraps them)."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))
