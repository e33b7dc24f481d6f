# Two entry points (see README): `make run` and `make test`. Both set up .venv first.
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test setup browser docs

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 12), "Python 3.12 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[app,test,explore]'
	touch $(STAMP)

setup: $(STAMP) browser

# Debian's chromium and a Chinese font, for the browser app and its end-to-end tests.
browser:
	bash scripts/setup_browser.sh

run: $(STAMP)
	$(VENV)/bin/coop-agents run --compare no_response,siloed,command,platform,party_led,co_governance,full_cycle --replicates 10

# Lint, format and type checks first (seconds), then every test.
test: $(STAMP) browser
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest -n 2 -q

# Every generated block of the docs (README, docs/, experiments/README.md) from the current code;
# model runs are cached in results/docs/. Options: make docs DOCS_ARGS="--only odd,validation",
# DOCS_ARGS=--cheap (no model runs) or DOCS_ARGS=--check (exit 1 if a cheap block is stale).
docs: $(STAMP)
	$(VENV)/bin/python scripts/make_docs.py $(DOCS_ARGS)
