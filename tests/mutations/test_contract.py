"""The mutation side of the schema is what API.md names, and every part of it is described."""

from __future__ import annotations

import graphql
from graphql import GraphQLEnumType, GraphQLNamedType

from gateway.schema import build_schema

MINE = (
    "Mutation",
    "AddActivityInput",
    "UpdateActivityInput",
    "DeleteActivityInput",
    "DeleteActivitiesInput",
    "ParticipantInput",
    "AttendeeInput",
    "AddActivityPayload",
    "UpdateActivityPayload",
    "DeleteActivityPayload",
    "DeleteActivitiesPayload",
    "UserError",
    "UserErrorCode",
)
WRITABLE = (
    "subject type dueDate dueTime duration dealId leadId personId projectId orgId location "
    "publicDescription note userId participants busyFlag attendees done"
).split()


def fields(type_: GraphQLNamedType) -> dict[str, str]:
    assert isinstance(type_, (graphql.GraphQLObjectType, graphql.GraphQLInputObjectType))
    return {name: str(field.type) for name, field in type_.fields.items()}


def test_the_mutations_and_their_types_are_named_as_the_contract_says() -> None:
    types = build_schema()._schema.type_map
    mutation = types["Mutation"]
    assert isinstance(mutation, graphql.GraphQLObjectType)
    assert {
        name: (str(f.type), {a: str(arg.type) for a, arg in f.args.items()}) for name, f in mutation.fields.items()
    } == {
        "addActivity": ("AddActivityPayload!", {"input": "AddActivityInput!"}),
        "updateActivity": ("UpdateActivityPayload!", {"input": "UpdateActivityInput!"}),
        "deleteActivity": ("DeleteActivityPayload!", {"input": "DeleteActivityInput!"}),
        "deleteActivities": ("DeleteActivitiesPayload!", {"input": "DeleteActivitiesInput!"}),
    }
    assert list(fields(types["AddActivityInput"])) == WRITABLE
    assert list(fields(types["UpdateActivityInput"])) == ["id", *WRITABLE]
    assert fields(types["UpdateActivityInput"])["id"] == "ID!"
    assert all(not kind.endswith("!") for kind in list(fields(types["UpdateActivityInput"]).values())[1:])
    assert fields(types["AddActivityInput"])["participants"] == "[ParticipantInput!]"
    assert fields(types["AddActivityInput"])["attendees"] == "[AttendeeInput!]"
    assert fields(types["DeleteActivitiesInput"]) == {"ids": "[ID!]!"}
    assert fields(types["UserError"]) == {"field": "[String!]", "message": "String!", "code": "UserErrorCode!"}
    codes = types["UserErrorCode"]
    assert isinstance(codes, GraphQLEnumType)
    assert list(codes.values) == ["INVALID", "NOT_FOUND", "UPSTREAM_ERROR"]  # the contract's two, and one added
    assert list(fields(types["AddActivityPayload"])) == ["activity", "moreActivitiesScheduledInContext", "userErrors"]
    assert fields(types["DeleteActivityPayload"]) == {"deletedActivityId": "ID", "userErrors": "[UserError!]!"}
    assert fields(types["DeleteActivitiesPayload"])["deletedActivityIds"] == "[ID!]!"


def test_every_type_field_argument_and_value_is_described() -> None:
    types = build_schema()._schema.type_map
    for name in MINE:
        type_ = types[name]
        assert type_.description, name
        if isinstance(type_, GraphQLEnumType):
            assert all(value.description for value in type_.values.values()), name
            continue
        assert isinstance(type_, (graphql.GraphQLObjectType, graphql.GraphQLInputObjectType))
        for field_name, field in type_.fields.items():
            assert field.description, (name, field_name)
            assert all(arg.description for arg in getattr(field, "args", {}).values()), (name, field_name)
