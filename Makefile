# pact: the two commands a new developer needs.
#   make run    create .venv when missing, install pact, start the app (ARGS="--db PATH")
#   make test   system packages (when root), test extras, ruff, mypy, alembic check, pytest
#               (pytest with a private keyring and, as root, a private CUPS print queue)
# Further targets: make translations (refresh resources/locale from the source strings),
# make lint, make typecheck, make alembic-check, make pytest (each without installing).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=
PYTEST_ARGS ?=

# Markers that the virtual environment holds what a target needs (re-run on pyproject change).
APP_STAMP := $(VENV)/.pact-app-installed
TEST_STAMP := $(VENV)/.pact-test-installed

.PHONY: help run test translations system-packages lint typecheck alembic-check pytest

help:
	@echo "make run      start pact on the default encrypted database (ARGS='--db PATH')"
	@echo "make test     install what the tests need, then ruff, mypy, alembic check, pytest"
	@echo "make translations   extract source strings and update the Dutch catalogue"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(APP_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(APP_STAMP)

run: $(APP_STAMP)
	$(BIN)/python -m pact $(ARGS)

# apt-get only as root and only for what is missing (dpkg-query first, so it is quick).
system-packages:
	bash scripts/system-packages.sh --install

lint:
	$(BIN)/ruff check
	$(BIN)/ruff format --check

typecheck:
	$(BIN)/mypy

# Models and migrations must not drift: upgrade a throwaway database, then compare.
alembic-check:
	tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	export PACT_PASSPHRASE="alembic-check-throwaway"; \
	$(BIN)/alembic -x db="$$tmp/check.db" upgrade head; \
	$(BIN)/alembic -x db="$$tmp/check.db" check

# The whole suite inside a private D-Bus session with an unlocked GNOME Keyring, and
# (as root, with CUPS) a private CUPS scheduler with the cups-pdf queue pact-test-pdf
# (scripts/with-printer.sh). PACT_REQUIRE_KEYRING=1 and PACT_REQUIRE_PRINTER=1 (as root,
# where make test can set up the queue) turn a missing Secret Service or print queue into
# failures, not skips.
# pytest's exit status 5 (no tests collected) fails this target like any other non-zero;
# the runs of lint, typecheck, alembic-check and pytest go on after one fails (--keep-going)
# so one run shows every problem, and make test still fails.
# The tests run in parallel, one worker per core (pytest-xdist; PYTEST_ARGS="-n0" runs
# them in one process).
pytest:
	QT_QPA_PLATFORM=offscreen PACT_REQUIRE_KEYRING=1 PACT_REQUIRE_POSTGRES=1 \
	    PACT_REQUIRE_PRINTER="$$( [ "$$(id -u)" -eq 0 ] && echo 1 || echo 0 )" \
	    bash scripts/with-keyring.sh bash scripts/with-printer.sh \
	    $(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

test: system-packages $(TEST_STAMP)
	@start=$$(date +%s); \
	if $(MAKE) --no-print-directory --keep-going lint typecheck alembic-check pytest; then \
	    echo "make test: all checks passed in $$(( $$(date +%s) - start )) s"; \
	else \
	    echo "make test: FAILED (after $$(( $$(date +%s) - start )) s; see above)" >&2; \
	    exit 1; \
	fi

# The template (pact.pot) from every _(), N_() and ngettext() in pact/, then the Dutch
# catalogue brought in line with it (created when missing); fill in its empty msgstr's.
translations: $(APP_STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ -c TRANSLATORS: --add-location=file \
	    --sort-by-file --project pact --copyright-holder pact \
	    --version "$$($(BIN)/python -c 'import pact; print(pact.__version__)')" \
	    -o resources/locale/pact.pot pact
	$(BIN)/pybabel -q update -i resources/locale/pact.pot -D pact -l nl -d resources/locale \
	    --init-missing --no-fuzzy-matching --ignore-obsolete
