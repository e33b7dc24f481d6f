# Two entry points (see README): `make run` and `make test`. Both set up .venv first.
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test setup browser

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 12), "Python 3.12 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[app,test]'
	touch $(STAMP)

setup: $(STAMP) browser

# Debian's chromium and a Chinese font, for the browser app and its end-to-end tests.
browser:
	bash scripts/setup_browser.sh

run: $(STAMP)
	$(VENV)/bin/coop-agents run --compare no_response,siloed,command,platform,party_led,co_governance,full_cycle --replicates 10

test: $(STAMP) browser
	$(VENV)/bin/python -m pytest -n 2 -q
