# Set-up is part of every target: a fresh clone needs only python3, make and git. With node/npm the
# explorer's files are installed too, and as root with apt `make test` installs Debian's chromium for
# the browser test (CI has both; elsewhere, without them, the tests that need them are skipped).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXPLORER := gateway/edge/explorer
EXPLORER_STAMP := $(EXPLORER)/node_modules/.installed
CODEGEN := $(VENV)/codegen
CODEGEN_STAMP := $(CODEGEN)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
CHROMIUM := /usr/bin/chromium

.PHONY: run test check schema bench clean explorer browser codegen

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# GraphiQL's scripts and styles, served by the gateway itself: the exact versions package.json names,
# from the npm registry into a git-ignored node_modules/ (no lock file: only those pinned files are used,
# and the page checks their sha384).
$(EXPLORER_STAMP): $(EXPLORER)/package.json
	@if command -v npm >/dev/null; then \
	  npm install --prefix $(EXPLORER) --no-package-lock --no-audit --no-fund --ignore-scripts --omit=dev && touch $@; \
	else echo "warning: npm not found: GraphiQL's files are not installed (the API works; /graphql in a browser says so)"; fi

explorer: $(EXPLORER_STAMP)

# Debian's Chromium, for the GraphiQL browser test (tests/ops/test_graphiql_browser.py).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	else echo "warning: cannot install Debian's chromium here (needs root and apt): the browser test is skipped outside CI"; fi

browser: $(CHROMIUM)

# The client side of the codegen test, in its own environment: ariadne-codegen needs graphql-core < 3.3,
# the gateway 3.3.
$(CODEGEN_STAMP): tests/ops/codegen/requirements.txt
	test -x $(CODEGEN)/bin/python || $(PYTHON) -m venv $(CODEGEN)
	$(CODEGEN)/bin/python -m pip install --quiet -r tests/ops/codegen/requirements.txt
	touch $@

codegen: $(CODEGEN_STAMP)

run: $(STAMP) $(EXPLORER_STAMP)
	$(BIN)/gateway serve

# The checks first (each fails the target): lint, format, types, the direction of imports; then the suite.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: check $(EXPLORER_STAMP) $(CHROMIUM) $(CODEGEN_STAMP)
	$(BIN)/pytest

# What a query costs through the gateway against the bare floor: starts the standalone sandbox and
# `gateway serve` on 127.0.0.1, prints the tables, writes JSON to bench/results/ (about 15 minutes;
# BENCH_ARGS=--quick for a short try). Run it on a quiet machine.
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

schema: $(STAMP)
	$(BIN)/gateway export-schema > schema.graphql

clean:
	rm -rf $(VENV) .gateway .pytest_cache $(EXPLORER)/node_modules

# A longer pass of the schema fuzzer (tests/resilience/test_schema_fuzz.py): FUZZ_EXAMPLES operations
# per token and kind (the suite runs 50), then its figures.
FUZZ_EXAMPLES ?= 1000
.PHONY: fuzz
fuzz: $(STAMP)
	GATEWAY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) GATEWAY_FUZZ_REPORT=1 $(BIN)/pytest -q -s tests/resilience/test_schema_fuzz.py
