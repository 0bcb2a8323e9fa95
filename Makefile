# Two commands a newcomer needs: `make dev` runs everything, `make test` runs the suite.
# Both create .venv and install what is missing on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: dev demo test check fuzz install schema bench clean console console-dev console-if-node console-test

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(INSTALLED)

install: $(INSTALLED)

# `make dev DEV_ARGS=--demo` also loads the demo organization.
dev: $(INSTALLED)
	@$(MAKE) --no-print-directory console-if-node
	$(BIN)/metergraph dev $(DEV_ARGS)

# The demo organization, beside a running `make dev` (or on DATABASE_URL / REDIS_URL).
demo: $(INSTALLED)
	$(BIN)/metergraph demo

# Format, lint, types and layers: fast, so `make test` runs them first and stops on a finding.
CHECKED := app workers tests bench migrations
check: $(INSTALLED)
	$(BIN)/ruff format --check $(CHECKED)
	$(BIN)/ruff check $(CHECKED)
	$(BIN)/mypy
	$(BIN)/lint-imports

# The checks, then the console's checks and browser tests, then the Python suite (its
# summary closes the output); the last two both run, either fails it.
test: $(INSTALLED)
	@$(MAKE) --no-print-directory check
	@status=0; $(MAKE) --no-print-directory console-test || status=1; \
	$(BIN)/python -m pytest $(PYTEST_ARGS) || status=1; exit $$status

# The fuzz tests with thousands of examples each (the suite runs them with a few dozen).
FUZZ_EXAMPLES ?= 2000
fuzz: $(INSTALLED)
	METERGRAPH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/fuzz tests/http/test_openapi.py \
		-p no:cacheprovider --hypothesis-show-statistics $(PYTEST_ARGS)

# schema.graphql, and the console's typed documents generated from it (when its
# dependencies are installed), so the console's codegen check never finds them stale.
schema: $(INSTALLED)
	$(BIN)/metergraph export-schema
	@if [ "$(HAVE_NODE)" = yes ] && [ -d console/node_modules ]; then cd console && $(NPM) run --silent codegen; \
	else echo "console/node_modules missing: run 'make console' and 'make schema' again to refresh the console's types."; fi

# Every benchmark (bench/run_all.py), short runs by default; `make bench BENCH=full` for the
# long ones. One table of figure, target, met; the results in bench/results/<time>.json.
BENCH ?= short
bench: $(INSTALLED)
	BENCH=$(BENCH) $(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis


# The web console (console/, Node.js 20+). Its build goes to app/http/static/console/, which
# the API serves at /console and the Python package ships: nothing needs Node at run time.
NPM ?= npm
CONSOLE_DEPS := console/node_modules/.package-lock.json
CONSOLE_BUILD := app/http/static/console/index.html
CONSOLE_SOURCES := $(shell find console/src console/public -type f 2>/dev/null) \
	console/index.html console/package.json console/vite.config.ts console/tsconfig.json
# Node 20+ present? (`make dev` still runs the API without it.)
HAVE_NODE = $(shell node -e 'process.exit(+process.versions.node.split(".")[0] < 20 ? 1 : 0)' 2>/dev/null && echo yes)

$(CONSOLE_DEPS): console/package-lock.json
	cd console && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(NPM) ci --no-audit --no-fund
	touch $@

# Rebuilt only when missing or older than its sources.
$(CONSOLE_BUILD): $(CONSOLE_DEPS) $(CONSOLE_SOURCES)
	cd console && $(NPM) run build

console: $(CONSOLE_BUILD)

# Vite with hot reload on :5173, proxying /graphql, /oauth and /organizations to the API
# started by `make dev` (METERGRAPH_API=http://127.0.0.1:8000 by default).
console-dev: $(CONSOLE_DEPS)
	cd console && $(NPM) run dev

console-if-node:
ifeq ($(HAVE_NODE),yes)
	@$(MAKE) --no-print-directory console || echo "The console build failed: the console was not built (the API runs without it)."
else
	@echo "Node.js 20+ not found: the console was not built (the API runs without it; see README)."
endif

# Codegen freshness, types, lint and component tests, then the browser tests (Debian's
# Chromium against a real `metergraph dev`). Without Node or Chromium they are skipped with
# a message, unless CONSOLE_REQUIRED=1 (CI), which makes a missing tool a failure.
CHROMIUM ?= /usr/bin/chromium
console-test:
ifeq ($(HAVE_NODE),yes)
	@$(MAKE) --no-print-directory $(CONSOLE_DEPS)
	cd console && $(NPM) run check
	@$(MAKE) --no-print-directory console
	@if [ -x "$(CHROMIUM)" ]; then cd console && CHROMIUM_PATH=$(CHROMIUM) $(NPM) run e2e; \
	elif [ -n "$(CONSOLE_REQUIRED)" ]; then echo "$(CHROMIUM) is missing: the console's browser tests cannot run."; exit 1; \
	else echo "$(CHROMIUM) not found: skipping the console's browser tests."; fi
else
	@if [ -n "$(CONSOLE_REQUIRED)" ]; then echo "Node.js 20+ is required for the console checks."; exit 1; fi
	@echo "Node.js 20+ not found: skipping the console checks."
endif
