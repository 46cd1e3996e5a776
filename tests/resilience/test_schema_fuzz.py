"""A property-based fuzzer over the whole schema: hypothesis-graphql generates valid queries and
mutations from `schema.graphql` (any root field, any selection, inline fragments on `Node`), with
our own strategies for the values that matter here (ids near real ones, global ids of every type,
malformed ids, 5,000-digit strings, real and junk cursors, dates and times), some of them sent as
variables rather than literals. Each operation runs against the gateway on a fresh in-process
sandbox, with the admin and the non-admin demo token, over POST or (queries) GET.

Whatever the operation, valid or refused:
- no HTTP 5xx, no `INTERNAL_SERVER_ERROR` (or unknown code) anywhere, `extensions.upstream` present;
- no log record of the `gateway` loggers with a traceback, nor at ERROR;
- `extensions.upstream.calls` is the number of requests the sandbox received, and none comes after the
  answer (a loader batch may outlive the resolvers graphql-core cancels when a sibling nulls the data;
  it must not reach the upstream then: `test_cost_report.py` holds the case the fuzzer found);
- a request error runs nothing (no upstream request at all), a query writes nothing upstream, and a
  mutation whose every payload is refused (`userErrors`, nothing written) leaves the sandbox's
  database as it was.

`tests/resilience/test_fuzz.py` fuzzes fixed operations' variables and raw request bodies; this one
fuzzes the operations themselves. Examples per test: `GATEWAY_FUZZ_EXAMPLES` (default 50, within the
suite's budget; `make fuzz` runs a longer pass). `GATEWAY_FUZZ_REPORT=1` prints the figures: operations
run, distinct shapes (the operation with its values blanked), outcomes (first error code, or
USER_ERROR, or ok), and operations that left work running after their answer.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import logging
import os
import string
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from gateway.sandbox import DEMO_NONADMIN_TOKEN, DEMO_TOKEN, Sandbox

pytestmark = pytest.mark.anyio

SCHEMA = (Path(__file__).parents[2] / "schema.graphql").read_text()
GRAPHQL_SCHEMA = graphql.build_schema(SCHEMA)
EXAMPLES = int(os.environ.get("GATEWAY_FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
KNOWN_CODES = {"BAD_USER_INPUT", "UNAUTHENTICATED", "FORBIDDEN", "RATE_LIMITED", "UPSTREAM_ERROR"}
USER_ERROR_CODES = {"INVALID", "NOT_FOUND"}
GRAPHQL_RESPONSE = "application/graphql-response+json"

# --- values -----------------------------------------------------------------------------------------

NODE_TYPES = {"Activity": 700, "ActivityType": 10, "User": 6, "Person": 130, "Organization": 60, "Deal": 80}
"""Each Node type, and a bound a little over the demo company's largest id of that type."""


def b64(text: str | bytes) -> str:
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


def mostly(usual: st.SearchStrategy[Any], *rest: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`usual` about as often as all of `rest` together: enough valid values for operations to get past
    their arguments and reach resolvers and the upstream, enough of the rest to find what breaks."""
    return st.one_of(*[usual] * max(1, len(rest)), *rest)


long_digits = st.one_of(
    st.integers(min_value=4290, max_value=5100).map(lambda n: "9" * n),
    st.integers(min_value=10, max_value=40).flatmap(lambda n: st.text(alphabet=string.digits, min_size=n, max_size=n)),
)
near_ids = st.integers(min_value=-2, max_value=720) | st.sampled_from([2**31 - 1, 2**31, 2**63])
real_global_ids = st.sampled_from(sorted(NODE_TYPES.items())).flatmap(
    lambda kind: st.integers(min_value=1, max_value=kind[1]).map(lambda n: b64(f"{kind[0]}:{n}"))
)
global_ids = st.builds(
    lambda type_name, n: b64(f"{type_name}:{n}"),
    st.sampled_from([*NODE_TYPES, "Query", "ActivityConnection", "Nope", ""]),
    near_ids.map(str) | long_digits | st.text(max_size=8),
)
malformed = st.sampled_from(["", " ", "garbage", "💥", "é" * 3, "-1", "1.5", "0x10", "1e3", "%00", "\x00"]) | st.text(
    max_size=12
)
ids = mostly(
    real_global_ids | st.integers(min_value=1, max_value=700).map(str),
    near_ids.map(str),
    global_ids,
    malformed,
    long_digits,
    st.just("x" * 100_000),
)

offset_cursors = st.integers(min_value=-1, max_value=400).map(lambda n: b64(f"offset:{n}"))
junk_cursors = st.one_of(
    st.binary(max_size=24).map(b64),
    st.builds(lambda kind, value: b64(f"{kind}:{value}"), st.sampled_from(["offset", "collection", "x"]), st.text()),
    long_digits.map(lambda digits: b64(f"collection:{digits}:")),
    long_digits.map(lambda digits: b64(f"offset:{digits}")),
    long_digits,
)
times = st.times().map(lambda t: t.strftime("%H:%M")) | st.sampled_from(["24:00", "9:5", "12:60", "00:00", "23:59"])
texts = mostly(
    st.text(max_size=30) | st.sampled_from(["call", "meeting", "task", "deadline", "email", "lunch"]),
    st.sampled_from(["nope", "", " "]),
    times,
    st.uuids().map(str),
    offset_cursors,
    junk_cursors,
    long_digits,
    st.just("x" * 70_000),
)
dates = mostly(
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)).map(str),
    st.dates().map(str),
    st.sampled_from(["2025-02-30", "2025-13-01", "0000-00-00", "99999-01-01", "2025-1-1", ""]),
    long_digits,
    st.text(max_size=12),
)
datetimes = mostly(
    st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 31), timezones=st.just(dt.UTC)).map(
        lambda d: d.isoformat()
    ),
    st.datetimes().map(lambda d: d.isoformat()),
    dates,
    st.sampled_from(["2025-01-06T25:00:00Z", "2025-01-06 10:00", "yesterday"]),
)
ints = mostly(
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=-5, max_value=600),
    near_ids,
    st.integers(min_value=-(2**31), max_value=2**31 - 1),
)


REAL_CURSORS: list[str] = []
"""Cursors the gateway really handed out, filled by the `real_cursors` fixture before the first draw."""
real_cursors_drawn = st.deferred(lambda: st.sampled_from(REAL_CURSORS) if REAL_CURSORS else st.nothing())
SCALARS = {
    # hypothesis-graphql's `custom_scalars`: our values for the built-in ID, String and Int too.
    "ID": ids.map(nodes.String),
    "String": (texts | real_cursors_drawn).map(nodes.String),
    "Int": ints.map(nodes.Int),
    "Date": dates.map(nodes.String),
    "DateTime": datetimes.map(nodes.String),
}


# --- operations -------------------------------------------------------------------------------------

PAYLOAD_WRITES = {
    "addActivity": "activity { id }",
    "updateActivity": "activity { id }",
    "deleteActivity": "deletedActivityId",
    "deleteActivities": "deletedActivityIds",
}
PROBE_ERRORS, PROBE_WRITTEN = "fuzzUserErrors", "fuzzWritten"


def _instrument(field: graphql.FieldNode) -> graphql.FieldNode:
    """A mutation field selecting, under aliases of their own, its userErrors and what it wrote."""
    written = PAYLOAD_WRITES[field.name.value]
    extra = graphql.parse(f"{{ {PROBE_ERRORS}: userErrors {{ code }} {PROBE_WRITTEN}: {written} }}")
    probe = extra.definitions[0]
    assert isinstance(probe, graphql.OperationDefinitionNode)
    selections = [*(field.selection_set.selections if field.selection_set else ()), *probe.selection_set.selections]
    return graphql.FieldNode(
        alias=field.alias,
        name=field.name,
        arguments=field.arguments,
        directives=field.directives,
        selection_set=graphql.SelectionSetNode(selections=tuple(selections)),
    )


def _hoist(
    root: graphql.GraphQLObjectType, field: graphql.FieldNode, prefix: str
) -> tuple[graphql.FieldNode, list[graphql.VariableDefinitionNode], dict[str, Any]]:
    """The root field with its argument values moved into variables (the variables path of scalars)."""
    definitions, values, arguments = [], {}, []
    for index, argument in enumerate(field.arguments or ()):
        name = f"{prefix}{index}"
        arg_type = root.fields[field.name.value].args[argument.name.value].type
        definitions.append(
            graphql.VariableDefinitionNode(
                variable=graphql.VariableNode(name=graphql.NameNode(value=name)),
                type=graphql.parse_type(str(arg_type)),
            )
        )
        values[name] = graphql.value_from_ast_untyped(argument.value)
        arguments.append(
            graphql.ArgumentNode(name=argument.name, value=graphql.VariableNode(name=graphql.NameNode(value=name)))
        )
    hoisted = graphql.FieldNode(
        alias=field.alias,
        name=field.name,
        arguments=tuple(arguments),
        directives=field.directives,
        selection_set=field.selection_set,
    )
    return hoisted, definitions, values


def prepare(
    document: graphql.DocumentNode, schema: graphql.GraphQLSchema, hoist: list[bool]
) -> tuple[str, dict[str, Any]]:
    """The generated operation as sent: mutation fields instrumented, some root fields' arguments hoisted."""
    (operation,) = document.definitions
    assert isinstance(operation, graphql.OperationDefinitionNode)
    is_mutation = operation.operation == graphql.OperationType.MUTATION
    root = schema.mutation_type if is_mutation else schema.query_type
    assert root is not None
    fields, definitions, variables = [], [], {}
    for index, selection in enumerate(operation.selection_set.selections):
        assert isinstance(selection, graphql.FieldNode)
        field = _instrument(selection) if is_mutation else selection
        if hoist[index % len(hoist)] and field.arguments:
            field, defined, values = _hoist(root, field, f"v{index}_")
            definitions += defined
            variables.update(values)
        fields.append(field)
    sent = graphql.OperationDefinitionNode(
        operation=operation.operation,
        variable_definitions=tuple(definitions),
        selection_set=graphql.SelectionSetNode(selections=tuple(fields)),
    )
    return graphql.print_ast(graphql.DocumentNode(definitions=(sent,))), variables


class _Blank(graphql.Visitor):
    def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> graphql.ArgumentNode:
        return graphql.ArgumentNode(name=node.name, value=graphql.EnumValueNode(value="_"))


def shape(document: graphql.DocumentNode) -> str:
    """The operation with every argument value blanked: what the fuzzer counts as a distinct shape."""
    return graphql.print_ast(graphql.visit(document, _Blank()))


# --- the run ----------------------------------------------------------------------------------------


class Figures:
    """What the fuzzer ran, for the closing report."""

    def __init__(self) -> None:
        self.operations = 0
        self.shapes: set[str] = set()
        self.outcomes: Counter[str] = Counter()
        self.left_running = 0
        self.late_calls: list[str] = []

    def report(self) -> str:
        top = ", ".join(f"{name} {count}" for name, count in self.outcomes.most_common())
        late = "".join(f"\n  e.g. {entry}" for entry in self.late_calls[:5])
        return (
            f"schema fuzzer: {self.operations} operations, {len(self.shapes)} distinct shapes; outcomes: {top}; "
            f"{self.left_running} left work running after their answer, {len(self.late_calls)} of them "
            f"calling the upstream then{late}"
        )


FIGURES = Figures()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    if os.environ.get("GATEWAY_FUZZ_REPORT"):
        print(f"\n{FIGURES.report()}")


class LogWatch(logging.Handler):
    """Every record of the `gateway` loggers, to find tracebacks and errors."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def trouble(self) -> list[str]:
        return [
            f"{r.name} {r.levelname}: {r.getMessage()}"
            for r in self.records
            if r.exc_info or r.levelno >= logging.ERROR or "Traceback" in r.getMessage()
        ]


@pytest.fixture
def logs() -> Iterator[LogWatch]:
    watch = LogWatch()
    logger = logging.getLogger("gateway")
    level = logger.level
    logger.addHandler(watch)
    logger.setLevel(logging.INFO)
    yield watch
    logger.removeHandler(watch)
    logger.setLevel(level)


@pytest.fixture(autouse=True)
async def real_cursors(http: httpx.AsyncClient) -> None:
    """Cursors both connections really hand out, to page from (and to mix up)."""
    query = (
        "{ a: activities(first: 3, userId: 0) { edges { cursor } } "
        "c: activitiesCollection(first: 3) { edges { cursor } pageInfo { endCursor } } }"
    )
    data = (await http.post("/graphql", json={"query": query})).json()["data"]
    found = [edge["cursor"] for edge in data["a"]["edges"] + data["c"]["edges"]]
    REAL_CURSORS[:] = [*found, data["c"]["pageInfo"]["endCursor"]]


def writes(sandbox: Sandbox, since: int) -> list[str]:
    """The non-GET requests the sandbox recorded since `since`."""
    return [f"{r.method} {r.path} -> {r.status}" for r in sandbox.control.requests[since:] if r.method != "GET"]


def changes(sandbox: Sandbox) -> int:
    """Rows the sandbox's database has written so far (SQLite's `total_changes()`): what a write changes,
    unlike a request the upstream answered 200 without acting on (a bulk DELETE of unknown ids)."""
    count: int = sandbox.store.database.scalar("SELECT total_changes()")
    return count


def check(
    response: httpx.Response,
    is_mutation: bool,
    sandbox: Sandbox,
    since: int,
    answered: int,
    before: int,
    logs: LogWatch,
) -> str:
    """Assert the properties of one answer; its outcome, for the figures."""
    note(f"response {response.status_code}: {response.text[:3000]}")
    note(f"upstream: {[f'{r.method} {r.path} {r.query} -> {r.status}' for r in sandbox.control.requests[since:]]}")
    assert response.status_code < 500, response.text[:2000]
    body = response.json()
    assert "upstream" in body.get("extensions", {}), body
    codes = [error.get("extensions", {}).get("code") for error in body.get("errors", [])]
    assert set(codes) <= KNOWN_CODES, body["errors"]
    assert not logs.trouble(), logs.trouble()
    data = body.get("data")
    payloads = [p for p in (data or {}).values() if isinstance(p, dict) and PROBE_ERRORS in p]
    for payload in payloads:
        assert {e["code"] for e in payload[PROBE_ERRORS]} <= USER_ERROR_CODES, payload
    sent = sandbox.control.requests[since:answered]
    assert body["extensions"]["upstream"]["calls"] == len(sent), "the cost report does not count what was sent"
    assert sandbox.control.requests[answered:] == [], "an upstream call after the answer"
    wrote = changes(sandbox) != before
    if data is None and all("path" not in error for error in body["errors"]):
        assert sent == [] and not wrote, "a request error ran something"
    if not is_mutation:
        assert writes(sandbox, since) == [] and not wrote, "a query wrote upstream"
    elif data is not None and all(p[PROBE_ERRORS] and not p[PROBE_WRITTEN] for p in payloads):
        assert not wrote, "a refused mutation wrote"
    return codes[0] if codes else ("USER_ERROR" if any(p[PROBE_ERRORS] for p in payloads) else "ok")


MAX_GET_LENGTH = 8_000
"""Longer operations go by POST, as a client would: URLs that long are refused by HTTP stacks."""
Case = tuple[graphql.DocumentNode, list[bool], str, bool]


def cases(generated: st.SearchStrategy[graphql.DocumentNode]) -> st.SearchStrategy[Case]:
    """A generated document, which root fields send their arguments as variables, the Accept header,
    and whether a query goes by GET. Everything is drawn before the test body runs (a draw inside the
    event loop that hypothesis aborts would stop the loop's runner)."""
    return st.tuples(
        generated,
        st.lists(st.booleans(), min_size=1, max_size=4),
        st.sampled_from(["application/json", GRAPHQL_RESPONSE]),
        st.booleans(),
    )


async def settle(before: set[asyncio.Task[Any]]) -> bool:
    """Wait for the tasks the operation left running (those not in `before`) to end; whether it left any.
    A loader batch goes on when graphql-core cancels the resolvers waiting for it (a sibling nulled
    the whole data); it must end without calling the upstream."""
    left = False
    for _ in range(400):
        if not asyncio.all_tasks() - before:
            return left
        left = True
        await asyncio.sleep(0.005)
    raise AssertionError(f"tasks still running 2 s after the answer: {asyncio.all_tasks() - before}")


async def run_one(http: httpx.AsyncClient, sandbox: Sandbox, logs: LogWatch, token: str, case: Case) -> None:
    document, hoist, accept, use_get = case
    query, variables = prepare(document, GRAPHQL_SCHEMA, hoist)
    note(f"operation:\n{query}\nvariables: {json.dumps(variables)[:2000]}")
    (operation,) = document.definitions
    assert isinstance(operation, graphql.OperationDefinitionNode)
    is_mutation = operation.operation == graphql.OperationType.MUTATION
    headers = {"x-api-token": token, "accept": accept}
    FIGURES.operations += 1
    FIGURES.shapes.add(shape(document))
    since, before = len(sandbox.control.requests), changes(sandbox)
    tasks = asyncio.all_tasks()
    logs.records.clear()
    params = {"query": query, **({"variables": json.dumps(variables)} if variables else {})}
    if not is_mutation and use_get and sum(map(len, params.values())) < MAX_GET_LENGTH:
        response = await http.get("/graphql", params=params, headers=headers)
    else:
        response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    answered = len(sandbox.control.requests)
    left_running = await settle(tasks)
    late = [f"{r.method} {r.path}" for r in sandbox.control.requests[answered:]]
    FIGURES.left_running += left_running
    if late:
        FIGURES.late_calls.append(f"{late} after {' '.join(query.split())[:160]}")
    FIGURES.outcomes[check(response, is_mutation, sandbox, since, answered, before, logs)] += 1


TOKENS = [pytest.param(DEMO_TOKEN, id="admin"), pytest.param(DEMO_NONADMIN_TOKEN, id="non-admin")]


@pytest.mark.parametrize("token", TOKENS)
@FUZZ
@given(case=cases(queries(SCHEMA, custom_scalars=SCALARS, print_ast=lambda d: d)))
async def test_generated_queries(
    http: httpx.AsyncClient, sandbox: Sandbox, logs: LogWatch, token: str, case: Case
) -> None:
    await run_one(http, sandbox, logs, token, case)


@pytest.mark.parametrize("token", TOKENS)
@FUZZ
@given(case=cases(mutations(SCHEMA, custom_scalars=SCALARS, print_ast=lambda d: d)))
async def test_generated_mutations(
    http: httpx.AsyncClient, sandbox: Sandbox, logs: LogWatch, token: str, case: Case
) -> None:
    await run_one(http, sandbox, logs, token, case)
