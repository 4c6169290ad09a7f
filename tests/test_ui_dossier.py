"""The dashboard's browsing model (tui.ui.dossier): what each pane shows under a focus
and a filter, on the default dossier. No terminal needed."""

from __future__ import annotations

from tui.ui.dossier import ACTORS, DISAGREEMENTS, NOT_YET, TIMELINE, Dossier, Ref
from tui.ui.legend import tally_text


def ids(dossier: Dossier, pane: str, rows) -> list[str]:
    table = {ACTORS: dossier.actors, DISAGREEMENTS: dossier.disagreements, TIMELINE: dossier.events}
    return [table[pane][i].id for i in rows]


def test_panes_list_everything_actors_by_name(default_dataset) -> None:
    dossier = Dossier(default_dataset)
    names = [a.name for a in dossier.actors]
    assert names == sorted(names, key=str.casefold)
    assert len(dossier.visible(ACTORS, None, "")) == len(default_dataset.actors)
    assert len(dossier.visible(TIMELINE, None, "")) == len(default_dataset.events)


def test_focusing_an_actor_shows_its_disagreements_and_events(default_dataset) -> None:
    dossier = Dossier(default_dataset)
    focus = Ref("actor", "nazarbayev")
    assert ids(dossier, DISAGREEMENTS, dossier.visible(DISAGREEMENTS, focus, "")) == [
        "political-integration",
        "eurasian-parliament",
    ]
    assert ids(dossier, TIMELINE, dossier.visible(TIMELINE, focus, "")) == [
        "nazarbayev-envoys-speech"
    ]
    # The actor's own pane is not narrowed.
    assert len(dossier.visible(ACTORS, focus, "")) == len(default_dataset.actors)


def test_focusing_a_disagreement_shows_its_parties_and_events(default_dataset) -> None:
    dossier = Dossier(default_dataset)
    focus = Ref("disagreement", "oil-supply")
    assert sorted(ids(dossier, ACTORS, dossier.visible(ACTORS, focus, ""))) == ["cn", "kz", "ru"]
    assert ids(dossier, TIMELINE, dossier.visible(TIMELINE, focus, "")) == ["oil-tolling-china"]


def test_focusing_an_event_shows_its_actors_targets_and_disagreements(default_dataset) -> None:
    dossier = Dossier(default_dataset)
    focus = Ref("event", "lukashenka-statement")
    assert sorted(ids(dossier, ACTORS, dossier.visible(ACTORS, focus, ""))) == [
        "by",
        "lukashenka",
        "ru",
    ]
    assert ids(dossier, DISAGREEMENTS, dossier.visible(DISAGREEMENTS, focus, "")) == [
        "political-integration"
    ]


def test_focusing_a_position_shows_the_events_where_actor_and_question_meet(
    default_dataset,
) -> None:
    dossier = Dossier(default_dataset)
    focus = Ref("position", "eurasian-parliament", "nazarbayev")
    assert ids(dossier, TIMELINE, dossier.visible(TIMELINE, focus, "")) == [
        "nazarbayev-envoys-speech"
    ]
    assert dossier.label(focus) == "Nursultan Nazarbayev on Establishing a Eurasian parliament"


def test_filter_and_focus_combine(default_dataset) -> None:
    dossier = Dossier(default_dataset)
    assert ids(dossier, ACTORS, dossier.visible(ACTORS, None, "lukashenko")) == [
        "lukashenka"
    ]  # an alias
    focus = Ref("disagreement", "political-integration")
    shown = ids(dossier, ACTORS, dossier.visible(ACTORS, focus, "kazakh"))
    assert "kz-opposition" in shown and "kz-public" not in shown  # the public is no party here


def test_timeline_has_year_headings_and_puts_planned_events_last(default_dataset) -> None:
    dossier = Dossier(default_dataset)
    rows = dossier.timeline_rows(dossier.visible(TIMELINE, None, ""))
    headings = [dossier.groups[-r - 1] for r in rows if r < 0]
    assert headings == ["2012", "2013", NOT_YET]
    last = dossier.events[rows[-1]]
    assert last.id == "latin-alphabet-target" and last.state == "planned"


def test_tally_is_compact_and_leaves_out_zeros(default_dataset) -> None:
    tally = default_dataset.disagreements["political-integration"].tally()
    assert tally_text(tally) == "1▲ 6▼"
    assert (
        tally_text({"support": 2, "oppose": 3, "mixed": 1, "neutral": 0, "unknown": 0})
        == "2▲ 3▼ 1◆"
    )
