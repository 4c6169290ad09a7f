"""Re-merging the dossier shown when some of its layers were replaced: a feed's new copy
(refresh.py) or a data file read again after a save (reload.py). One ``Merger`` per app,
so merges never overlap and neither source of new layers loses the other's.

No feed code here: an app without feeds imports this without httpx.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from textual.app import App
from textual.message import Message

from ..core.browse import Arranged, ChangeLog, LogState, relayer
from ..core.changes import Changes, UnseenChanges
from ..core.gcpause import gc_paused
from ..core.merge import Layer
from .glyphs import cells


class MergeFinished(Message):
    """The merge worker is done: ``arranged`` built from ``before`` and the new feed
    copies, with ``changes`` and the change log's new state; or ``error`` said why not.
    ``marked``: the unseen marks ``arranged``'s rows were marked with in the worker (those
    shown when the merge began, with ``changes`` added)."""

    def __init__(
        self,
        before: Arranged,
        arranged: Arranged | None = None,
        changes: Changes | None = None,
        log: LogState | None = None,
        error: BaseException | None = None,
        replaced: tuple[Layer, ...] = (),
        marked: UnseenChanges | None = None,
    ) -> None:
        super().__init__()
        self.before, self.arranged, self.changes, self.log = before, arranged, changes, log
        self.error = error
        self.replaced = replaced  # the new layers: feed copies, data files read again
        self.marked = marked


class Merger:
    """Re-merges for the app, one at a time, in a worker thread: the layers shown, some of
    them replaced by newer ones (a feed's new copy; a data file read again after a save).

    ``feeds`` gives the feed copies in use (the feed client's; None: those shown);
    ``local`` holds data paths read again, by layer name, until a full read replaces
    them (``forget_local``); one the dossier shown does not have is added after the
    other local layers. A merge built on a dossier that is no longer shown when it
    finishes is done again, so two sources of new layers never lose each other's.
    """

    def __init__(
        self, app: App[int], change_log: ChangeLog, shown: Callable[[], Arranged | None]
    ) -> None:
        self.app = app
        self.change_log = change_log
        self.shown = shown
        self.feeds: Callable[[], Sequence[Layer]] | None = None
        # The unseen marks shown (the app's): the merge worker marks the new dossier's
        # rows with a copy, plus the merge's changes, so that the UI thread need not (a
        # sorted walk of every mark: 35 ms at 30,000, in the frame that shows the merge).
        self.unseen: Callable[[], UnseenChanges] | None = None
        self.local: dict[str, Layer] = {}
        self.merging = False
        self._merge_again = False

    def layer(self, name: str) -> Layer | None:
        """The newest version of local layer ``name``: read again, or as shown."""
        if name in self.local:
            return self.local[name]
        shown = self.shown()
        layers = shown.dataset.layers if shown is not None else ()
        return next((la for la in layers if la.name == name and not la.is_feed), None)

    def forget_local(self) -> None:
        """Every data path was read afresh (a reload): what was read again is moot."""
        self.local.clear()

    def request(self) -> None:
        """Re-merge when the layers wanted differ from those the dossier was built on;
        one merge at a time, and one more after it if they changed meanwhile."""
        shown = self.shown()
        if shown is None:
            return
        if self.merging:
            self._merge_again = True
            return
        before = shown.dataset.layers
        local = [self.local.get(layer.name, layer) for layer in before if not layer.is_feed]
        names = {layer.name for layer in local}  # and data paths added since (a capture file)
        local += [layer for name, layer in self.local.items() if name not in names]
        feeds = self.feeds() if self.feeds is not None else [la for la in before if la.is_feed]
        layers = [*local, *feeds]
        if len(layers) == len(before) and all(a is b for a, b in zip(layers, before, strict=True)):
            return
        self.merging = True
        # Handed over in lists the worker empties: a finished worker lingers until the
        # next full collection, and must not keep two dossiers and a layer alive meanwhile.
        box, new_layers = [shown], layers
        marks = self.unseen().copy() if self.unseen is not None else None
        self.app.run_worker(
            lambda: self._merge(box, new_layers, marks),
            thread=True,
            exit_on_error=False,
            group="merge",
            description="merge new layers",
        )

    def _merge(
        self, box: list[Arranged], new_layers: list[Layer], marks: UnseenChanges | None = None
    ) -> None:
        """In a worker thread: merge, arrange, compare, and net the changes into the
        session's log (merges never overlap, so the log does not change meanwhile); mark
        the new rows with ``marks`` (a copy of the unseen marks) and the changes. Posts
        ``MergeFinished``."""
        before = box.pop()
        layers = new_layers[:]
        new_layers.clear()
        old = {id(layer) for layer in before.dataset.layers}
        replaced = tuple(layer for layer in layers if id(layer) not in old)
        try:
            # The collector paused: it would otherwise run collections again and again
            # while the new dossier is built, each holding the interpreter (and the UI).
            with gc_paused():
                arranged, changes = relayer(before.dataset, layers, cells, previous=before)
                log = self.change_log.updated(changes, time.time())
                if marks is not None:
                    marks.add(changes)
                    arranged.set_marks(marks)
        except Exception as error:  # noqa: BLE001 - reported to the user by MergeFinished
            self.app.post_message(MergeFinished(before, error=error, replaced=replaced))
        else:
            self.app.post_message(
                MergeFinished(before, arranged, changes, log, replaced=replaced, marked=marks)
            )

    def merged(self, message: MergeFinished) -> bool:
        """The merge is over; whether its dossier is to be shown. An error is announced,
        and a merge built on a dossier no longer shown is done again (``merge_if_owed``)."""
        self.merging = False
        if message.error is not None:
            what = (
                "the refreshed feeds"
                if all(la.is_feed for la in message.replaced)
                else ("the changed data files")
            )
            self.app.notify(
                f"Could not merge {what}: {message.error}. The dossier shown is unchanged.",
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
            self.request()
