"""Descriptions on every type, field, argument and enum value, written for the GraphQL values (what
GraphiQL's docs and generated clients show)."""

from __future__ import annotations

import re

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from gateway.schema import build_schema
from gateway.schema.descriptions import ACTIVITY_FIELD_DESCRIPTIONS, ACTIVITY_TYPE_FIELD_DESCRIPTIONS
from gateway.upstream.activities import ACTIVITY_FIELDS

DESCRIBED = (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)


def undescribed() -> list[str]:
    schema = build_schema()._schema
    missing: list[str] = []
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__"):
            continue
        if not graphql_type.description:
            missing.append(f"type {name}")
        if isinstance(graphql_type, DESCRIBED):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"field {name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"argument {name}.{field_name}({arg_name})")
        if isinstance(graphql_type, GraphQLEnumType):
            missing += [f"enum value {name}.{v}" for v, value in graphql_type.values.items() if not value.description]
    return missing


def test_everything_in_the_schema_is_described() -> None:
    assert undescribed() == []


def test_activity_descriptions_cover_every_upstream_field() -> None:
    assert set(ACTIVITY_FIELD_DESCRIPTIONS) == set(ACTIVITY_FIELDS)


def test_descriptions_speak_of_graphql_values_not_rest_payloads() -> None:
    texts = [*ACTIVITY_FIELD_DESCRIPTIONS.values(), *ACTIVITY_TYPE_FIELD_DESCRIPTIONS.values()]
    rest_talk = re.compile(r"''|\bUNCONFIRMED\b|\bobserved\b|\(0/1\)|YYYY-MM-DD HH:MM:SS|\b[a-z]+_[a-z_]+\b")
    # Values in backticks (`video_call`, `HH:MM`) are examples of GraphQL values; the prose must not
    # name REST fields (snake_case) or describe the upstream's JSON quirks.
    offenders = [text for text in texts if rest_talk.search(re.sub(r"`[^`]*`", "", text))]
    assert offenders == []


def test_the_fields_api_v2_lacks_say_so_and_are_exactly_those_no_source_fills() -> None:
    from gateway.schema.descriptions import NOT_IN_V2
    from gateway.upstream.activities import V2_FIELDS

    filled = {"company_id", "owner_name", "person_name", "org_name", "deal_title"}
    assert set(NOT_IN_V2) == set(ACTIVITY_FIELDS) - V2_FIELDS - filled
    assert all("API v2" in ACTIVITY_FIELD_DESCRIPTIONS[name] for name in NOT_IN_V2)
