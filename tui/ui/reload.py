"""Live reload, for the app: a data file saved on disk (by the editor ``e`` opened, in
another pane, by ``git pull``) is read again in the background and merged in, keeping
focus, filter and cursors, with what the save added and changed marked.

Watching is the core's (``core.watch.DataWatcher``, in its own threads); reading a path
again happens in a worker thread here, one batch at a time, and the merge goes through
the app's ``Merger`` (refresh.py), the same path as a feed refresh. A save with problems
keeps the last good version of that document in use (``core.watch.reread``): the status
line says so and ``w`` lists the problems; the next good save clears it.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.message import Message

from ..core.merge import Layer
from ..core.schema import MAX_DOCUMENT_SIZE
from ..core.text import sanitise
from ..core.watch import DataWatcher, Signature, kept_text, reread, signature
from .merger import Merger


class DataFilesChanged(Message):
    """The watcher saw these data paths change (posted from its thread)."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths


class DataFilesRead(Message):
    """The reload worker read these data paths again: (layer, documents gone) each."""

    def __init__(self, results: list[tuple[Layer, list[str]]]) -> None:
        super().__init__()
        self.results = results


class DataReloader:
    """Watch ``paths`` and merge in what a save changes. Made before the dossier is read
    (the watcher notes each file's state then), started once it is shown. Without
    ``watch`` nothing is watched, but a path can still be read again on request
    (``changed``: the capture forms do, after appending to their file)."""

    def __init__(
        self,
        app: App[int],
        merger: Merger,
        paths: list[Path],
        mode: str = "auto",
        max_size: int = MAX_DOCUMENT_SIZE,
        *,
        watch: bool = True,
    ) -> None:
        self.app = app
        self.merger = merger
        self.max_size = max_size
        self.watcher = DataWatcher(paths, self._changed, mode) if watch else None
        # Each data path's signature when the version in use was read (taken before it
        # was read): ``reread`` reads again only the files of a directory changed since.
        self.read_as: dict[Path, Signature] = (
            dict(self.watcher.known) if self.watcher is not None else {}
        )
        self.pending: dict[Path, None] = {}
        self.reading = False

    @property
    def busy(self) -> bool:
        return self.reading or bool(self.pending)

    def start(self) -> str:
        return self.watcher.start() if self.watcher is not None else ""

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def add(self, path: Path) -> None:
        """Read (and watch) one more data path: a capture file just created."""
        if self.watcher is not None:
            self.watcher.add(path)
        self.changed([path])

    def _changed(self, paths: list[Path]) -> None:
        # From a watching thread: post_message is safe from any thread.
        self.app.post_message(DataFilesChanged(paths))

    def changed(self, paths: list[Path]) -> None:
        """On the UI thread: read these paths again (after the batch being read, if any)."""
        self.pending.update(dict.fromkeys(paths))
        self._read_pending()

    def _read_pending(self) -> None:
        if self.reading or not self.pending or self.merger.shown() is None:
            return
        paths = list(self.pending)
        self.pending.clear()
        self.reading = True
        # Handed over in a list the worker empties: a finished worker can outlive it (its
        # context is kept by what it set off), and must not keep the layers read before.
        box = [[(path, self.merger.layer(str(path))) for path in paths]]
        self.app.run_worker(
            lambda: self._read(box.pop()),
            thread=True,
            exit_on_error=False,
            group="reload",
            description="read changed data files",
        )

    def _read(self, jobs: list[tuple[Path, Layer | None]]) -> None:
        results = []
        for path, previous in jobs:
            try:
                now = signature(path)  # before reading: a save meanwhile is read again
                results.append(reread(path, previous, self.max_size, self.read_as.get(path, ())))
                self.read_as[path] = now
            except Exception as error:  # noqa: BLE001 - a bug; the dossier shown stays as it is
                self.app.call_from_thread(
                    self.app.notify,
                    sanitise(
                        f"Could not read {path} again: {error!r}. The dossier shown is unchanged."
                    )[0],
                    severity="error",
                    markup=False,
                )
        self.app.post_message(DataFilesRead(results))

    def read(self, message: DataFilesRead) -> None:
        """On the UI thread: the paths were read again; merge them in, say what went."""
        self.reading = False
        for layer, gone in message.results:
            self.merger.local[layer.name] = layer
            if gone:
                names = ", ".join(sanitise(name)[0] for name in gone)
                self.app.notify(
                    f"{names} {'is' if len(gone) == 1 else 'are'} gone from disk: what "
                    f"{'it' if len(gone) == 1 else 'they'} defined is no longer shown.",
                    title="Data file removed",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )
            for document in layer.kept:
                problems = [p for p in layer.problems if p.document == document]
                self.app.notify(
                    f"{kept_text(document, len(problems))}. First: {problems[0]}. "
                    "w lists them all; the next good save clears this.",
                    title="Not reloaded",
                    severity="error",
                    timeout=10,
                    markup=False,
                )
        self.merger.request()
        self._read_pending()
