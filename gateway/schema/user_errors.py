"""`UserError` and `UserErrorCode`: how a mutation says "refused" without failing the operation.

Input of the right GraphQL type that the gateway or the upstream refuses is an expected outcome, so
it lives in the schema (API.md, Mutations): a payload's `userErrors`, each naming the input path it
is about, with HTTP 200 and the payload's object field null.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

import strawberry


@strawberry.enum(description="Why a mutation refused its input.")
class UserErrorCode(enum.Enum):
    INVALID = strawberry.enum_value(
        "INVALID",
        description="The value is not acceptable (malformed, out of range, unknown type, or refused by the upstream).",
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="The object the input refers to does not exist (or is already deleted)."
    )
    UPSTREAM_ERROR = strawberry.enum_value(
        "UPSTREAM_ERROR",
        description=(
            "The upstream failed on this value after the allowed retries (`deleteActivities`: the others are "
            "reported as they went); it may or may not have acted, so read it again before trying again."
        ),
    )


@strawberry.type(description="A refusal of a mutation's input; nothing was written because of it.")
class UserError:
    field: list[str] | None = strawberry.field(
        description=(
            'Path to the input value the error is about, from the argument down (e.g. `["input", "dueTime"]` or '
            '`["input", "participants", "1", "personId"]`); list positions are written as decimal strings.'
        )
    )
    message: str = strawberry.field(description="What is wrong, in words meant for a person.")
    code: UserErrorCode = strawberry.field(description="What kind of refusal this is.")


def input_path(*parts: str | int) -> list[str]:
    """The `field` path of a value of the `input` argument."""
    return ["input", *(str(part) for part in parts)]


def invalid(path: Sequence[str | int], message: str) -> UserError:
    return UserError(field=input_path(*path), message=message, code=UserErrorCode.INVALID)


def not_found(path: Sequence[str | int], message: str) -> UserError:
    return UserError(field=input_path(*path), message=message, code=UserErrorCode.NOT_FOUND)


def upstream_failed(path: Sequence[str | int], message: str) -> UserError:
    return UserError(field=input_path(*path), message=message, code=UserErrorCode.UPSTREAM_ERROR)
