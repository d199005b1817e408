# One task runner for people and CI. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_WORKERS ?= auto
export NO_MKDOCS_2_WARNING := 1

.PHONY: help install validate build serve test test-unit test-e2e lint bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# requirements-dev.lock pins every development package (README: how to update it).
$(BIN)/.installed: pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements-dev.lock -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(BIN)/.installed node_modules/.installed ## create .venv and install Python and npm packages

validate: $(BIN)/.installed ## check the questionnaire (errors name file, id and field)
	$(BIN)/python -m cap validate questionnaire

build: install ## build the static site into site/
	$(BIN)/mkdocs build --strict

serve: build ## build, then serve the site on http://localhost:$(PORT)/
	$(BIN)/python -m site_config.serve --port $(PORT) site

test: build lint ## run every test: lint, unit, site build, browser end-to-end (in parallel: TEST_WORKERS)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

test-unit: $(BIN)/.installed ## only the Python unit tests (no browser, no build)
	$(BIN)/pytest tests/unit

lint: $(BIN)/.installed node_modules/.installed ## ruff (Python), tsc (JSDoc types) and ESLint (JavaScript)
	$(BIN)/ruff check py tests site_config bench
	node_modules/.bin/tsc -p tsconfig.json
	node_modules/.bin/eslint site_config/assets/cap site_config/snapshot.mjs eslint.config.mjs

bench: build ## benchmarks: engine (CPython) and the built site in Chromium
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/browser.py
	$(BIN)/python bench/storage.py

clean: ## remove build outputs (keeps .venv and node_modules)
	rm -rf site site-restoring build dist .pytest_cache
