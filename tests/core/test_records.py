"""``records.record`` makes classes that behave as ``dataclass(frozen=True)`` ones (issue 15).

Its methods are shared instead of compiled for each class at every start. Each record
class of the start path is compared with a stock frozen dataclass made from its own
fields (its "twin"): the same arguments and defaults, repr, equality, hash, copies,
``replace``, ``asdict``, ``match`` and refusal to change; and a small record of every
kind of field is compared with its twin case by case.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from pathlib import Path
from typing import Any

import pytest

from tui.core import activity, alerts, changes, config, merge, movement, notes, period, problems
from tui.core.records import record
from tui.ui import detail

RECORDS = (
    config.FeedConfig,
    config.UIConfig,
    config.AlertsConfig,
    config.Config,
    notes.Note,
    notes.View,
    alerts.Watchlist,
    alerts.Alert,
    merge.Layer,
    problems.Problem,
    movement.Move,
    activity.Activity,
    period.Period,
    changes.Changes,
    detail.Plain,
    detail.Link,
)


def twin(cls: type) -> type:
    """``cls`` as ``@dataclass(frozen=True)`` generates it, from its fields."""
    specs = []
    for f in dataclasses.fields(cls):
        spec = dataclasses.field(
            default=f.default,
            default_factory=f.default_factory,
            init=f.init,
            repr=f.repr,
            hash=f.hash,
            compare=f.compare,
        )
        specs.append((f.name, f.type, spec))
    slots = "__slots__" in cls.__dict__
    made: type = dataclasses.make_dataclass(cls.__name__, specs, frozen=True, slots=slots)
    made.__qualname__ = cls.__qualname__
    return made


def as_twin(value: Any) -> Any:
    values = {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.init}
    return twin(type(value))(**values)


def sample(cls: type) -> Any:
    """A record with every required field given (a string, whatever the type)."""
    required = {
        f.name: f"{f.name}-value"
        for f in dataclasses.fields(cls)
        if f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    return cls(**required)


def hashed(value: Any) -> int | type[Exception]:
    """The hash, or the error hashing raises (a field holding a dict)."""
    try:
        return hash(value)
    except TypeError as error:
        return type(error)


def check_twins(value: Any, reference: Any) -> None:
    assert repr(value) == repr(reference)
    assert hashed(value) == hashed(reference)
    assert value == value and not value != value  # noqa: PLR0124, SIM202 - the operators
    assert dataclasses.asdict(value) == dataclasses.asdict(reference)
    assert copy.copy(value) == value and copy.deepcopy(value) == value
    assert (value == reference) is False  # another class, as between two dataclasses
    first = dataclasses.fields(value)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot assign to field '{first}'"):
        setattr(value, first, None)
    with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot delete field '{first}'"):
        delattr(value, first)


@pytest.mark.parametrize("cls", RECORDS, ids=[c.__name__ for c in RECORDS])
def test_a_start_path_record_behaves_as_its_stock_dataclass_twin(cls: type) -> None:
    reference = twin(cls)
    assert cls.__match_args__ == reference.__match_args__
    assert getattr(cls, "__slots__", None) == getattr(reference, "__slots__", None)
    value = sample(cls)
    check_twins(value, as_twin(value))
    # Each field changed in turn: equal exactly when the twins are, hashed alike if so.
    variants = [value]
    for f in dataclasses.fields(cls):
        if f.init:
            variants.append(dataclasses.replace(value, **{f.name: ("changed", f.name)}))
    twins = [as_twin(v) for v in variants]
    for a, twin_a in zip(variants, twins, strict=True):
        for b, twin_b in zip(variants, twins, strict=True):
            assert (a == b) is (twin_a == twin_b)
            assert (a != b) is (twin_a != twin_b)
            if a == b:
                assert hashed(a) == hashed(b)


def test_the_shipped_configuration_reads_into_records_equal_to_their_twins() -> None:
    read = config.load_config(Path(__file__).resolve().parents[2] / "config.toml")
    check_twins(read, as_twin(read))
    assert read == dataclasses.replace(read) and read != dataclasses.replace(read, warnings=("x",))


# A record with a field of every kind record supports, and its stock twin.
@record(slots=True)
class Sample:
    """Every kind of field."""

    name: str
    count: int = 0
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    note: str = dataclasses.field(default="", compare=False)
    hidden: str = dataclasses.field(default="", repr=False)
    unhashed: float = dataclasses.field(default=0.0, hash=False)
    made: list[str] = dataclasses.field(default_factory=list, init=False, compare=False)


@dataclasses.dataclass(frozen=True, slots=True)
class Stock:
    """Every kind of field."""

    name: str
    count: int = 0
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    note: str = dataclasses.field(default="", compare=False)
    hidden: str = dataclasses.field(default="", repr=False)
    unhashed: float = dataclasses.field(default=0.0, hash=False)
    made: list[str] = dataclasses.field(default_factory=list, init=False, compare=False)


CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("a",), {}),
    (("a", 2), {}),
    (("a",), {"count": 2, "tags": ("x",)}),
    ((), {"name": "a", "note": "n", "hidden": "h", "unhashed": 1.5}),
    (("a", 2, ("x",), "n", "h", 1.5), {}),
]


@pytest.mark.parametrize("args,kwargs", CALLS)
def test_a_record_is_built_compared_and_shown_as_a_dataclass_is(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    ours, theirs = Sample(*args, **kwargs), Stock(*args, **kwargs)
    assert repr(ours) == repr(theirs).replace("Stock", "Sample")
    assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)
    assert hash(ours) == hash(theirs)
    assert ours == Sample(*args, **kwargs) and ours != Sample("other")
    assert ours == dataclasses.replace(ours, note="another note")  # not compared
    assert hash(ours) == hash(dataclasses.replace(ours, unhashed=9.0))  # compared, not hashed
    assert ours != dataclasses.replace(ours, unhashed=9.0)
    match ours:
        case Sample(name, count):
            assert (name, count) == (theirs.name, theirs.count)


def test_defaults_made_by_a_factory_are_made_for_each_record() -> None:
    one, two = Sample("a"), Sample("a")
    assert one.made == [] and one.made is not two.made


def test_equality_is_that_of_field_tuples_as_a_dataclass_has_it() -> None:
    nan = math.nan
    assert Sample("a", unhashed=nan) == Sample("a", unhashed=nan)  # the same object
    assert (Sample("a", unhashed=nan) == Sample("a", unhashed=float("nan"))) is (
        Stock("a", unhashed=nan) == Stock("a", unhashed=float("nan"))
    )
    assert Sample("a").__eq__(Stock("a")) is NotImplemented


@pytest.mark.parametrize(
    "args,kwargs",
    [((), {}), (("a", 1, (), "", "", 0.0, "extra"), {}), (("a",), {"name": "b"}), ((), {"x": 1})],
    ids=["missing", "too many", "twice", "unknown"],
)
def test_a_wrong_call_is_refused_as_a_dataclass_refuses_it(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(TypeError):
        Stock(*args, **kwargs)
    with pytest.raises(TypeError):
        Sample(*args, **kwargs)


def test_post_init_runs_and_fields_it_needs_are_set() -> None:
    @record
    class Checked:
        """Refuses a negative count."""

        count: int

        def __post_init__(self) -> None:
            if self.count < 0:
                raise ValueError("negative")

    assert Checked(1).count == 1
    with pytest.raises(ValueError, match="negative"):
        Checked(-1)


def test_methods_written_in_the_class_are_kept() -> None:
    @record
    class Written:
        """Shows itself its own way."""

        text: str

        def __repr__(self) -> str:
            return f"<{self.text}>"

    assert repr(Written("x")) == "<x>"


def test_keyword_only_fields_are_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="keyword-only"):

        @record
        class KeywordOnly:
            """Not supported."""

            text: str = dataclasses.field(kw_only=True)
