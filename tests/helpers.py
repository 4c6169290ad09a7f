"""Helpers shared by the test modules (imported as ``helpers``, like ``feedserver``)."""

from __future__ import annotations

import asyncio
import os
import re
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
        "FAULTLINE_STATE_DIR": str(workdir / "state"),
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


async def move_to(pilot: Any, app: Any, pane: Any, ident: str) -> None:
    """Press j until the cursor of the dashboard's pane ``pane`` (a ``Kind``) is on
    ``ident``, as a person would."""
    rows = app.dashboard.pane(pane)
    for _ in range(50):
        if rows.ref is not None and rows.ref.id == ident:
            return
        await pilot.press("j")
    raise AssertionError(f"{ident} not reachable in {pane}")


async def settle(app: Any, pilot: Any) -> None:
    """Wait for the app's workers (the dossier, a search), then for the screen to catch up."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def shown(pilot: Any, app: Any) -> None:
    """Wait for the first dossier to be shown, and the frames after it."""
    await until(pilot, lambda: app.arranged is not None, "the first dossier")
    await pilot.pause()
    await pilot.pause()


async def select_actor(pilot: Any, app: Any, ident: str, limit: int = 20) -> None:
    """Put the actors pane's cursor on actor ``ident``, moving down as a person would."""
    from tui.core.browse import Ref
    from tui.core.model import Kind

    await pilot.press("1")
    for _ in range(limit):
        if app.dashboard.pane(Kind.ACTOR).ref == Ref(Kind.ACTOR, ident):
            return
        await pilot.press("j")
    raise AssertionError(f"actor {ident} not reached")


async def run_command(pilot: Any, app: Any, query: str, title: str) -> None:
    """Open the palette, type ``query``, wait for the command ``title`` to lead, run it."""
    from textual.command import CommandPalette

    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    await pilot.press(*query)
    palette = app.screen

    def first_hit() -> str:
        options = palette.query_one("CommandList").options
        return str(options[0].prompt) if options else ""

    await until(pilot, lambda: first_hit().startswith(title), f"the command {title!r}")
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette")
    await pilot.pause()


def toasts(app: Any) -> str:
    """Every notification on screen, each message whole (the screen wraps them)."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


# docs/format.md, the data format in our words: its fenced examples, each marked
# "# example: valid" or "# example: invalid" on its first line.
FORMAT_DOC = Path(__file__).resolve().parents[1] / "docs" / "format.md"
FORMAT_TEXT = FORMAT_DOC.read_text(encoding="utf-8")
VALID = "# example: valid"
INVALID = "# example: invalid"
_BLOCK = re.compile(r"^```(toml|json)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def doc_blocks(language: str) -> list[tuple[int, str]]:
    """(line number, body) of each fenced block of ``language`` in docs/format.md."""
    return [
        (FORMAT_TEXT.count("\n", 0, m.start()) + 1, m.group(2))
        for m in _BLOCK.finditer(FORMAT_TEXT)
        if m.group(1) == language
    ]


def doc_examples(marker: str) -> list[Any]:
    """The TOML examples of docs/format.md marked ``marker``, as pytest params."""
    import pytest

    return [
        pytest.param(body, id=f"format.md:{line}")
        for line, body in doc_blocks("toml")
        if body.splitlines()[0].strip() == marker
    ]


IMPORT_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
# A small dossier whose stances move over the years (Venezuela's in 2025), for time
# travel, "since" and diff.
MOVEMENT = Path(__file__).resolve().parent / "fixtures" / "movement.toml"


def import_rows(source: str, *inputs: object, **options: Any) -> tuple[Any, Any, list[str]]:
    """Run an importer in this process, as ``faultline import`` does: the document built, the
    tally of rows, and each bad-row line reported. ``options`` are ``Options`` fields, and
    ``max_size``, the cap on a download."""
    from tui.core.importers import Options, Tally, import_files

    reported: list[str] = []
    max_size = options.pop("max_size", 10_000_000)
    tally = Tally(strict=options.get("strict", False), report=reported.append)
    imported = import_files(
        source, [str(i) for i in inputs], Options(**options), tally, max_size=max_size,
        timeout=10.0,
    )  # fmt: skip
    return imported, tally, reported
