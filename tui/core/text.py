"""Cleaning untrusted text once, where it enters (spec: "Text safety and limits").

Removed: C0 controls other than newline and tab, DEL, C1 controls (so ESC and every
ANSI, OSC 8 and OSC 52 sequence with it) and the bidi overrides U+202A-U+202E and
U+2066-U+2069. What is removed is counted so the layer can report it.

Lone surrogates (U+D800-U+DFFF) are removed too: JSON escapes can smuggle them in, and
they cannot be written to a UTF-8 terminal or file. This is a compatible addition to
the spec's list (no valid document contains them).
"""

from __future__ import annotations

import re

_REMOVED = (
    [c for c in range(0x00, 0x20) if c not in (0x09, 0x0A)]
    + [0x7F]
    + list(range(0x80, 0xA0))
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
    + list(range(0xD800, 0xE000))
)
_TABLE = dict.fromkeys(_REMOVED)
_UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in _REMOVED) + "]")


def sanitise(value: str) -> tuple[str, int]:
    """Return ``value`` without unsafe characters, and how many were removed."""
    if _UNSAFE.search(value) is None:  # the common case costs one scan, no copy
        return value, 0
    clean = value.translate(_TABLE)
    return clean, len(value) - len(clean)


def is_clean(value: str) -> bool:
    return _UNSAFE.search(value) is None
