"""What the dashboard remembers between sessions: the "since" date of the moves it shows
(``T``). One small JSON file in the user state dir (``paths.user_state_dir``), written
atomically; a file that cannot be read or holds no valid date is said once and ignored,
never fatal."""

from __future__ import annotations

import json
from pathlib import Path

from .atomic import write_atomic
from .dates import DateError, EDate
from .paths import user_state_dir

STATE_FILE = "state.json"


def state_file() -> Path:
    return user_state_dir() / STATE_FILE


def load_since(path: Path | None = None) -> tuple[EDate | None, str | None]:
    """The remembered "since" date (None when there is none), and why a file there was
    not used (None when all is well)."""
    path = path or state_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as error:
        return None, f"{path}: cannot be read ({getattr(error, 'strerror', None) or error})"
    try:
        state = json.loads(text)
    except ValueError as error:
        return None, f"{path}: not JSON ({error}); the since date is not remembered"
    value = state.get("since") if isinstance(state, dict) else None
    if value is None:
        return None, None
    try:
        return EDate.parse(value), None
    except DateError as error:
        return None, f"{path}: since: {error}"


def save_since(since: EDate | None, path: Path | None = None) -> None:
    """Remember ``since`` (None: forget it). Raises OSError when it cannot be written."""
    path = path or state_file()
    state = {"since": since.text if since is not None else None}
    write_atomic(path, (json.dumps(state, ensure_ascii=False) + "\n").encode("utf-8"))
