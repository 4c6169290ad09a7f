"""A large TOML document is read in two parts at once (tui/core/splitparse.py): the
answer must be exactly the one-piece read, problems included, whatever the document.

These run the real child process (``python -m tui.core.splitparse``) on small documents,
with the size threshold lowered to zero.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core import splitparse
from tui.core.loading import read_bytes
from tui.core.model import Document
from tui.core.problems import DocumentError

HEAD = """\
format = "faultline/1"

[meta]
title = "Split"

[[sources]]
id = "osw"
title = "An analysis"

[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"

[[disagreements]]
id = "integration"
title = "Political integration"

[[disagreements.positions]]
actor = "kz"
stance = "oppose"
as_of = "2012"
"""


def quoted(text: str) -> str:
    """``text`` as a TOML basic string."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "'":  # escaped, as three in a row would (rightly) stop the cut
            out.append("\\u0027")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def event(n: int, *, date: str = "2013-01-02", extra: str = "", summary: str = '"talks"') -> str:
    return (
        f'\n[[events]]\nid = "e{n}"\ntitle = "Round {n}"\ndate = "{date}"\n'
        f'summary = {summary}\nactors = ["kz"]\n'
        f'sources = ["osw", {{ id = "osw", locator = "p. {n}" }}]\n'
        f"{extra}"
    )


def whole(data: bytes) -> Document:
    """The one-piece read."""
    saved = splitparse.SPLIT_MIN_SIZE
    splitparse.SPLIT_MIN_SIZE = sys.maxsize
    try:
        return read_bytes(data, "doc.toml", "toml")
    finally:
        splitparse.SPLIT_MIN_SIZE = saved


def everything(document: Document) -> list:
    """What equality of documents leaves out too: extension values and origins."""
    out: list = [document, document.meta, document.sanitised]
    for kind in ("sources", "actors", "disagreements", "events"):
        for entity in getattr(document, kind):
            out.append((entity, dict(entity.extra), entity.origin))
            for position in getattr(entity, "positions", ()):
                out.append((position, dict(position.extra)))
    return out


@pytest.fixture
def split_always(monkeypatch):
    monkeypatch.setattr(splitparse, "SPLIT_MIN_SIZE", 0)


# Any text, control characters and bidi marks included (they are escaped in the TOML,
# and removed and counted by the reader), except line breaks other than \n: those only
# stop the cut (see test_no_cut_where_a_line_could_mean_something_else).
TEXTS = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029"),
    max_size=30,
)
EXTRAS = st.sampled_from(
    [
        "",
        'x_note = "kept"\n',
        "x_when = 2013-01-02T10:00:00\n",
        'x_list = [1, "two"]\n',
        "x_flag = true\n",
    ]
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    events=st.lists(
        st.tuples(TEXTS, EXTRAS, st.sampled_from(["2013-01-02", "2012", "../2014-05", "2013-02~"])),
        min_size=4,
        max_size=30,
    ),
    share=st.floats(min_value=0.0, max_value=0.95),
)
def test_split_read_is_the_one_piece_read(split_always, monkeypatch, events, share) -> None:
    monkeypatch.setattr(splitparse, "HEAD_SHARE", share)
    text = HEAD + "".join(
        event(n, date=date, extra=extra, summary=quoted(summary))
        for n, (summary, extra, date) in enumerate(events)
    )
    data = text.encode()
    expected = everything(whole(data))
    assert everything(read_bytes(data, "doc.toml", "toml")) == expected
    if share <= 0.5:
        # And the two parts were really read apart (not read whole after a failure).
        assert splitparse.split_point(text) is not None
        document = splitparse.read_split(text, "doc.toml", "doc.toml")
        assert document is not None and everything(document) == expected


def test_control_characters_are_counted_in_both_parts(split_always) -> None:
    text = HEAD + "".join(event(n, summary=quoted("bell\a here")) for n in range(20))
    assert splitparse.read_split(text, "doc.toml", "doc.toml") is not None
    document = read_bytes(text.encode(), "doc.toml", "toml")
    assert document.sanitised == 20 == whole(text.encode()).sanitised
    assert document.events[-1].origin.line == whole(text.encode()).events[-1].origin.line


@pytest.mark.parametrize(
    "tail",
    [
        '\n[meta]\ntitle = "late"\n',  # another table after the events
        '\n[events.x_more]\nnote = "a sub-table"\n',  # a sub-table of an event
        '\n  [[events]]\nid = "indented"\ntitle = "t"\ndate = "2013"\n',  # an indented header
        '\n[[events]] # a comment\nid = "commented"\ntitle = "t"\ndate = "2013"\n',
    ],
)
def test_no_cut_unless_the_rest_is_only_events(tail: str) -> None:
    text = HEAD + "".join(event(n) for n in range(10)) + tail
    assert splitparse.split_point(text[: len(text) // 2] + text[len(text) // 2 :]) is None


def test_no_cut_where_a_line_could_mean_something_else() -> None:
    plain = HEAD + "".join(event(n) for n in range(10))
    assert splitparse.split_point(plain) is not None
    multiline = plain.replace('summary = "talks"', 'summary = """talks\n[[events]]\n"""', 1)
    assert splitparse.split_point(multiline) is None
    assert splitparse.split_point(plain.replace("\n", "\r\n")) is None


@pytest.mark.parametrize(
    "bad, message",
    [
        ('date = "2013-13-45"', "events[8].date"),  # a problem after the cut
        ('id = "e1"\ntitle = "again"', "duplicate event id"),  # the same id on both sides
    ],
)
def test_problems_are_reported_as_the_one_piece_read_reports_them(
    split_always, bad, message
) -> None:
    events = [event(n) for n in range(10)]
    if "id" in bad:
        events[8] = f'\n[[events]]\n{bad}\ndate = "2013"\n'
    else:
        events[8] = events[8].replace('date = "2013-01-02"', bad)
    data = (HEAD + "".join(events)).encode()
    with pytest.raises(DocumentError) as split:
        read_bytes(data, "doc.toml", "toml")
    with pytest.raises(DocumentError) as one_piece:
        whole(data)
    assert [str(p) for p in split.value.problems] == [str(p) for p in one_piece.value.problems]
    assert message in str(split.value.problems[0])
    assert split.value.problems[0].line is not None


def test_a_child_that_fails_costs_only_time(split_always, monkeypatch) -> None:
    monkeypatch.setattr(
        splitparse, "command", lambda: [sys.executable, "-c", "import sys; sys.exit(1)"]
    )
    data = (HEAD + "".join(event(n) for n in range(10))).encode()
    assert everything(read_bytes(data, "doc.toml", "toml")) == everything(whole(data))
    monkeypatch.setattr(splitparse, "command", lambda: ["/nonexistent/python"])
    assert everything(read_bytes(data, "doc.toml", "toml")) == everything(whole(data))


@pytest.mark.parametrize(
    "opening",
    ["events = []", 'events = [{ id = "inline", title = "t", date = "2013" }]', "[events]"],
)
def test_events_defined_otherwise_before_the_cut_stay_an_error(split_always, opening) -> None:
    """The whole is invalid TOML (an array of tables cannot extend it) though a part
    holding only [[events]] tables would read: the cut is only made after the first
    [[events]] line, so the first part is invalid too and the document is read whole."""
    sources = "".join(f'\n[[sources]]\nid = "s{n}"\ntitle = "A source {n}"\n' for n in range(200))
    text = f'format = "faultline/1"\n{opening}\n{sources}' + "".join(event(n) for n in range(12))
    text = text.replace("osw", "s0")
    with pytest.raises(DocumentError) as split:
        read_bytes(text.encode(), "doc.toml", "toml")
    with pytest.raises(DocumentError) as one_piece:
        whole(text.encode())
    assert [str(p) for p in split.value.problems] == [str(p) for p in one_piece.value.problems]


def test_a_tui_package_in_the_current_directory_is_not_imported(
    split_always, tmp_path, monkeypatch
) -> None:
    marker = tmp_path / "imported"
    package = tmp_path / "tui"
    package.mkdir()
    (package / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.chdir(tmp_path)
    text = HEAD + "".join(event(n) for n in range(10))
    assert splitparse.read_split(text, "doc.toml", "doc.toml") is not None
    assert not marker.exists()
