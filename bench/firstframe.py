"""One launch, timed to its first frame: the child behind ``bench/run.py --startup``.

    python bench/firstframe.py minimal LAUNCHED      # a minimal Textual app (one Static)
    python bench/firstframe.py faultline LAUNCHED    # `faultline` in the current directory

``LAUNCHED`` is the parent's ``time.monotonic()`` just before it started this process
(the clock is the system's, shared by both), so the figure includes the interpreter's own
start. Both apps run headless at the bench's terminal size, and their frames are timed as
``run.py``'s ``child_start`` times them: each frame is also rendered to escape codes, and
the first frame that shows the app's content (the ``Static``; Faultline's panes with
rows) ends the measure. Faultline is started the way the ``faultline`` command starts it
(``tui.cli`` reads the arguments and the configuration, then the app draws the dashboard).

This file imports only the standard library at the top, so that neither app pays for the
bench's own imports. Prints ``RESULT {json}`` and, with ``--modules``, the modules loaded
when the first frame was written (tests/ui/test_startup_imports.py asks for them). With
``--exit``, the process ends as that frame is written (``os._exit``), for a count of the
instructions to it (``run.py --startup --instructions`` runs it under callgrind).
"""

from __future__ import annotations

import time

ENTERED = time.monotonic()

import asyncio  # noqa: E402 - after the clock: both apps import it (Textual does)
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

SCREEN = (120, 40)  # run.py's SCREEN


def minimal() -> tuple[Any, Any]:
    """The app and a test of whether a frame shows its content."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Faultline")

    return Minimal(), lambda: True


def faultline(argv: list[str]) -> tuple[Any, Any]:
    """The app as ``faultline ARGV`` builds it, and whether its panes show rows."""
    from tui import cli
    from tui.core.gcpause import pause_start

    pause_start()  # as cli.main does first
    args = cli.build_parser(cli.config_in_use(argv), argv).parse_args(argv)
    config = cli.load_config(getattr(args, "config", None))

    from tui.ui.app import FaultlineApp, check_theme

    # As cli.cmd_dashboard and app.run_dashboard build it (run_test, not run, below).
    app = FaultlineApp(
        config,
        data_paths=cli.data_paths(args, config),
        feed_urls=getattr(args, "feed", None) or [],
        offline=getattr(args, "offline", False),
        watch=not getattr(args, "no_watch", False),
    )
    check_theme(config, app.available_themes)
    return app, lambda: app.arranged is not None and bool(app.dashboard.pane("events").rows)


def main() -> None:
    which, launched, *rest = sys.argv[1:]
    list_modules = "--modules" in rest
    exit_at_frame = "--exit" in rest
    argv = [a for a in rest if a not in ("--modules", "--exit")]
    app, shows_content = minimal() if which == "minimal" else faultline(argv)
    built = time.monotonic()
    first: list[float] = []
    cpu: list[float] = []  # the process's CPU time (user + system) at the first frame
    modules: list[str] = []
    display = app._display

    def timed_display(screen: Any, renderable: Any) -> None:
        if renderable is not None and hasattr(renderable, "render_segments"):
            renderable.render_segments(app.console)
        display(screen, renderable)
        if not first and shows_content():
            first.append(time.monotonic())
            usage = resource.getrusage(resource.RUSAGE_SELF)
            cpu.append(usage.ru_utime + usage.ru_stime)
            modules.extend(sorted(sys.modules))  # as the first frame is written
            if exit_at_frame:
                import os

                os._exit(0)  # nothing after the frame is counted

    app._display = timed_display

    async def run() -> None:
        async with app.run_test(headless=True, size=SCREEN):
            deadline = time.monotonic() + 120
            while not first:
                if app._exception is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"no first frame: {app._exception!r}")
                await asyncio.sleep(0.002)
            if list_modules:
                print("MODULES " + json.dumps(modules), flush=True)

    asyncio.run(run())
    result = {
        "launch_to_frame": first[0] - float(launched),
        "python_start": ENTERED - float(launched),
        "imports_and_build": built - ENTERED,
        "built_to_frame": first[0] - built,
        "cpu_to_frame": cpu[0],
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
