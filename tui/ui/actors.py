"""The actors pane: name, kind and role of every state, person, party and organisation;
focused on a disagreement, each actor's stance on it (or its move since the since date)
first."""

from __future__ import annotations

from ..core.model import Actor, Kind
from .legend import NO_POSITION
from .movement import stance_pieces
from .pane import EntityPane, marked
from .rowlist import Piece, fit, one_line


class ActorsPane(EntityPane):
    pane = Kind.ACTOR
    label = "Actors"
    noun = "actors"

    def render_row(self, value: int, width: int) -> list[Piece]:
        assert self.arranged is not None
        return marked(self.arranged, self.pane, value, width, self._draw_row)

    def _draw_row(self, value: int, width: int) -> list[Piece]:
        assert self.arranged is not None
        actor = self.arranged.actors[value]
        stance: list[Piece] = []
        focus = self.focus_ref
        if focus is not None and focus.kind is Kind.DISAGREEMENT and width >= 12:
            disagreement = self.arranged.dataset.disagreements.get(focus.id)
            if disagreement is not None:
                # Three cells: "▲", or a move "◆→▼"; "·" for a member without a position.
                held = stance_pieces(self.arranged, actor.id, disagreement) or [
                    (NO_POSITION, "dim")
                ]
                stance = [(fit(held[0][0], 3), held[0][1]), (" ", "")]
                width -= 4
        return stance + self._actor_pieces(actor, width)

    def _actor_pieces(self, actor: Actor, width: int) -> list[Piece]:
        assert self.arranged is not None
        name = one_line(actor.name)
        kind_w = 12 if width >= 36 else 0
        rest = width - (kind_w + 1 if kind_w else 0)
        if width >= 52:
            name_w = min(self.arranged.name_width, max(16, rest * 3 // 5))
            role_w = rest - name_w - 1
        else:
            name_w, role_w = rest, 0
        pieces: list[Piece] = [(fit(name, name_w), "")]
        if kind_w:
            pieces += [(" ", ""), (fit(actor.kind, kind_w), "dim")]
        if role_w > 0 and actor.role:
            pieces += [(" ", ""), (fit(one_line(actor.role), role_w, pad=False), "dim")]
        return pieces
