"""``record``: a frozen dataclass whose methods are shared rather than compiled per class.

``dataclass(frozen=True)`` writes each class's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__`` and ``__delattr__`` as source text and compiles it when
the class is created: six ``compile`` calls, about 0.1 ms each, for every record class
at every start (the start path's classes took 90 M instructions, more than a tenth of
Faultline's start on a small dossier over a bare Textual app's; bench/README.md,
"Issue 15: start-up, fourth round"). ``record`` keeps what ``dataclass`` makes without
compiling (the fields, slots, ``__match_args__``; ``fields``, ``replace``, ``asdict``
and ``match`` work as before) and gives the class methods shared by every record, which
read the fields' names from the class: the same arguments and defaults, the same repr,
equality, hash and frozenness (tests/core/test_records.py compares them with stock
dataclasses). A method written in the class, or inherited from a base other than
``object``, is kept, as ``dataclass`` keeps one written in the class.

The shared methods loop over the fields where the generated ones are straight-line
code: a record is made in about 1.6 times the time (1.3 against 0.8 µs for a
``Problem``'s six fields), compared and hashed in about 2.5 times (0.5 against 0.2
µs). Records made by the hundred thousand on a hot path (``model.Event``,
``browse.Ref``) write their own ``__init__``, ``__eq__`` and ``__hash__``, or stay plain
dataclasses.

Not supported: ``InitVar`` fields; refused when the class is made: keyword-only fields,
and fields left out of ``__init__`` unless they have a ``default_factory`` or the class
writes its own ``__init__``. Frozen means frozen: a subclass's instances cannot be given
other attributes either (a generated ``__setattr__`` lets a subclass's through).
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Iterable
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar, cast, dataclass_transform, overload

_T = TypeVar("_T")

# A record's own fields are set with object's __setattr__: the class's raises (frozen).
_set = object.__setattr__


class _Plan:
    """What the shared methods need to know of one record class."""

    __slots__ = ("compared", "defaults", "factories", "hashed", "late", "names", "post_init")

    def __init__(self, cls: type) -> None:
        every = fields(cls)
        init = [f for f in every if f.init]
        self.names = tuple(f.name for f in init)
        # Per __init__ argument: its default, or MISSING; factories are called per record.
        self.defaults: tuple[Any, ...] = tuple(
            f.default_factory if f.default_factory is not MISSING else f.default for f in init
        )
        self.factories = tuple(f.default_factory is not MISSING for f in init)
        # Fields left out of __init__ that a factory fills, as dataclass's __init__ does.
        self.late: tuple[tuple[str, Any], ...] = tuple(
            (f.name, f.default_factory) for f in every if not f.init
        )
        # The compared (hashed) fields' values as a tuple, read in C: as the generated
        # methods compare ``(self.a, self.b) == (other.a, other.b)``.
        self.compared = _values(f.name for f in every if f.compare)
        self.hashed = _values(f.name for f in every if (f.compare if f.hash is None else f.hash))
        self.post_init = hasattr(cls, "__post_init__")


def _values(names: Iterable[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving a record's values of ``names``, always as a tuple."""
    names = tuple(names)
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda record: (one(record),)
    return lambda record: ()


def _plan(record: Any) -> _Plan:
    plan: _Plan = type(record).__record_plan__
    return plan


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    plan = _plan(self)
    names = plan.names
    given = len(args)
    if given > len(names):
        raise TypeError(
            f"{type(self).__qualname__}() takes {len(names)} positional arguments "
            f"but {given} were given"
        )
    for name in kwargs:
        if name not in names:
            raise TypeError(
                f"{type(self).__qualname__}() got an unexpected keyword argument {name!r}"
            )
        if names.index(name) < given:
            raise TypeError(
                f"{type(self).__qualname__}() got multiple values for argument {name!r}"
            )
    for i, name in enumerate(names):
        if i < given:
            value = args[i]
        elif name in kwargs:
            value = kwargs[name]
        else:
            value = plan.defaults[i]
            if value is MISSING:
                raise TypeError(f"{type(self).__qualname__}() missing required argument: {name!r}")
            if plan.factories[i]:
                value = value()
        _set(self, name, value)
    for name, factory in plan.late:
        _set(self, name, factory())
    if plan.post_init:
        self.__post_init__()


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    values = _plan(self).compared
    return values(self) == values(other)


def _hash(self: Any) -> int:
    return hash(_plan(self).hashed(self))


def _setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list[Any]:
    # As dataclass gives a frozen, slotted class, for copy (its __setattr__ raises).
    return [getattr(self, f.name) for f in fields(self)]


def _setstate(self: Any, state: list[Any]) -> None:
    for f, value in zip(fields(self), state, strict=True):
        _set(self, f.name, value)


def _own(cls: type, name: str) -> bool:
    """Whether ``cls`` writes ``name`` itself or inherits it from a base other than object."""
    for klass in cls.__mro__[:-1]:
        if name in klass.__dict__:
            # A class that writes __eq__ alone gets __hash__ = None: not a hash of its own.
            return not (name == "__hash__" and klass.__dict__[name] is None)
    return False


def _make(cls: type[_T], slots: bool) -> type[_T]:
    methods: dict[str, Callable[..., Any]] = {
        "__repr__": _repr,
        "__eq__": _eq,
        "__hash__": _hash,
        "__setattr__": _setattr,
        "__delattr__": _delattr,
    }
    writes_init = _own(cls, "__init__")
    for name, method in methods.items():
        if not _own(cls, name):
            setattr(cls, name, method)
    if not writes_init:
        setattr(cls, "__init__", _init)  # noqa: B010 - mypy refuses a method assigned
    # Nothing generated: the methods above stand in for dataclass's.
    made: Any = dataclass(cls, init=False, repr=False, eq=False, frozen=False, slots=slots)
    for f in fields(made):
        if f.kw_only:
            raise TypeError(f"{cls.__qualname__}.{f.name}: keyword-only fields are not supported")
        if not writes_init and not f.init and f.default_factory is MISSING:
            raise TypeError(
                f"{cls.__qualname__}.{f.name}: a field left out of __init__ needs a default_factory"
            )
    if slots and not _own(made, "__getstate__"):
        made.__getstate__ = _getstate
        made.__setstate__ = _setstate
    made.__record_plan__ = _Plan(made)
    return cast("type[_T]", made)


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(*, slots: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: type[_T] | None = None, /, *, slots: bool = False) -> Any:
    """``@record`` or ``@record(slots=True)``: as ``@dataclass(frozen=True)`` (with
    ``slots``), its methods shared rather than compiled for the class."""

    def make(klass: type[_T]) -> type[_T]:
        return _make(klass, slots)

    return make if cls is None else make(cls)
