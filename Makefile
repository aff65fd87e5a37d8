# Two commands on a fresh Debian machine with Python 3.11:
#   make run   installs what is needed, builds the demo database and starts the app
#   make test  installs what is needed (Chromium, PostgreSQL too) and runs every test
VENV ?= .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install system-packages demo bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

system-packages:
	bash scripts/install-system-packages.sh

demo: install
	$(VENV)/bin/scorecard demo --if-missing

# gunicorn, as for a team (no development-server warning); SCORECARD_PORT=8051 make run for another port
run: demo
	$(VENV)/bin/scorecard serve

test: install system-packages
	$(PYTHON) -m pytest

bench: install
	for script in bench/*.py; do $(PYTHON) $$script || exit 1; done

clean:
	rm -rf $(VENV) data/scorecard.duckdb data/scorecard.duckdb.wal
