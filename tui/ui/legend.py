"""What the dashboard's symbols, colours and grades mean, in one place.

Every glyph carries its meaning on its own (NO_COLOR and colour-blind users see the
same information); colour only repeats it. Styles are named roles that the stylesheet
maps to theme colours.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.color import Color, ColorParseError

from ..core.model import STANCES
from ..core.movement import STANCE_GLYPH

__all__ = [
    "EVENT_MARK",
    "NO_POSITION",
    "ROLE_STYLE",
    "STANCE_GLYPH",
    "STANCE_ROLE",
    "STATUS_ROLE",
    "credibility_meaning",
    "reliability_meaning",
    "rich_role_style",
    "role_css",
    "tally_pieces",
]

# The one table from a role (what a piece of text is: good news, bad news, a heading…)
# to how it is drawn, in the theme's own variables, so every theme (and NO_COLOR)
# applies. The panes, the matrix, the detail pane and the feeds screen all draw from it.
ROLE_STYLE = {
    "": "",
    "good": "$text-success",
    "bad": "$text-error",
    "warn": "$text-warning",
    "info": "$text-primary",
    "dim": "$text-muted",
    "accent": "$text-accent",
    "header": "bold $text-accent",
    "mark": "bold $text-accent",
    "bold": "bold",
    "match": "underline bold",
}


def role_css(selector: str, role: str, extra: str = "") -> str:
    """A stylesheet rule drawing ``role`` (``extra``: more text styles, such as "bold")."""
    words = f"{ROLE_STYLE[role]} {extra}".split()
    rules = [f"color: {word};" for word in words if word.startswith("$")]
    styles = " ".join(dict.fromkeys(word for word in words if not word.startswith("$")))
    if styles:
        rules.append(f"text-style: {styles};")
    return f"{selector} {{ {' '.join(rules)} }}"


def rich_role_style(role: str, variables: Mapping[str, str]) -> str:
    """``role`` as a Rich style, for what Rich draws (a ``DataTable`` cell): the theme's
    colours looked up in ``variables`` (``App.get_css_variables()``); a colour the theme
    gives only relative to the background (``$text-muted``) is drawn dim."""
    words: list[str] = []
    for word in ROLE_STYLE[role].split():
        if not word.startswith("$"):
            words.append(word)
            continue
        try:
            words.append(Color.parse(variables.get(word[1:], "")).hex)
        except ColorParseError:
            words.append("dim")
    return " ".join(words)


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
