"""Cleaning untrusted text once, where it enters (spec: "Text safety and limits").

Removed: C0 controls other than newline and tab, DEL, C1 controls (so ESC and every
ANSI, OSC 8 and OSC 52 sequence with it) and every Unicode bidirectional control
(Bidi_Control: U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069). Joiners
(U+200C, U+200D) stay: scripts and emoji need them. What is removed is counted so the
layer can report it.

Lone surrogates (U+D800-U+DFFF) are removed too: JSON escapes can smuggle them in, and
they cannot be written to a UTF-8 terminal or file. This is a compatible addition to
the spec's list (no valid document contains them).

``is_blank`` says whether cleaned text shows nothing at all (white space and invisible
characters only): such a name or title is an error, since nobody could see or pick it.

``counted`` is here too, as the one way a message counts things (``1 actor``, ``2 actors``).
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))

_REMOVED = (
    [c for c in range(0x20) if c not in (0x09, 0x0A)]
    + [0x7F]
    + list(range(0x80, 0xA0))
    + list(BIDI_CONTROLS)
    + list(range(0xD800, 0xE000))
)
_TABLE = dict.fromkeys(_REMOVED)


def _char_class(codes: list[int]) -> str:
    """A regular expression character class for ``codes``, runs written as ranges: the
    class of every code listed one by one (2,000 surrogates) takes milliseconds to compile,
    at every start."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    parts = (
        re.escape(chr(first)) + ("" if last == first else "-" + re.escape(chr(last)))
        for first, last in runs
    )
    return "[" + "".join(parts) + "]"


_UNSAFE = re.compile(_char_class(_REMOVED))
# The first character ``sanitise`` would remove, or None: for a caller that checks
# millions of strings and cleans only the few that need it, without a call in between.
find_unsafe = _UNSAFE.search

# Characters that draw nothing by themselves: format characters (zero width space, word
# joiner, BOM, tags...), separators, combining and enclosing marks (variation selectors,
# the combining grapheme joiner), and Unicode's other default-ignorable code points, which
# are letters or unassigned (the Hangul fillers) or reserved; and the braille blank.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})
_INVISIBLE_OTHERS = frozenset(
    map(chr, (0x115F, 0x1160, 0x2065, 0x2800, 0x3164, 0xFFA0, *range(0xFFF0, 0xFFF9)))
)
_category = unicodedata.category


def sanitise(value: str) -> tuple[str, int]:
    """Return ``value`` without unsafe characters, and how many were removed."""
    if _UNSAFE.search(value) is None:  # the common case costs one scan, no copy
        return value, 0
    clean = value.translate(_TABLE)
    return clean, len(value) - len(clean)


def _invisible(char: str) -> bool:
    return (
        char.isspace()
        or _category(char) in _INVISIBLE_CATEGORIES
        or char in _INVISIBLE_OTHERS
        or "\U000e0000" <= char <= "\U000e0fff"  # tags, variation selectors, reserved
    )


def is_blank(value: str) -> bool:
    """Whether ``value`` shows nothing: empty, or only white space and invisible characters.

    Stops at the first visible character, so a name costs one or two steps."""
    return not any(not _invisible(char) for char in value)


def invisible_codes(value: str, limit: int = 5) -> str:
    """The distinct invisible characters of ``value`` other than ASCII white space, as
    ``U+200B, U+3164``, for a message that tells a person what to look for."""
    codes = dict.fromkeys(f"U+{ord(c):04X}" for c in value if c not in " \t\n\r")
    shown = list(codes)[:limit]
    return ", ".join(shown) + (", …" if len(codes) > limit else "")


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 actor``, ``2 actors``, ``12,345 events``: the count with its noun, singular
    only for one; ``plural`` for a noun whose plural is not made with -s."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
