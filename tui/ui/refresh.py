"""Refreshing the feeds in the background, for the app (a worker manager, as Dolphie's).

One ``FeedRefresher`` lives as long as the app's feed client. A fetch round runs on the
event loop (httpx, async), every feed of it at once, each outcome taken as it comes; a
copy that differs from the one the arranged view shown was built on asks for a re-merge, done
in a worker thread, one at a time. One timer, set to the next feed's due time, drives
the automatic rounds; nothing polls.

What the app must act on reaches it as messages: ``MergeFinished`` (a new arranged
dataset and what changed), ``FeedsChanged`` (the status line's feed text), and
``CacheChecked`` (a cache may have a warning to show).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.app import App
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.timer import Timer

from ..core.browse import Arranged, ChangeLog, LogState, remerge
from ..core.changes import Changes
from ..core.config import FeedConfig
from ..core.gcpause import gc_paused
from ..core.merge import Layer
from ..core.text import counted
from .feeds import feed_summary, short_reason
from .glyphs import cells

if TYPE_CHECKING:  # the app imports this module only when it has feeds (and httpx)
    from ..core.feeds import FeedClient, FeedStatus, FetchOutcome

# Never arm the refresh timer sooner than this: a feed that is due but cannot be fetched
# yet (one fetch of it in flight) must not turn the timer into a busy loop.
MIN_TIMER = 0.25


class MergeFinished(Message):
    """The merge worker is done: ``arranged`` built from ``before`` and the new feed
    copies, with ``changes`` and the change log's new state; or ``error`` said why not."""

    def __init__(
        self,
        before: Arranged,
        arranged: Arranged | None = None,
        changes: Changes | None = None,
        log: LogState | None = None,
        error: BaseException | None = None,
    ) -> None:
        super().__init__()
        self.before, self.arranged, self.changes, self.log = before, arranged, changes, log
        self.error = error


class FeedsChanged(Message):
    """Feed states moved: ``summary`` for the status line; ``fetching``, the fetches in
    flight per feed name, for an open feeds screen."""

    def __init__(self, summary: str, fetching: dict[str, int]) -> None:
        super().__init__()
        self.summary = summary
        self.fetching = fetching


class CacheChecked(Message):
    """A feed copy was written (or not): the feed cache may have a warning to show."""


class FeedRefresher:
    """Fetch rounds, the refresh timer and re-merges, for ``app``.

    ``shown`` gives the arranged dataset on screen (None while loading); ``change_log``
    is the session's, netted in the merge worker.
    """

    def __init__(
        self,
        app: App[int],
        client: FeedClient,
        change_log: ChangeLog,
        shown: Callable[[], Arranged | None],
    ) -> None:
        self.app = app
        self.client = client
        self.change_log = change_log
        self.shown = shown
        self.timer: Timer | None = None
        self.fetching: dict[str, int] = {}  # feed name -> fetches of it awaited here
        self._taken: dict[str, FetchOutcome] = {}  # the last outcome handled, per feed
        self.merging = False
        self._merge_again = False

    @property
    def busy(self) -> bool:
        """A refresh is being fetched or merged."""
        return self.merging or any(self.fetching.values())

    # -- fetching -------------------------------------------------------------------------------

    def start(self) -> None:
        """After the first paint: refresh what is due in the background (never offline)."""
        if not self.client.offline:
            self.fetch(manual=False)

    def fetch(self, manual: bool) -> None:
        """Refresh every feed (``manual``: the ``r`` key) or those due (the timer)."""
        self.app.run_worker(self._fetch(manual), group="feeds", exit_on_error=False)

    async def _fetch(self, manual: bool) -> None:
        """One round, concurrently, on the event loop; each result is taken as it comes,
        so one slow feed holds back no other."""
        client = self.client
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
        except Exception as error:  # noqa: BLE001 - see below
            # FeedClient.refresh turns everything a server can do into an outcome; this
            # is a bug, but the dossier shown and the copies on disk are untouched.
            self.app.notify(
                f"Refreshing the feeds failed unexpectedly: {error!r}. The copies in "
                "use are kept; please report this.",
                severity="error",
                markup=False,
            )
        finally:
            self.arm_timer()

    async def _refresh_feed(
        self, feed: FeedConfig, manual: bool, failed: list[FetchOutcome]
    ) -> FetchOutcome:
        client = self.client
        before = client.state(feed).status
        self.fetching[feed.name] = self.fetching.get(feed.name, 0) + 1
        self.changed()
        try:
            outcome = await client.refresh(feed)
        finally:
            left = self.fetching.get(feed.name, 1) - 1
            if left > 0:
                self.fetching[feed.name] = left
            else:
                self.fetching.pop(feed.name, None)
        self._take(outcome, before, manual, failed)
        return outcome

    def _take(
        self, outcome: FetchOutcome, before: FeedStatus, manual: bool, failed: list[FetchOutcome]
    ) -> None:
        """One feed's outcome: show its new copy if there is one; if it failed (and that
        is news), add it to ``failed``, announced when every feed of the round is in."""
        from ..core.feeds import FeedStatus  # loaded by now: the client imported it

        name = outcome.feed.name
        if self._taken.get(name) is not outcome:  # two callers may await one fetch
            self._taken[name] = outcome
            failing = (FeedStatus.STALE, FeedStatus.FAILED)
            if outcome.failed and (manual or before not in failing or outcome.cache_error):
                failed.append(outcome)
            self.request_merge()
            self.app.post_message(CacheChecked())
        self.changed()

    def _announce_failures(self, failed: Sequence[FetchOutcome]) -> None:
        """One notice for a round's failures: one per feed would cover the screen."""
        from ..core.feeds import FeedStatus

        if not failed:
            return
        failing = (FeedStatus.STALE, FeedStatus.FAILED)
        severity: SeverityLevel = "warning"
        if any(o.status is FeedStatus.FAILED for o in failed):
            severity = "error"
        notify = self.app.notify
        if len(failed) == 1:
            (outcome,) = failed
            # headline: the feed, its URL, what went wrong and which copy stays in use.
            title = "Feed not refreshed" if outcome.status in failing else "Feed not saved"
            notify(outcome.headline, title=title, severity=severity, timeout=12, markup=False)
            return
        client = self.client
        named = [f"{o.feed.name} ({short_reason(client.state(o.feed))})" for o in failed[:3]]
        more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""
        notify(
            f"{', '.join(named)}{more}. f shows each feed's reason and the copy in use.",
            title=f"{len(failed)} feeds not refreshed",
            severity=severity,
            timeout=12,
            markup=False,
        )

    def _report(self, outcomes: Sequence[FetchOutcome]) -> None:
        """After ``r``, when every feed came through with nothing new: say so. (Failures
        were announced one by one, new content is announced with its changes.)"""
        from ..core.feeds import FeedStatus

        if any(o.failed or o.status is FeedStatus.FRESH for o in outcomes):
            return
        n = len(outcomes)
        self.app.notify(f"Refreshed {counted(n, 'feed')}: nothing new", markup=False)

    # -- merging --------------------------------------------------------------------------------

    def request_merge(self) -> None:
        """Re-merge when the feed copies in use differ from those the dossier was built on;
        one merge at a time, and one more after it if copies changed meanwhile."""
        shown = self.shown()
        if shown is None:
            return
        if self.merging:
            self._merge_again = True
            return
        layers = self.client.layers()
        before = [layer for layer in shown.dataset.layers if layer.is_feed]
        if len(layers) == len(before) and all(a is b for a, b in zip(layers, before, strict=True)):
            return
        self.merging = True
        # Handed over in lists the worker empties: a finished worker lingers until the
        # next full collection, and must not keep two dossiers and a feed copy alive
        # meanwhile.
        box, feed_layers = [shown], list(layers)
        self.app.run_worker(
            lambda: self._merge(box, feed_layers),
            thread=True,
            exit_on_error=False,
            group="merge",
            description="merge feed copies",
        )

    def _merge(self, box: list[Arranged], feed_layers: list[Layer]) -> None:
        """In a worker thread: merge the local layers already read with the new feed
        copies; arrange; compare; and net the changes into the session's log (merges
        never overlap, so the log does not change meanwhile). Posts ``MergeFinished``."""
        before = box.pop()
        layers = feed_layers[:]
        feed_layers.clear()
        try:
            # The collector paused: it would otherwise run collections again and again
            # while the new dossier is built, each holding the interpreter (and the UI).
            with gc_paused():
                arranged, changes = remerge(before.dataset, layers, cells)
                log = self.change_log.updated(changes, time.time())
        except Exception as error:  # noqa: BLE001 - reported to the user by MergeFinished
            self.app.post_message(MergeFinished(before, error=error))
        else:
            self.app.post_message(MergeFinished(before, arranged, changes, log))

    def merged(self, message: MergeFinished) -> bool:
        """The merge is over; whether its dossier is to be shown. An error is announced,
        and a merge built on a dossier no longer shown is done again (``merge_if_owed``)."""
        self.merging = False
        if message.error is not None:
            self.app.notify(
                f"Could not merge the refreshed feeds: {message.error}. The dossier shown is "
                "unchanged.",
                severity="error",
                markup=False,
            )
            return False
        if message.before is not self.shown():  # something else was shown meanwhile: again
            self._merge_again = True
            return False
        return True

    def merge_if_owed(self) -> None:
        if self._merge_again:
            self._merge_again = False
            self.request_merge()

    # -- the timer ------------------------------------------------------------------------------

    def arm_timer(self) -> None:
        """One timer, set to when the next feed is due; re-armed after every refresh."""
        self.stop_timer()
        client = self.client
        if client.offline or self.shown() is None or not self.app.is_running:
            return
        if self.fetching or any(s.fetching for s in client.states.values()):
            return  # the refresh in flight re-arms when it ends
        wait = client.seconds_until_due()
        if wait is None:
            return
        self.timer = self.app.set_timer(max(wait, MIN_TIMER), self._timer_fired)
        self.changed()

    def _timer_fired(self) -> None:
        self.timer = None
        self.fetch(manual=False)

    def stop_timer(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def changed(self) -> None:
        """Feed states moved: tell the app (the status line and an open feeds screen)."""
        states = list(self.client.states.values())
        summary = feed_summary(states, offline=self.client.offline, fetching=self.fetching)
        self.app.post_message(FeedsChanged(summary, dict(self.fetching)))
