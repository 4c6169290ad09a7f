"""Where Faultline keeps things: the shipped dossier and the user's config, cache and state
dirs."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs

from .text import sanitise

APP = "faultline"


def default_dossier() -> Path:
    """The default dossier: ``tui/data`` when installed, ``data/`` in a source checkout.

    The wheel maps the repository's ``data/`` to the package ``tui.data`` (pyproject);
    an editable install or a plain checkout finds it beside the package instead.
    """
    package = Path(__file__).resolve().parent.parent
    installed = package / "data"
    if any(installed.glob("*.toml")):
        return installed
    return package.parent / "data"


def user_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def user_cache_dir() -> Path:
    override = os.environ.get("FAULTLINE_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP))


def user_state_dir() -> Path:
    """Where the watchlist, alerts, seen marks, notes, views and the since date live
    (userstate.py): ``$FAULTLINE_STATE_DIR``, else the user state dir
    (``~/.local/state/faultline``)."""
    override = os.environ.get("FAULTLINE_STATE_DIR")
    return Path(override) if override else Path(platformdirs.user_state_dir(APP))


# -- private directories --------------------------------------------------------------------
#
# What is read back from a cache is trusted as the user's own work (parsed records, the
# last good copy of a feed), so a cache directory must be the user's alone: anyone else
# who can write it could plant what the next start shows.


class NotPrivate(OSError):
    """A cache directory or file that is not the user's own, or that others may write.

    ``str()`` is the message for people: the path, what is wrong and what to do."""


def private_dir(path: Path | str, *, create: bool = True, what: str = "cache directory") -> bool:
    """Make sure ``path`` is a directory only this user can write: created with mode 0700
    when missing (and ``create``), otherwise checked. False when it is missing and not
    created; ``NotPrivate`` when it cannot be used, saying why. ``what`` names the
    directory in messages (the cache directory, the state directory)."""
    dir_word = what.replace("directory", "dir")
    path = Path(path)
    if create and not os.path.lexists(path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # as the umask says
            os.mkdir(path, 0o700)
            os.chmod(path, 0o700)  # exactly, whatever the umask
        except FileExistsError:
            pass  # made meanwhile, or a parent is in the way: checked below
        except OSError as error:
            raise NotPrivate(
                f"{_shown(path)}: the {what} cannot be created ({error.strerror or error})"
            ) from None
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise NotPrivate(
                f"{_shown(path)}: this {what} is a symbolic link to "
                f"{_shown(os.readlink(path))}, which does not exist; create that directory "
                f"or choose another {dir_word}"
            ) from None
        if create:
            raise NotPrivate(
                f"{_shown(path)}: the {what} cannot be created (a directory above it "
                "is missing or not a directory)"
            ) from None
        return False
    except OSError as error:
        raise NotPrivate(
            f"{_shown(path)}: the {what} cannot be used ({error.strerror or error})"
        ) from None
    if not stat.S_ISDIR(st.st_mode):
        raise NotPrivate(f"{_shown(path)}: is not a directory, so it cannot be the {what}")
    if os.path.islink(path) and os.lstat(path).st_uid != os.geteuid():
        raise NotPrivate(
            f"{_shown(path)}: this {what} is a symbolic link that belongs to another "
            f"user; choose another {dir_word}"
        )
    check_private(path, st, what)
    return True


def check_private(path: Path | str, st: os.stat_result, what: str = "cache file") -> None:
    """``NotPrivate`` unless ``st`` (of ``path``) belongs to this user and no one else may
    write it."""
    folder = stat.S_ISDIR(st.st_mode)
    another = "choose another " + ("state dir" if "state" in what else "cache dir")
    if st.st_uid != os.geteuid():
        advice = another if folder else "delete it"
        raise NotPrivate(
            f"{_shown(path)}: this {what} belongs to another user (uid {st.st_uid}); {advice}"
        )
    if st.st_mode & 0o022:
        advice = f"make it private (chmod 700) or {another}" if folder else "delete it"
        raise NotPrivate(
            f"{_shown(path)}: other users can write to this {what} "
            f"(mode {stat.S_IMODE(st.st_mode):04o}); {advice}"
        )


def read_private(path: Path | str) -> bytes:
    """The bytes of a cache file, which must be private (``check_private``)."""
    with open(path, "rb") as handle:
        check_private(path, os.fstat(handle.fileno()))
        return handle.read()


def _shown(path: Path | str) -> str:
    """A path for a one-line message."""
    return sanitise(str(path))[0].replace("\n", "\\n").replace("\t", "\\t")
