"""What the dashboard's symbols, colours and grades mean, in one place.

Every glyph carries its meaning on its own (NO_COLOR and colour-blind users see the
same information); colour only repeats it. Styles are named roles that the stylesheet
maps to theme colours.
"""

from __future__ import annotations

from ..core.export import STANCE_GLYPH
from ..core.model import STANCES

__all__ = [
    "EVENT_MARK",
    "NO_POSITION",
    "STANCE_GLYPH",
    "STANCE_ROLE",
    "STATUS_ROLE",
    "credibility_meaning",
    "reliability_meaning",
    "tally_pieces",
]

# The stance glyphs come from the exporter so the brief and the screen agree.
STANCE_ROLE = {
    "support": "good",
    "oppose": "bad",
    "mixed": "warn",
    "neutral": "info",
    "unknown": "dim",
}
NO_POSITION = "·"

STATUS_ROLE = {
    "escalating": "bad",
    "open": "info",
    "easing": "good",
    "resolved": "dim",
    "dormant": "dim",
}

# Events that have not happened are marked; reported ones get a plain bullet.
EVENT_MARK = {"reported": "•", "planned": "◇", "expected": "◌", "hypothetical": "?"}

_RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
_CREDIBILITY = {
    1: "confirmed",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}


def reliability_meaning(grade: str) -> str:
    return _RELIABILITY.get(grade, "unknown grade")


def credibility_meaning(grade: int | None) -> str:
    return _CREDIBILITY.get(grade or 6, "unknown grade")


def tally_pieces(tally: dict[str, int]) -> list[tuple[str, str]]:
    """A compact stance tally such as ``2▲ 3▼ 1◆`` as (text, role) pieces; zeros left out."""
    pieces: list[tuple[str, str]] = []
    for stance in STANCES:
        count = tally.get(stance, 0)
        if count:
            if pieces:
                pieces.append((" ", ""))
            pieces.append((f"{count}{STANCE_GLYPH[stance]}", STANCE_ROLE[stance]))
    return pieces


def tally_text(tally: dict[str, int]) -> str:
    return "".join(text for text, _ in tally_pieces(tally))
