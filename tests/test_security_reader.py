"""Hostile documents at the reader's edge (issue 9): keys given twice, files too large to
read, JSON errors without a line, bidi controls and names that show nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.problems import DocumentError
from tui.core.reader import read_bytes, read_file


def problems(body: str | bytes, name: str = "x.json") -> list[str]:
    fmt = "json" if name.endswith(".json") else "toml"
    data = body.encode() if isinstance(body, str) else body
    with pytest.raises(DocumentError) as caught:
        read_bytes(data, name, fmt)
    return [str(p) for p in caught.value.problems]


# -- item 11: local JSON errors name their line -----------------------------------------------


def test_local_json_errors_name_the_line(tmp_path: Path) -> None:
    events = [{"id": f"e{i}", "title": "t", "date": "2013"} for i in range(6)]
    events[5]["date"] = "2013-02-30"
    path = tmp_path / "broken-date.json"
    path.write_text(json.dumps({"format": "faultline/1", "events": events}, indent=2))
    with pytest.raises(DocumentError) as caught:
        read_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:32: events[5].date: '2013-02-30' is not a date (Feb 2013 has 28 days, not 30)"
    ]
