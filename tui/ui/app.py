"""The Faultline dashboard application and ``run_dashboard``, which the CLI calls.

The app reads the dossier, local data paths first and then the cached copy of every
feed, in a worker thread (the screen says "Loading… reading …" meanwhile), or a small
one at once, before the first frame (``READ_AT_ONCE``), and hands
the arranged dataset (``core.browse.Arranged``) to the dashboard screen. Then it
refreshes the feeds in the background through one ``FeedClient`` that lives as long as
the app, driven by a ``FeedRefresher`` (refresh.py); each new dossier is swapped in
keeping focus, filter and cursors. Entities a refresh added or changed are marked until
selected. Workers report back in typed messages (``DatasetArranged``, ``LoadFailed``,
``IndexesReady``, and refresh.py's ``MergeFinished``), each handled in its ``on_`` method.

Hooks: ``extra_layers`` (layers read after the local paths at start-up), ``action_refresh``
(the ``r`` key), ``show_dataset`` (swap in a new merge, keeping focus, filter and
cursors) and ``set_feed_state`` (the status line's feed text).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from rich.console import RenderableType
from textual import events, work
from textual._compositor import CompositorUpdate
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, get_current_worker

from ..core.browse import Arranged, ChangeLog, LogState, Ref, read_arranged
from ..core.capture import capture_file, covering
from ..core.changes import CHANGED_MARK, NEW_MARK, Changes, UnseenChanges
from ..core.config import Config, ConfigError, FeedConfig
from ..core.dates import EDate
from ..core.gcpause import end_start_pause, gc_paused, release_free_memory, return_large_blocks
from ..core.loading import size_within
from ..core.merge import Dataset, Layer
from ..core.model import Kind
from ..core.notes import LAST, VIEW_NAME, clean_note
from ..core.parsecache import ParsedCache
from ..core.problems import shorten
from ..core.text import counted, sanitise
from ..core.userstate import load_since, save_since
from . import keys
from .collector import QuietCollector
from .dashboard import ORDER, TAB_LABELS, DashboardScreen, ReturnToNow
from .glyphs import cells
from .keygate import KeyBarrier, KeyGate
from .merger import MergeFinished, Merger
from .movement import travel_refusal
from .reload import DataFilesChanged, DataFilesRead, DataReloader
from .watching import (
    AlertsSeen,
    MarksWritten,
    PinsChanged,
    SaveView,
    TogglePin,
    Watching,
    WriteNote,
)
from .wire import Wire, Written

if TYPE_CHECKING:  # imported where used: only an app with feeds needs them (and httpx)
    from textual.command import Provider

    from ..core.alerts import Alert
    from ..core.feeds import FeedClient
    from .capture import CaptureWritten, RecordEvent, RecordStance
    from .commands import GoTo
    from .refresh import CacheChecked, FeedRefresher, FeedsChanged

# A load quicker than this (a cached dossier) shows no progress lines: each one costs
# a redraw while the loading thread is at work.
PROGRESS_AFTER = 0.4


class LoadProgress(Message):
    """What the loading worker is doing ("reading data/x.toml (3 of 5)")."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class DatasetArranged(Message):
    """The loading worker has read (or been given) and arranged the dataset."""

    def __init__(self, arranged: Arranged) -> None:
        super().__init__()
        self.arranged = arranged


class LoadFailed(Message):
    """The loading worker could not read the dossier."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class IndexesReady(Message):
    """The search and relation indexes are built and the parsed-data cache written."""


def go_to_provider() -> type[Provider]:
    """The palette's go-to commands, imported when the palette first opens: the first
    frame does not need them (tests/ui/test_startup_imports.py)."""
    from .commands import GoToProvider

    return GoToProvider


_Handler = TypeVar("_Handler", bound=Callable[..., None])


def while_open(handler: _Handler) -> _Handler:
    """For a message a worker, a thread or a timer posts: skipped once the app is closing.
    Such a message can still arrive after the screens are gone (the dashboard's widgets
    removed), and would end the session in a traceback on quit."""

    @wraps(handler)
    def guarded(app: FaultlineApp, *args: Any) -> None:
        # Not running: shutting down (Textual's _shutdown clears it first, then removes
        # the screens' widgets, while queued messages are still handled).
        if app.is_running and app.screen_stack:
            handler(app, *args)

    return cast(_Handler, guarded)


class FaultlineApp(App[int]):
    """Who disagrees with whom, about what, and since when."""

    # The dashboard's styles. The other screens' (screens.tcss) are read when the first of
    # them opens (``push_screen``), so the first frame parses and matches only these.
    CSS_PATH = "app.tcss"
    SCREENS_CSS = Path(__file__).with_name("screens.tcss")
    TITLE = "Faultline"
    COMMANDS = App.COMMANDS | {go_to_provider}
    BINDINGS = keys.APP
    # Seconds between looks at the state file for what another dashboard or a cron
    # `faultline fetch` changed (a stat; the file is read only when it changed).
    STATE_SYNC = 20.0
    # A dossier whose files total at most this many bytes is read before the first frame,
    # which shows it (about 15 ms to parse 256 KiB of TOML, less from the parsed-data
    # cache): no "Loading…" frame, no worker round trip. A larger one, or one with feeds,
    # is read in a worker while the dashboard says what it reads.
    READ_AT_ONCE = 256 * 1024

    def __init__(
        self,
        config: Config | None = None,
        *,
        data_paths: Sequence[Path | str] | None = None,
        dataset: Dataset | None = None,
        feed_urls: Sequence[str] = (),
        offline: bool = False,
        watch: bool = True,
        view: str | None = None,
        fresh: bool = False,
    ) -> None:
        super().__init__()
        self.config = config if config is not None else Config()
        # For the feed client: URLs given on the command line, and whether to stay offline.
        self.feed_urls = list(feed_urls)
        self.data_paths = (
            [Path(p) for p in data_paths]
            if data_paths is not None
            else self.config.local_paths(feed_urls=self.feed_urls)
        )
        self.initial_dataset = dataset
        self.offline = offline
        # Raises FaultlineError for an unusable --feed URL (the CLI reports it).
        self.feeds: list[FeedConfig] = []
        if self.config.feeds or self.feed_urls:
            # Only then: the feed client and httpx take 30 ms to import, a tenth of a
            # warm start.
            from ..core.feeds import feeds_from

            self.feeds = feeds_from(self.config, self.feed_urls)
        # The watchlist, the alerts log and the unseen marks: the user's state file, shared
        # with other dashboards and `faultline fetch`, kept across restarts.
        self.watchlist = Watching(self, self.config)
        self.unseen: UnseenChanges = self.watchlist.marks
        self.watchlist.marks.on_adopt = self._marks_adopted
        # The view shown once the first dossier is: one named (--view), else the last
        # state (unless --fresh); None once done.
        self.opening: str | None = view if view is not None else (None if fresh else LAST)
        self.change_log = ChangeLog()
        self.feed_client: FeedClient | None = None
        self.refresher: FeedRefresher | None = None  # with the client
        # Re-merges (new feed copies, data files saved) and the watcher of the data files.
        self.merger = Merger(self, self.change_log, self._shown)
        self.merger.unseen = lambda: self.unseen
        self.watching = watch and self.config.data_watch != "off" and dataset is None
        self.reloader: DataReloader | None = None
        # Where the forms (s, n) record facts: a loaded layer once it exists.
        self.capture_path = capture_file(self.config.capture, self.data_paths)
        if (
            dataset is None
            and self.capture_path.is_file()
            and covering(self.capture_path, self.data_paths) is None
        ):
            self.data_paths.append(self.capture_path)
        self.feed_state = ""
        self.arranged: Arranged | None = None
        # Time travel (t): the date every view stands at, None for now; and the "since"
        # date (T) whose moves the views show, remembered across restarts (userstate.py).
        self.as_of: EDate | None = None
        self.since, self._since_warning = load_since()
        # Entities refreshes added or changed that the analyst has not selected yet, and
        # everything the session's refreshes changed (for the changes view and detail).
        self.parsed_cache: ParsedCache | None = None
        self._cache_warnings: set[str] = set()  # said once each (see _announce_cache)
        self._load_started = time.monotonic()
        self._progress_text = ""
        self._progress_timer: Timer | None = None
        # Why the first dossier could not be loaded (shown instead of the panes, and by w).
        self.load_error: str | None = None
        # Full garbage collections wait for a quiet moment (see collector.py).
        self.collector = QuietCollector(self.set_timer, busy=self._busy)
        # The screen as the terminal shows it: each frame writes only what changed (wire.py).
        self.wire = Wire()
        # Keys typed ahead (a slow link hands them over in bursts) go where they would have
        # gone typed one by one (keygate.py).
        self.keygate = KeyGate(self, self._deliver)
        if not self.config.ui.animations or self.low_bandwidth:
            self.animation_level = "none"

    # -- start-up -------------------------------------------------------------------------------

    @property
    def low_bandwidth(self) -> bool:
        """``ui.bandwidth = "low"`` or ``--low-bandwidth``: the slowest links."""
        return self.config.ui.bandwidth == "low"

    def get_default_screen(self) -> Screen[None]:
        return DashboardScreen(
            config_label=config_label(self.config),
            unseen=self.unseen,
            alerts=lambda: self.watchlist.unseen_alerts,
            low_bandwidth=self.low_bandwidth,
            ready=self._dashboard_ready,
        )

    def push_screen(
        self,
        screen: Screen[Any] | str,
        callback: Any = None,
        wait_for_dismiss: bool = False,
        *,
        mode: str | None = None,
    ) -> Any:
        """Every other screen opens here: its styles are read first, once (screens.tcss).

        Added as a source, not as a screen's ``CSS_PATH``: Textual then parses that file
        alone (the others' parsed rules are cached) and restyles nothing already shown,
        where a screen's own CSS makes it parse every stylesheet again and restyle every
        widget (20-40 ms). The rules keep app.tcss's precedence: a file of the app's."""
        path = str(self.SCREENS_CSS)
        if not self.stylesheet.has_source(path):
            css = self.SCREENS_CSS.read_text(encoding="utf-8")
            self.stylesheet.add_source(css, read_from=(path, ""))
        if wait_for_dismiss:
            return super().push_screen(screen, callback, True, mode=mode)
        return super().push_screen(screen, callback, False, mode=mode)

    @property
    def dashboard(self) -> DashboardScreen:
        screen = self.screen_stack[0] if self.screen_stack else self.screen
        assert isinstance(screen, DashboardScreen)
        return screen

    def on_load(self) -> None:
        # Full collections wait for quiet moments from the very start (collector.py).
        # Started once the first dossier was shown, as before, a full collection could
        # fall in start-up, walking a dossier handed in (``dataset=``) before it was
        # frozen: 150-180 ms before the first frame at 100,000 events (bench/README.md).
        # Nothing is owed until input comes or a refresh lands, and an owed collection
        # waits while the dossier is being read (``_busy``), so none walks it unfrozen.
        self.collector.start()
        # Before the dossier is read: its large blocks are then unmapped when freed.
        return_large_blocks()

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        # Textual writes every cell of every region it repainted; the wire writes only
        # the cells that changed on the terminal (wire.py). Headless runs (tests,
        # screenshots) and a held-back (batched) frame go through untouched.
        driver = self._driver
        if (
            isinstance(renderable, CompositorUpdate)
            and self.wire.working
            and self._running
            and not self._closed
            and not self._batch_count
            and not self.is_headless
            and driver is not None
            and not driver.is_inline
        ):
            try:
                text = self.wire.update(renderable, self.size, self.console)
            except Exception:  # noqa: BLE001 - see below: frames are never lost to the wire
                # The wire reads the frames' parts (textual._compositor); were a Textual
                # release to change them, frames go out whole, as Textual writes them,
                # rather than the dashboard failing. tests/ui/test_wire.py would say so.
                self.wire.working = False
                text = None
            if text == "":
                return  # nothing on the terminal changes: not one byte
            if text is not None:
                renderable = Written(text)
        super()._display(screen, renderable)

    def action_redraw(self) -> None:
        """Ctrl+L: write the whole screen again (a terminal garbled by line noise)."""
        self.wire.forget()
        self.screen.refresh()

    def on_mount(self) -> None:
        if self._since_warning:
            self.notify(self._since_warning, severity="warning", markup=False, timeout=15)
        self.screen_change_signal.subscribe(
            self, lambda _screen: self.keygate.screen_changed(), immediate=True
        )
        # Back from a suspended session (the editor): the terminal shows something else.
        self.app_resume_signal.subscribe(self, lambda _app: self.wire.forget())
        for warning in self.config.warnings:  # keys of ./config.toml that were not honoured
            self.notify(warning, severity="warning", markup=False, timeout=15)
        self._announce_state()
        self.set_interval(self.STATE_SYNC, self._sync_state)
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

    def _dashboard_ready(self) -> None:
        """The dashboard screen is mounted, its first frame not yet drawn: read the dossier
        now, a small one at once (``READ_AT_ONCE``), any other in a worker while the
        dashboard says "Loading…"."""
        if self.feeds and self.feed_client is None:
            # One client for the app's life. Constructing it touches neither disk nor network.
            from ..core.feeds import FeedCache, FeedClient
            from .refresh import FeedRefresher

            cache = FeedCache(self.config.cache_dir)
            self.feed_client = FeedClient(self.feeds, cache, offline=self.offline)
            self.refresher = FeedRefresher(
                self, self.feed_client, self.change_log, self._shown, self.merger
            )
        if self.reloader is None:
            # Before the data is read: the watcher notes each file as it is now, so a save
            # made while the dossier loads is merged in once it is shown.
            self.reloader = DataReloader(
                self,
                self.merger,
                self.data_paths if self.initial_dataset is None else [],
                mode=self.config.data_watch,
                max_size=self.config.data_max_size,
                watch=self.watching,
            )
        self._load_started = time.monotonic()
        if self._small():
            self._read_at_once()
        else:
            self.prepare(self.initial_dataset, first=True)

    def _small(self) -> bool:
        """Local data files only (no feed copies, no dataset handed in), of at most
        ``READ_AT_ONCE`` bytes in all."""
        return (
            self.feed_client is None
            and self.initial_dataset is None
            and size_within(self.data_paths, self.READ_AT_ONCE)
        )

    def _read_at_once(self) -> None:
        """Read and arrange a small dossier on the UI thread, before the first frame, which
        then shows it: a few milliseconds, where the worker would cost a "Loading…" frame
        and a round trip. The indexes are still built after that frame (``_complete``)."""

        def progress(text: str) -> None:
            self._progress_text = text  # where it failed, if it does

        try:
            arranged = self._arrange(None, True, progress)
        except Exception as error:  # noqa: BLE001 - shown to the user, as the worker's are
            self._failed(error)
            return
        self._arranged(arranged)

    def _busy(self) -> bool:
        """A refresh is being fetched or merged, or a dossier read."""
        return (
            (self.refresher is not None and self.refresher.busy)
            or self.merger.merging
            or (self.reloader is not None and self.reloader.busy)
            or any(
                w.is_running
                for w in self.workers
                if w.group in ("load", "feeds", "merge", "reload")
            )
        )

    def _shown(self) -> Arranged | None:
        return self.arranged

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.collector.touched()
        if isinstance(event, (events.Key, events.Paste, events.MouseEvent)) and (
            not event.is_forwarded
        ):
            # In the order typed or clicked, each once the keys before it were handled
            # (keygate.py).
            await self.keygate.route(event)
            return
        await super().on_event(event)

    async def _deliver(self, event: events.Event) -> None:
        """A key or paste routed as Textual does: priority bindings, else to the focus."""
        await super().on_event(event)

    async def on_key_barrier(self, barrier: KeyBarrier) -> None:
        await self.keygate.arrived(barrier)

    def exit(
        self,
        result: int | None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        """Quit (q, Ctrl+Q), keeping what was shown for the next start (unless --fresh)."""
        # The marks written, and the alerts a last refresh raised delivered (the state
        # writer's answer would come after the app has stopped handling messages).
        self.watchlist.settle()
        if self.arranged is not None and self.screen_stack:
            self.watchlist.save_view(LAST, self.dashboard.snapshot())
        super().exit(result, return_code, message)

    async def on_unmount(self) -> None:
        self.watchlist.marks.close()  # what is left of the marks, written
        self.collector.stop()
        if self.reloader is not None:
            self.reloader.stop()
        if self.refresher is not None:
            self.refresher.stop_timer()
        client, self.feed_client = self.feed_client, None
        if client is not None:
            await client.aclose()

    def prepare(self, dataset: Dataset | None = None, *, first: bool = False) -> Worker[None]:
        """Read (unless given) and arrange the dataset, off the UI thread, with the cyclic
        collector paused: arranging builds hundreds of thousands of objects.

        The dataset is handed over in a list the worker empties, and the worker returns
        nothing (``DatasetArranged`` carries the result): a finished worker outlives its
        work (until a full collection frees it and its task; while the thread that ran it
        keeps it as its current worker; and the first one for good, frozen below), so it
        must hold no dossier. Every thread worker given a dossier does the same."""
        return self._prepare([dataset], first=first)

    # A description, or Textual describes the worker by repr() of its arguments: for a
    # 100,000-event dataset that took a second on the UI thread.
    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="load",
        description="read the data and arrange it",
    )
    def _prepare(self, box: list[Dataset | None], *, first: bool = False) -> None:
        """``prepare``'s worker: ``box`` holds the dataset to arrange (None: read it).

        The first time, what was built is frozen (``gc.freeze``) before the collector
        resumes: a large dossier is hundreds of thousands of long-lived objects, and
        otherwise the collector would walk them all (a quarter of a second at 100,000
        events, holding the interpreter) as soon as it ran again, and at every full
        collection after. Only once: freezing at each refresh would also freeze the
        widgets replaced meanwhile, whose cycles the collector could then never free. A
        refresh reuses the unchanged entities, which stay frozen. The search and
        relation indexes are left for after the first frame (``_complete``). Posts
        ``DatasetArranged`` (or ``LoadFailed``).
        """
        try:
            arranged = self._arrange(box.pop(), first)
        except Exception as error:  # noqa: BLE001 - shown to the user as LoadFailed
            if not get_current_worker().is_cancelled:
                self.post_message(LoadFailed(error))
            return
        if not get_current_worker().is_cancelled:  # a newer one replaced it (exclusive)
            self.post_message(DatasetArranged(arranged))

    def _arrange(
        self,
        dataset: Dataset | None,
        first: bool,
        progress: Callable[[str], None] | None = None,
    ) -> Arranged:
        with gc_paused():
            if dataset is None:
                # The first time, parsed documents are written to the cache after the
                # first frame (see _complete), not before it.
                cache = self.parsed_cache = ParsedCache(self.config.cache_dir, defer=first)
                arranged = read_arranged(
                    self.data_paths,
                    self.extra_layers,
                    cache,
                    progress=progress or self._progress,
                    defer=first,
                    max_size=self.config.data_max_size,
                    measure=cells,
                )
            else:
                arranged = Arranged(dataset, defer=first, measure=cells)
            if first:
                gc.freeze()
            return arranged

    @work(thread=True, exit_on_error=False, group="index", description="index the arranged view")
    def _complete(self, box: list[Arranged]) -> None:
        """Build what the first frame did not need: search and relation indexes; then
        write the parsed-data cache for documents that were parsed afresh. The arranged
        view comes in a list emptied here (see ``prepare``)."""
        arranged = box.pop()
        with gc_paused():
            arranged.complete()
        if self.parsed_cache is not None:
            self.parsed_cache.flush(arranged.events)  # (sorted: each document's order in it)
        # What reading and parsing left behind (the parsed tables of a large document are
        # hundreds of megabytes, freed by now) goes back to the system.
        release_free_memory()
        self.post_message(IndexesReady())

    def extra_layers(self) -> list[Layer]:
        """Layers read after the local data paths: each feed's cached copy (no network)."""
        client = self.feed_client
        if client is None:
            return []
        if self.arranged is not None:  # a reload: the copies in use (r fetches new ones)
            return client.layers()
        count = len(client.feeds)
        self._progress(f"reading {counted(count, 'cached feed copy', 'cached feed copies')}")
        client.load_cached()
        return client.layers()

    def _progress(self, text: str) -> None:
        # Called from the loading thread; post_message is safe from any thread.
        self.post_message(LoadProgress(text))

    @while_open
    def on_load_progress(self, message: LoadProgress) -> None:
        # Each new line redraws the screen, on the UI thread, while the loading thread
        # needs the interpreter: a quick (cached) load says nothing until it has taken
        # PROGRESS_AFTER seconds, and then shows where it has got to.
        if self.arranged is not None or self.load_error is not None:
            return
        self._progress_text = message.text
        waited = time.monotonic() - self._load_started
        if waited >= PROGRESS_AFTER:
            self.dashboard.show_loading(f"Loading… {message.text}")
        elif self._progress_timer is None:
            self._progress_timer = self.set_timer(PROGRESS_AFTER - waited, self._show_progress)

    def _show_progress(self) -> None:
        self._progress_timer = None
        if self.arranged is None and self.load_error is None and self._progress_text:
            self.dashboard.show_loading(f"Loading… {self._progress_text}")

    def show_dataset(self, dataset: Dataset) -> Worker[None]:
        """Show a new merged dataset (e.g. after a feed refresh), keeping where the analyst is."""
        return self.prepare(dataset)

    @while_open
    def on_indexes_ready(self) -> None:
        self._announce_cache()  # the parsed-data cache was written just now
        self.dashboard.indexes_ready()  # the months are counted, relations indexed
        if self.as_of is not None:
            # A time-travel view copied before the indexes were built: copy them now, or
            # it would build its own on the UI thread when first filtered.
            self._show_view()

    @while_open
    def on_dataset_arranged(self, message: DatasetArranged) -> None:
        self._arranged(message.arranged)

    def _arranged(self, arranged: Arranged) -> None:
        first = self.arranged is None
        if first:
            # The start-up is over once the frame showing the dossier is drawn
            # (gcpause.pause_start); before the indexes are built, which pause it anyway.
            self.call_after_refresh(end_start_pause)
        self.merger.forget_local()  # every data path was read just now
        self._present(arranged)
        self._announce_problems(arranged)
        self._announce_cache()
        if first:
            if self.reloader is not None:
                # Once the frame showing the dossier is drawn: the watcher's threads import
                # watchfiles (and set their watches) while that frame is composed
                # otherwise. Nothing saved meanwhile is missed: each file's state was
                # noted before it was read, and a starting watcher checks against it.
                self.call_after_refresh(self.reloader.start)
            if self.refresher is not None:
                self.refresher.changed()
                self.refresher.start()

    @while_open
    def on_load_failed(self, message: LoadFailed) -> None:
        self._failed(message.error)

    def _failed(self, error: BaseException) -> None:
        """Say what failed and where. A dossier already shown stays (a reload or refresh
        failed); with none, the dashboard shows the error instead of "Loading…", and w
        and q still work."""
        where, _ = sanitise(
            self._progress_text or "reading " + ", ".join(map(str, self.data_paths))
        )
        reason, _ = sanitise(describe(error))
        text = f"Could not load the dossier while {where}: {reason}"
        if self.arranged is not None:
            self.notify(f"{text}. The dossier shown is kept.", severity="error", markup=False)
            return
        self.load_error = text
        self.call_after_refresh(end_start_pause)  # as when the dossier is shown
        if self._progress_timer is not None:
            self._progress_timer.stop()
            self._progress_timer = None
        self.dashboard.show_load_error(where, reason)
        self.notify(text, severity="error", markup=False)

    def _present(self, arranged: Arranged, marked: UnseenChanges | None = None) -> None:
        """Show ``arranged`` with this session's change log and unseen marks (``marked``:
        those its rows were marked with already, in the merge worker)."""
        arranged.log = self.change_log
        if marked is None or not self.unseen.same(marked):  # (seen or adopted meanwhile)
            arranged.set_marks(self.unseen)
        arranged.set_pins(self.watchlist.pins())
        arranged.notes = self.watchlist.notes
        self.arranged = arranged
        self.dashboard.show_arranged(self._view(arranged))
        if self.opening is not None:
            name, self.opening = self.opening, None
            self.call_after_refresh(self.open_view, name, quiet=name == LAST)
        if arranged.needs_completing and not arranged.completed:  # its indexes
            # Once the frame showing it is drawn: started now, the indexing thread would
            # hold the interpreter while that frame is composed (50-100 ms at 100k).
            self.call_after_refresh(self._complete, [arranged])
        elif arranged.needs_completing:  # a refresh's search text
            # Once the frame after that one is drawn too: the dashboard draws the detail
            # and the activity strip in it (see DashboardScreen.show_arranged), and a
            # thread writing the text beside them (a few hundred ms at a million events)
            # takes the interpreter from the UI thread every few ms, which made those
            # frames twice as long (the longest stall of a refresh). Until it is written
            # the filter tests the keys, with the same answers.
            self.call_after_refresh(self.call_after_refresh, self._complete, [arranged])

    # -- feeds ----------------------------------------------------------------------------------

    def _announce_cache(self) -> None:
        """Say once why a cache dir is not used (the data loads all the same, unsaved)."""
        caches = (self.parsed_cache, self.feed_client.cache if self.feed_client else None)
        for cache in caches:
            warning = cache.warning if cache is not None else None
            if warning and warning not in self._cache_warnings:
                self._cache_warnings.add(warning)
                self.notify(
                    warning, title="Cache not used", severity="warning", timeout=20, markup=False
                )

    @while_open
    def on_cache_checked(self, message: CacheChecked) -> None:
        self._announce_cache()

    @while_open
    def on_merge_finished(self, message: MergeFinished) -> None:
        merger = self.merger
        if merger.merged(message):
            assert message.arranged is not None and message.changes is not None
            self._apply(
                message.arranged,
                message.changes,
                message.log or ({}, ()),
                message.replaced,
                message.marked,
            )
        merger.merge_if_owed()

    @while_open
    def on_data_files_changed(self, message: DataFilesChanged) -> None:
        if self.reloader is not None:
            self.reloader.changed(message.paths)

    @while_open
    def on_data_files_read(self, message: DataFilesRead) -> None:
        if self.reloader is not None:
            self.reloader.read(message)

    def _follow(self, screens: Sequence[Screen[Any]], arranged: Arranged) -> None:
        """The screens open over the dashboard show the new dossier."""
        from .alignment import AlignmentScreen
        from .changes import ChangesScreen
        from .matrix import MatrixScreen
        from .watchscreens import AlertsScreen

        for screen in screens:
            if isinstance(screen, ChangesScreen):
                screen.reload()
            elif isinstance(screen, (MatrixScreen, AlignmentScreen)):
                screen.show_arranged(self.dashboard.arranged or arranged)
            elif isinstance(screen, AlertsScreen):
                screen.reload()

    def _apply(
        self,
        arranged: Arranged,
        changes: Changes,
        log: LogState,
        replaced: Sequence[Layer] = (),
        marked: UnseenChanges | None = None,
    ) -> None:
        if changes:
            self.watchlist.changed(changes, self._alerted)
        self._announce_state()
        self.change_log.adopt(log)
        self._present(arranged, marked)
        self.collector.owe()  # the replaced dossier's objects, once the analyst is quiet
        opened = self.screen_stack[1:]  # over the dashboard; none most of the time
        if opened:  # (so a refresh does not import the screens' modules for nothing)
            self._follow(opened, arranged)
        if not changes:
            return
        files = [sanitise(layer.name)[0] for layer in replaced if not layer.is_feed]
        if files and len(files) == len(replaced):
            what, title = f"{', '.join(files)}: {changes.summary()}", "Data file saved"
        else:
            what, title = f"Feeds brought {changes.summary()}", "Feeds updated"
        self.notify(
            f"{what}. New rows are marked {NEW_MARK} and changed ones {CHANGED_MARK}, "
            "until selected; c lists them.",
            title=title,
            timeout=8,
            markup=False,
        )

    def _alerted(self, raised: Sequence[Alert]) -> None:
        """Changes raised alerts for what is watched (once the state writer has them)."""
        first = raised[0].text + (f" (and {len(raised) - 1} more)" if len(raised) > 1 else "")
        self.notify(
            f"{first}. ! lists the alerts.",
            title=counted(len(raised), "alert"),
            severity="warning",
            timeout=15,
            markup=False,
        )

    @while_open
    def on_marks_written(self, message: MarksWritten) -> None:
        message.call()

    def _marks_adopted(self, differ: bool) -> None:
        """The state writer's state was taken: the status line's alerts again, an open
        alerts log, and the marks when another dashboard or a cron fetch changed them;
        or the writer could not write, which is said."""
        self._announce_state()
        self._show_state(marks=differ)

    @while_open
    def on_feeds_changed(self, message: FeedsChanged) -> None:
        """Feed states moved: redraw the status line and an open feeds screen."""
        from .feeds import FeedsScreen

        self.set_feed_state(message.summary)
        for screen in self.screen_stack:
            if isinstance(screen, FeedsScreen):
                screen.update_feeds(message.fetching)

    # -- watching -------------------------------------------------------------------------------

    def _announce_state(self) -> None:
        """Say once why the watchlist, alerts and marks are not kept (a bad or shared dir)."""
        warning = self.watchlist.warning()
        if warning:
            self.notify(warning, title="State not kept", severity="warning", markup=False,
                        timeout=20)  # fmt: skip
        views = self.watchlist.view_problems()
        if views:
            self.notify(views, title="Saved views", severity="warning", markup=False, timeout=20)

    def _sync_state(self) -> None:
        """Show what another dashboard or a cron fetch changed in the shared state."""
        if self.watchlist.sync():
            self._show_state(marks=True)

    def _show_state(self, *, marks: bool) -> None:
        """The shared state as read: the marks, pins and notes drawn again when they may
        have changed (``marks``), the status line and an open alerts log always."""
        if marks and self.arranged is not None:
            self.arranged.set_marks(self.unseen)
            self.arranged.set_pins(self.watchlist.pins())
            self.arranged.notes = self.watchlist.notes
            self.dashboard.redraw_panes()
        self.dashboard.render_status()
        self._reload_alerts_log()

    def _reload_alerts_log(self) -> None:
        """An open alerts log shows the alerts as they are now."""
        opened = self.screen_stack[1:]  # over the dashboard; none most of the time
        if opened:  # (so that the first frame does not import the screens' module)
            from .watchscreens import AlertsScreen

            for screen in opened:
                if isinstance(screen, AlertsScreen):
                    screen.reload()

    def emit(self, data: str) -> None:
        """Write ``data`` (a bell, an OSC notification: already clean) to the terminal,
        between frames. Through the driver, the one way Textual writes to the terminal
        (``App.bell`` does the same, but not in a headless test, where this is observed)."""
        driver = self._driver
        if driver is not None:
            driver.write(data)

    def on_toggle_pin(self, message: TogglePin) -> None:
        self.notify(self.watchlist.toggle(message.ref), markup=False)
        self._announce_state()
        self.on_pins_changed()

    @while_open
    def on_pins_changed(self, message: PinsChanged | None = None) -> None:
        if self.arranged is not None:
            self.arranged.set_pins(self.watchlist.pins())
            self.dashboard.redraw_panes()

    @while_open
    def on_alerts_seen(self, message: AlertsSeen) -> None:
        if self.arranged is not None:
            self.arranged.set_marks(self.unseen)
            self.dashboard.redraw_panes()
        self.dashboard.render_status()

    @while_open
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "alert-command" or not worker.is_finished:
            return
        kind, _, ident = worker.name.partition("\0")
        error = worker.result if isinstance(worker.result, str) else None
        if worker.error is not None:
            error = f"alert command: {worker.error}"
        self.watchlist.command_done(Kind(kind), ident, error)
        self.dashboard.render_status()
        self._reload_alerts_log()

    def on_write_note(self, message: WriteNote) -> None:
        ref = message.ref
        label = self.arranged.label(ref) if self.arranged is not None else ref.id

        def written(text: str | None) -> None:
            if not text or not clean_note(text):
                return
            self.watchlist.add_note(ref, text)
            self._announce_state()
            if self.arranged is not None:
                self.arranged.notes = self.watchlist.notes
                if self.dashboard.detail.ref == ref:
                    self.dashboard.detail.show(self.arranged, ref, force=True)
            self.notify(f"Noted on {ref.kind.singular} {ref.id} (in your state dir).", markup=False)

        from .watchscreens import TextPrompt

        prompt = TextPrompt(f"My note on {ref.kind.singular} {label}", "private: never in the data")
        self.push_screen(prompt, written)

    def on_save_view(self, message: SaveView) -> None:
        def named(name: str | None) -> None:
            name = " ".join((name or "").split())
            if not name:
                return
            if not VIEW_NAME.match(name):
                self.notify(
                    "Not saved: a view's name is up to 40 letters, digits, spaces, . _ and -, "
                    "starting with a letter or digit.",
                    severity="warning",
                    markup=False,
                )
                return
            self.watchlist.save_view(name, message.view)
            self._announce_state()
            self.notify(f"Saved view “{name}”: Ctrl+P lists it; faultline --view opens it.",
                        markup=False)  # fmt: skip

        from .watchscreens import TextPrompt

        self.push_screen(TextPrompt("Save this view as", "a name"), named)

    def open_view(self, name: str, *, quiet: bool = False) -> None:
        """Show the saved view ``name`` (focus, filter, date range, time travel, pane,
        rows): time travel first, so the focus is looked for in the data as of then."""
        view = self.watchlist.views.get(name)
        if view is None:
            if not quiet:
                known = ", ".join(self.watchlist.named_views()) or "none saved yet"
                self.notify(f"No view called “{name}” (saved: {known}).", severity="warning",
                            markup=False)  # fmt: skip
            return
        # A start opens in the present: the last session's time travel is not resumed
        # (the past must not pass for the present); a view opened by name travels.
        if name != LAST:
            self.travel(view.as_of)
        missing = self.dashboard.restore(view)
        if missing and not quiet:
            self.notify(f"View “{name}”: no longer in the data: {', '.join(missing)}.",
                        severity="warning", markup=False)  # fmt: skip

    def action_alerts(self) -> None:
        from .watchscreens import AlertsScreen

        if isinstance(self.screen, AlertsScreen):
            return

        def chosen(ref: Ref | None) -> None:
            self.on_alerts_seen(AlertsSeen())
            if ref is not None:
                self.call_after_refresh(self.go_to, ref)

        self.push_screen(AlertsScreen(self.watchlist), chosen)

    def action_watch(self) -> None:
        from .watchscreens import WatchScreen

        if isinstance(self.screen, WatchScreen):
            return

        def chosen(ref: Ref | None) -> None:
            if ref is not None:
                self.call_after_refresh(self.go_to, ref)

        self.push_screen(WatchScreen(self.watchlist, self.arranged), chosen)

    # -- marks ----------------------------------------------------------------------------------

    def on_changes_screen_all_seen(self) -> None:
        """Every change was marked seen (in the changes view): drop the marks."""
        self.unseen.seen_all()
        if self.arranged is not None:
            self.arranged.set_marks(self.unseen)
            shown = self.dashboard.arranged
            if shown is not None:  # a time-travel view has its own reference to the marks
                shown.marks = self.arranged.marks
            self.dashboard.redraw_panes()
        self.dashboard.render_status()

    def _announce_problems(self, arranged: Arranged) -> None:
        data = arranged.dataset
        errors, warnings = len(data.problems), len(data.warnings)
        if errors:
            first = data.problems[0]
            loaded = any(layer.documents for layer in data.layers)
            rest = "the rest loaded" if loaded else "nothing could be loaded"
            self.notify(
                f"{errors} document problem(s); {rest}. First: {first}. Press w for all.",
                title="Some data was rejected",
                severity="error",
                timeout=12,
                markup=False,
            )
        elif warnings:
            self.notify(
                f"{warnings} warning(s): unresolved references or data to check. "
                "Press w to see them.",
                severity="warning",
                markup=False,
            )

    # -- actions --------------------------------------------------------------------------------

    def on_go_to(self, message: GoTo) -> None:
        self.go_to(message.ref)

    def go_to(self, ref: Ref) -> None:
        """Focus the dashboard on ``ref`` (command palette "go to")."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.dashboard.go_to(ref)

    def record(self, kind: str, values: dict[str, Any]) -> None:
        """Append one entity to the capture file (raises ``AppendRefused``, nothing
        written, when it would not validate). Runs in the form's thread: it touches
        nothing of the app's, and has the UI thread read the file again after
        (``CaptureWritten``): the fact appears at once, marked new, as any save does."""
        from ..core.authoring import append_entity
        from .capture import CaptureWritten

        path = self.capture_path
        append_entity(path, kind, values)
        # Read again by a message, not by the form: the palette's go-to can take the form
        # away while it saves, and the fact must show all the same.
        self.post_message(CaptureWritten(path))

    @while_open
    def on_capture_written(self, message: CaptureWritten) -> None:
        path = message.path
        reloader = self.reloader
        if reloader is None:
            return
        cover = covering(path, self.data_paths)
        if cover is not None:
            reloader.changed([cover])
        else:  # created just now: a layer of its own from now on
            self.data_paths.append(path)
            reloader.add(path)

    def _travelling(self, what: str) -> bool:
        """Whether the views show the past (t): then nothing is recorded or edited, and
        the analyst is told why and how to return."""
        if self.as_of is None:
            return False
        self.notify(travel_refusal(self.as_of, what), severity="warning", markup=False)
        return True

    def on_record_stance(self, message: RecordStance) -> None:
        if self._travelling("stances are recorded"):
            return
        from .capture import StanceForm

        if self.arranged is not None:
            form = StanceForm(
                self.arranged, message.disagreement, message.actor, self.record, self._target()
            )
            self.push_screen(form, self._recorded)

    def on_record_event(self, message: RecordEvent) -> None:
        if self._travelling("events are recorded"):
            return
        from .capture import EventForm

        if self.arranged is not None:
            form = EventForm(
                self.arranged, message.actors, message.disagreements, self.record, self._target()
            )
            self.push_screen(form, self._recorded)

    def _target(self) -> str:
        path = self.capture_path
        return str(path) + ("" if path.exists() else " (created with the first fact)")

    def _recorded(self, saved: bool | None) -> None:
        if saved:
            self.notify(f"Recorded in {sanitise(str(self.capture_path))[0]}.", markup=False)

    # -- time travel and movement ---------------------------------------------------------

    def _view(self, arranged: Arranged) -> Arranged:
        """``arranged`` as the views show it: as of the time-travel date, with the moves
        since the since date (a few milliseconds: see bench/README.md)."""
        return arranged.viewed(self.as_of, self.since)

    def _show_view(self) -> None:
        """The time-travel or since date changed: every view follows."""
        if self.arranged is None:
            return
        view = self._view(self.arranged)
        self.dashboard.show_arranged(view)
        if len(self.screen_stack) > 1:
            from .matrix import MatrixScreen

            for screen in self.screen_stack[1:]:
                if isinstance(screen, MatrixScreen):
                    screen.show_arranged(view)

    def action_time_travel(self) -> None:
        """``t``: ask for the date every view should stand at (empty: now)."""
        from .timescreens import DateForm, MovedScreen

        if isinstance(self.screen, (DateForm, MovedScreen)):
            return
        self.push_screen(
            DateForm(
                "Time travel: the dossier as of a date",
                "As of",
                "Each stance is its latest position taken by the end of that date (a position "
                "counts from its earliest possible day); later events are dimmed. Nothing can "
                "be recorded or edited meanwhile.",
                self.as_of.text if self.as_of is not None else "",
            ),
            self.travel,
        )

    def travel(self, as_of: EDate | None) -> None:
        """Show every view as of ``as_of`` (None: now)."""
        if as_of == self.as_of:
            return
        self.as_of = as_of
        self._show_view()
        if as_of is None:
            self.notify("Back to now: every view shows the dossier as it stands.", markup=False)

    def on_return_to_now(self, message: ReturnToNow) -> None:
        self.travel(None)

    def action_since(self) -> None:
        """``T``: ask for the date since which moves are shown (empty: none)."""
        from .timescreens import DateForm, MovedScreen

        if isinstance(self.screen, (DateForm, MovedScreen)):
            return
        self.push_screen(
            DateForm(
                "Movement since a date",
                "Since",
                "The matrix and panes show each stance that moved since then (▼→◆); M lists "
                "them. Compared: the day before the date's first possible day, and now.",
                self.since.text if self.since is not None else "",
            ),
            self.set_since,
        )

    def set_since(self, since: EDate | None) -> None:
        """Show the moves since ``since`` (None: none), and remember it for next time."""
        self.since = since
        try:
            save_since(since)
        except OSError as error:
            self.notify(
                f"The since date is shown but not remembered: {error.filename or ''}: "
                f"{error.strerror or error}",
                severity="warning",
                markup=False,
            )
        self._show_view()
        shown = self.dashboard.arranged
        if since is not None and shown is not None:
            self.notify(
                f"Since {since.text}: {counted(len(shown.moved), 'stance')} moved (M lists them).",
                markup=False,
            )

    def action_moved(self) -> None:
        """``M``: every stance that moved since the since date."""
        from .timescreens import DateForm, MovedScreen

        shown = self.dashboard.arranged
        if shown is None or isinstance(self.screen, (MovedScreen, DateForm)):
            return
        if shown.since is None:
            self.notify("No since date: T sets one (any date form, 2025, 2025-01).", markup=False)
            return

        def chosen(ref: Ref | None) -> None:
            if ref is not None:
                self.call_after_refresh(self.go_to, ref)

        self.push_screen(MovedScreen(shown), chosen)

    def action_refresh(self) -> None:
        """Fetch every feed now, in the background. Without feeds there is nothing to fetch."""
        if not self.feeds:
            self.notify(
                "No feeds configured: add [[feeds]] to the configuration or start with "
                "--feed URL (f shows how).",
                markup=False,
            )
            return
        if self.offline:
            self.notify(
                "Offline (--offline): nothing is fetched; the cached copies are in use.",
                markup=False,
            )
            return
        if self.refresher is None or self.arranged is None:
            self.notify("Still loading; the feeds refresh once the dossier is shown.", markup=False)
            return
        self.refresher.fetch(manual=True)

    def action_feeds(self) -> None:
        from .feeds import FeedsScreen

        if isinstance(self.screen, FeedsScreen):
            return
        client = self.feed_client
        states = list(client.states.values()) if client is not None else []
        self.push_screen(FeedsScreen(states, offline=self.offline, config_path=self.config.path))

    def action_changes(self) -> None:
        from .changes import ChangesScreen

        if isinstance(self.screen, ChangesScreen) or self.arranged is None:
            return
        watched = self.reloader is not None and self.reloader.watcher is not None
        saves = "a data file saved" if watched else "a fact recorded (s, n)"
        if not self.feeds:
            note = f"No changes yet: {saves} shows here. No feeds are configured (f shows how)."
        elif self.offline:
            note = f"No changes yet: {saves} shows here. Offline (--offline): nothing is fetched."
        else:
            note = ""

        def chosen(ref: Ref | None) -> None:
            if ref is not None:
                self.call_after_refresh(self.go_to, ref)

        self.push_screen(
            ChangesScreen(self.change_log, self.unseen, [f.name for f in self.feeds], note),
            chosen,
        )

    def set_feed_state(self, text: str) -> None:
        """What the status line says about feeds (e.g. "2 feeds · updated 12:03")."""
        self.feed_state = text
        self.dashboard.feed_state = text
        self.dashboard.render_status()

    def action_help(self) -> None:
        from .help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_problems(self) -> None:
        from .problems import ProblemsScreen

        if isinstance(self.screen, ProblemsScreen):
            return
        feeds = list(self.feed_client.states.values()) if self.feed_client else []
        if self.arranged is not None:
            self.push_screen(ProblemsScreen(self.arranged.dataset, feeds))
        elif self.load_error is not None:
            self.push_screen(ProblemsScreen(None, feeds, failure=self.load_error))

    def action_reload(self) -> None:
        """Read the local data files again; the feeds keep the copies in use."""
        if self.arranged is None:
            self.notify("Still loading.", markup=False)
            return
        self.prepare()

    def action_export(self, fmt: str) -> None:
        """Write the dossier shown to a new file in the current directory (while
        travelling in time, as it stood then, as ``export --as-of`` writes it)."""
        if self.arranged is not None:
            dataset = self.arranged.dataset
            if self.as_of is not None:
                from ..core.export import as_of_export

                dataset = as_of_export(dataset, self.as_of)
            self._export([dataset], fmt)

    @work(thread=True, exit_on_error=False, group="export", description="export the dossier")
    def _export(self, box: list[Dataset], fmt: str) -> None:
        """Write ``box``'s dataset (handed over in a list emptied here: see ``prepare``)."""
        from ..core.export import write_new_export

        dataset = box.pop()
        missing = list(dict.fromkeys(p.document for p in dataset.problems))
        if self.feed_client is not None:
            missing += [s.name for s in self.feed_client.states.values() if s.layer is None]
        try:
            path = write_new_export(dataset, fmt, Path.cwd(), missing)
        except OSError as error:
            message = f"Not exported: {Path.cwd()}: {error.strerror or error}"
            self.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        note = f" It leaves out {', '.join(missing)} (named in the export)." if missing else ""
        self.call_from_thread(
            self.notify, f"Exported to {path}.{note}", title="Exported", markup=False, timeout=10
        )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        dashboard = self.dashboard
        for key, name in enumerate(ORDER, 1):
            label = TAB_LABELS[name]
            yield SystemCommand(
                f"{label} pane",
                f"Go to the {label.lower()} pane ({key})",
                partial(dashboard.action_pane, name),
            )
        for fmt, what in EXPORT_COMMANDS.items():
            yield SystemCommand(
                f"Export {what}",
                f"Write the dossier shown to ./faultline-export.{fmt} (a new file)",
                partial(self.action_export, fmt),
            )
        yield SystemCommand(
            "Reload", "Read the data files again (the feeds keep their copies)", self.action_reload
        )
        yield SystemCommand(
            "Stance matrix", "Actors × disagreements, current stances (m)", dashboard.action_matrix
        )
        yield SystemCommand(
            "Alignment",
            "Who sides with whom: allies, opponents, camps (a)",
            dashboard.action_alignment,
        )
        yield SystemCommand(
            "Timeline from a date",
            "Show events from a date on ([)",
            partial(dashboard.action_date_range, "start"),
        )
        yield SystemCommand(
            "Timeline until a date",
            "Show events up to a date (])",
            partial(dashboard.action_date_range, "end"),
        )
        yield SystemCommand(
            "Time travel", "Every view as of a date; empty: now (t)", self.action_time_travel
        )
        yield SystemCommand(
            "Since", "Show the stances that moved since a date (T)", self.action_since
        )
        yield SystemCommand(
            "Moved since", "Every stance that moved since the since date (M)", self.action_moved
        )
        yield SystemCommand("Filter", "Filter every pane as you type (/)", dashboard.action_filter)
        yield SystemCommand(
            "Back", "Step back along the breadcrumb (Backspace)", dashboard.action_back
        )
        yield SystemCommand("Clear focus", "Show everything again (Esc)", dashboard.action_clear)
        yield SystemCommand("Refresh", "Fetch every feed now (r)", self.action_refresh)
        yield SystemCommand(
            "Feeds", "Each feed's state, last success, next attempt (f)", self.action_feeds
        )
        yield SystemCommand(
            "Changes", "What refreshes added, changed and removed (c)", self.action_changes
        )
        yield SystemCommand(
            "Warnings", "Rejected documents and unresolved references (w)", self.action_problems
        )
        yield SystemCommand(
            "Alerts", "Changes to what is watched, newest first (!)", self.action_alerts
        )
        yield SystemCommand("Watching", "What is watched, and how it moved (W)", self.action_watch)
        for name in self.watchlist.named_views():
            yield SystemCommand(
                f"View: {name}",
                "Open this saved view: its focus, filter, pane and rows (v saves one)",
                partial(self.open_view, name),
            )
        yield SystemCommand("Help", "Every key binding (?)", self.action_help)


# The palette's export commands: format, and what a person would call it.
EXPORT_COMMANDS = {
    "md": "brief (Markdown)",
    "json": "JSON (faultline/1, a feed)",
    "toml": "TOML (faultline/1)",
    "csv": "CSV (the timeline)",
}


def describe(error: BaseException) -> str:
    """An exception in a person's words: an OS error by its file and reason ("data/x.toml:
    Input/output error"); anything else by its type, as a bug to report."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.filename}: {error.strerror}" if error.filename else error.strerror
    return f"{type(error).__name__}: {error} (unexpected: please report this)"


def config_label(config: Config) -> str:
    """The config in use, in few words for the status line (``--help`` and ``validate``
    give the whole path): ``config: ./config.toml``, ``user config``, ``no config file``."""
    if config.path is None:
        return "no config file"
    if config.source == "user":
        return "user config"
    name = config.name
    if len(name) > 30:  # the end of a long path says the most: "…/kz/faultline.toml"
        name = "…" + name[-29:]
    return f"config: {name}"


def run_dashboard(
    config: Config,
    *,
    data_paths: list[Path],
    feed_urls: list[str],
    offline: bool,
    watch: bool = True,
    view: str | None = None,
    fresh: bool = False,
) -> int:
    """Open the dashboard; returns the process exit code. An unknown ``ui.theme`` is a
    ``ConfigError`` (the CLI prints it and exits 2), as any other bad config value is."""
    app = FaultlineApp(
        config,
        data_paths=data_paths,
        feed_urls=feed_urls,
        offline=offline,
        watch=watch,
        view=view,
        fresh=fresh,
    )
    check_theme(config, app.available_themes)
    app.run()
    return app.return_code or 0


def check_theme(config: Config, available: Iterable[str] | None = None) -> None:
    """Raise ``ConfigError`` naming the file, the key and the themes there are, when
    ``ui.theme`` is none of them (``available``: Textual's built-in themes by default)."""
    if available is None:
        from textual.theme import BUILTIN_THEMES

        available = BUILTIN_THEMES
    names = sorted(available)
    theme = config.ui.theme
    if theme not in names:
        where = f"{config.name}: " if config.path is not None else ""
        raise ConfigError(
            f"{where}ui.theme: unknown theme {shorten(theme)} (available: {', '.join(names)})"
        )


__all__ = ["FaultlineApp", "check_theme", "run_dashboard"]
