"""Time travel and movement on screen: the date form of ``t`` (as of) and ``T`` (since),
and the "moved since" list (``M``): every stance that moved, both positions, the
detail of the one under the cursor (its history with citations) below; Enter goes to
it. What counts as a move, and how imprecise dates are compared: core/movement.py.

Here, what the dashboard's panes draw in its first frame; the screens are in
timescreens.py, imported when first opened."""

from __future__ import annotations

from ..core.browse import Arranged, Ref
from ..core.dates import EDate
from ..core.model import Disagreement, Kind
from ..core.movement import Move
from .legend import STANCE_GLYPH, STANCE_ROLE
from .rowlist import Piece


def travel_refusal(as_of: EDate, what: str) -> str:
    """Why ``what`` (``stances are recorded``) is refused while travelling, and the way back."""
    return (
        f"Time travel (as of {as_of.text}): {what} only in the present, since the views "
        "show the dossier as it stood then. Esc on the dashboard returns to now."
    )


def move_pieces(move: Move) -> list[Piece]:
    """``◆→▼`` with the new stance's role: the move as the matrix and the panes show it."""
    return [(move.glyphs, STANCE_ROLE[move.after.stance])]


def held_pieces(arranged: Arranged, focus: Ref | None, disagreement: Disagreement) -> list[Piece]:
    """Focused on an actor: its stance on ``disagreement`` (``▼``, or its move ``◆→▼``)
    and a dashed bar, to stand before the tally; nothing when it holds no position, or when the
    focus is not an actor."""
    if focus is None or focus.kind is not Kind.ACTOR:
        return []
    return stance_pieces(arranged, focus.id, disagreement, bar=True)


def stance_pieces(
    arranged: Arranged, actor: str, disagreement: Disagreement, *, bar: bool = False
) -> list[Piece]:
    """``actor``'s stance on ``disagreement`` as the view stands (its move since the
    since date when it moved), with the stance's role; ``bar``: followed by `` ┊ `` (not
    ``│``, which reads as a pane's border)."""
    move = arranged.moved.get((disagreement.id, actor))
    if move is not None:
        pieces = move_pieces(move)
    else:
        position = disagreement.current().get(actor)
        if position is None:
            return []
        pieces = [(STANCE_GLYPH[position.stance], STANCE_ROLE[position.stance])]
    return [*pieces, (" ┊ ", "dim")] if bar else pieces
