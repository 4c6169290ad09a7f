"""The Faultline dashboard application and ``run_dashboard``, which the CLI calls.

The app reads the dossier in a worker thread (the screen says "Loading…" meanwhile),
then hands the prepared ``Dossier`` to the dashboard screen. Hooks for the feed client:
``extra_layers`` (layers read after the local paths at start-up), ``action_refresh``
(the ``r`` key), ``show_dataset`` (swap in a new merge, keeping focus, filter and
cursors) and ``set_feed_state`` (the status line's feed text).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Iterable, Sequence

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ..core.config import Config
from ..core.merge import Dataset, Layer
from ..core.parsecache import ParsedCache
from .commands import GoToProvider
from .dashboard import DashboardScreen
from .dossier import Dossier, Ref, read_dossier


class FaultlineApp(App[int]):
    """Who disagrees with whom, about what, and since when."""

    CSS_PATH = "app.tcss"
    TITLE = "Faultline"
    COMMANDS = App.COMMANDS | {GoToProvider}
    BINDINGS = [
        Binding("question_mark", "help", "Help", tooltip="This list of keys"),
        Binding("r", "refresh", "Refresh", tooltip="Fetch the feeds again"),
        Binding(
            "w",
            "problems",
            "Warnings",
            show=False,
            tooltip="Rejected documents, unresolved references, removed characters",
        ),
        Binding("q", "quit", "Quit", tooltip="Quit Faultline"),
    ]

    def __init__(
        self,
        config: Config | None = None,
        *,
        data_paths: Sequence[Path | str] | None = None,
        dataset: Dataset | None = None,
        feed_urls: Sequence[str] = (),
        offline: bool = False,
    ) -> None:
        super().__init__()
        self.config = config if config is not None else Config()
        self.data_paths = [
            Path(p) for p in (data_paths if data_paths is not None else self.config.data_paths)
        ]
        self.initial_dataset = dataset
        # For the feed client: URLs given on the command line, and whether to stay offline.
        self.feed_urls = list(feed_urls)
        self.offline = offline
        self.feed_state = ""
        self.dossier: Dossier | None = None
        if not self.config.ui.animations:
            self.animation_level = "none"

    # -- start-up -------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return DashboardScreen()

    @property
    def dashboard(self) -> DashboardScreen:
        screen = self.screen_stack[0] if self.screen_stack else self.screen
        assert isinstance(screen, DashboardScreen)
        return screen

    def on_mount(self) -> None:
        theme = self.config.ui.theme
        if theme in self.available_themes:
            self.theme = theme
        else:
            where = f"{self.config.path}: " if self.config.path else ""
            self.notify(
                f"{where}ui.theme: unknown theme {theme!r}; using {self.theme}. "
                f"Known: {', '.join(sorted(self.available_themes))}",
                severity="warning",
                markup=False,
            )

    def dashboard_ready(self) -> None:
        """The dashboard screen is mounted and says "Loading…": read the dossier now."""
        self.prepare(self.initial_dataset)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dossier")
    def prepare(self, dataset: Dataset | None = None) -> Dossier:
        """Read (unless given) and arrange the dataset, off the UI thread."""
        return self.read() if dataset is None else Dossier(dataset)

    def read(self) -> Dossier:
        """Read the data paths and arrange them; runs in a worker thread.

        The feed client extends this to add its (cached) feed layers after the local ones.
        """
        cache = ParsedCache(self.config.cache_dir)
        return read_dossier(self.data_paths, self.extra_layers(), cache)

    def extra_layers(self) -> list[Layer]:
        """Layers read after the local data paths (feeds); none until feeds are wired."""
        return []

    def show_dataset(self, dataset: Dataset) -> Worker[Dossier]:
        """Show a new merged dataset (e.g. after a feed refresh), keeping where the analyst is."""
        return self.prepare(dataset)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "dossier":
            return
        if event.state == WorkerState.SUCCESS and isinstance(worker.result, Dossier):
            self.dossier = worker.result
            # A large dossier is hundreds of thousands of long-lived objects; without this
            # every cyclic collection rescans them all and each keystroke pays for it.
            gc.freeze()
            self.dashboard.show_dossier(worker.result)
            self._announce_problems(worker.result)
        elif event.state == WorkerState.ERROR:
            error = worker.error
            self.dashboard.show_loading(f"Could not load the dossier: {error}")
            self.notify(f"Could not load the dossier: {error}", severity="error", markup=False)

    def _announce_problems(self, dossier: Dossier) -> None:
        data = dossier.dataset
        errors, warnings = len(data.problems), len(data.unresolved)
        if errors:
            first = data.problems[0]
            self.notify(
                f"{errors} document problem(s); the rest loaded. First: {first}. Press w for all.",
                title="Some data was rejected",
                severity="error",
                timeout=12,
                markup=False,
            )
        elif warnings:
            self.notify(
                f"{warnings} unresolved reference(s). Press w to see them.",
                severity="warning",
                markup=False,
            )

    # -- actions --------------------------------------------------------------------------------

    def go_to(self, ref: Ref) -> None:
        """Focus the dashboard on ``ref`` (command palette "go to")."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.dashboard.go_to(ref)

    def action_refresh(self) -> None:
        """Fetch the feeds again. Without feeds there is nothing to fetch.

        The feed client overrides or replaces this: fetch in a worker, then call
        ``show_dataset`` with the new merge and set ``feed_state`` for the status line.
        """
        self.notify("No feeds configured", markup=False)

    def set_feed_state(self, text: str) -> None:
        """What the status line says about feeds (e.g. "2 feeds · updated 12:03")."""
        self.feed_state = text
        self.dashboard.render_status()

    def action_help(self) -> None:
        from .help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_problems(self) -> None:
        from .problems import ProblemsScreen

        if self.dossier is not None and not isinstance(self.screen, ProblemsScreen):
            self.push_screen(ProblemsScreen(self.dossier.dataset))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        dashboard = self.dashboard
        yield SystemCommand(
            "Stance matrix", "Actors × disagreements, current stances (m)", dashboard.action_matrix
        )
        yield SystemCommand("Filter", "Filter every pane as you type (/)", dashboard.action_filter)
        yield SystemCommand(
            "Back", "Step back along the breadcrumb (Backspace)", dashboard.action_back
        )
        yield SystemCommand("Clear focus", "Show everything again (Esc)", dashboard.action_clear)
        yield SystemCommand("Refresh", "Fetch the feeds again (r)", self.action_refresh)
        yield SystemCommand(
            "Warnings", "Rejected documents and unresolved references (w)", self.action_problems
        )
        yield SystemCommand("Help", "Every key binding (?)", self.action_help)


def run_dashboard(
    config: Config, *, data_paths: list[Path], feed_urls: list[str], offline: bool
) -> int:
    """Open the dashboard; returns the process exit code."""
    app = FaultlineApp(config, data_paths=data_paths, feed_urls=feed_urls, offline=offline)
    app.run()
    return app.return_code or 0


__all__ = ["FaultlineApp", "run_dashboard"]
