"""The browsing model (tui.core.browse, ``Arranged``): what each pane shows under a focus
and a filter, on the default dossier. Core: no terminal, no Textual."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.core.browse import (
    NOT_YET,
    Arranged,
    ChangeLog,
    Ref,
    TimelineRows,
)
from tui.core.changes import ADDED, CHANGED, REMOVED, Change, Changes
from tui.core.model import Actor, Kind


def ids(arranged: Arranged, pane: Kind, rows) -> list[str]:
    table = {
        Kind.ACTOR: arranged.actors,
        Kind.DISAGREEMENT: arranged.disagreements,
        Kind.EVENT: arranged.events,
    }
    return [table[pane][i].id for i in rows]


def test_panes_list_everything_actors_by_name(default_dataset) -> None:
    arranged = Arranged(default_dataset)
    names = [a.name for a in arranged.actors]
    assert names == sorted(names, key=str.casefold)
    assert len(arranged.visible(Kind.ACTOR, None, "")) == len(default_dataset.actors)
    assert len(arranged.visible(Kind.EVENT, None, "")) == len(default_dataset.events)


def test_focusing_an_actor_shows_its_disagreements_and_events(default_dataset) -> None:
    arranged = Arranged(default_dataset)
    focus = Ref(Kind.ACTOR, "nazarbayev")
    assert ids(arranged, Kind.DISAGREEMENT, arranged.visible(Kind.DISAGREEMENT, focus, "")) == [
        "political-integration",
        "eurasian-parliament",
    ]
    assert ids(arranged, Kind.EVENT, arranged.visible(Kind.EVENT, focus, "")) == [
        "nazarbayev-envoys-speech"
    ]
    # The actor's own pane is not narrowed.
    assert len(arranged.visible(Kind.ACTOR, focus, "")) == len(default_dataset.actors)


def test_focusing_a_disagreement_shows_its_parties_and_events(default_dataset) -> None:
    arranged = Arranged(default_dataset)
    focus = Ref(Kind.DISAGREEMENT, "oil-supply")
    assert sorted(ids(arranged, Kind.ACTOR, arranged.visible(Kind.ACTOR, focus, ""))) == [
        "cn",
        "kz",
        "ru",
    ]
    assert ids(arranged, Kind.EVENT, arranged.visible(Kind.EVENT, focus, "")) == [
        "oil-tolling-china"
    ]


def test_focusing_an_event_shows_its_actors_targets_and_disagreements(default_dataset) -> None:
    arranged = Arranged(default_dataset)
    focus = Ref(Kind.EVENT, "lukashenka-statement")
    assert sorted(ids(arranged, Kind.ACTOR, arranged.visible(Kind.ACTOR, focus, ""))) == [
        "by",
        "lukashenka",
        "ru",
    ]
    assert ids(arranged, Kind.DISAGREEMENT, arranged.visible(Kind.DISAGREEMENT, focus, "")) == [
        "political-integration"
    ]


def test_focusing_a_position_shows_the_events_where_actor_and_question_meet(
    default_dataset,
) -> None:
    arranged = Arranged(default_dataset)
    focus = Ref(Kind.DISAGREEMENT, "eurasian-parliament", "nazarbayev")
    assert ids(arranged, Kind.EVENT, arranged.visible(Kind.EVENT, focus, "")) == [
        "nazarbayev-envoys-speech"
    ]
    assert arranged.label(focus) == "Nursultan Nazarbayev on Establishing a Eurasian parliament"


def test_filter_and_focus_combine(default_dataset) -> None:
    arranged = Arranged(default_dataset)
    assert ids(arranged, Kind.ACTOR, arranged.visible(Kind.ACTOR, None, "lukashenko")) == [
        "lukashenka"
    ]  # an alias
    focus = Ref(Kind.DISAGREEMENT, "political-integration")
    shown = ids(arranged, Kind.ACTOR, arranged.visible(Kind.ACTOR, focus, "kazakh"))
    assert "kz-opposition" in shown and "kz-public" not in shown  # the public is no party here


def test_first_rows_are_the_start_of_what_the_whole_filter_shows(default_dataset) -> None:
    """Under any focus, date range and note, with any budget: the first rows a key shows
    at once are the start of the rows the whole search shows, and all of them when it
    says so."""
    from tui.core.dates import parse_date
    from tui.core.notes import Note
    from tui.core.period import Period

    def arranged_with_a_note() -> Arranged:
        arranged = Arranged(default_dataset)
        # A note finds an event in the middle of the timeline that its own text does not.
        note = (Note(0.0, "kazakh follow-up"),)
        arranged.notes = {Kind.EVENT: {arranged.events[4].id: note}}
        return arranged

    reference = arranged_with_a_note()
    periods = [None, Period(start=parse_date("2013-01-01"), end=parse_date("2013-12-31"))]
    focuses = [None, Ref(Kind.ACTOR, "nazarbayev"), Ref(Kind.DISAGREEMENT, "political-integration")]
    for query in ("kazakh", "a", "union", "follow-up", "kaz talks", "zzz"):
        for focus in focuses:
            for period in periods:
                arranged = arranged_with_a_note()  # nothing searched yet
                for pane in (Kind.ACTOR, Kind.DISAGREEMENT, Kind.EVENT):
                    within = period if pane is Kind.EVENT else None
                    whole = list(reference.visible(pane, focus, query))
                    if within is not None:
                        whole = list(reference.in_period(whole, within))
                    for want, budget, fill in (
                        (1, 1, None),
                        (2, 3, None),
                        (500, 2, None),
                        (500, 10_000, None),
                        (1_000, 1, 2),
                    ):
                        rows, complete = arranged.visible_start(
                            pane, focus, query, within, want, budget, fill
                        )
                        assert list(rows) == whole[: len(rows)], (query, focus, pane, budget)
                        assert not complete or list(rows) == whole


def test_timeline_has_year_headings_and_puts_planned_events_last(default_dataset) -> None:
    arranged = Arranged(default_dataset)
    rows = arranged.timeline_rows(arranged.visible(Kind.EVENT, None, ""))
    headings = [arranged.groups[-r - 1] for r in rows if r < 0]
    assert headings == ["2012", "2013", NOT_YET]
    last = arranged.events[rows[-1]]
    assert last.id == "latin-alphabet-target" and last.state == "planned"


def _naive_headings(events: list[int], group_of: list[int]) -> list[int]:
    rows: list[int] = []
    group = -1
    for i in events:
        if group_of[i] != group:
            group = group_of[i]
            rows.append(-(group + 1))
        rows.append(i)
    return rows


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=8),
    data=st.data(),
)
def test_timeline_rows_view_matches_headings_written_out(sizes, data) -> None:
    # Groups of consecutive events (some empty); any ascending subset of the events.
    starts = [0]
    for size in sizes:
        starts.append(starts[-1] + size)
    group_of = [g for g, size in enumerate(sizes) for _ in range(size)]
    total = starts[-1]
    chosen = sorted(data.draw(st.sets(st.integers(0, max(total - 1, 0)), max_size=total)))
    chosen = [i for i in chosen if i < total]
    expected = _naive_headings(chosen, group_of)
    view = TimelineRows(chosen, starts)
    assert len(view) == len(expected)
    assert list(view) == expected
    assert [view[i] for i in range(len(view))] == expected
    assert view[-1:] == expected[-1:]
    for position, value in enumerate(expected):
        assert view.index(value) == position
        assert value in view
    for value in set(range(-len(sizes) - 1, total + 1)) - set(expected):
        assert value not in view


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=9999),
            st.integers(min_value=1, max_value=12),
            st.sampled_from([None, "planned", "expected"]),
            st.sampled_from(["day", "month", "year", "open"]),
        ),
        max_size=40,
    )
)
def test_year_headings_are_found_by_search_as_a_walk_would_find_them(specs) -> None:
    from tui.core.browse import _year_groups
    from tui.core.dates import parse_date
    from tui.core.model import Event

    events = []
    for n, (year, month, status, precision) in enumerate(specs):
        text = {
            "day": f"{year:04d}-{month:02d}-01",
            "month": f"{year:04d}-{month:02d}",
            "year": f"{year:04d}",
            "open": f"../{year:04d}-{month:02d}",
        }[precision]
        events.append(Event(id=f"e{n}", title="t", date=parse_date(text), status=status))
    ordered = sorted(events, key=lambda e: e.timeline_key)
    labels, starts = _year_groups(ordered)
    walked: list[str] = []
    walked_starts: list[int] = []
    for i, event in enumerate(ordered):
        label = f"{event.date.year:04d}" if event.is_reported else NOT_YET
        if not walked or walked[-1] != label:
            walked.append(label)
            walked_starts.append(i)
    assert labels == walked
    assert starts == [*walked_starts, len(ordered)]


# -- the session's change log ------------------------------------------------------------------


def _actor(ident: str, name: str, role: str | None = None) -> Actor:
    return Actor(id=ident, name=name, kind="state", role=role)


def test_change_log_nets_changes_per_entity() -> None:
    a0, a1, a2 = _actor("a", "A"), _actor("a", "A", "one"), _actor("a", "A")
    b1 = _actor("b", "B")
    log = ChangeLog()
    first = Changes(
        added=(Change(Kind.ACTOR, "b", ADDED, after=b1),),
        changed=(Change(Kind.ACTOR, "a", CHANGED, ("role",), a0, a1),),
    )
    log.adopt(log.updated(first, at=1.0))
    assert log.counts() == {ADDED: 1, CHANGED: 1, REMOVED: 0}
    # a changes back: nothing left to say about it; b is removed after being added: gone.
    second = Changes(
        changed=(Change(Kind.ACTOR, "a", CHANGED, ("role",), a1, a2),),
        removed=(Change(Kind.ACTOR, "b", REMOVED, before=b1),),
    )
    log.adopt(log.updated(second, at=2.0))
    assert len(log) == 0


def test_a_stance_written_at_the_top_level_is_logged_from_the_file_saved(tmp_path) -> None:
    from tui.core.changes import compare
    from tui.core.loading import load

    data = tmp_path / "x.toml"
    data.write_text(
        'format = "faultline/1"\n\n[[actors]]\nid = "kz"\nname = "Kazakhstan"\n'
        'kind = "state"\n\n[[disagreements]]\nid = "union"\ntitle = "Eurasian union"\n',
        encoding="utf-8",
    )
    captured = tmp_path / "captured.toml"
    captured.write_text(
        'format = "faultline/1"\n\n[[positions]]\ndisagreement = "union"\nactor = "kz"\n'
        'stance = "oppose"\nas_of = "2013-01"\n',
        encoding="utf-8",
    )
    log = ChangeLog()
    log.adopt(log.updated(compare(load([data]), load([data, captured])), at=1.0))
    logged = log.get(Kind.DISAGREEMENT, "union")
    assert logged is not None and logged.change.action == CHANGED
    # The analyst saved captured.toml: the change is said to come from there, not x.toml.
    assert (logged.layer, logged.document) == (str(captured), str(captured))


def test_a_remerged_or_relayered_dossier_keeps_nothing_of_the_one_before(tmp_path) -> None:
    """What a refresh (remerge) or a reload (relayer) builds holds no reference to the
    dossier it replaces: once the caller lets go of it, it is freed (with its indexes)."""
    import gc
    import json
    import re
    import weakref

    from tui.core.browse import read_arranged, relayer, remerge
    from tui.core.loading import read_bytes, read_layer
    from tui.core.merge import Layer

    data = tmp_path / "x.toml"
    data.write_text(
        'format = "faultline/1"\n\n[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n'
        '\n[[events]]\nid = "summit"\ntitle = "Summit"\ndate = "2013-01"\nactors = ["kz"]\n',
        encoding="utf-8",
    )
    arranged = read_arranged([data])
    for n in range(2):
        refs = [weakref.ref(arranged), weakref.ref(arranged.dataset)]
        actor = {"id": f"ru{n}", "name": "Russia", "kind": "state"}
        body = json.dumps({"format": "faultline/1", "actors": [actor]})
        feed = Layer(
            "feed",
            (read_bytes(body.encode(), "feed.json", "json", layer="feed"),),
            (),
            is_feed=True,
        )
        arranged, changes = remerge(arranged.dataset, [feed])
        arranged.complete()
        assert changes  # something to show, built without the dossier before
        gc.collect()
        assert [ref() for ref in refs] == [None, None]
        # A data file saved again and read afresh, merged with the feed copy in use.
        refs = [weakref.ref(arranged), weakref.ref(arranged.dataset)]
        text = data.read_text(encoding="utf-8")
        data.write_text(re.sub(r'title = "Summit[^"]*"', f'title = "Summit {n}"', text))
        arranged, changes = relayer(arranged.dataset, [read_layer(data), feed])
        arranged.complete()
        assert changes
        del feed
        gc.collect()
        assert [ref() for ref in refs] == [None, None]
    assert arranged.dataset.events["summit"].title == "Summit 1"
