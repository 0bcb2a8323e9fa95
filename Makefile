# Two commands a newcomer needs: `make dev` runs everything, `make test` runs the suite.
# Both create .venv and install what is missing on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: dev demo test install schema bench clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(INSTALLED)

install: $(INSTALLED)

# `make dev DEV_ARGS=--demo` also loads the demo organization.
dev: $(INSTALLED)
	$(BIN)/metergraph dev $(DEV_ARGS)

# The demo organization, beside a running `make dev` (or on DATABASE_URL / REDIS_URL).
demo: $(INSTALLED)
	$(BIN)/metergraph demo

test: $(INSTALLED)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

schema: $(INSTALLED)
	$(BIN)/metergraph export-schema

bench: $(INSTALLED)
	$(BIN)/python bench/http_baseline.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
