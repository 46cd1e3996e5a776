"""The base of every upstream record, and the one scheme that parses a payload into one.

A record keeps `present`, the set of fields its payload actually carried, so that a field a payload
lacked (the slim `/collection` item, a v2 object, a `related_objects` summary) is never mistaken for
a null: it is completed from a fuller source instead. A `Shape` says how one upstream payload maps
onto a record class: which keys it converts and how, which it renames, which expand into several
fields.

Records are built lazily: `Shape.parse` keeps the payload and nothing else; a field is converted the
first time it is read (`Record.__getattr__`), then kept in the instance. A page of 100 activities of
61 fields of which a query reads 9 converts 900 values, not 6,100 (the conversion of every field was
the largest single cost of a page; see bench/). `has(name)` answers from the payload's keys, and
`present` is worked out only when something needs the whole set; keys that expand into several fields
expand on the first read of one of them. A field the record class declares but the payload lacks
reads as None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Self, TypeVar

from .converters import Converter, Expander

Json = Mapping[str, Any]
_RAW = "_raw"
_SHAPE = "_shape"
_EXPANDED = "_expanded"


class Record:
    """An upstream object under the gateway's field names; a field outside `present` was not sent.

    Subclasses declare their fields as annotations only (no class-level defaults, which would hide
    them from `__getattr__`). No `__slots__`: Strawberry's relay `node`/`nodes` tag the objects they
    return with an attribute, and values are kept in the instance's `__dict__`.
    """

    present: frozenset[str]
    id: int
    _fields: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        defaulted = [name for name in cls.__dict__.get("__annotations__", {}) if name in cls.__dict__]
        if defaulted:
            raise TypeError(f"{cls.__name__}: record fields are annotations only, without defaults: {defaulted}")
        declared = {name for klass in cls.__mro__ for name in getattr(klass, "__annotations__", {})}
        cls._fields = frozenset(name for name in declared if not name.startswith("_") and name != "present")

    def __getattr__(self, name: str) -> Any:
        """A declared field not read yet: converted from the payload now (None when it lacks it); or
        `present`, worked out from the payload now."""
        state = self.__dict__
        shape: Shape[Any] | None = state.get(_SHAPE)
        if name == "present" and shape is not None:
            present = state["present"] = shape.present(state)
            return present
        if name not in type(self)._fields:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = shape.convert(state, name) if shape is not None else None
        state[name] = value
        return value

    def prepare(self, names: tuple[str, ...]) -> None:
        """Convert now the fields `names` a reader is about to read: one pass instead of a miss each
        (the plan executor calls it with the attributes of a selection)."""
        state = self.__dict__
        shape: Shape[Any] | None = state.get(_SHAPE)
        if shape is not None:
            shape.prepare(state, names)

    @property
    def pipedrive_id(self) -> int:
        return self.id

    def has(self, name: str) -> bool:
        """Whether the payload carried field `name` (without working out all of `present`)."""
        state = self.__dict__
        present: frozenset[str] | None = state.get("present")
        if present is not None:
            return name in present
        shape: Shape[Any] | None = state.get(_SHAPE)
        return shape is not None and shape.has(state, name)

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.present}

    def completed_by(self, other: Self) -> Self:
        """This record with the fields it lacks taken from `other` (its own fields win)."""
        return self.build(other.values() | self.values())

    @classmethod
    def build(cls, values: dict[str, Any]) -> Self:
        """The record of `values` (converted already); fields not among them read as None."""
        record = object.__new__(cls)
        record.__dict__.update(values)
        record.present = frozenset(values)
        return record


R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class Shape(Generic[R]):
    """How one upstream payload maps onto `record`: converted keys (under the record's names),
    renamed keys, and keys that expand into several fields (all of one payload's at once: they are few)."""

    record: type[R]
    fields: Mapping[str, Converter]
    renames: Mapping[str, str] = field(default_factory=dict)
    expanders: Mapping[str, Expander] = field(default_factory=dict)
    _sources: dict[str, str] = field(init=False, repr=False)
    """Field name -> the payload key it is converted from (the expanded fields aside)."""
    _expanded: frozenset[str] = field(init=False, repr=False)
    """Every field an expander may give."""
    _prepared: dict[tuple[str, ...], tuple[bool, tuple[tuple[str, str, Converter], ...]]] = field(
        init=False, repr=False, default_factory=dict
    )
    """Names a reader reads -> whether one is expanded, and (name, payload key, converter) of the others."""

    def __post_init__(self) -> None:
        expanded = frozenset().union(*(expander.produces for expander in self.expanders.values()))
        direct = frozenset(self.fields) - set(self.renames) - set(self.expanders) - set(self.renames.values())
        sources = {name: name for name in direct} | {new: old for old, new in self.renames.items()}
        object.__setattr__(self, "_sources", {name: key for name, key in sources.items() if name not in expanded})
        object.__setattr__(self, "_expanded", expanded)

    def parse(self, data: Json) -> R:
        record = object.__new__(self.record)
        state = record.__dict__
        state[_RAW] = data
        state[_SHAPE] = self
        raw_id = data.get("id")
        state["id"] = int(raw_id) if raw_id is not None else int(data["value"])  # an expanded `*_id` object
        return record

    def has(self, state: dict[str, Any], name: str) -> bool:
        """Whether the payload in `state` carries field `name`."""
        if name in self._expanded:
            return name in self._expand(state)
        key = self._sources.get(name)
        return name == "id" or (key is not None and key in state[_RAW])

    def present(self, state: dict[str, Any]) -> frozenset[str]:
        """Every field the payload in `state` carries."""
        raw = state[_RAW]
        carried = {name for name, key in self._sources.items() if key in raw}
        return frozenset(carried | self._expand(state) | {"id"})

    def prepare(self, state: dict[str, Any], names: tuple[str, ...]) -> None:
        """Convert `names` into a record's `state` (those not converted yet)."""
        prepared = self._prepared.get(names)
        if prepared is None:
            steps = tuple((name, self._sources[name], self.fields[name]) for name in names if name in self._sources)
            prepared = self._prepared[names] = (any(name in self._expanded for name in names), steps)
        expands, steps = prepared
        if expands:
            self._expand(state)
        raw = state[_RAW]
        for name, key, convert in steps:
            if name not in state:
                value = raw.get(key)
                state[name] = None if value is None else convert(value)

    def convert(self, state: dict[str, Any], name: str) -> Any:
        """Field `name` of the payload in `state` (None when the payload lacks it)."""
        if name in self._expanded:
            self._expand(state)
            return state.get(name)
        key = self._sources.get(name)
        raw = state[_RAW]
        if key is None or key not in raw:
            return None
        return self.fields[name](raw[key])

    def _expand(self, state: dict[str, Any]) -> frozenset[str]:
        """The payload's expanding keys as fields, put into `state` once; the names they gave."""
        given: frozenset[str] | None = state.get(_EXPANDED)
        if given is None:
            raw, values = state[_RAW], {}
            for key, expander in self.expanders.items():
                if key in raw:
                    values.update(expander(raw[key]))
            for name, value in values.items():
                state.setdefault(name, value)
            given = state[_EXPANDED] = frozenset(values)
        return given
