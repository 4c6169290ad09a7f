"""An imported dossier is an ordinary layer: its events join the analyst's actors, and
their ``x_gdelt`` / ``x_acled`` extras read as aligned key and value lines."""

from __future__ import annotations

from helpers import IMPORT_FIXTURES, import_rows

from tests.conftest import DOSSIER, screen_text
from tui.core.importers.common import read_map
from tui.ui.detail import DetailPane

WIDE = (120, 40)


def _detail(app) -> str:
    return "\n".join(str(block.content) for block in app.query_one(DetailPane).blocks)


async def _select(pilot, app, pane: str, ident: str) -> None:
    await pilot.press({"actors": "1", "disagreements": "2", "events": "3"}[pane])
    for _ in range(80):
        ref = app.dashboard.pane(pane).ref
        if ref is not None and ref.id == ident:
            return
        await pilot.press("j")
    raise AssertionError(f"{ident} not reachable in {pane}")


async def test_imported_events_show_on_the_dossiers_actor_with_readable_extras(
    tmp_path, make_app, ready
) -> None:
    imported, _, _ = import_rows(
        "gdelt", IMPORT_FIXTURES / "20130118160000.export.CSV",
        actor_map=read_map(IMPORT_FIXTURES / "kz-map.toml"),
    )  # fmt: skip
    out = tmp_path / "gdelt.json"
    out.write_text(imported.text("json"))
    app = make_app(data_paths=[DOSSIER, out])
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await _select(pilot, app, "events", "gdelt-1000000001")
        await pilot.pause()
        text = _detail(app)
        assert text.startswith("Nursultan Nazarbayev hosts a visit → Vladimir Putin")
        lines = text.splitlines()
        assert "x_gdelt" in lines
        assert "cameo         043" in lines  # aligned, the code as a string
        assert "cameo_text    Host a visit" in lines  # text unquoted
        assert "root_event    yes" in lines
        assert "quad          verbal cooperation" in lines
        assert "Nursultan Nazarbayev" in screen_text(app)
        # The event is on the dossier's own actor: Nazarbayev's focus lists it.
        await _select(pilot, app, "actors", "nazarbayev")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert "hosts a visit → Vladimir Putin" in screen_text(app)
