# Everything a person runs. CI calls the same targets (.ci/run).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.setup-stamp

.PHONY: setup demo test lint format bench templates docs clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## The main job on an embedded default: a realistic demo workbook, checked.
demo: setup
	$(BIN)/sheetsync demo demo/orders.xlsx --force
	$(BIN)/sheetsync check demo/orders.xlsx; status=$$?; test $$status -le 1

## The test suite. pytest's exit 5 (no tests collected) is a failure, not a pass.
test: setup
	$(BIN)/python -m pytest -q $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; \
	exit $$status

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

bench: setup
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/store.py
	$(BIN)/python benchmarks/ribbon.py
	$(BIN)/python benchmarks/documents.py

## Rebuild the committed template and generated docs from the contract.
templates: setup
	$(BIN)/sheetsync new workbook_templates/order_tracker.xlsx --force

docs: setup
	$(BIN)/python -m sheetsync.workbook.docs

clean:
	rm -rf $(VENV) demo build dist .pytest_cache .mypy_cache .ruff_cache
