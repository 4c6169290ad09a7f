"""``e``: the file defining the selected entity, opened in the analyst's editor at its
line, with the dashboard suspended meanwhile (as lazygit and Posting do). What the save
changes comes back through the live reload (reload.py)."""

from __future__ import annotations

import subprocess

from textual.app import App, SuspendNotSupported

from ..core.browse import Ref
from ..core.editor import edit_target, editor_command
from ..core.merge import Dataset
from ..core.problems import FaultlineError
from ..core.text import sanitise


def edit(app: App[int], dataset: Dataset, ref: Ref | None) -> bool:
    """Open the editor on ``ref``'s file; whether it ran. Every reason it cannot is a
    notice (a feed's entity, no editor, a terminal that cannot be handed over)."""
    if ref is None:
        app.notify("Nothing selected to edit.", markup=False)
        return False
    try:
        target = edit_target(dataset, ref)
        command = editor_command(target.path, target.line)
    except FaultlineError as error:
        app.notify(sanitise(str(error))[0], title="Not editable", severity="warning", markup=False)
        return False
    # A file name is untrusted text (a downloaded dossier may name an escape sequence).
    where = sanitise(f"{target.path}:{target.line}" if target.line else str(target.path))[0]
    editor = sanitise(command[0])[0]
    try:
        if app.is_headless:  # no terminal to hand over (tests, a pipe): run it as it is
            code = _run(command)
        else:
            with app.suspend():
                code = _run(command)
    except SuspendNotSupported:
        app.notify(
            f"This terminal cannot be handed to an editor: open {where} yourself.",
            severity="warning",
            markup=False,
        )
        return False
    except OSError as error:
        app.notify(
            f"Could not start the editor {editor!r}: {error.strerror or error}. Set "
            "$VISUAL or $EDITOR to the editor you use.",
            title="No editor",
            severity="error",
            markup=False,
        )
        return False
    if code != 0:
        app.notify(
            f"The editor {editor!r} exited with status {code} ({where}).",
            severity="warning",
            markup=False,
        )
    return True


def _run(command: list[str]) -> int:
    return subprocess.run(command, check=False).returncode
