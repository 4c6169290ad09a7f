"""tui.core.changes: what was added, changed (which fields) and removed between two versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.changes import ADDED, CHANGED, REMOVED, Changes, UnseenChanges, compare
from tui.core.loading import read_bytes, read_layer
from tui.core.merge import check_layer, merge
from tui.core.model import Kind

BEFORE = b"""
format = "faultline/1"
[meta]
title = "Dossier"
[[sources]]
id = "osw"
title = "OSW"
[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"
[[actors]]
id = "by"
name = "Belarus"
kind = "state"
[[disagreements]]
id = "union"
title = "Political union?"
[[disagreements.positions]]
actor = "kz"
stance = "oppose"
[[events]]
id = "summit"
title = "Summit"
date = "2013-01"
"""

AFTER = b"""
format = "faultline/1"
[meta]
title = "Dossier, revised"
[[sources]]
id = "osw"
title = "OSW"
[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"
country = "KAZ"
x_note = "added a note"
[[actors]]
id = "ru"
name = "Russia"
kind = "state"
[[disagreements]]
id = "union"
title = "Political union?"
[[disagreements.positions]]
actor = "kz"
stance = "oppose"
x_why = "sovereignty"
[[events]]
id = "summit"
title = "Summit"
date = "2013-01"
"""


def layer(text: bytes, name: str):
    return check_layer(name, [read_bytes(text, name, "toml", layer=name)], [])


def test_layers_added_changed_removed() -> None:
    changes = compare(layer(BEFORE, "a.toml"), layer(AFTER, "b.toml"))
    assert [(c.kind, c.id) for c in changes.added] == [(Kind.ACTOR, "ru")]
    assert [(c.kind, c.id, c.fields) for c in changes.changed] == [
        (Kind.ACTOR, "kz", ("country", "extra")),
        (Kind.DISAGREEMENT, "union", ("positions",)),  # an x_ value inside a position counts
    ]
    assert [(c.kind, c.id) for c in changes.removed] == [(Kind.ACTOR, "by")]
    assert changes.meta == ("title",)
    assert changes.summary() == "1 added, 2 changed, 1 removed; header changed (title)"
    assert changes.lines() == [
        "+ actor ru: Russia",
        "* actor kz: Kazakhstan (country, extra)",
        "* disagreement union: Political union? (positions): * kz no as_of (extra)",
        "- actor by: Belarus",
    ]
    assert changes.lines(limit=2)[-1] == "… and 2 more"
    assert changes.keys() == {
        (Kind.ACTOR, "ru"),
        (Kind.ACTOR, "kz"),
        (Kind.DISAGREEMENT, "union"),
        (Kind.ACTOR, "by"),
    }
    assert changes.get(Kind.ACTOR, "kz").action == CHANGED  # type: ignore[union-attr]
    assert [c.action for c in changes] == [ADDED, CHANGED, CHANGED, REMOVED]
    assert sum(c.kind is Kind.ACTOR for c in changes) == 3


def test_origin_alone_is_not_a_change(tmp_path: Path) -> None:
    one, two = tmp_path / "one.toml", tmp_path / "two.toml"
    one.write_bytes(BEFORE)
    two.write_bytes(BEFORE)
    changes = compare(merge([read_layer(one)]), merge([read_layer(two)]))
    assert not changes and changes.summary() == "no changes" and len(changes) == 0


def test_datasets_and_none() -> None:
    dataset = merge([layer(BEFORE, "a.toml")])
    everything = compare(None, dataset)
    assert len(everything.added) == 5 and not everything.removed
    assert len(compare(dataset, None).removed) == 5
    assert compare(None, None) == Changes()


def test_merged_datasets_see_through_replacement() -> None:
    local = layer(BEFORE, "local.toml")
    feed_v1 = layer(
        b'format = "faultline/1"\n[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n',
        "feed",
    )
    feed_v2 = layer(
        b'format = "faultline/1"\n[[actors]]\nid = "kz"\nname = "Qazaqstan"\nkind = "state"\n',
        "feed",
    )
    changes = compare(merge([local, feed_v1]), merge([local, feed_v2]))
    assert [(c.id, c.fields) for c in changes] == [("kz", ("name",))]


def test_unseen_marks() -> None:
    marks = UnseenChanges()
    marks.add(compare(layer(BEFORE, "a"), layer(AFTER, "b")))
    assert marks.mark(Kind.ACTOR, "ru") == "new"
    assert marks.mark(Kind.ACTOR, "kz") == "changed"
    assert marks.mark(Kind.ACTOR, "by") is None
    assert (Kind.DISAGREEMENT, "union") in marks and len(marks) == 3
    # changed again before it was seen: still new
    again = layer(AFTER.replace(b'name = "Russia"', b'name = "Russian Federation"'), "c")
    marks.add(compare(layer(AFTER, "b"), again))
    assert marks.mark(Kind.ACTOR, "ru") == "new"
    marks.seen(Kind.ACTOR, "ru")
    assert marks.mark(Kind.ACTOR, "ru") is None
    assert marks.unseen(Kind.ACTOR) == [(Kind.ACTOR, "kz")]
    marks.seen_all(Kind.ACTOR)
    assert marks.unseen() == [(Kind.DISAGREEMENT, "union")]
    marks.add(
        compare(
            again,
            layer(
                BEFORE.replace(
                    b'[[disagreements]]\nid = "union"', b'[[disagreements]]\nid = "other"'
                ),
                "d",
            ),
        )
    )
    assert marks.mark(Kind.DISAGREEMENT, "union") is None  # removed: nothing left to see
    marks.seen_all()
    assert len(marks) == 0


names = st.text("abcdefgh", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(
    old=st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e"]), names, max_size=5),
    new=st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e"]), names, max_size=5),
)
def test_compare_matches_a_plain_dict_diff(old: dict[str, str], new: dict[str, str]) -> None:
    def doc(actors: dict[str, str]) -> bytes:
        body = 'format = "faultline/1"\n'
        for ident, name in actors.items():
            body += f'[[actors]]\nid = "{ident}"\nname = "{name}"\nkind = "person"\n'
        return body.encode()

    changes = compare(layer(doc(old), "x"), layer(doc(new), "y"))
    assert {c.id for c in changes.added} == new.keys() - old.keys()
    assert {c.id for c in changes.removed} == old.keys() - new.keys()
    assert {c.id for c in changes.changed} == {
        k for k in old.keys() & new.keys() if old[k] != new[k]
    }
    assert all(c.fields == ("name",) for c in changes.changed)
    assert not compare(layer(doc(new), "y"), layer(doc(new), "z"))


def test_only_changed_or_only_removed_or_only_the_header_is_a_change() -> None:
    renamed = layer(BEFORE.replace(b'name = "Belarus"', b'name = "Belarus (RB)"'), "b")
    only_changed = compare(layer(BEFORE, "a"), renamed)
    assert only_changed and only_changed.summary() == "0 added, 1 changed, 0 removed"
    without_summit = BEFORE.split(b"[[events]]")[0]
    only_removed = compare(layer(BEFORE, "a"), layer(without_summit, "b"))
    assert only_removed and only_removed.summary() == "0 added, 0 changed, 1 removed"
    retitled = layer(BEFORE.replace(b'title = "Dossier"', b'title = "Dossier 2"'), "b")
    only_header = compare(layer(BEFORE, "a"), retitled)
    assert only_header and len(only_header) == 0
    assert only_header.summary() == "0 added, 0 changed, 0 removed; header changed (title)"
    only_added = compare(layer(without_summit, "a"), layer(BEFORE, "b"))
    assert only_added and only_added.summary() == "1 added, 0 changed, 0 removed"


X_VALUES = b"""
format = "faultline/1"
x_edition = 1
[meta]
title = "Dossier"
x_desk = "east"
[[sources]]
id = "osw"
title = "OSW"
x_paywall = false
[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"
x_note = "first note"
[[disagreements]]
id = "union"
title = "Political union?"
sources = [{ id = "osw", x_page = 3 }]
[[disagreements.positions]]
actor = "kz"
stance = "oppose"
x_why = "sovereignty"
[[events]]
id = "summit"
title = "Summit"
date = "2013-01"
sources = [{ id = "osw", x_page = 1 }]
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (b'x_note = "first note"', b'x_note = "second note"', [("kz", ("extra",))]),
        (b'x_note = "first note"', b"", [("kz", ("extra",))]),  # the key removed
        (b'x_why = "sovereignty"', b'x_why = "trade"', [("union", ("positions",))]),
        (b"x_page = 3", b"x_page = 4", [("union", ("sources",))]),
        (b"x_page = 1", b"x_page = 2", [("summit", ("sources",))]),
        (b"x_paywall = false", b"x_paywall = true", [("osw", ("extra",))]),
    ],
)
def test_a_changed_x_value_is_a_change(old: bytes, new: bytes, expected: list) -> None:
    # The value of an extension key changes, the key stays: the analyst is told which entity.
    changes = compare(layer(X_VALUES, "a"), layer(X_VALUES.replace(old, new), "b"))
    assert [(c.id, c.fields) for c in changes] == expected
    assert changes.summary() == "0 added, 1 changed, 0 removed"


def test_a_changed_x_value_in_the_header_is_a_header_change() -> None:
    changes = compare(
        layer(X_VALUES, "a"), layer(X_VALUES.replace(b'"east"', b'"central asia"'), "b")
    )
    assert changes.meta == ("extra",) and len(changes) == 0
    assert changes.summary() == "0 added, 0 changed, 0 removed; header changed (extra)"
    same = compare(layer(X_VALUES, "a"), layer(X_VALUES, "b"))
    assert not same and same.summary() == "no changes"


HEADER = b"""
format = "faultline/1"
[meta]
title = "Dossier"
summary = "Who disagrees"
as_of = "2013-01"
x_desk = "east"
"""


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (b'title = "Dossier"', b'title = "Dossier 2"', "title"),
        (b'summary = "Who disagrees"', b'summary = "Who agrees"', "summary"),
        (b'as_of = "2013-01"', b'as_of = "2013-02"', "as_of"),
        (b'x_desk = "east"', b'x_desk = "west"', "extra"),
    ],
)
def test_a_feed_whose_header_changed_says_which_field(old: bytes, new: bytes, field: str) -> None:
    changes = compare(layer(HEADER, "team"), layer(HEADER.replace(old, new), "team"))
    assert changes.meta == (field,) and changes
    # A header the new copy no longer gives is a change too.
    dropped = compare(layer(HEADER, "team"), layer(HEADER.replace(old, b""), "team"))
    assert dropped.meta == (field,)


def test_the_header_of_several_layers_takes_each_field_from_the_last_that_gives_it() -> None:
    first = layer(HEADER, "a")
    only_title = layer(b'format = "faultline/1"\n[meta]\ntitle = "Later title"\n', "b")
    other = layer(b'format = "faultline/1"\n[meta]\nx_team = "b"\n', "c")
    # Against the first layer alone, adding layers changes only what they give.
    assert compare([first], [first, only_title]).meta == ("title",)
    assert compare([first], [first, other]).meta == ("extra",)
    west = layer(b'format = "faultline/1"\n[meta]\nx_desk = "west"\n', "d")
    assert compare([first], [first, west]).meta == ("extra",)  # the later x_ value wins
    assert not compare([first, only_title], [first, only_title])
    assert compare([first, only_title], [only_title, first]).meta == ("title",)


def test_what_fetch_prints_counts_names_and_limits_the_changes() -> None:
    changes = compare(layer(BEFORE, "a.toml"), layer(AFTER, "b.toml"))
    assert len(changes) == 4  # 1 added, 2 changed, 1 removed
    assert changes.lines(limit=4) == changes.lines()  # exactly at the limit: no "0 more"
    assert changes.lines(limit=3)[-1] == "… and 1 more"
    assert changes.get(Kind.ACTOR, "nobody") is None
    two = compare(
        layer(BEFORE, "a"),
        layer(BEFORE.replace(b'title = "Dossier"', b'title = "D"\nsummary = "S"'), "b"),
    )
    assert two.summary() == "0 added, 0 changed, 0 removed; header changed (title, summary)"


def test_a_changed_entity_keeps_both_versions_and_reads_as_it_is_now() -> None:
    renamed = BEFORE.replace(b'name = "Belarus"', b'name = "Republic of Belarus"')
    (change,) = compare(layer(BEFORE, "a"), layer(renamed, "b"))
    assert change.before.name == "Belarus"  # type: ignore[union-attr]
    assert change.after.name == "Republic of Belarus"  # type: ignore[union-attr]
    assert str(change) == "* actor by: Republic of Belarus (name)"


def test_x_values_that_swap_between_keys_are_a_change() -> None:
    before = BEFORE.replace(b'name = "Belarus"', b'name = "Belarus"\nx_a = 1\nx_b = 2')
    after = BEFORE.replace(b'name = "Belarus"', b'name = "Belarus"\nx_a = 2\nx_b = 1')
    assert [(c.id, c.fields) for c in compare(layer(before, "a"), layer(after, "b"))] == [
        ("by", ("extra",))
    ]


def test_seeing_an_unmarked_entity_is_harmless() -> None:
    marks = UnseenChanges()
    marks.seen(Kind.ACTOR, "kz")
    marks.add(compare(None, layer(BEFORE, "a")))
    marks.seen(Kind.ACTOR, "kz")
    marks.seen(Kind.ACTOR, "kz")
    assert marks.mark(Kind.ACTOR, "kz") is None and marks.mark(Kind.ACTOR, "by") == "new"


def test_a_refresh_that_changes_half_of_a_feed_reports_every_change() -> None:
    """Merged views share the entities nothing replaced: those are skipped, not the rest."""

    def actors(names: dict[str, str]) -> bytes:
        return (
            b'format = "faultline/1"\n'
            + "".join(
                f'[[actors]]\nid = "{ident}"\nname = "{name}"\nkind = "state"\n'
                for ident, name in names.items()
            ).encode()
        )

    local = layer(actors({f"a{i:02}": f"Actor {i}" for i in range(20)}), "local.toml")
    feed_v1 = layer(actors({f"a{i:02}": f"Actor {i}" for i in range(0, 20, 2)}), "feed")
    feed_v2 = layer(actors({f"a{i:02}": f"Renamed {i}" for i in range(0, 20, 2)}), "feed")
    changes = compare(merge([local, feed_v1]), merge([local, feed_v2]))
    assert [(c.id, c.fields) for c in changes] == [(f"a{i:02}", ("name",)) for i in range(0, 20, 2)]


def test_a_position_changed_in_several_fields_names_each_and_each_position() -> None:
    def union(position: str) -> bytes:
        return (
            b'format = "faultline/1"\n[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n'
            b'[[disagreements]]\nid = "union"\ntitle = "Political union?"\n' + position.encode()
        )

    old = '[[disagreements.positions]]\nactor = "kz"\nstance = "oppose"\nas_of = "2012"\n'
    new = old + 'summary = "Wary."\nquote = "no union"\n'
    (change,) = compare(layer(union(old), "a"), layer(union(new), "b"))
    assert change.positions == ("* kz as_of 2012 (summary, quote)",)
    turned = new.replace("oppose", "support")
    (change,) = compare(layer(union(old), "a"), layer(union(turned), "b"))
    assert change.positions == (
        (
            "* kz as_of 2012 (stance oppose → support in place, summary, quote: a change of "
            "stance is a new position with a later as_of)"
        ),
    )
    later = '[[disagreements.positions]]\nactor = "kz"\nstance = "support"\nas_of = "2014"\n'
    (change,) = compare(layer(union(old), "a"), layer(union(later), "b"))
    # A change of stance recorded as a new position reads as the move, old -> new.
    assert str(change) == (
        "* disagreement union: Political union? (positions): "
        "Kazakhstan: stance ▼ oppose → ▲ support (as of 2014)"
    )


@pytest.mark.parametrize(
    ("old_actor", "new_actor", "named"),
    [
        ('name = "Kazakhstan"', 'name = "Qazaqstan"', "Qazaqstan"),  # as it reads now
        ('name = "Kazakhstan"', None, "Kazakhstan"),  # removed: as it last read
        (None, None, "kz"),  # defined nowhere: its id
    ],
)
def test_a_moved_stance_names_the_actor_as_it_reads_now_or_last_read(
    old_actor: str | None, new_actor: str | None, named: str
) -> None:
    def version(actor: str | None, stance: str, as_of: str) -> bytes:
        head = b'format = "faultline/1"\n'
        if actor is not None:
            head += f'[[actors]]\nid = "kz"\n{actor}\nkind = "state"\n'.encode()
        return (
            head
            + (
                '[[disagreements]]\nid = "union"\ntitle = "Political union?"\n'
                '[[disagreements.positions]]\nactor = "kz"\n'
                f'stance = "{stance}"\nas_of = "{as_of}"\n'
            ).encode()
        )

    changes = compare(
        layer(version(old_actor, "oppose", "2012"), "a"),
        layer(version(new_actor, "support", "2014"), "b"),
    )
    (union,) = [c for c in changes if c.kind is Kind.DISAGREEMENT]
    assert f"{named}: stance ▼ oppose → ▲ support (as of 2014)" in str(union)


def test_marks_kept_from_an_earlier_session_come_back_as_they_were() -> None:
    unseen = UnseenChanges()
    unseen.restore(Kind.ACTOR, "kz", "new")
    unseen.restore(Kind.EVENT, "talks", "changed")
    unseen.restore(Kind.DISAGREEMENT, "union", "anything else")  # read from an old file
    assert unseen.mark(Kind.ACTOR, "kz") == "new"
    assert unseen.mark(Kind.EVENT, "talks") == "changed"
    assert unseen.mark(Kind.DISAGREEMENT, "union") == "changed"


def test_positions_changed_in_place_are_listed_one_after_another() -> None:
    def version(summary: str) -> bytes:
        return (
            'format = "faultline/1"\n[[disagreements]]\nid = "union"\ntitle = "Union?"\n'
            '[[disagreements.positions]]\nactor = "kz"\nstance = "oppose"\nas_of = "2012"\n'
            f"{summary}\n"
            '[[disagreements.positions]]\nactor = "ru"\nstance = "support"\nas_of = "2012"\n'
            f"{summary}\n"
        ).encode()

    (change,) = compare(layer(version(""), "a"), layer(version('summary = "Firm."'), "b"))
    assert str(change) == (
        "* disagreement union: Union? (positions): "
        "kz on Union?: summary none → Firm.; ru on Union?: summary none → Firm."
    )
    assert change.positions == ("* kz as_of 2012 (summary)", "* ru as_of 2012 (summary)")


def test_a_changed_actor_has_no_position_lines() -> None:
    def version(name: str) -> bytes:
        actor = f'[[actors]]\nid = "kz"\nname = "{name}"\nkind = "state"\n'
        return ('format = "faultline/1"\n' + actor).encode()

    (change,) = compare(layer(version("Kazakhstan"), "a"), layer(version("Qazaqstan"), "b"))
    assert (change.fields, change.positions, change.moves) == (("name",), (), ())
