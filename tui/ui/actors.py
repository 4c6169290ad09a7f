"""The actors pane: name, kind and role of every state, person, party and organisation."""

from __future__ import annotations

from ..core.model import Kind
from .changes import marked
from .pane import EntityPane
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
