"""Who sides with whom: an agreement index for every pair of actors, allies and
opponents of one actor, and an order of all actors that keeps camps together.

The index is the Signorino–Ritter S with d_max = 2, as UN voting-agreement tables use
it: each stance is a number (support = 2, mixed = neutral = 1, oppose = 0; unknown, and
no position at all, are missing), and over the ``n`` disagreements on which both actors
hold a known stance

    S = 1 − Σ |x_a − x_b| / (2 · n)

so 1 is the same stance on every one, 0 the opposite stance on every one, 0.5 no
pattern. A score over few shared disagreements says little, so a pair sharing fewer than
``MIN_SHARED`` is not scored at all (``pair`` answers None; it is shown nowhere).

The order of all actors is average-linkage (UPGMA) hierarchical clustering on the
distance 1 − S, merged by the nearest-neighbour chain (the same tree as merging the
closest pair each time), written here by hand. A pair that is not scored counts as
0.5, no evidence either way. Actors are indexed in id order, ties go to the lower
index, and each merge lists the cluster holding the lower id first: the same stances
always give the same order.

Pure computation on arrays (numpy): 2,000 actors × 200 disagreements take four matrix
products, far below what a loop over pairs would; see bench/README.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where it is used: not at start (75 ms)
    import numpy as np
    import numpy.typing as npt

from .model import Disagreement

# The stances' values; a stance not named here (unknown) is missing.
STANCE_VALUE: Mapping[str, int] = {"support": 2, "mixed": 1, "neutral": 1, "oppose": 0}
# Pairs sharing fewer known stances than this are not scored (shown nowhere): one shared
# stance is a coincidence, not a pattern. Two is low next to a UN voting table's hundreds
# of votes, but an analyst's dossier often holds five or ten questions, and n is always
# shown beside the score so that a reader weighs it.
MIN_SHARED = 2
# The distance clustering gives a pair that is not scored: no evidence either way.
UNSCORED_DISTANCE = 0.5
# How the view and the brief explain the score, in one line.
EXPLANATION = (
    "S = 1 − Σ|xa − xb| / (2n) over the n disagreements both hold a known stance on "
    "(support 2, mixed and neutral 1, oppose 0; unknown is left out); "
    f"pairs with n < {MIN_SHARED} are not scored"
)

Stances = Mapping[str, Mapping[str, str]]  # actor -> disagreement -> stance


@dataclass(frozen=True, slots=True)
class Agreement:
    """How far ``other`` sides with ``actor``: S in [0, 1] over ``shared`` disagreements."""

    actor: str
    other: str
    score: float
    shared: int


def current_stances(disagreements: Iterable[Disagreement]) -> dict[str, dict[str, str]]:
    """Each actor's current stance on each disagreement (actor -> disagreement -> stance)."""
    out: dict[str, dict[str, str]] = {}
    for disagreement in disagreements:
        for actor, position in disagreement.current().items():
            out.setdefault(actor, {})[disagreement.id] = position.stance
    return out


def agreement(a: Mapping[str, str], b: Mapping[str, str]) -> tuple[float | None, int]:
    """S and n for two actors' stances (disagreement -> stance); S is None when n is 0.

    The reference the array computation is tested against; no threshold here."""
    shared = 0
    distance = 0
    for disagreement, stance in a.items():
        x = STANCE_VALUE.get(stance)
        y = STANCE_VALUE.get(b.get(disagreement, ""))
        if x is None or y is None:
            continue
        shared += 1
        distance += abs(x - y)
    if not shared:
        return None, 0
    return 1 - distance / (2 * shared), shared


class Alignment:
    """Agreement of every pair of actors holding at least one known stance."""

    def __init__(self, stances: Stances, *, min_shared: int = MIN_SHARED) -> None:
        import numpy as np

        self.min_shared = min_shared
        values, rows, cols = [], [], []
        column: dict[str, int] = {}
        self.actors: list[str] = []
        for actor in sorted(stances):
            row = len(self.actors)
            for d, stance in stances[actor].items():
                value = STANCE_VALUE.get(stance)
                if value is not None:
                    values.append(value)
                    rows.append(row)
                    cols.append(column.setdefault(d, len(column)))
            if rows and rows[-1] == row:
                self.actors.append(actor)
        self._index = {actor: i for i, actor in enumerate(self.actors)}
        # One 0/1 matrix per value: actors down, disagreements across.
        held_as = np.zeros((3, len(self.actors), len(column)), dtype=np.float32)
        held_as[values, rows, cols] = 1.0
        v0, v1, v2 = held_as
        # Counts and sums of small integers: exact in float32 (up to 2**24).
        shared = (v0 + v1 + v2) @ (v0 + v1 + v2).T
        # Σ|xa − xb| = Σ over value pairs (k, l) of |k − l| · [a holds k][b holds l].
        distance = v0 @ (v1 + 2 * v2).T + v1 @ (v0 + v2).T + v2 @ (2 * v0 + v1).T
        self.shared: npt.NDArray[np.float32] = shared
        # Below the threshold (and on the diagonal, an actor with itself): not scored.
        unscored = shared < min_shared
        np.fill_diagonal(unscored, True)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = 1 - distance / (2 * shared)
        score[unscored] = np.nan
        self.score: npt.NDArray[np.float32] = score

    def pair(self, a: str, b: str) -> Agreement | None:
        """The agreement of two actors; None when one holds no known stance, or they
        share fewer than ``min_shared`` disagreements."""
        import numpy as np

        i, j = self._index.get(a), self._index.get(b)
        if i is None or j is None or np.isnan(self.score[i, j]):
            return None
        return Agreement(a, b, float(self.score[i, j]), int(self.shared[i, j]))

    def ranked(self, actor: str) -> tuple[list[Agreement], list[Agreement]]:
        """Allies (S above 0.5, highest first) and opponents (S below 0.5, lowest first);
        among equal scores the pair sharing more disagreements first, then by id."""
        import numpy as np

        i = self._index.get(actor)
        if i is None:
            return [], []
        row, shared = self.score[i], self.shared[i]
        pairs = [
            Agreement(actor, other, float(row[j]), int(shared[j]))
            for j, other in enumerate(self.actors)
            if not np.isnan(row[j])
        ]
        allies = sorted(
            (p for p in pairs if p.score > 0.5), key=lambda p: (-p.score, -p.shared, p.other)
        )
        opponents = sorted(
            (p for p in pairs if p.score < 0.5), key=lambda p: (p.score, -p.shared, p.other)
        )
        return allies, opponents

    def nearest(self) -> list[Agreement | None]:
        """Each actor's closest ally (highest S; the lowest id among equals), or None
        when no pair of it is scored; in the order of ``actors``."""
        import numpy as np

        filled = np.where(np.isnan(self.score), -np.inf, self.score)
        best = np.argmax(filled, axis=1) if len(self.actors) else np.zeros(0, dtype=np.int64)
        out: list[Agreement | None] = []
        for i, j in enumerate(best.tolist()):
            score = filled[i, j]
            out.append(
                None
                if score == -np.inf
                else Agreement(self.actors[i], self.actors[j], float(score), int(self.shared[i, j]))
            )
        return out

    def scored_pairs(self) -> int:
        """How many pairs of actors are scored (each pair once)."""
        import numpy as np

        return int(np.count_nonzero(~np.isnan(self.score))) // 2

    def order(self) -> list[str]:
        """Every actor of ``actors``, ordered so that camps sit together (see the module)."""
        return [self.actors[i] for i in cluster_order(self.distances())]

    def distances(self) -> npt.NDArray[np.float64]:
        """1 − S for every pair, ``UNSCORED_DISTANCE`` where not scored; 0 on the diagonal."""
        import numpy as np

        score = self.score.astype(np.float64)
        out = np.where(np.isnan(score), UNSCORED_DISTANCE, 1.0 - score)
        np.fill_diagonal(out, 0.0)
        return out


def cluster_order(distance: npt.NDArray[np.float64]) -> list[int]:
    """The leaf order of the average-linkage tree of a symmetric distance matrix.

    Nearest-neighbour chain: follow nearest neighbours until two are each other's
    nearest, merge them (Lance–Williams update of the average), repeat. Ties go to the
    lower index, and to the previous link of the chain first, so that the chain cannot
    cycle; a merged cluster lives at its lower index and lists that side first."""
    import numpy as np

    n = len(distance)
    if n <= 2:
        return list(range(n))
    d = np.array(distance, dtype=np.float64)
    np.fill_diagonal(d, np.inf)
    size = np.ones(n, dtype=np.float64)
    leaves: list[list[int]] = [[i] for i in range(n)]
    active = n
    chain: list[int] = []
    while active > 1:
        if not chain:
            chain.append(int(np.flatnonzero(size)[0]))
        a = chain[-1]
        row = d[a]
        b = int(np.argmin(row))
        if len(chain) > 1 and row[chain[-2]] <= row[b]:
            b = chain[-2]
        if len(chain) > 1 and b == chain[-2]:
            chain.pop()
            chain.pop()
            lo, hi = min(a, b), max(a, b)
            merged = (size[lo] * d[lo] + size[hi] * d[hi]) / (size[lo] + size[hi])
            d[lo, :] = merged
            d[:, lo] = merged
            d[hi, :] = np.inf
            d[:, hi] = np.inf
            d[lo, lo] = np.inf
            size[lo] += size[hi]
            size[hi] = 0
            leaves[lo].extend(leaves[hi])
            leaves[hi] = []
            active -= 1
        else:
            chain.append(b)
    return leaves[int(np.flatnonzero(size)[0])]


def alignment_of(disagreements: Sequence[Disagreement]) -> Alignment:
    """The alignment over these disagreements' current stances."""
    return Alignment(current_stances(disagreements))
