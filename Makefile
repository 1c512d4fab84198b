# csrgraph: `make serve` runs the server on SQLite with demo data; `make test` runs the suite
# on SQLite and on a throwaway PostgreSQL. Both set up .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve lint test test-sqlite bench bench-search schema spa-manifest clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "csrgraph needs Python 3.11+")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/csrgraph serve

# ruff (style, imports, likely bugs) and mypy (types; settings in pyproject.toml) over the whole tree.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The whole suite, once per engine: SQLite here, PostgreSQL in a cluster the script starts and stops; the two
# engines' halves run at once (scripts/run-tests). Lint first, so CI (which calls `make test`) holds the line too.
test: lint
	PYTEST=$(BIN)/pytest scripts/with-postgres scripts/run-tests

test-sqlite: lint
	CSRGRAPH_TEST_BACKENDS=sqlite $(BIN)/pytest

# `load` runs on SQLite and on a throwaway PostgreSQL; the other benchmarks ignore it.
bench: $(STAMP)
	scripts/with-postgres $(BIN)/python -m bench

schema: $(STAMP)
	$(BIN)/csrgraph export-schema --output schema.graphql

# The Apollo persisted-query manifest of the SPA's documents (tests/api/persisted/test_cli.py checks it is current).
spa-manifest: $(STAMP)
	$(BIN)/csrgraph documents manifest spa/operations --output spa/persisted-query-manifest.json

clean:
	rm -rf $(VENV) var .pytest_cache
