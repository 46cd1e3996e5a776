"""A small schema that puts every case of the plan executor within reach, and its source objects.

Sources are plain objects (`Row`), not the Strawberry types, as the gateway's records are; each type
says which class it accepts. The "dirty" rows hold what a plain field must not answer by itself: a
null in a non-null field, values a serializer refuses, an awaitable, a getter that raises.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
from collections.abc import Generator, Iterator
from typing import Any, NewType

import strawberry
from graphql import DirectiveLocation, GraphQLError
from strawberry.directive import DirectiveValue
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.permission import BasePermission
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.engine.execution import IN_HAND, NotInHand, PlanExecutor

Cents = NewType("Cents", int)
"""A custom scalar: an amount in cents, sent as a decimal string."""
SCALARS: dict[object, Any] = {
    Cents: strawberry.scalar(name="Cents", serialize=lambda value: f"{value / 100:.2f}", parse_value=int)
}


class Row:
    """A source object: attributes from keyword arguments."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


class Exploding(Row):
    """A row whose `count` cannot be read."""

    @property
    def count(self) -> int:
        raise ValueError("count is not available")


class Later:
    """An awaitable value held by a plain attribute (never a coroutine: no 'never awaited' warning)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Generator[Any, None, Any]:
        yield from asyncio.sleep(0).__await__()
        return self.value


@strawberry.enum
class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Tag(Named):
    name: str
    weight: int | None

    @classmethod
    def is_type_of(cls, obj: object, _info: Any) -> bool:
        return isinstance(obj, Row) and getattr(obj, "kind", None) == "tag"


def _upper(root: Any) -> str:
    return str(root.name).upper()


class Deny(BasePermission):
    message = "Not for you."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


class Suffix(FieldExtension):
    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        return f"{next_(source, info, **kwargs)}!"


@strawberry.directive(locations=[DirectiveLocation.FIELD], description="Upper-cases a string field.")
def upper(value: DirectiveValue[str]) -> str:
    return value.upper()


def _partner_in_hand(root: Any, context: Any) -> Any:
    """The gateway's linked objects: in hand when the source holds them, else loaded (NotInHand)."""
    if "partner" not in root.__dict__:
        raise NotInHand
    return root.partner


async def _partner(root: Any) -> Any:
    await asyncio.sleep(0)
    return root.__dict__.get("partner", item("loaded partner"))


def _nick_in_hand(root: Any, context: Any) -> Any:
    """The gateway's fields a record may lack: answered from the record when its payload had them."""
    if "nick" not in root.__dict__:
        raise NotInHand
    return root.nick


async def _nick(root: Any) -> str | None:
    await asyncio.sleep(0)
    nick: str | None = root.__dict__.get("nick", "loaded nick")
    return nick


def _generated(root: Any) -> Any:
    return (child for child in root.children)


@strawberry.type
class Item(Named):
    name: str
    count: int
    ratio: float | None
    flag: bool | None
    day: dt.date | None
    at: dt.datetime
    color: Color | None
    note: str | None
    price: Cents | None
    tags: list[str]
    children: list[Item]
    maybe_children: list[Item | None] | None
    best: Tag | None
    shout: str = strawberry.field(resolver=_upper)
    secret: str | None = strawberry.field(permission_classes=[Deny])
    loud: str = strawberry.field(extensions=[Suffix()])
    partner: Item | None = strawberry.field(resolver=_partner, metadata={IN_HAND: _partner_in_hand})
    nick: str | None = strawberry.field(resolver=_nick, metadata={IN_HAND: _nick_in_hand})
    sure_partner: Item = strawberry.field(resolver=_partner, metadata={IN_HAND: _partner_in_hand})
    generated: list[Item] = strawberry.field(resolver=_generated)

    @strawberry.field
    def times(self, n: int = 2) -> int:
        return int(self.count) * n

    @strawberry.field
    async def later(self) -> str | None:
        await asyncio.sleep(0)
        return str(self.name)

    @classmethod
    def is_type_of(cls, obj: object, _info: Any) -> bool:
        return isinstance(obj, Row) and getattr(obj, "kind", "item") == "item"


def item(name: Any = "alpha", **values: Any) -> Row:
    """A clean row, with `values` overriding fields."""
    defaults: dict[str, Any] = {
        "name": name,
        "count": 3,
        "ratio": 0.5,
        "flag": True,
        "day": dt.date(2024, 9, 2),
        "at": dt.datetime(2024, 9, 2, 8, 30, tzinfo=dt.UTC),
        "color": Color.BLUE,
        "note": None,
        "price": 1999,
        "tags": ["a", "b"],
        "children": [],
        "maybe_children": None,
        "best": Row(kind="tag", name="gold", weight=None),
        # attributes named like fields that have resolvers, permissions or extensions: never read directly
        "shout": "attribute, not resolver",
        "secret": "attribute",
        "loud": "attribute",
    }
    return Row(**{**defaults, **values})


CLEAN: list[Row] = [
    item("alpha", children=[item("alpha.1"), item("alpha.2", note="n")], partner=item("p"), nick="al"),
    item("beta", ratio=None, flag=None, day=None, color=None, price=None, tags=[], best=None, partner=None),
    item("gamma", count=-7, ratio=2.0, flag=False, maybe_children=[item("g.1"), None], nick=None),
]
DIRTY: list[Row] = [
    item(None),  # a null in a non-null field
    item("bad-int", count="abc"),
    item("big-int", count=2**40),
    item("nan", ratio=float("nan")),
    item("bool", flag="yes"),
    item("int-note", note=5),  # String serializes an int: a clean answer by another road
    item("day-string", day="2024-01-01"),  # Date's serializer needs a date
    item("enum-value", color="red"),
    item("awaitable", note=Later("later"), count=Later(11)),
    Exploding(
        name="exploding",
        ratio=1.0,
        flag=True,
        day=None,
        at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        color=None,
        note=None,
        price=None,
        tags=["x", None],
        children=[item(None)],
        maybe_children=[item(None)],
        best=Row(kind="tag", name=None, weight="heavy"),
    ),
    item("no-at", at=None),
    item("dirty-partner", partner=item(None), nick=5),  # in hand, but a null in a non-null field below
    item("partner-of-another-type", partner=Row(kind="tag", name="t", weight=1)),
    item("null-sure-partner", partner=None),
    item("null-child", children=[item("ok"), None]),
    item("child-of-another-type", children=[Row(kind="tag", name="t", weight=1)]),
]
ROWS: dict[str, list[Row]] = {"clean": CLEAN, "dirty": DIRTY}


@strawberry.type
class Query:
    @strawberry.field
    def items(self, kind: str = "clean") -> list[Item]:
        return ROWS[kind]  # type: ignore[return-value]  # plain rows served as the type

    @strawberry.field
    def maybe_items(self, kind: str = "clean") -> list[Item | None] | None:
        return ROWS[kind]  # type: ignore[return-value]  # plain rows served as the type

    @strawberry.field
    def each(self, kind: str = "dirty", index: int = 0) -> Item | None:
        return ROWS[kind][index]  # type: ignore[return-value]  # plain rows served as the type

    @strawberry.field
    def named(self) -> list[Named]:
        return [CLEAN[0], Row(kind="tag", name="silver", weight=2), CLEAN[1]]  # type: ignore[list-item]  # plain rows served as the type


class Uppercase(SchemaExtension):
    """Middleware on every field (a `resolve` hook): the plan must step aside."""

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        result = _next(root, info, *args, **kwargs)
        return result.upper() if isinstance(result, str) else result


class QuietSchema(strawberry.Schema):
    """Errors are compared, not logged."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        return None


def schemas(**options: Any) -> Iterator[strawberry.Schema]:
    """The same schema with graphql-core's own executor, then with the plan executor."""
    for executor in (StrawberryGraphQLCoreExecutionContext, PlanExecutor):
        yield QuietSchema(
            query=Query,
            types=[Tag],
            execution_context_class=executor,
            config=StrawberryConfig(scalar_map=SCALARS),
            **options,
        )


@strawberry.type
class Point:
    x: int
    y: int | None
    label: str


@strawberry.type
class DictQuery:
    @strawberry.field
    def points(self) -> list[Point]:
        return [{"x": 1, "y": None, "label": "a"}, {"x": 2, "y": 5, "label": None}]  # type: ignore[list-item]  # plain rows served as the type


def _read(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def dict_schemas() -> Iterator[strawberry.Schema]:
    """A schema whose default resolver reads mapping keys instead of attributes."""
    for executor in (StrawberryGraphQLCoreExecutionContext, PlanExecutor):
        yield QuietSchema(
            query=DictQuery, config=StrawberryConfig(default_resolver=_read), execution_context_class=executor
        )
