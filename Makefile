# Set-up is part of every target: a fresh clone needs only python3, make and git (no node, no npm:
# GraphiQL's files are in the repository). `make run` installs what serving needs, `make test` the
# test tools as well; as root with apt, `make test` also installs Debian's chromium for the browser
# test and Debian's redis-server for the tests of several instances (CI has both; elsewhere, without
# them, those tests are skipped).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
CODEGEN := $(VENV)/codegen
CODEGEN_STAMP := $(CODEGEN)/.installed
CHROMIUM := /usr/bin/chromium
REDIS_SERVER := /usr/bin/redis-server

.PHONY: run test check schema bench bench-live bench-instances clean browser redis codegen vendor-graphiql fuzz

# The pip that comes with Python 3.11+ installs everything here: no upgrade, one download fewer.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Serving only: the gateway and its dependencies, nothing for tests or tracing.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Debian's Chromium, for the GraphiQL browser test (tests/ops/test_graphiql_browser.py).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	else echo "warning: cannot install Debian's chromium here (needs root and apt): the browser test is skipped outside CI"; fi

browser: $(CHROMIUM)

# Debian's Redis, for the tests of several instances sharing one (tests/instances/): each test run starts
# its own redis-server on 127.0.0.1 and a free port, and stops it.
$(REDIS_SERVER):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server; \
	else echo "warning: cannot install Debian's redis-server here (needs root and apt): the tests of several instances are skipped outside CI"; fi

redis: $(REDIS_SERVER)

# The client side of the codegen test, in its own environment: ariadne-codegen needs graphql-core < 3.3,
# the gateway 3.3.
$(CODEGEN_STAMP): tests/ops/codegen/requirements.txt
	test -x $(CODEGEN)/bin/python || $(PYTHON) -m venv $(CODEGEN)
	$(CODEGEN)/bin/python -m pip install --quiet -r tests/ops/codegen/requirements.txt
	touch $@

codegen: $(CODEGEN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/gateway serve

# The checks first (each fails the target): lint, format, types, the direction of imports; then the suite.
check: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: check $(CHROMIUM) $(REDIS_SERVER) $(CODEGEN_STAMP)
	$(BIN)/pytest

# GraphiQL's bundles, fetched again from the npm registry (plain HTTPS, no npm) at the versions
# gateway/edge/explorer/__init__.py names, checked against its sha384 pins: for a version bump.
vendor-graphiql: $(RUN_STAMP)
	$(BIN)/python -m tools.vendor_graphiql

# What a query costs through the gateway against the bare floor: starts the standalone sandbox and
# `gateway serve` on 127.0.0.1, prints the tables, writes JSON to bench/results/ (about 15 minutes);
# then the varied workload over an independent fake upstream: the gateway's CPU per request,
# latency, throughput and memory (about 5 minutes); then what the stack costs before the gateway does
# anything (an empty request through uvicorn, bare Strawberry and the gateway; one upstream GET through
# httpx; about a minute). BENCH_ARGS=--quick for a short try of all three. Run it on a quiet machine.
bench: $(TEST_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.varied $(BENCH_ARGS)
	$(BIN)/python -m bench.stack_floor $(BENCH_ARGS)

# Live updates: webhook-to-subscriber throughput and latency, memory per idle subscriber (a minute or two;
# BENCH_LIVE_ARGS="--subscribers 200 --events 500" for more).
bench-live: $(TEST_STAMP)
	$(BIN)/python -m bench.live $(BENCH_LIVE_ARGS)

# Several instances: one gateway against two sharing a Redis (and two without), at 64 connections over the
# standalone sandbox: throughput and upstream calls (a few minutes). BENCH_INSTANCES_ARGS=--quick for a try.
bench-instances: $(TEST_STAMP) $(REDIS_SERVER)
	$(BIN)/python -m bench.instances $(BENCH_INSTANCES_ARGS)

schema: $(RUN_STAMP)
	$(BIN)/gateway export-schema > schema.graphql

clean:
	rm -rf $(VENV) .gateway .pytest_cache build dist *.egg-info

# A longer pass of the schema fuzzer (tests/resilience/test_schema_fuzz.py): FUZZ_EXAMPLES operations
# per token and kind (the suite runs 50), then its figures.
FUZZ_EXAMPLES ?= 1000
fuzz: $(TEST_STAMP)
	GATEWAY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) GATEWAY_FUZZ_REPORT=1 $(BIN)/pytest -q -s tests/resilience/test_schema_fuzz.py
