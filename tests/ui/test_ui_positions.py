"""The detail pane on a position written at the top level and on quotes: the actor's own
words in quotation marks, shown as typed, and where the position was written."""

from __future__ import annotations

from pathlib import Path

from tui.core.browse import Arranged, Ref
from tui.core.loading import load
from tui.core.model import Kind
from tui.ui.detail import DetailBuilder

DOSSIER = """\
[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"

[[disagreements]]
id = "union"
title = "Political union?"

[[disagreements]]
id = "oil"
title = "Oil supplies"

[[events]]
id = "speech"
title = "Speech to envoys"
date = 2013-01-18
quote = "[bold]never[/] a political union"

[[positions]]
disagreement = "union"
actor = "kz"
stance = "oppose"
as_of = 2013-01-18
quote = "integration yes, a political union no"
"""


def shown(tmp_path: Path, ref: Ref) -> str:
    path = tmp_path / "a.toml"
    path.write_text(DOSSIER, encoding="utf-8")
    dossier = Arranged(load([path]))
    return "\n".join(str(b.content) for b in DetailBuilder(dossier).build(ref))


def test_a_position_shows_its_quote_in_quotation_marks_and_where_it_was_written(
    tmp_path: Path,
) -> None:
    text = shown(tmp_path, Ref(Kind.DISAGREEMENT, "union", actor="kz"))
    assert "“integration yes, a political union no”" in text
    assert f"written at file {tmp_path / 'a.toml'}:20" in text


def test_an_events_quote_is_shown_as_typed_in_quotation_marks(tmp_path: Path) -> None:
    text = shown(tmp_path, Ref(Kind.EVENT, "speech"))
    assert "“[bold]never[/] a political union”" in text


async def test_a_new_starter_dossier_opens_in_the_dashboard(
    tmp_path: Path, make_app, ready, screen
) -> None:
    from tui.core.starter import write_starter

    path = tmp_path / "new.toml"
    write_starter(path, "Belarus and the Union")
    app = make_app(data_paths=[path])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        text = screen(app)
        assert "Belarus and the Union" in text
        for shown in ("Example State", "Example Leader", "The question in a few words",
                      "What happened, in a line"):  # fmt: skip
            assert shown in text
        assert "rejected" not in text and "unresolved" not in text
