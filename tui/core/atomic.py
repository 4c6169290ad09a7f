"""Atomic file writes: a crash or kill at any moment leaves the previous copy readable."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | tuple[bytes, ...], *, fsync: bool = True) -> None:
    """Write ``data`` to a temp file beside ``path``, then rename it over ``path``.

    ``data`` is bytes (or any bytes-like object), or a tuple of parts written one after
    another (not joined: a part may be tens of megabytes). With ``fsync`` the file and the
    rename are flushed to disk first, so a crash leaves the old copy or the new one, whole.
    Without it, a crash may leave a new copy cut short: only for files that check
    themselves and are cheap to lose (the parsed-data cache), where the flush would cost
    every write for nothing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in data if isinstance(data, tuple) else (data,):
                handle.write(part)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if fsync:
        _fsync_directory(path.parent)  # make the rename itself durable


def write_output(path: Path, data: bytes) -> None:
    """Write a file a person named (``export -o``) where they named it, as a shell would.

    Unlike ``write_atomic`` (for our own caches), no directory is created (a missing one is
    an error naming it), a new file gets the mode the umask allows and an existing one keeps
    its mode (a read-only one is refused), and a symlink is written through: its target is
    replaced, the link stays. The new copy is renamed over the target, so a crash leaves
    the old copy whole; where that cannot be done (a pipe or device such as
    ``/dev/stdout``, or a writable file in a directory we may not write), the file is
    written in place.
    """
    try:
        existing: os.stat_result | None = os.stat(path)  # through symlinks
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(path, "wb") as handle:  # a directory raises IsADirectoryError here
            handle.write(data)
        return
    if existing is not None and not os.access(path, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    target = Path(os.path.realpath(path))
    try:
        fd, temp = create_beside(target, None if existing is None else existing.st_mode & 0o777)
    except PermissionError:
        if existing is None:
            raise
        with open(path, "wb") as handle:
            handle.write(data)
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            if existing is not None:
                with contextlib.suppress(OSError):  # keep the group, as writing in place would
                    os.fchown(handle.fileno(), -1, existing.st_gid)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(target.parent)


def create_beside(target: Path, mode: int | None) -> tuple[int, Path]:
    """A new temp file in ``target``'s directory, with ``mode``, or when ``mode`` is None
    with 0o666 less the umask (and as a default ACL says), as for any new file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    for _ in range(100):
        temp = target.parent / f".{target.name}.{os.urandom(4).hex()}.tmp"
        try:
            fd = os.open(temp, flags, 0o666 if mode is None else 0o600)
        except FileExistsError:
            continue
        except FileNotFoundError:
            directory = str(target.parent)
            message = f"the directory {directory} does not exist"
            raise FileNotFoundError(errno.ENOENT, message, directory) from None
        if mode is not None:
            os.fchmod(fd, mode)
        return fd, temp
    raise FileExistsError(errno.EEXIST, f"no free temporary name in {target.parent}")


def _fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable, where the system allows it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
