"""Text from data as every terminal draws it: one width, whatever the terminal.

Rich measures some sequences as a single cluster that many terminals draw character by
character, or draws at a width they do not: an emoji ZWJ sequence (👨‍👩‍👧: 2 cells to
Rich, 6 to xterm, VTE or tmux), a skin-tone modifier, VS16 (❤️), conjoining Hangul jamo
(ᄀ+ᅡ), invisible format characters (U+200B, U+2060, U+FEFF, the soft hyphen…). Where
the two disagree, a row drawn to fit its pane pushes the border right or leaves a stray
``│``. ``drawn`` turns a string into one whose width every terminal agrees on, for the
screen only: the data (and exports) keep every character.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from functools import cache
from itertools import pairwise

from rich.cells import cell_len
from textual.content import Content, Span

# Unicode's format characters (category Cf): invisible, and drawn at 0 or 1 cells
# depending on the terminal. ZWJ (U+200D) among them, so an emoji sequence is drawn as
# its emoji side by side; bidi marks too (the reader removes them; this is the screen's
# own guard). The test suite checks this list against ``unicodedata``.
FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)
# Variation selectors (VS16 widens a narrow character to Rich but not to every
# terminal) and the emoji skin-tone modifiers (2 cells alone, 0 after an emoji to Rich).
SELECTORS = "\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef\U0001f3fb-\U0001f3ff"
# Conjoining Hangul vowels and finals: 0 cells to Rich, 1 or 2 to terminals that do not
# compose jamo. NFC composes them into syllables; those left are shown by their wide
# compatibility letters (ㅏ), or not at all when there is none.
JAMO = "\u1160-\u11ff\ud7b0-\ud7ff"
_UNSURE = re.compile(f"[{FORMAT}{SELECTORS}{JAMO}]")


@cache
def _redraw() -> tuple[re.Pattern[str], re.Pattern[str], dict[int, str]]:
    """What ``drawn`` needs for text that has such characters: the hidden ones, the jamo,
    and each jamo's compatibility letter. Made when first needed, not at every start
    (most dossiers have none)."""
    hidden = re.compile(f"[{FORMAT}{SELECTORS}]+")
    jamo = re.compile(f"[{JAMO}]")
    # "HANGUL JONGSEONG KIYEOK" (a final) is shown as "HANGUL LETTER KIYEOK" (ㄱ).
    compatible: dict[int, str] = {}
    for code in [*range(0x1160, 0x1200), *range(0xD7B0, 0xD800)]:
        letter = unicodedata.name(chr(code), "").split(" ", 2)[-1]
        with contextlib.suppress(KeyError):
            compatible[code] = unicodedata.lookup(f"HANGUL LETTER {letter}")
    return hidden, jamo, compatible


def drawn(text: str) -> str:
    """``text`` as the screen shows it: the same width to Rich and to every terminal."""
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _UNSURE.search(text) is None:
        return text
    hidden, jamo, compatible = _redraw()
    text = hidden.sub("", text)
    return jamo.sub(lambda m: compatible.get(ord(m.group()), ""), text)


def cells(text: str) -> int:
    """The cells ``text`` takes on screen, as drawn (the browsing model's ``measure``)."""
    return cell_len(drawn(text))


def drawn_content(content: Content) -> Content:
    """``drawn`` for styled content: each styled run drawn on its own, styles kept."""
    text = content.plain
    if text.isascii():
        return content
    size = len(text)
    spans = [(min(s.start, size), min(s.end, size), s.style) for s in content.spans]
    cuts = sorted({0, size, *(start for start, _, _ in spans), *(end for _, end, _ in spans)})
    pieces: list[str] = []
    moved = {0: 0}  # old offset -> new, at every cut
    for start, end in pairwise(cuts):
        pieces.append(drawn(text[start:end]))
        moved[end] = moved[start] + len(pieces[-1])
    shown = "".join(pieces)
    if shown == text:
        return content
    return Content(shown, [Span(moved[start], moved[end], style) for start, end, style in spans])
