"""tui.core.changes: what was added, changed (which fields) and removed between two versions."""

from __future__ import annotations

from pathlib import Path

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
