"""Snapshots of the screens people look at, at the sizes they use (fixed data, no clock,
no blinking cursor). After an intended change: ``pytest --snapshot-update``, then look
at the new SVGs in tests/__snapshots__/ before committing them."""

from __future__ import annotations


async def _loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def test_dashboard_120x40(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_loaded)


def test_dashboard_80x24(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_loaded)


def test_dashboard_focused_on_an_actor_80x24(snap_compare, make_app) -> None:
    async def focus_nazarbayev(pilot) -> None:
        await _loaded(pilot)
        await pilot.press("slash", *"nursultan", "enter", "enter", "2")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=focus_nazarbayev)


def test_stance_matrix_120x40(snap_compare, make_app) -> None:
    async def open_matrix(pilot) -> None:
        await _loaded(pilot)
        await pilot.press("m", "j", "j", "j", "j", "j")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=open_matrix)


def test_stance_matrix_80x24(snap_compare, make_app) -> None:
    async def open_matrix(pilot) -> None:
        await _loaded(pilot)
        await pilot.press("m")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_matrix)


def test_feeds_screen_without_feeds_80x24(snap_compare, make_app) -> None:
    async def open_feeds(pilot) -> None:
        await _loaded(pilot)
        await pilot.press("f")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_feeds)


def _alignment_of_kazakhstan(pilot_keys: tuple[str, ...]):
    async def run(pilot) -> None:
        await _loaded(pilot)
        await pilot.press(*pilot_keys, "a")
        await _loaded(pilot)  # the alignment's worker, then its rows

    return run


def test_alignment_view_120x40_no_color(snap_compare, make_app, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    keys = ("j",) * 9  # the cursor on Kazakhstan
    run = _alignment_of_kazakhstan(keys)
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run)


def test_alignment_view_80x24_no_color(snap_compare, make_app, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    keys = ("j",) * 9
    run = _alignment_of_kazakhstan(keys)
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_timeline_activity_and_date_range_80x24_no_color(
    snap_compare, make_app, monkeypatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    async def timeline_from_december(pilot) -> None:
        await _loaded(pilot)
        await pilot.press("3", "left_square_bracket", *"2012-12", "enter")
        await _loaded(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=timeline_from_december)


def test_timeline_activity_120x40_no_color(snap_compare, make_app, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_loaded)
