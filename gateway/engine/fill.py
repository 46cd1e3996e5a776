"""A plan's fill function, generated once per plan: the plain part of one object's response in one call.

The loop it replaces walked the plan's steps for every object, with an attribute lookup, a getter
call and a serializer call per field; on a page of 100 rows that loop was the executor's largest
cost. The generated function reads each attribute directly (`source.subject`), takes a value of the
built-in scalars' own class as it is (an `int` in GraphQL's 32-bit range, a finite `float`, any
`str` or `bool`), and hands everything else to the step's serializer (`_serialized`), exactly as the
loop did. Response keys and getters reach the function as arguments of its factory, never as source
text: only attribute names taken from the schema's Python names, checked to be identifiers, are. The
code depends only on the shape of the steps, so it is generated once per shape for the process (a
bounded cache) and bound to each operation's plan by calling the factory.

A step's value goes to `values` in selection order; a key whose value is not clean goes to `unclean`
(the general path executes it): a null in a non-null field, an awaitable, a value its serializer
refuses, a getter that raises (`NotInHand` included).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from math import isfinite
from typing import Any, Protocol

from graphql import GraphQLObjectType, Undefined
from graphql.execution.collect_fields import FieldDetailsList

CLEAN_CLASSES = frozenset({str, int, bool, float, Decimal, dt.date, dt.datetime, dt.time})
"""Values of these classes are never awaitable: a plain leaf holding one needs no further check."""
PREPARE = "prepare"
"""A source whose class has `prepare(names)` (the upstream records) is told which attributes a plan is
about to read, so it converts them in one pass."""


Getter = Callable[[Any, Any], Any]
"""(source, the operation's context) -> the field's value."""


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """How to answer one response key from the source object without graphql-core."""

    key: str
    get: Getter
    serialize: Callable[[Any], Any]
    non_null: bool
    attribute: str | None = None
    """The source attribute the getter reads, when it reads one."""
    exact: str | None = None
    """The built-in scalar (`String`, `Int`, `Float`, `Boolean`) whose own Python values pass as they are."""


@dataclass(frozen=True, slots=True)
class PlainObject:
    """An object field, or a list of objects, whose value is in hand: each object is filled by the plan
    of the field's own selection."""

    key: str
    get: Getter
    object_type: GraphQLObjectType
    field_details_list: FieldDetailsList
    non_null: bool
    is_list: bool
    item_non_null: bool


class Filler(Protocol):
    """What a fill function needs of the executor running it."""

    context_value: Any

    def is_awaitable(self, value: Any) -> bool: ...

    def fill_object_field(self, plain: PlainObject, value: Any) -> Any: ...


Fill = Callable[[Any, Filler], tuple[dict[str, Any], list[str] | None]]
"""(source, executor) -> the clean values in selection order, and the keys that need the general path."""

_CLEAN_TEST = {
    "String": "raw.__class__ is str",
    "Boolean": "raw.__class__ is bool",
    "Int": "raw.__class__ is int and -2147483648 <= raw <= 2147483647",
    "Float": "raw.__class__ is float and _isfinite(raw)",
}


def compile_fill(steps: tuple[PlainLeaf | PlainObject, ...], attributes: tuple[str, ...]) -> Fill:
    """The fill function of a plan's steps (in selection order). The code depends only on the steps'
    shape, so it is generated once per shape and bound to each plan's keys, getters and steps."""
    shape = tuple(_step_shape(step) for step in steps)
    constants = [value for step in steps for value in (step.key, step.get, step)]
    return _fill_factory(shape, bool(attributes))(attributes, *constants)


StepShape = tuple[str | bool | None, ...]


def _step_shape(step: PlainLeaf | PlainObject) -> StepShape:
    if isinstance(step, PlainObject):
        return ("object",)
    attribute = step.attribute if step.attribute and step.attribute.isidentifier() else None
    return ("leaf", attribute, step.exact if step.exact in _CLEAN_TEST else None, step.non_null)


@lru_cache(maxsize=1024)
def _fill_factory(shape: tuple[StepShape, ...], prepares: bool) -> Callable[..., Fill]:
    """`make(attributes, K0, G0, S0, K1, ...)`: the fill of steps of this shape, for those constants."""
    parameters = ", ".join(f"K{i}, G{i}, S{i}" for i in range(len(shape)))
    lines = [
        f"def make(_ATTRIBUTES, {parameters}):",
        "  def fill(source, executor):",
        "    values = {}",
        "    unclean = None",
    ]
    if any(kind == "object" or not leaf[0] for kind, *leaf in shape):  # a getter is called: it takes the context
        lines.append("    context = executor.context_value")
    if prepares:
        lines += [
            "    prepare = getattr(source.__class__, _PREPARE, None)",
            "    if prepare is not None:",
            "        prepare(source, _ATTRIBUTES)",
        ]
    for index, (kind, *leaf) in enumerate(shape):
        key, get, step = f"K{index}", f"G{index}", f"S{index}"
        not_clean = f"unclean = [{key}] if unclean is None else [*unclean, {key}]"
        if kind == "object":
            lines += [
                "    try:",
                f"        values[{key}] = executor.fill_object_field({step}, {get}(source, context))",
                "    except Exception:",
                f"        {not_clean}",
            ]
            continue
        attribute, exact, non_null = leaf
        lines += [
            "    try:",
            f"        raw = source.{attribute}" if attribute else f"        raw = {get}(source, context)",
            "    except Exception:",
            f"        {not_clean}",
            "    else:",
        ]
        if exact is not None:
            lines += [
                f"        if {_CLEAN_TEST[str(exact)]}:",
                f"            values[{key}] = raw",
                "        elif raw is None:",
            ]
        else:
            lines += ["        if raw is None:"]
        lines += [
            f"            {not_clean}" if non_null else f"            values[{key}] = None",
            "        else:",
            f"            unclean = _serialized(executor, {step}, raw, values, unclean)",
        ]
    lines += ["    return values, unclean", "  return fill"]
    namespace: dict[str, Any] = {"_isfinite": isfinite, "_serialized": _serialized, "_PREPARE": PREPARE}
    exec(compile("\n".join(lines), "<plan fill>", "exec"), namespace)  # see the module docstring
    make: Callable[..., Fill] = namespace["make"]
    return make


def _serialized(
    executor: Filler, leaf: PlainLeaf, raw: Any, values: dict[str, Any], unclean: list[str] | None
) -> list[str] | None:
    """A value other than a built-in scalar's own: through the leaf's serializer, as graphql-core would."""
    try:
        if raw.__class__ not in CLEAN_CLASSES and executor.is_awaitable(raw):
            value = None
        else:
            value = leaf.serialize(raw)
    except Exception:  # the general path raises it again, located and handled as graphql-core does
        value = None
    if value is None or value is Undefined:
        return [leaf.key] if unclean is None else [*unclean, leaf.key]
    values[leaf.key] = value
    return unclean
