"""Tests for tui.core.dates: the EDTF subset of the data format spec, section "Dates"."""

from __future__ import annotations

import datetime
import itertools
import pickle
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.dates import DateError, EDate, Precision, local_time, parse_date

D = datetime.date

# text, earliest, latest, precision, qualifier, is_interval
VALID = [
    ("2013-01-18", D(2013, 1, 18), D(2013, 1, 18), Precision.DAY, "", False),
    ("2012-09", D(2012, 9, 1), D(2012, 9, 30), Precision.MONTH, "", False),
    ("2025", D(2025, 1, 1), D(2025, 12, 31), Precision.YEAR, "", False),
    ("2012-12?", D(2012, 12, 1), D(2012, 12, 31), Precision.MONTH, "?", False),
    ("2012-12~", D(2012, 12, 1), D(2012, 12, 31), Precision.MONTH, "~", False),
    ("2012-12%", D(2012, 12, 1), D(2012, 12, 31), Precision.MONTH, "%", False),
    ("2013-01-18?", D(2013, 1, 18), D(2013, 1, 18), Precision.DAY, "?", False),
    ("2025~", D(2025, 1, 1), D(2025, 12, 31), Precision.YEAR, "~", False),
    ("2012-02-29", D(2012, 2, 29), D(2012, 2, 29), Precision.DAY, "", False),
    ("2000-02", D(2000, 2, 1), D(2000, 2, 29), Precision.MONTH, "", False),
    ("1900-02", D(1900, 2, 1), D(1900, 2, 28), Precision.MONTH, "", False),
    ("0001", D(1, 1, 1), D(1, 12, 31), Precision.YEAR, "", False),
    ("9999-12-31", D(9999, 12, 31), D(9999, 12, 31), Precision.DAY, "", False),
    ("2013-01/2025", D(2013, 1, 1), D(2025, 12, 31), Precision.MONTH, "", True),
    ("../2025", D(2025, 1, 1), D(2025, 12, 31), Precision.YEAR, "", True),
    ("2014-05/..", D(2014, 5, 1), None, Precision.MONTH, "", True),
    ("2012-12?/2013-01-18~", D(2012, 12, 1), D(2013, 1, 18), Precision.MONTH, "", True),
    ("2013/2013", D(2013, 1, 1), D(2013, 12, 31), Precision.YEAR, "", True),
    ("2013/2013-01", D(2013, 1, 1), D(2013, 1, 31), Precision.YEAR, "", True),
]


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision", "qualifier", "interval"), VALID
)
def test_valid_forms_parse_and_round_trip(text, earliest, latest, precision, qualifier, interval):
    d = EDate.parse(text)
    assert str(d) == text
    assert d.text == text
    assert d.earliest == earliest
    assert d.latest == latest
    assert d.precision is precision
    assert d.qualifier == qualifier
    assert d.is_interval is interval
    assert d.year == earliest.year
    assert parse_date(text) == d


def test_interval_sides():
    d = EDate.parse("2013-01/2025?")
    assert d.start == EDate.parse("2013-01")
    assert d.end == EDate.parse("2025?")
    assert d.end is not None and d.end.qualifier == "?"
    by = EDate.parse("../2025")
    assert by.start is None and by.end == EDate.parse("2025")
    since = EDate.parse("2014-05/..")
    assert since.end is None and since.start == EDate.parse("2014-05")
    plain = EDate.parse("2014")
    assert plain.start is None and plain.end is None
    assert not plain.is_interval


def test_toml_local_date_equals_its_string():
    d = EDate.parse(D(2013, 1, 18))
    assert d == EDate.parse("2013-01-18")
    assert hash(d) == hash(EDate.parse("2013-01-18"))
    assert str(d) == "2013-01-18"
    assert d.precision is Precision.DAY
    assert str(EDate.parse(D(5, 3, 1))) == "0005-03-01"


def test_real_toml_dates():
    tomllib = pytest.importorskip("tomllib")
    doc = tomllib.loads('a = 2013-01-18\nb = "2013-01-18"\nc = 2013-01-18T10:00:00\nd = 10:00:00')
    assert EDate.parse(doc["a"]) == EDate.parse(doc["b"])
    for key in ("c", "d"):
        with pytest.raises(DateError):
            EDate.parse(doc[key])


def test_equality_and_hash_by_text():
    assert EDate.parse("2013") == EDate.parse("2013")
    assert EDate.parse("2013") != EDate.parse("2013?")
    assert EDate.parse("2013") != "2013"
    assert len({EDate.parse("2013"), EDate.parse("2013"), EDate.parse("2013~")}) == 2


def test_immutable_and_picklable():
    d = EDate.parse("2013-01/2025")
    with pytest.raises(AttributeError):
        d.text = "2014"  # type: ignore[misc]
    copy = pickle.loads(pickle.dumps(d))
    assert copy == d and copy.sort_key == d.sort_key and copy.end == d.end


def test_sort_key_shape():
    assert EDate.parse("2013-01-18").sort_key == (D(2013, 1, 18).toordinal(), 0, "2013-01-18")
    assert EDate.parse("../2025").sort_key == (D(2025, 1, 1).toordinal(), 2, "../2025")


def _message(value: object) -> str:
    with pytest.raises(DateError) as info:
        EDate.parse(value)
    assert isinstance(info.value, ValueError)
    return str(info.value)


BAD_TEXT = [
    "2017-13-45",
    "2013-02-29",
    "1900-02-29",
    "2013-04-31",
    "2013-01-00",
    "2012-00",
    "2013-21",  # EDTF season
    "0000",
    "-2013",
    "99999",
    "Y12345",
    "201X",
    "2013-XX",
    "2013-1-5",
    "13",
    " 2013",
    "2013 ",
    "2013\n",
    "2013/",
    "/2013",
    "../..",
    "..",
    "2013/2014/2015",
    "2025/2013",
    "2013-02/2013-01-31",
    "2013-01-18T10:00",
    "",
    "spring 2013",
    "2013??",
    "?2013",
    "2013-01-18?~",
    "２０１３",  # full-width digits
    "2013-01-18/...",
]


@pytest.mark.parametrize("text", BAD_TEXT)
def test_bad_text_is_a_date_error_naming_the_value(text):
    message = _message(text)
    assert repr(text) in message
    assert "is not a date" in message


def test_generic_message_lists_the_accepted_forms():
    message = _message("spring 2013")
    assert message == (
        "'spring 2013' is not a date (expected YYYY, YYYY-MM, YYYY-MM-DD, an optional ?, ~ "
        "or % suffix, or an interval A/B with .. for an open end)"
    )


def test_specific_reasons():
    assert "no month 13" in _message("2017-13-45")
    assert "28 days" in _message("2013-02-29")
    assert "0001" in _message("0000")
    assert "start" in _message("2025/2013")
    assert "end" in _message("../..")


def test_long_values_are_cut_in_messages():
    assert len(_message("x" * 10_000)) < 300


@pytest.mark.parametrize(
    ("value", "shown", "kind"),
    [
        (datetime.datetime(2013, 1, 18, 10, 0), "2013-01-18T10:00:00", "date-time"),
        (datetime.time(10, 0), "10:00:00", "time"),
        (2013, "2013", "integer"),
        (2013.0, "2013.0", "float"),
        (None, "None", "nothing"),
        (True, "True", "boolean"),
        (b"2013", "b'2013'", "bytes"),
        ([2013], "[2013]", "array"),
        ({"y": 2013}, "{'y': 2013}", "table"),
    ],
)
def test_non_string_values_are_refused(value, shown, kind):
    message = _message(value)
    assert message.startswith(f"{shown} is not a date")
    assert f"expected a date string, got {kind}" in message


def test_leap_days():
    assert EDate.parse("2012-02-29").earliest == D(2012, 2, 29)
    assert EDate.parse("2000-02-29").earliest == D(2000, 2, 29)
    with pytest.raises(DateError):
        EDate.parse("2100-02-29")


def _sorted(texts: list[str]) -> list[str]:
    return [str(d) for d in sorted(EDate.parse(t) for t in texts)]


def test_day_before_month_before_year_at_same_earliest_day():
    assert _sorted(["2013", "2013-01", "2013-01-01"]) == ["2013-01-01", "2013-01", "2013"]
    # but the earliest day comes first: Dec 2012 is before "2013" at any precision
    assert _sorted(["2013", "2012-12-31", "2012-12"]) == ["2012-12", "2012-12-31", "2013"]


def test_qualifiers_do_not_change_the_order():
    assert _sorted(["2013-02", "2013-01-15?", "2013-01~", "2012%"]) == [
        "2012%",
        "2013-01~",
        "2013-01-15?",
        "2013-02",
    ]
    a, b = EDate.parse("2013-01?"), EDate.parse("2013-01")
    assert a.sort_key[:2] == b.sort_key[:2]


def test_open_start_interval_sorts_with_its_end():
    assert _sorted(["2026", "../2025", "2024-12-31", "2025-01-02"]) == [
        "2024-12-31",
        "../2025",
        "2025-01-02",
        "2026",
    ]
    # at 2025 with year precision: after the day and month of 1 Jan 2025
    assert _sorted(["../2025", "2025-01", "2025-01-01"]) == ["2025-01-01", "2025-01", "../2025"]


def test_interval_sorts_by_its_start():
    assert _sorted(["2014", "2013-01/2025", "2013-02", "2012-06/.."]) == [
        "2012-06/..",
        "2013-01/2025",
        "2013-02",
        "2014",
    ]


def test_ties_are_broken_by_text():
    assert _sorted(["2013~", "2013?", "2013", "2013/2014", "2013%"]) == sorted(
        ["2013~", "2013?", "2013", "2013/2014", "2013%"]
    )


def test_comparisons():
    a, b = EDate.parse("2013"), EDate.parse("2014")
    # Comparing a date with itself is the point here: the order is reflexive, not strict.
    assert a < b and a <= b and b > a and b >= a and a <= a and a >= a  # noqa: PLR0124
    assert not (a < a)  # noqa: PLR0124
    with pytest.raises(TypeError):
        a < "2014"  # noqa: B015


@pytest.mark.parametrize(
    ("text", "gloss"),
    [
        ("2013-01-18", "18 Jan 2013"),
        ("2013-01-05", "5 Jan 2013"),
        ("2012-09", "Sep 2012"),
        ("2025", "2025"),
        ("0900", "0900"),
        ("../2025", "by 2025"),
        ("2014-05/..", "from May 2014"),
        ("2013-01/2025", "Jan 2013 – 2025"),
        ("2012-12?", "Dec 2012 (uncertain)"),
        ("2012-12~", "Dec 2012 (approximate)"),
        ("2012-12%", "Dec 2012 (uncertain, approximate)"),
        ("../2025~", "by 2025 (approximate)"),
        ("2013-01?/2025", "Jan 2013 (uncertain) – 2025"),
    ],
)
def test_describe(text, gloss):
    assert EDate.parse(text).describe() == gloss


# --- properties -------------------------------------------------------------------------

ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.binary(),
    st.datetimes(),
    st.times(),
    st.lists(st.integers()),
    st.text(),
    st.text(alphabet="0123456789-/.?~%X ", max_size=24),
)


@given(ANYTHING)
def test_parse_raises_only_date_error(value):
    try:
        d = EDate.parse(value)
    except DateError:
        return
    assert isinstance(value, str)
    assert str(d) == value


@given(st.dates())
def test_any_local_date_parses_as_its_iso_text(value):
    d = EDate.parse(value)
    assert d == EDate.parse(value.isoformat())
    assert d.earliest == d.latest == value
    assert d.precision is Precision.DAY


QUALIFIERS = st.sampled_from(["", "?", "~", "%"])


@st.composite
def simple_dates(draw) -> tuple[str, datetime.date, Precision]:
    """A valid non-interval date text, with its expected earliest day and precision."""
    day = draw(st.dates())
    precision = draw(st.sampled_from(Precision))
    qualifier = draw(QUALIFIERS)
    if precision is Precision.DAY:
        text, earliest = f"{day.year:04d}-{day.month:02d}-{day.day:02d}", day
    elif precision is Precision.MONTH:
        text, earliest = f"{day.year:04d}-{day.month:02d}", day.replace(day=1)
    else:
        text, earliest = f"{day.year:04d}", day.replace(month=1, day=1)
    return text + qualifier, earliest, precision


@st.composite
def intervals(draw) -> tuple[str, datetime.date, Precision]:
    a, b = draw(simple_dates()), draw(simple_dates())
    start, end = sorted([a, b], key=lambda x: x[1])
    shape = draw(st.sampled_from(["closed", "open start", "open end"]))
    if shape == "open start":
        return f"../{end[0]}", end[1], end[2]
    if shape == "open end":
        return f"{start[0]}/..", start[1], start[2]
    return f"{start[0]}/{end[0]}", start[1], start[2]


VALID_DATES = st.one_of(simple_dates(), intervals())


@given(VALID_DATES)
def test_generated_dates_parse_and_round_trip(case):
    text, earliest, precision = case
    d = EDate.parse(text)
    assert str(d) == d.text == text
    assert d.earliest == earliest
    assert d.precision is precision
    assert d.year == earliest.year
    assert d.sort_key == (earliest.toordinal(), precision, text)
    assert d.latest is None or d.latest >= d.earliest
    assert d.is_interval == ("/" in text)
    if not d.is_interval:
        assert d.qualifier == (text[-1] if text[-1] in "?~%" else "")
    assert isinstance(d.describe(), str) and d.describe()


@given(st.lists(VALID_DATES, max_size=30), st.randoms(use_true_random=False))
def test_sorting_follows_earliest_day_then_precision(cases, rnd: random.Random):
    dates = [EDate.parse(text) for text, _, _ in cases]
    ordered = sorted(dates)
    for a, b in itertools.pairwise(ordered):
        assert (a.earliest, a.precision) <= (b.earliest, b.precision)
    shuffled = dates[:]
    rnd.shuffle(shuffled)
    assert sorted(shuffled) == ordered  # total and deterministic


@given(VALID_DATES, VALID_DATES)
def test_order_is_consistent_with_equality(x, y):
    a, b = EDate.parse(x[0]), EDate.parse(y[0])
    assert (a <= b <= a) == (a == b) == (x[0] == y[0])
    assert (a < b) != (a >= b)
    if x[1] < y[1]:
        assert a < b


@given(simple_dates(), simple_dates())
def test_reversed_intervals_are_errors(a, b):
    """An interval is reversed when its start begins after its end is over."""
    first, second = EDate.parse(a[0]), EDate.parse(b[0])
    if first.earliest > second.latest:
        with pytest.raises(DateError):
            EDate.parse(f"{a[0]}/{b[0]}")
    else:
        assert EDate.parse(f"{a[0]}/{b[0]}").start == first


@pytest.mark.parametrize("text", ["2013-06/2013", "2013-06-15/2013-06", "2013/2013-06"])
def test_an_interval_may_start_inside_its_end(text):
    assert EDate.parse(text).text == text


def test_local_time_is_short_only_on_the_same_day() -> None:
    evening = datetime.datetime(2026, 11, 26, 23, 50).timestamp()
    assert local_time(evening) == "2026-11-26 23:50"
    assert local_time(evening, short=True, now=evening - 3600) == "23:50"
    # Ten minutes later is tomorrow: "00:00" alone would read as this morning.
    assert local_time(evening + 600, short=True, now=evening) == "2026-11-27 00:00"
    assert local_time(None) == "never"


_FORMS = (
    "expected YYYY, YYYY-MM, YYYY-MM-DD, an optional ?, ~ or % suffix, or an interval A/B "
    "with .. for an open end"
)


def test_a_long_bad_date_shows_its_first_sixty_characters_then_an_ellipsis():
    assert _message("x" * 10_000) == f"'{'x' * 60}'… is not a date ({_FORMS})"
    assert _message("2013-01-18" + " " * 70) == f"'2013-01-18{' ' * 50}'… is not a date ({_FORMS})"
    assert _message("x" * 20) == f"'{'x' * 20}' is not a date ({_FORMS})"
    # Exactly at the limit: shown whole, not cut inside its quotes.
    assert _message("x" * 60) == f"'{'x' * 60}' is not a date ({_FORMS})"
    assert _message("x" * 61) == f"'{'x' * 60}'… is not a date ({_FORMS})"


def test_a_long_array_or_table_is_cut_in_the_message():
    assert _message(list(range(100))) == (
        "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 1… is not a date "
        "(expected a date string, got array)"
    )
    short = [2013, 1, 18]
    assert _message(short) == "[2013, 1, 18] is not a date (expected a date string, got array)"


def test_a_value_whose_repr_fails_is_named_by_its_type():
    class Odd:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    assert _message(Odd()) == "<Odd> is not a date (expected a date string, got Odd)"


def test_a_value_whose_repr_is_exactly_at_the_limit_is_shown_whole():
    value = b"x" * 57  # b'...' is 60 characters
    assert _message(value) == f"{value!r} is not a date (expected a date string, got bytes)"
    longer = b"x" * 58
    assert (
        _message(longer)
        == f"{longer!r}"[:60] + "… is not a date (expected a date string, got bytes)"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0000", "years run from 0001 to 9999"),
        ("2013-02-29", "Feb 2013 has 28 days, not 29"),
        ("2013-04-31", "Apr 2013 has 30 days, not 31"),
        ("2013-12-32", "Dec 2013 has 31 days, not 32"),
        ("2013-01-32", "Jan 2013 has 31 days, not 32"),
    ],
)
def test_the_reason_names_the_month_and_its_days(text, reason):
    assert _message(text) == f"{text!r} is not a date ({reason})"


def test_a_string_subclass_parses_like_a_string():
    class Text(str):
        pass

    assert EDate.parse(Text("2013-01-18")) == EDate.parse("2013-01-18")
    assert str(EDate.parse(Text("2013-01-18"))) == "2013-01-18"


def test_every_comparison_orders_dates_and_refuses_other_values():
    early, late = EDate.parse("2012"), EDate.parse("2013-05")
    assert early < late and early <= late and late > early and late >= early
    assert not (late < early or late <= early or early > late or early >= late)
    same = EDate.parse("2012")
    assert early <= same and early >= same and not early < same and not early > same
    for compare in (
        lambda: early < 2013,
        lambda: early <= 2013,
        lambda: early > 2013,
        lambda: early >= 2013,
    ):
        with pytest.raises(TypeError):
            compare()
