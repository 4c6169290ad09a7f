"""Watching the local data paths, and reading a layer again after a save.

``DataWatcher`` tells its caller which data paths changed on disk: file system
notifications through ``watchfiles`` where they arrive, else (a network file system,
watchfiles missing or out of watches, or ``[data] watch = "poll"``) a stat of every
document file each ``POLL_INTERVAL`` seconds. Either way it decides what changed by each
path's *signature* (every document file's mtime, size and inode): an editor's temp
files, swap files and bursts of writes come to at most one report per settled save, and
a notification that changed nothing (a save of identical bytes aside) reports nothing.
It runs in daemon threads that block between events; nothing here spins while idle.

``reread`` reads a data path again and keeps the last good version of a document whose
new version has problems (the problems are kept too, to be shown), so a save with a
mistake in it changes nothing shown.

No Textual here: the dashboard's part is ``tui/ui/reload.py``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from .loading import document_files, read_layer
from .merge import Layer, check_layer
from .schema import MAX_DOCUMENT_SIZE
from .text import sanitise

POLL_INTERVAL = 1.5  # seconds between two stats of every document file, when polling
SETTLE = 0.1  # seconds a changed path must stay unchanged before it is reported
SETTLE_MAX = 20  # checks at most (2 s): a file written for longer is reported as it is
NOTIFY_STEP = 100  # ms: watchfiles waits this long for more changes before reporting
NOTIFY_DEBOUNCE = 1000  # ms: and reports a stream of changes at least this often
# ms: with no change, watchfiles returns this often; the first return says it is watching.
NOTIFY_TIMEOUT = 1000

# File systems on which changes made elsewhere (another machine) raise no notification.
NETWORK_FILE_SYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "virtiofs", "vboxsf", "afs",
        "ceph", "glusterfs", "lustre", "davfs", "fuse.sshfs", "fuse.rclone",
        "fuse.s3fs", "fuse.gcsfuse", "fuse.davfs2",
    }
)  # fmt: skip

Signature = tuple[tuple[str, int, int, int], ...]


def signature(path: Path) -> Signature:
    """Each document file of a data path with its mtime (ns), size and inode; empty
    when the path is missing."""
    try:
        files = document_files(path)
    except OSError:
        return ()
    found = []
    for file in files:
        try:
            st = os.stat(file)
        except OSError:
            continue
        found.append((str(file), st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(found)


def file_system_type(path: Path, mountinfo: str = "/proc/self/mountinfo") -> str | None:
    """The type of the file system holding ``path`` (Linux; None where unknown)."""
    try:
        with open(mountinfo, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    target = os.path.realpath(path)
    best, kind = "", None
    for line in lines:
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right:
            continue
        point = fields[4].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, right.split()[0]
    return kind


def needs_polling(path: Path) -> bool:
    """Whether changes under ``path`` may come with no notification (a network mount)."""
    return file_system_type(path) in NETWORK_FILE_SYSTEMS


class DataWatcher:
    """Report which of ``paths`` changed: ``on_change(paths)`` is called from a watching
    thread, once per settled change. Signatures are taken when it is made (before the
    data is read), so a save made while the dossier loads is reported at ``start``.

    ``mode``: "auto" (notifications, polling where they do not arrive) or "poll".
    """

    def __init__(
        self,
        paths: Iterable[Path],
        on_change: Callable[[list[Path]], None],
        mode: str = "auto",
        interval: float = POLL_INTERVAL,
    ) -> None:
        self.paths = list(dict.fromkeys(Path(p) for p in paths))
        self.on_change = on_change
        self.mode = mode
        self.interval = interval
        self.known = {path: signature(path) for path in self.paths}
        self.how = ""  # once started: "notifications", "polling" or both, for people
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._waiting = 0  # threads not yet watching
        self.ready = threading.Event()  # every thread is watching (or polling)

    # -- starting and stopping ----------------------------------------------------------------

    def start(self) -> str:
        """Start watching; returns how ("notifications", "polling every 1.5 s", …)."""
        self.how = self._launch(self.paths)
        if not self._threads:
            self.ready.set()
        return self.how

    def add(self, path: Path) -> None:
        """Watch one more path (a capture file just created), from its state now."""
        path = Path(path)
        with self._lock:
            if path in self.known:
                return
            self.paths.append(path)
            self.known[path] = signature(path)
        if self.how and not self._stop.is_set():  # started: watch it as the others
            self._launch([path])

    def _launch(self, paths: Sequence[Path]) -> str:
        """Threads that watch ``paths``; how, for people."""
        polled: list[Path] = []
        files: list[Path] = []  # watched through their directory, not recursively
        folders: list[Path] = []  # data directories, watched recursively
        try:
            import watchfiles  # noqa: F401 - without it, every path is polled
        except ImportError:
            polled = list(paths)
        for path in paths if not polled else ():
            real = Path(os.path.realpath(path))  # a symlink's target may be elsewhere
            if self.mode == "poll" or needs_polling(real if real.is_dir() else real.parent):
                polled.append(path)
            elif path.is_dir():
                folders.append(path)
            elif path.parent.is_dir():
                files.append(path)
            else:
                polled.append(path)  # not even its directory exists yet
        if files:
            # A data file that is a symlink changes where its target is (an editor saving
            # through it, a git checkout elsewhere): both directories are watched.
            targets = [Path(os.path.realpath(p)).parent for p in files]
            parents = list(dict.fromkeys([*(p.parent for p in files), *targets]))
            self._spawn(self._notify, parents, False, files, name="faultline-watch")
        if folders:
            self._spawn(self._notify, folders, True, folders, name="faultline-watch")
            # Documents of a data directory that are symlinks to files elsewhere: their
            # targets' directories too (not recursively: one may be a home directory).
            linked = _linked_elsewhere(folders)
            if linked:
                parents = list(dict.fromkeys(Path(target).parent for target in linked))
                self._spawn(self._notify, parents, False, folders, linked, name="faultline-watch")
        if polled:
            self._spawn(self._poll, polled, name="faultline-poll")
        ways = ["notifications"] if files or folders else []
        if polled:
            ways.append(f"polling every {self.interval:g} s")
        return " and ".join(ways)

    def _spawn(self, target: Callable[..., object], *args: object, name: str) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        with self._lock:
            self._waiting += 1
        thread.start()

    def _watching(self, paths: Sequence[Path]) -> None:
        """A thread is watching: check what was saved since the signatures were taken
        (nothing saved from now on can be missed), then count it as ready."""
        self._check(paths)
        with self._lock:
            self._waiting -= 1
            if self._waiting <= 0:
                self.ready.set()

    def stop(self, wait: float = 1.0) -> None:
        """Stop every watching thread (each ends within ``NOTIFY_STEP`` ms, or when a
        check under way is done), waiting up to ``wait`` seconds for them: a thread left
        inside watchfiles while the interpreter shuts down could crash it."""
        self._stop.set()
        deadline = time.monotonic() + wait
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    # -- the threads --------------------------------------------------------------------------

    def _notify(
        self,
        roots: list[Path],
        recursive: bool,
        paths: list[Path],
        also: frozenset[str] = frozenset(),
    ) -> None:
        """Watch ``roots`` for changes to ``paths`` (or to the files named in ``also``,
        which belong to them), and check ``paths`` when one comes."""
        from watchfiles import watch

        wanted = {os.path.abspath(p) for p in paths} | {os.path.realpath(p) for p in paths}
        wanted |= also
        folders = tuple(w.rstrip(os.sep) + os.sep for w in wanted) if recursive else ()

        def relevant(_change: object, name: str) -> bool:
            return name in wanted or name.startswith(folders)

        first = True
        try:
            for changes in watch(
                *(os.path.abspath(root) for root in roots),
                watch_filter=relevant,
                debounce=NOTIFY_DEBOUNCE,
                step=NOTIFY_STEP,
                stop_event=self._stop,
                rust_timeout=NOTIFY_TIMEOUT,
                yield_on_timeout=True,  # an empty set: the first says the watches are set
                recursive=recursive,
                raise_interrupt=False,
                ignore_permission_denied=True,
            ):
                if first:
                    first = False
                    self._watching(paths)
                elif changes:
                    self._check(paths)
        except Exception:  # noqa: BLE001 - no watches to be had (inotify limit): poll instead
            if not self._stop.is_set():
                self.how = f"polling every {self.interval:g} s"
                self._poll(paths, first)

    def _poll(self, paths: list[Path], first: bool = True) -> None:
        if first:
            self._watching(paths)
        while not self._stop.wait(self.interval):
            self._check(paths)

    def _check(self, paths: Sequence[Path]) -> None:
        """Report the paths whose signature changed, once it has settled."""
        with self._lock:
            changed = [p for p in paths if signature(p) != self.known[p]]
            if not changed:
                return
            # A save is often several steps (write a temp file, rename it; truncate, then
            # write): wait until the signature stays the same for SETTLE seconds.
            now = {p: signature(p) for p in changed}
            for _ in range(SETTLE_MAX):
                if self._stop.wait(SETTLE):
                    return
                again = {p: signature(p) for p in changed}
                if again == now:
                    break
                now = again
            changed = [p for p in changed if now[p] != self.known[p]]
            self.known.update(now)
        if changed and not self._stop.is_set():
            self.on_change(changed)


def _linked_elsewhere(folders: Sequence[Path]) -> frozenset[str]:
    """The targets of the documents in ``folders`` that are symlinks to files outside
    them (a dossier kept in a repository, linked into the data directory)."""
    targets = set()
    for folder in folders:
        inside = os.path.realpath(folder) + os.sep
        try:
            files = document_files(folder)
        except OSError:
            continue
        for file in files:
            target = os.path.realpath(file)
            if file.is_symlink() and not target.startswith(inside):
                targets.add(target)
    return frozenset(targets)


# -- reading a layer again ----------------------------------------------------------------------


def reread(
    path: Path,
    previous: Layer | None,
    max_size: int = MAX_DOCUMENT_SIZE,
    read_as: Signature = (),
) -> tuple[Layer, list[str]]:
    """Read data path ``path`` again after a change. A document whose new version has
    problems keeps its last good version from ``previous`` (named in ``Layer.kept``; its
    problems stay in ``Layer.problems`` to be shown). Returns the layer and the
    documents that are gone (deleted files, whose entities are no longer shown).

    ``read_as``: the path's signature taken before ``previous`` was read. A file of a
    data directory whose mtime, size and inode are still those keeps its document from
    ``previous`` unread (unless it had problems then): a save of one part of a dossier
    in ten parts reads that part, not the million events of all ten."""
    unchanged: set[str] = set()
    if previous is not None and read_as:
        troubled = {p.document for p in previous.problems}.union(previous.kept)
        unchanged = {entry[0] for entry in set(read_as) & set(signature(path))} - troubled
    # Large documents are parsed in a child process: the dashboard runs meanwhile.
    # The objects read before are kept for what the save left unchanged (``Unchanged``).
    fresh = read_layer(
        path, max_size=max_size, isolate=True, previous=previous, unchanged=unchanged
    )
    name = fresh.name if previous is None else previous.name
    if not path.exists():  # deleted: the layer goes, with what it held
        return Layer(name), [d.name for d in previous.documents] if previous else []
    before = {d.name: d for d in previous.documents} if previous else {}
    now = {d.name for d in fresh.documents}
    troubled = {p.document for p in fresh.problems}
    kept = [before[doc] for doc in sorted(troubled) if doc in before and doc not in now]
    gone = [doc for doc in before if doc not in now and doc not in troubled]
    if fresh.name != name:
        fresh = replace(fresh, name=name)
    if not kept:
        return fresh, gone
    documents = sorted([*fresh.documents, *kept], key=lambda d: d.name)
    layer = check_layer(name, documents, list(fresh.problems))
    return replace(layer, kept=tuple(d.name for d in kept)), gone


def kept_text(document: str, problems: int) -> str:
    """``data/x.toml: 2 problems, showing the last good version`` (the status line's)."""
    name, _ = sanitise(document)
    plural = "s" if problems != 1 else ""
    return f"{name}: {problems} problem{plural}, showing the last good version"
