"""The analyst's state file: no lost update, a bad file set aside, a private dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tui.core.dates import EDate
from tui.core.notes import View, read_views, save_view
from tui.core.period import Period
from tui.core.userstate import StateStore

REPO = Path(__file__).resolve().parents[2]

# Each process appends its own numbers, one locked read-modify-write at a time.
WRITER = """
import sys
from tui.core.userstate import StateStore

store = StateStore(sys.argv[1])
name = sys.argv[2]
for n in range(200):
    store.update(lambda s: s.setdefault("watch", {}).setdefault("actors", []).append(f"{name}{n}"))
"""


def test_two_processes_updating_200_times_each_lose_nothing(tmp_path: Path) -> None:
    runs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "state"), name], cwd=REPO)
        for name in ("a", "b")
    ]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    pinned = StateStore(tmp_path / "state").read()["watch"]["actors"]
    assert sorted(pinned) == sorted(f"{x}{n}" for x in "ab" for n in range(200))


def test_the_state_survives_a_new_store_and_the_dir_is_private(tmp_path: Path) -> None:
    StateStore(tmp_path / "s").update(lambda s: s.update(watch={"actors": ["kz"]}))
    assert StateStore(tmp_path / "s").read()["watch"] == {"actors": ["kz"]}
    assert os.stat(tmp_path / "s").st_mode & 0o777 == 0o700
    assert json.loads((tmp_path / "s" / "state.json").read_text())["version"] == 1


def test_a_corrupt_file_is_set_aside_with_a_warning(tmp_path: Path) -> None:
    StateStore(tmp_path).update(lambda s: s.update(watch={"actors": ["kz"]}))
    (tmp_path / "state.json").write_bytes(b'{"format": "faultline-state", "vers')
    store = StateStore(tmp_path)
    assert "watch" not in store.read()
    assert store.warning is not None and "is not valid JSON" in store.warning
    assert "set aside as state.json.bad-" in store.warning
    [aside] = tmp_path.glob("state.json.bad-*")
    assert aside.read_bytes().startswith(b'{"format"')
    store.update(lambda s: s.update(watch={"actors": ["ru"]}))  # and it carries on
    assert StateStore(tmp_path).read()["watch"] == {"actors": ["ru"]}


def test_a_foreign_version_or_shape_is_set_aside(tmp_path: Path) -> None:
    for body, said in (
        ({"format": "faultline-state", "version": 7}, "is of version 7, not 1"),
        ({"format": "something-else", "version": 1}, "is not a Faultline state file"),
        ({"format": "faultline-state", "version": 1, "watch": {"actors": "kz"}}, "watch:"),
        ([1, 2], "is not a JSON object"),
    ):
        (tmp_path / "state.json").write_text(json.dumps(body))
        store = StateStore(tmp_path)
        assert store.read() == {"format": "faultline-state", "version": 1}
        assert store.warning is not None and said in store.warning, store.warning
    assert len(list(tmp_path.glob("state.json.bad-*"))) >= 1


def test_a_dir_others_can_write_is_not_used(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    store = StateStore(shared)
    store.update(lambda s: s.update(watch={"actors": ["kz"]}))
    assert store.warning is not None
    assert "other users can write to this state directory" in store.warning
    assert "kept for this run only" in store.warning
    assert store.read()["watch"] == {"actors": ["kz"]}  # in memory, for this run
    assert not (shared / "state.json").exists()


def test_remembering_the_since_date_keeps_what_else_is_in_the_state(tmp_path) -> None:
    """The since date (T) lives in the shared state file: saving it keeps the pins, notes
    and alerts that dashboards and cron fetches wrote there, and reads back."""
    from tui.core.dates import EDate
    from tui.core.userstate import StateStore, load_since, save_since

    store = StateStore(tmp_path / "state")
    store.update(lambda state: state.setdefault("watch", {}).setdefault("actors", []).append("kz"))
    save_since(EDate.parse("2025"), StateStore(tmp_path / "state"))
    again = StateStore(tmp_path / "state")
    assert again.read()["watch"] == {"actors": ["kz"]}
    assert load_since(again) == (EDate.parse("2025"), None)
    save_since(None, again)
    assert load_since(StateStore(tmp_path / "state")) == (None, None)
    assert StateStore(tmp_path / "state").read()["watch"] == {"actors": ["kz"]}


def test_a_view_keeps_its_date_range_and_time_travel_and_an_older_view_still_reads(
    tmp_path: Path,
) -> None:
    view = View(
        trail=(("actors", "ru", None),),
        filter="grain",
        pane="events",
        cursors=(("events", "e1"),),
        period=Period(EDate.parse("2013-01"), None),
        as_of=EDate.parse("2020~"),
    )
    StateStore(tmp_path / "s").update(lambda s: save_view(s, "then", view))
    # Saved before views held dates: no "range", no "as_of".
    older = {"trail": [["actors", "kz", None]], "filter": "", "pane": "actors", "cursors": {}}
    StateStore(tmp_path / "s").update(lambda s: s["views"].update(older=older))

    store = StateStore(tmp_path / "s")
    views = read_views(store.read())
    assert store.warning is None  # the file was not set aside
    assert views["then"] == view
    assert views["then"].period.label() == "from 2013-01" and views["then"].as_of is not None
    assert views["then"].as_of.text == "2020~"
    assert views["older"].trail == (("actors", "kz", None),)
    assert views["older"].period.is_open and views["older"].as_of is None


def test_what_of_a_saved_view_does_not_read_is_left_out_and_said() -> None:
    """A date that does not read is dropped from its view, which is kept; a view that is
    not one at all is left out; each is said with its view's name, control codes removed."""
    state = {
        "views": {
            "then": {"trail": [["actors", "ru", None]], "as_of": "2020-02-30"},
            "bad\x1b[2Jname": {"trail": [["actors"]]},  # a trail entry of one item
        }
    }
    problems: list[str] = []
    views = read_views(state, problems)
    assert list(views) == ["then"] and views["then"].as_of is None
    assert views["then"].trail == (("actors", "ru", None),)
    assert problems == [
        "views.then: as_of left out: '2020-02-30' is not a date (Feb 2020 has 29 days, not 30)",
        "views.bad[2Jname: not a view; left out",
    ]
