"""Opening the file that defines an entity in the analyst's editor, at its line.

The editor is ``$VISUAL``, else ``$EDITOR``, else ``vi``, split into words as a shell
would (``EDITOR="code --wait"``). Editors known to take the line as ``+LINE`` before the
file get it so (vi, vim, nvim, nano, emacs, micro, helix and a few more); VS Code and its
kin take ``--goto FILE:LINE``, Sublime Text and Zed ``FILE:LINE``; any other editor
is given the file alone. No Textual here: the dashboard suspends itself around it
(``tui/ui/editing.py``).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .browse import Ref
from .merge import Dataset
from .model import Disagreement
from .problems import FaultlineError

# Editors that open a file at a line given as "+LINE" before it.
PLUS_LINE = frozenset(
    {
        "vi", "vim", "nvim", "gvim", "view", "vim.basic", "vim.tiny", "nano", "pico",
        "emacs", "emacsclient", "micro", "hx", "helix", "kak", "joe", "jed", "ne", "mg",
    }
)  # fmt: skip
GOTO_FLAG = frozenset({"code", "code-insiders", "codium", "cursor"})  # --goto FILE:LINE
COLON_LINE = frozenset({"subl", "zed"})  # FILE:LINE


@dataclass(frozen=True)
class Target:
    """Where an entity is defined: a local file and the line of its table."""

    path: Path
    line: int | None
    what: str  # "actor kz", for messages


def editor_command(path: Path, line: int | None, env: Mapping[str, str] | None = None) -> list[str]:
    """The command that opens ``path`` at ``line`` in the analyst's editor."""
    env = os.environ if env is None else env
    variable = "VISUAL" if env.get("VISUAL") else "EDITOR" if env.get("EDITOR") else None
    raw = env[variable] if variable else "vi"
    try:
        words = shlex.split(raw)
    except ValueError as error:
        raise FaultlineError(f"${variable}: {raw!r} cannot be split into words: {error}") from None
    if not words:
        words = ["vi"]
    name = os.path.basename(words[0])
    file = _argument(path)
    if line is None:
        return [*words, file]
    if name in PLUS_LINE:
        return [*words, f"+{line}", file]
    if name in GOTO_FLAG:
        return [*words, "--goto", f"{file}:{line}"]
    if name in COLON_LINE:
        return [*words, f"{file}:{line}"]
    return [*words, file]


def _argument(path: Path) -> str:
    """``path`` as an editor argument that can only mean a file: a name starting with
    ``-`` would be an option and one starting with ``+`` a command (vim runs
    ``+!cmd``), so such a relative name is given as ``./NAME``."""
    text = str(path)
    return os.path.join(os.curdir, text) if text.startswith(("-", "+")) else text


def edit_target(dataset: Dataset, ref: Ref) -> Target:
    """The file and line defining ``ref``; a FaultlineError saying why there is none
    (it came from a feed, or was not read from a file)."""
    entity = dataset.get(ref.kind, ref.id)
    noun = "position" if ref.is_position else ref.kind.singular
    what = f"{noun} {ref.id}" + (f" of {ref.actor}" if ref.actor else "")
    if entity is None:
        raise FaultlineError(f"{what} is no longer in the dossier")
    origin = entity.origin
    if isinstance(entity, Disagreement) and ref.actor:
        held = entity.current().get(ref.actor)
        origin = getattr(held, "origin", None) or origin
    if origin is None:
        raise FaultlineError(f"{what} was not read from a file, so there is no file to edit")
    layer = next((la for la in dataset.layers if la.name == origin.layer), None)
    if layer is not None and layer.is_feed:
        raise FaultlineError(
            f"{what} comes from the feed {origin.layer}: it cannot be edited here; change "
            "it where the feed is published (f shows the feed's URL), or add an entity with "
            "the same id to a local file to override it"
        )
    return Target(Path(origin.document), origin.line, what)
