"""The base of every upstream record, and the one scheme that parses a payload into one.

A record keeps `present`, the set of fields its payload actually carried, so that a field a payload
lacked (the slim `/collection` item, a v2 object, a `related_objects` summary) is never mistaken for
a null: it is completed from a fuller source instead. A `Shape` says how one upstream payload maps
onto a record class: which keys it converts and how, which it renames, which expand into several
fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Self, TypeVar

from .converters import Converter, Expander

Json = Mapping[str, Any]


@dataclass(kw_only=True)
class Record:
    """An upstream object under the gateway's field names; a field outside `present` was not sent.

    No `__slots__`: Strawberry's relay `node`/`nodes` tag the objects they return with an attribute,
    and `build` fills records through `__dict__`.
    """

    present: frozenset[str]
    id: int
    _unset: ClassVar[dict[str, Any] | None] = None

    @property
    def pipedrive_id(self) -> int:
        return self.id

    def has(self, name: str) -> bool:
        return name in self.present

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.present}

    def completed_by(self, other: Self) -> Self:
        """This record with the fields it lacks taken from `other` (its own fields win)."""
        return self.build(other.values() | self.values())

    @classmethod
    def build(cls, values: dict[str, Any]) -> Self:
        """The record of `values`, absent fields None. Filled through `__dict__`: a dataclass
        `__init__` with some sixty keywords was the largest single cost of a page (see bench/)."""
        unset = cls.__dict__.get("_unset")
        if unset is None:
            unset = {f.name: None for f in dataclasses.fields(cls) if f.name not in ("present", "id")}
            cls._unset = unset
        record = object.__new__(cls)
        record.__dict__.update(unset)
        record.__dict__.update(values)
        record.present = frozenset(values)
        return record


R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class Shape(Generic[R]):
    """How one upstream payload maps onto `record`: converted keys (under the record's names),
    renamed keys, and keys that expand into several fields."""

    record: type[R]
    fields: Mapping[str, Converter]
    renames: Mapping[str, str] = field(default_factory=dict)
    expanders: Mapping[str, Expander] = field(default_factory=dict)

    def parse(self, data: Json) -> R:
        values: dict[str, Any] = {}
        for key, raw in data.items():
            expand = self.expanders.get(key)
            if expand is not None:
                values.update(expand(raw))
                continue
            name = self.renames.get(key, key)
            convert = self.fields.get(name)
            if convert is not None:
                values[name] = convert(raw)
        if values.get("id") is None:  # an expanded `*_id` object may carry its id only in `value`
            values["id"] = int(data["value"])
        return self.record.build(values)
