"""The Faultline dashboard application and ``run_dashboard``, which the CLI calls.

The app reads the dossier in a worker thread (the screen says "Loading… reading …"
meanwhile), local data paths first and then the cached copy of every feed, and hands
the prepared ``Dossier`` to the dashboard screen. Then it refreshes the feeds in the
background through one ``FeedClient`` that lives as long as the app: a fetch runs on the
event loop (httpx, async), the re-merge and re-arrangement in a worker thread, and the
new dossier is swapped in keeping focus, filter and cursors. Entities a refresh added
or changed are marked until selected. One timer, set to the next feed's due time, drives
the automatic refreshes; nothing polls.

Hooks: ``extra_layers`` (layers read after the local paths at start-up), ``action_refresh``
(the ``r`` key), ``show_dataset`` (swap in a new merge, keeping focus, filter and
cursors) and ``set_feed_state`` (the status line's feed text).
"""

from __future__ import annotations

import asyncio
import gc
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from ..core.changes import Changes, UnseenChanges
from ..core.config import Config, ConfigError, FeedConfig
from ..core.merge import Dataset, Layer
from ..core.parsecache import ParsedCache
from ..core.reader import gc_paused, shorten
from ..core.text import sanitise
from .collector import QuietCollector
from .commands import GoToProvider
from .dashboard import DashboardScreen
from .dossier import ChangeLog, Dossier, Ref, read_dossier, remerge

if TYPE_CHECKING:  # imported where used: only an app with feeds needs them (and httpx)
    from ..core.feed import FeedClient, FeedStatus, FetchOutcome

# Never arm the refresh timer sooner than this: a feed that is due but cannot be fetched
# yet (one fetch of it in flight) must not turn the timer into a busy loop.
MIN_TIMER = 0.25
# A load quicker than this (a cached dossier) shows no progress lines: each one costs
# a redraw while the loading thread is at work.
PROGRESS_AFTER = 0.4


class LoadProgress(Message):
    """What the loading worker is doing ("reading data/x.toml (3 of 5)")."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class FaultlineApp(App[int]):
    """Who disagrees with whom, about what, and since when."""

    CSS_PATH = "app.tcss"
    TITLE = "Faultline"
    COMMANDS = App.COMMANDS | {GoToProvider}
    BINDINGS = [
        Binding("question_mark", "help", "Help", tooltip="This list of keys"),
        Binding("r", "refresh", "Refresh", tooltip="Fetch every feed now"),
        Binding(
            "f",
            "feeds",
            "Feeds",
            tooltip="Feeds: state and reason, last success, last and next attempt, entities",
        ),
        # Not in the footer (no room at 80 columns): the status line offers "(c)" whenever
        # there are unseen changes, which is when the key matters.
        Binding(
            "c",
            "changes",
            "Changes",
            show=False,
            tooltip="What refreshes added, changed (which fields) and removed; go to one",
        ),
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
            from ..core.feed import feeds_from

            self.feeds = feeds_from(self.config, self.feed_urls)
        self.feed_client: FeedClient | None = None
        self.feed_state = ""
        self.dossier: Dossier | None = None
        # Entities refreshes added or changed that the analyst has not selected yet, and
        # everything the session's refreshes changed (for the changes view and detail).
        self.unseen = UnseenChanges()
        self.change_log = ChangeLog()
        self._refresh_timer: Timer | None = None
        self._fetching: dict[str, int] = {}  # feed name -> fetches of it awaited here
        self._taken: dict[str, FetchOutcome] = {}  # the last outcome handled, per feed
        self._merging = False
        self._merge_again = False
        self.parsed_cache: ParsedCache | None = None
        self._cache_warnings: set[str] = set()  # said once each (see _announce_cache)
        self._load_started = time.monotonic()
        self._progress_text = ""
        self._progress_timer: Timer | None = None
        # Full garbage collections wait for a quiet moment (see collector.py).
        self.collector = QuietCollector(self.set_timer, busy=self._busy)
        if not self.config.ui.animations:
            self.animation_level = "none"

    # -- start-up -------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return DashboardScreen(config_label=config_label(self.config))

    @property
    def dashboard(self) -> DashboardScreen:
        screen = self.screen_stack[0] if self.screen_stack else self.screen
        assert isinstance(screen, DashboardScreen)
        return screen

    def on_mount(self) -> None:
        for warning in self.config.warnings:  # keys of ./config.toml that were not honoured
            self.notify(warning, severity="warning", markup=False, timeout=15)
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
        if self.feeds and self.feed_client is None:
            # One client for the app's life. Constructing it touches neither disk nor network.
            from ..core.feed import FeedCache, FeedClient

            cache = FeedCache(self.config.cache_dir)
            self.feed_client = FeedClient(self.feeds, cache, offline=self.offline)
        self._load_started = time.monotonic()
        self.prepare(self.initial_dataset, first=True)

    def _busy(self) -> bool:
        """A refresh is being fetched or merged, or a dossier read."""
        return (
            self._merging
            or any(self._fetching.values())
            or any(w.is_running for w in self.workers if w.group in ("dossier", "feeds", "merge"))
        )

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.collector.touched()
        await super().on_event(event)

    async def on_unmount(self) -> None:
        self.collector.stop()
        self._stop_timer()
        client, self.feed_client = self.feed_client, None
        if client is not None:
            await client.aclose()

    # A description, or Textual describes the worker by repr() of its arguments: for a
    # 100,000-event dataset that took a second on the UI thread.
    @work(thread=True, exclusive=True, exit_on_error=False, group="dossier", description="read the dossier")
    def prepare(self, dataset: Dataset | None = None, *, first: bool = False) -> Dossier:
        """Read (unless given) and arrange the dataset, off the UI thread, with the cyclic
        collector paused: arranging builds hundreds of thousands of objects.

        The first time, what was built is frozen (``gc.freeze``) before the collector
        resumes: a large dossier is hundreds of thousands of long-lived objects, and
        otherwise the collector would walk them all (a quarter of a second at 100,000
        events, holding the interpreter) as soon as it ran again, and at every full
        collection after. Only once: freezing at each refresh would also freeze the
        widgets replaced meanwhile, whose cycles the collector could then never free. A
        refresh reuses the unchanged entities, which stay frozen. The search and
        relation indexes are left for after the first frame (``_complete``).
        """
        with gc_paused():
            if dataset is None:
                # The first time, parsed documents are written to the cache after the
                # first frame (see _complete), not before it.
                cache = self.parsed_cache = ParsedCache(self.config.cache_dir, defer=first)
                dossier = read_dossier(
                    self.data_paths,
                    self.extra_layers,
                    cache,
                    progress=self._progress,
                    defer=first,
                    max_size=self.config.data_max_size,
                )
            else:
                dossier = Dossier(dataset, defer=first)
            if first:
                gc.freeze()
            return dossier

    @work(thread=True, exit_on_error=False, group="index", description="index the dossier")
    def _complete(self, dossier: Dossier) -> None:
        """Build what the first frame did not need: search and relation indexes; then
        write the parsed-data cache for documents that were parsed afresh."""
        with gc_paused():
            dossier.complete()
        if self.parsed_cache is not None:
            self.parsed_cache.flush()

    def extra_layers(self) -> list[Layer]:
        """Layers read after the local data paths: each feed's cached copy (no network)."""
        client = self.feed_client
        if client is None:
            return []
        if self.dossier is not None:  # a reload: the copies in use (r fetches new ones)
            return client.layers()
        count = len(client.feeds)
        self._progress(
            f"reading the cached copy of {count} feed"
            if count == 1
            else f"reading the cached copies of {count} feeds"
        )
        client.load_cached()
        return client.layers()

    def _progress(self, text: str) -> None:
        # Called from the loading thread; post_message is safe from any thread.
        self.post_message(LoadProgress(text))

    def on_load_progress(self, message: LoadProgress) -> None:
        # Each new line redraws the screen, on the UI thread, while the loading thread
        # needs the interpreter: a quick (cached) load says nothing until it has taken
        # PROGRESS_AFTER seconds, and then shows where it has got to.
        if self.dossier is not None:
            return
        self._progress_text = message.text
        waited = time.monotonic() - self._load_started
        if waited >= PROGRESS_AFTER:
            self.dashboard.show_loading(f"Loading… {message.text}")
        elif self._progress_timer is None:
            self._progress_timer = self.set_timer(PROGRESS_AFTER - waited, self._show_progress)

    def _show_progress(self) -> None:
        self._progress_timer = None
        if self.dossier is None and self._progress_text:
            self.dashboard.show_loading(f"Loading… {self._progress_text}")

    def show_dataset(self, dataset: Dataset) -> Worker[Dossier]:
        """Show a new merged dataset (e.g. after a feed refresh), keeping where the analyst is."""
        return self.prepare(dataset)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "merge":
            self._merged(worker, event.state)
            return
        if worker.group == "feeds" and event.state == WorkerState.ERROR:
            # FeedClient.refresh turns everything a server can do into an outcome; this
            # is a bug, but the dossier shown and the copies on disk are untouched.
            self.notify(
                f"Refreshing the feeds failed unexpectedly: {worker.error!r}. The copies in "
                "use are kept; please report this.",
                severity="error",
                markup=False,
            )
            self._arm_timer()
            return
        if worker.group == "index" and event.state == WorkerState.SUCCESS:
            self._announce_cache()  # the parsed-data cache was written just now
        if worker.group != "dossier":
            return
        if event.state == WorkerState.SUCCESS and isinstance(worker.result, Dossier):
            first = self.dossier is None
            self._present(worker.result)
            self._announce_problems(worker.result)
            self._announce_cache()
            if first:
                # The big dossier is frozen by now; from here on full collections wait
                # for quiet moments.
                self.collector.start()
                self._feeds_changed()
                self._start_feeds()
        elif event.state == WorkerState.ERROR:
            message, _ = sanitise(f"Could not load the dossier: {worker.error}")
            self.dashboard.show_loading(message)
            self.notify(message, severity="error", markup=False)

    def _present(self, dossier: Dossier) -> None:
        """Show ``dossier`` with this session's change log and unseen marks."""
        dossier.log = self.change_log
        dossier.set_marks(self.unseen)
        self.dossier = dossier
        self.dashboard.show_dossier(dossier)
        if not dossier.completed:
            # Once the frame showing it is drawn: started now, the indexing thread would
            # hold the interpreter while that frame is composed (50-100 ms at 100k).
            self.call_after_refresh(self._complete, dossier)

    # -- feeds ----------------------------------------------------------------------------------

    def _start_feeds(self) -> None:
        """After the first paint: refresh what is due in the background (never offline)."""
        client = self.feed_client
        if client is None or client.offline:
            return
        self._fetch(manual=False)

    @work(group="feeds", exit_on_error=False)
    async def _fetch(self, manual: bool) -> None:
        """Refresh every feed (``r``) or those due (the timer), concurrently, on the event
        loop; each result is taken as it comes, so one slow feed holds back no other."""
        client = self.feed_client
        if client is None:
            return
        feeds = list(client.feeds) if manual else client.due()
        failed: list[FetchOutcome] = []
        try:
            if feeds:
                outcomes = await asyncio.gather(
                    *(self._refresh_feed(f, manual, failed) for f in feeds)
                )
                self._announce_failures(failed)
                if manual:
                    self._report(outcomes)
        finally:
            self._arm_timer()

    async def _refresh_feed(
        self, feed: FeedConfig, manual: bool, failed: list[FetchOutcome]
    ) -> FetchOutcome:
        client = self.feed_client
        assert client is not None
        before = client.state(feed).status
        self._fetching[feed.name] = self._fetching.get(feed.name, 0) + 1
        self._feeds_changed()
        try:
            outcome = await client.refresh(feed)
        finally:
            left = self._fetching.get(feed.name, 1) - 1
            if left > 0:
                self._fetching[feed.name] = left
            else:
                self._fetching.pop(feed.name, None)
        self._take(outcome, before, manual, failed)
        return outcome

    def _take(
        self, outcome: FetchOutcome, before: FeedStatus, manual: bool, failed: list[FetchOutcome]
    ) -> None:
        """One feed's outcome: show its new copy if there is one; if it failed (and that
        is news), add it to ``failed``, announced when every feed of the round is in."""
        from ..core.feed import FeedStatus

        name = outcome.feed.name
        if self._taken.get(name) is not outcome:  # two callers may await one fetch
            self._taken[name] = outcome
            failing = (FeedStatus.STALE, FeedStatus.FAILED)
            if outcome.failed and (manual or before not in failing or outcome.cache_error):
                failed.append(outcome)
            self._request_merge()
            self._announce_cache()
        self._feeds_changed()

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

    def _announce_failures(self, failed: Sequence[FetchOutcome]) -> None:
        """One notice for a round's failures: one per feed would cover the screen."""
        from ..core.feed import FeedStatus
        from .feeds import short_reason

        if not failed or self.feed_client is None:
            return
        failing = (FeedStatus.STALE, FeedStatus.FAILED)
        severity = "error" if any(o.status is FeedStatus.FAILED for o in failed) else "warning"
        if len(failed) == 1:
            (outcome,) = failed
            # headline: the feed, its URL, what went wrong and which copy stays in use.
            title = "Feed not refreshed" if outcome.status in failing else "Feed not saved"
            self.notify(outcome.headline, title=title, severity=severity, timeout=12, markup=False)
            return
        client = self.feed_client
        named = [f"{o.feed.name} ({short_reason(client.state(o.feed))})" for o in failed[:3]]
        more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""
        self.notify(
            f"{', '.join(named)}{more}. f shows each feed's reason and the copy in use.",
            title=f"{len(failed)} feeds not refreshed",
            severity=severity,
            timeout=12,
            markup=False,
        )

    def _report(self, outcomes: Sequence[FetchOutcome]) -> None:
        """After ``r``, when every feed came through with nothing new: say so. (Failures
        were announced one by one, new content is announced with its changes.)"""
        from ..core.feed import FeedStatus

        if any(o.failed or o.status is FeedStatus.FRESH for o in outcomes):
            return
        n = len(outcomes)
        self.notify(f"Refreshed {n} feed{'s' if n != 1 else ''}: nothing new", markup=False)

    def _request_merge(self) -> None:
        """Re-merge when the feed copies in use differ from those the dossier was built on;
        one merge at a time, and one more after it if copies changed meanwhile."""
        client, dossier = self.feed_client, self.dossier
        if client is None or dossier is None:
            return
        if self._merging:
            self._merge_again = True
            return
        layers = client.layers()
        shown = [layer for layer in dossier.dataset.layers if layer.is_feed]
        if len(layers) == len(shown) and all(a is b for a, b in zip(layers, shown, strict=True)):
            return
        self._merging = True
        # Handed over in lists the worker empties, and the worker's answer is emptied
        # once taken: a finished worker lingers until the next full collection, and must
        # not keep two dossiers and a feed copy alive meanwhile.
        self._merge([dossier], list(layers))

    @work(thread=True, exit_on_error=False, group="merge", description="merge feed copies")
    def _merge(self, box: list[Dossier], feed_layers: list[Layer]) -> list:
        """Merge the local layers already read with the new feed copies; arrange; compare;
        and net the changes into the session's log (merges never overlap, so the log
        does not change meanwhile)."""
        before = box.pop()
        layers = feed_layers[:]
        feed_layers.clear()
        # The collector paused: it would otherwise run collections again and again while
        # the new dossier is built, each holding the interpreter (and the UI).
        with gc_paused():
            dossier, changes = remerge(before.dataset, layers)
            return [before, dossier, changes, self.change_log.updated(changes, time.time())]

    def _merged(self, worker: Worker, state: WorkerState) -> None:
        if state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        self._merging = False
        if state == WorkerState.SUCCESS and worker.result:
            before, dossier, changes, log = worker.result
            worker.result.clear()
            if before is not self.dossier:  # something else was shown meanwhile: again
                self._merge_again = True
            else:
                self._apply(dossier, changes, log)
        elif state == WorkerState.ERROR:
            self.notify(
                f"Could not merge the refreshed feeds: {worker.error}. The dossier shown is "
                "unchanged.",
                severity="error",
                markup=False,
            )
        if self._merge_again:
            self._merge_again = False
            self._request_merge()

    def _apply(self, dossier: Dossier, changes: Changes, log: tuple) -> None:
        from .changes import ChangesScreen

        self.unseen.add(changes)
        self.change_log.adopt(log)
        self._present(dossier)
        self.collector.owe()  # the replaced dossier's objects, once the analyst is quiet
        for screen in self.screen_stack:
            if isinstance(screen, ChangesScreen):
                screen.reload()
        if changes:
            self.notify(
                f"Feeds brought {changes.summary()}. New rows are marked + and changed ones *, "
                "until selected; c lists them.",
                title="Feeds updated",
                timeout=8,
                markup=False,
            )

    def _arm_timer(self) -> None:
        """One timer, set to when the next feed is due; re-armed after every refresh."""
        self._stop_timer()
        client = self.feed_client
        if client is None or client.offline or self.dossier is None or not self.is_running:
            return
        if self._fetching or any(s.fetching for s in client.states.values()):
            return  # the refresh in flight re-arms when it ends
        wait = client.seconds_until_due()
        if wait is None:
            return
        self._refresh_timer = self.set_timer(max(wait, MIN_TIMER), self._timer_fired)
        self._feeds_changed()

    def _timer_fired(self) -> None:
        self._refresh_timer = None
        self._fetch(manual=False)

    def _stop_timer(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
            self._refresh_timer = None

    def _feeds_changed(self) -> None:
        """Feed states moved: redraw the status line and an open feeds screen."""
        from .feeds import FeedsScreen, feed_summary

        client = self.feed_client
        if client is None:
            return
        states = list(client.states.values())
        self.set_feed_state(feed_summary(states, offline=client.offline, fetching=self._fetching))
        for screen in self.screen_stack:
            if isinstance(screen, FeedsScreen):
                screen.update_feeds(self._fetching)

    # -- marks ----------------------------------------------------------------------------------

    def marks_changed(self) -> None:
        """The unseen marks changed (an entity was selected): redraw the status line."""
        self.dashboard.render_status()

    def mark_all_seen(self) -> None:
        self.unseen.seen_all()
        if self.dossier is not None:
            self.dossier.set_marks(self.unseen)
            self.dashboard.redraw_panes()
        self.marks_changed()

    def _announce_problems(self, dossier: Dossier) -> None:
        data = dossier.dataset
        errors, warnings = len(data.problems), len(data.unresolved)
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
        if self.feed_client is None or self.dossier is None:
            self.notify("Still loading; the feeds refresh once the dossier is shown.", markup=False)
            return
        self._fetch(manual=True)

    def action_feeds(self) -> None:
        from .feeds import FeedsScreen

        if isinstance(self.screen, FeedsScreen):
            return
        client = self.feed_client
        states = list(client.states.values()) if client is not None else []
        self.push_screen(FeedsScreen(states, offline=self.offline, config_path=self.config.path))

    def action_changes(self) -> None:
        from .changes import ChangesScreen

        if isinstance(self.screen, ChangesScreen) or self.dossier is None:
            return
        if not self.feeds:
            note = "No feeds configured, so nothing refreshes: f shows how to add one."
        elif self.offline:
            note = "Offline (--offline): nothing is fetched, so nothing changes."
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
        self.dashboard.render_status()

    def action_help(self) -> None:
        from .help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_problems(self) -> None:
        from .problems import ProblemsScreen

        if self.dossier is not None and not isinstance(self.screen, ProblemsScreen):
            feeds = list(self.feed_client.states.values()) if self.feed_client else []
            self.push_screen(ProblemsScreen(self.dossier.dataset, feeds))

    def action_reload(self) -> None:
        """Read the local data files again; the feeds keep the copies in use."""
        if self.dossier is None:
            self.notify("Still loading.", markup=False)
            return
        self.prepare()

    def action_export(self, fmt: str) -> None:
        """Write the dossier shown to a new file in the current directory."""
        if self.dossier is not None:
            self._export(self.dossier.dataset, fmt)

    @work(thread=True, exit_on_error=False, group="export", description="export the dossier")
    def _export(self, dataset: Dataset, fmt: str) -> None:
        from ..core.export import write_new_export

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

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        dashboard = self.dashboard
        for name, key in (("actors", 1), ("disagreements", 2), ("timeline", 3), ("detail", 4)):
            yield SystemCommand(
                f"{name.capitalize()} pane",
                f"Go to the {name} pane ({key})",
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
        yield SystemCommand("Help", "Every key binding (?)", self.action_help)


# The palette's export commands: format, and what a person would call it.
EXPORT_COMMANDS = {
    "md": "brief (Markdown)",
    "json": "JSON (faultline/1, a feed)",
    "toml": "TOML (faultline/1)",
    "csv": "CSV (the timeline)",
}


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
    config: Config, *, data_paths: list[Path], feed_urls: list[str], offline: bool
) -> int:
    """Open the dashboard; returns the process exit code. An unknown ``ui.theme`` is a
    ``ConfigError`` (the CLI prints it and exits 2), as any other bad config value is."""
    app = FaultlineApp(config, data_paths=data_paths, feed_urls=feed_urls, offline=offline)
    theme = config.ui.theme
    if theme not in app.available_themes:
        where = f"{config.name}: " if config.path is not None else ""
        raise ConfigError(
            f"{where}ui.theme: unknown theme {shorten(theme)} "
            f"(available: {', '.join(sorted(app.available_themes))})"
        )
    app.run()
    return app.return_code or 0


__all__ = ["FaultlineApp", "run_dashboard"]
