"""The agreement index, allies and opponents, and the camp order (tui/core/alignment.py)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from tui.core.alignment import (
    MIN_SHARED,
    Alignment,
    agreement,
    cluster_order,
    current_stances,
)
from tui.core.dates import EDate
from tui.core.model import Disagreement, Position

# Four questions; "us" and "uk" agree on all, "ru" is their opposite, "cn" is mixed.
STANCES = {
    "us": {"d1": "support", "d2": "support", "d3": "oppose", "d4": "support"},
    "uk": {"d1": "support", "d2": "support", "d3": "oppose", "d4": "mixed"},
    "ru": {"d1": "oppose", "d2": "oppose", "d3": "support", "d4": "oppose"},
    "cn": {"d1": "mixed", "d2": "neutral", "d3": "unknown", "d4": "oppose"},
}


def test_hand_computed_scores() -> None:
    # us/uk: |2-2| + |2-2| + |0-0| + |2-1| = 1 over n = 4: S = 1 - 1/8.
    assert agreement(STANCES["us"], STANCES["uk"]) == (0.875, 4)
    # us/ru: 2 + 2 + 2 + 2 = 8: S = 1 - 8/8 = 0, complete opposition.
    assert agreement(STANCES["us"], STANCES["ru"]) == (0.0, 4)
    # us/cn: d3 is unknown for cn, so n = 3: |2-1| + |2-1| + |2-0| = 4, S = 1 - 4/6.
    score, shared = agreement(STANCES["us"], STANCES["cn"])
    assert shared == 3
    assert score == pytest.approx(1 / 3)


def test_the_array_computation_matches_the_reference() -> None:
    alignment = Alignment(STANCES)
    assert alignment.actors == ["cn", "ru", "uk", "us"]
    for a in STANCES:
        for b in STANCES:
            if a == b:
                assert alignment.pair(a, b) is None
                continue
            score, shared = agreement(STANCES[a], STANCES[b])
            pair = alignment.pair(a, b)
            assert pair is not None
            assert (pair.score, pair.shared) == (pytest.approx(score), shared)


def test_random_stances_match_the_reference() -> None:
    rng = random.Random(7)
    choices = ("support", "oppose", "mixed", "neutral", "unknown")
    stances = {
        f"a{i}": {f"d{j}": rng.choice(choices) for j in range(12) if rng.random() < 0.7}
        for i in range(25)
    }
    alignment = Alignment(stances, min_shared=1)
    for a in stances:
        for b in stances:
            score, shared = agreement(stances[a], stances[b])
            pair = alignment.pair(a, b)
            if a == b or score is None:
                assert pair is None
            else:
                assert pair is not None and pair.shared == shared
                assert pair.score == pytest.approx(score)


def test_unknown_and_missing_stances_are_left_out() -> None:
    stances = {
        "a": {"d1": "support", "d2": "support", "d3": "support", "d4": "unknown"},
        "b": {"d1": "support", "d2": "support", "d3": "support", "d4": "oppose", "d5": "oppose"},
    }
    pair = Alignment(stances).pair("a", "b")
    assert pair is not None
    assert (pair.score, pair.shared) == (1.0, 3)  # d4 unknown for a, d5 missing for a


def test_an_actor_with_only_unknown_stances_is_not_aligned() -> None:
    alignment = Alignment({"a": {"d1": "unknown"}, "b": {"d1": "support"}})
    assert alignment.actors == ["b"]
    assert alignment.pair("a", "b") is None
    assert alignment.ranked("a") == ([], [])


def test_pairs_below_the_threshold_are_not_scored() -> None:
    assert MIN_SHARED == 2
    stances = {
        "a": {"d1": "support", "d2": "support", "d3": "support"},
        "b": {"d1": "support", "d4": "oppose"},  # shares 1 with a
        "c": {"d1": "oppose", "d2": "oppose"},  # shares 2 with a
    }
    alignment = Alignment(stances)
    assert alignment.pair("a", "b") is None
    assert alignment.pair("a", "c") is not None
    allies, opponents = alignment.ranked("a")
    assert allies == []
    assert [p.other for p in opponents] == ["c"]
    assert alignment.scored_pairs() == 1  # b and c share only d1 as well
    # With a lower threshold the pair is scored; with a higher one, none is.
    assert Alignment(stances, min_shared=1).pair("a", "b") is not None
    assert Alignment(stances, min_shared=3).scored_pairs() == 0


def test_allies_and_opponents_are_ranked() -> None:
    allies, opponents = Alignment(STANCES).ranked("us")
    assert [(p.other, p.score, p.shared) for p in allies] == [("uk", 0.875, 4)]
    assert [p.other for p in opponents] == ["ru", "cn"]  # 0, then 1/3
    allies, opponents = Alignment(STANCES).ranked("ru")
    # cn: |0-1| + |0-1| + |0-0| = 2 over 3: S = 2/3, an ally of Russia.
    assert [p.other for p in allies] == ["cn"]
    assert [p.other for p in opponents] == ["us", "uk"]


def test_nearest_is_each_actors_closest_ally() -> None:
    alignment = Alignment(STANCES)
    nearest = {p.actor: (p.other, p.score) for p in alignment.nearest() if p is not None}
    assert nearest == {
        "us": ("uk", 0.875),
        "uk": ("us", 0.875),
        "ru": ("cn", pytest.approx(2 / 3)),
        "cn": ("ru", pytest.approx(2 / 3)),
    }
    # No pair scored: no nearest.
    assert Alignment({"a": {"d1": "support"}, "b": {"d1": "oppose"}}).nearest() == [None, None]


def test_equal_scores_rank_the_pair_with_more_shared_first_then_by_id() -> None:
    base = {f"d{i}": "support" for i in range(5)}
    stances = {
        "me": base,
        "zz": dict(base),
        "bb": {f"d{i}": "support" for i in range(3)},
        "aa": {f"d{i}": "support" for i in range(3)},
    }
    allies, _ = Alignment(stances).ranked("me")
    assert [p.other for p in allies] == ["zz", "aa", "bb"]


def test_the_order_keeps_camps_together() -> None:
    west = {"d1": "support", "d2": "support", "d3": "oppose", "d4": "support"}
    east = {"d1": "oppose", "d2": "oppose", "d3": "support", "d4": "oppose"}
    # Interleaved ids, so the id order alone would mix the camps.
    stances = {
        "a-west": west,
        "b-east": east,
        "c-west": dict(west, d4="mixed"),
        "d-east": dict(east, d4="mixed"),
        "e-west": west,
        "f-east": east,
    }
    order = Alignment(stances).order()
    assert sorted(order) == sorted(stances)
    camps = [name.split("-")[1] for name in order]
    assert camps == ["west"] * 3 + ["east"] * 3
    # The camp holding the lowest id comes first; within a camp, the closest pair
    # (the identical stances a-west and e-west) sit side by side.
    assert order[:2] == ["a-west", "e-west"]


def test_hand_computed_average_linkage() -> None:
    # 0 and 1 are closest (0.1); 2 joins them at the average of 0.4 and 0.6 = 0.5,
    # before 3, whose average distance to {0, 1} is 0.85 and to 2 is 0.7.
    distance = np.array(
        [
            [0.0, 0.1, 0.4, 0.9],
            [0.1, 0.0, 0.6, 0.8],
            [0.4, 0.6, 0.0, 0.7],
            [0.9, 0.8, 0.7, 0.0],
        ]
    )
    assert cluster_order(distance) == [0, 1, 2, 3]
    # 3 closest to 0: {0, 3} first, then {1, 2}.
    distance = np.array(
        [
            [0.0, 0.8, 0.9, 0.1],
            [0.8, 0.0, 0.2, 0.7],
            [0.9, 0.2, 0.0, 0.9],
            [0.1, 0.7, 0.9, 0.0],
        ]
    )
    assert cluster_order(distance) == [0, 3, 1, 2]


def test_the_order_is_deterministic_with_ties() -> None:
    # Every distance equal: ties all the way down go to the lower index.
    assert cluster_order(np.full((6, 6), 0.5)) == [0, 1, 2, 3, 4, 5]
    rng = random.Random(3)
    choices = ("support", "oppose", "mixed", "neutral")
    stances = {
        f"actor-{i:02d}": {f"d{j}": rng.choice(choices) for j in range(4)} for i in range(40)
    }
    first = Alignment(stances).order()
    # Built again from the same stances given in another order: the same order.
    shuffled = list(stances.items())
    rng.shuffle(shuffled)
    assert Alignment(dict(shuffled)).order() == first
    assert sorted(first) == sorted(stances)


def test_current_stances_take_each_actors_latest_position() -> None:
    disagreement = Disagreement(
        id="d1",
        title="D1",
        positions=(
            Position(actor="kz", stance="support", as_of=EDate.parse("2012")),
            Position(actor="kz", stance="oppose", as_of=EDate.parse("2014")),
            Position(actor="ru", stance="support"),
        ),
    )
    assert current_stances([disagreement]) == {"kz": {"d1": "oppose"}, "ru": {"d1": "support"}}
