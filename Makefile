# The two commands of the README: `make site` and `make test`.
# Everything else here is what those two need on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
DEBIAN_CHROMIUM := /usr/bin/chromium
CHROMIUM ?= $(or $(GOALSITE_CHROMIUM),$(DEBIAN_CHROMIUM))

.PHONY: site test serve check install clean

# Where `make site` expects the portal to be browsed; Material's instant navigation needs it.
SITE_URL ?= http://localhost:8000/

# The example company in goals/ is a demo written for one week: scored as of the real today, every key
# result would be stale and, from January, no period would be running. `make site`, `serve` and `check`
# score it as of EXAMPLE_TODAY (the browser tests use the same day). Your own goals: run goalsite
# without --today (or `make site EXAMPLE_TODAY=` for the clock's day).
EXAMPLE_TODAY ?= 2026-11-22
TODAY_FLAG = $(if $(EXAMPLE_TODAY),--today $(EXAMPLE_TODAY))
# `goalsite serve` takes its day from SOURCE_DATE_EPOCH: EXAMPLE_TODAY at noon UTC, in seconds.
TODAY_EPOCH = $(if $(EXAMPLE_TODAY),SOURCE_DATE_EPOCH=$$($(PYTHON) -c 'import datetime as d; print(int(d.datetime.fromisoformat("$(EXAMPLE_TODAY)T12:00+00:00").timestamp()))'))

site: $(STAMP)
	$(BIN)/goalsite build --goals goals --site-dir site --site-url $(SITE_URL) $(TODAY_FLAG)
	@echo "Browse it: $(PYTHON) -m http.server -d site 8000, then open $(SITE_URL) (or run: make serve)"

serve: $(STAMP)
	$(TODAY_EPOCH) $(BIN)/goalsite serve --goals goals

check: $(STAMP)
	$(BIN)/goalsite check --goals goals $(TODAY_FLAG)

# Debian and Ubuntu ship the venv module's pip (ensurepip) in a package of its own, python3-venv:
# without it `python3 -m venv` fails halfway and leaves a broken .venv, which is removed again.
$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "error: $(PYTHON) not found: install Python 3.11 or later, or run make PYTHON=/path/to/python3" >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { \
	  rm -rf $(VENV); \
	  if ! $(PYTHON) -c 'import ensurepip' >/dev/null 2>&1; then \
	    echo "error: $(PYTHON) cannot create a virtual environment: its venv module has no ensurepip." >&2; \
	    echo "On Debian and Ubuntu install the python3-venv package (sudo apt-get install python3-venv)," >&2; \
	    echo "then run make again." >&2; \
	  else \
	    echo "error: $(PYTHON) -m venv $(VENV) failed (see above)" >&2; \
	  fi; \
	  exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TSTAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# The browser tests drive a chromium of the system: Playwright may not download a browser of its own.
# CI runs as root on Debian, where the missing /usr/bin/chromium is installed with apt-get; anywhere
# else (not root, not Debian, another path) installing is left to the user, with what to run.
$(CHROMIUM):
	@if [ "$@" = "$(DEBIAN_CHROMIUM)" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests (apt-get install chromium)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
	  echo "error: the browser tests need Chromium at $@, and there is none." >&2; \
	  echo "  Debian: sudo apt-get install chromium      Fedora: sudo dnf install chromium" >&2; \
	  echo "  Ubuntu, macOS, elsewhere: install Chromium or Google Chrome, then point at it:" >&2; \
	  echo "    make test CHROMIUM=/path/to/chromium" >&2; \
	  echo "  Or skip the browser tests on this machine: make test GOALSITE_SKIP_BROWSER=1" >&2; \
	  exit 1; \
	fi

# axe-core for the accessibility tests (tests/browser/test_accessibility.py), self-hosted: installed with
# npm into .venv/axe, the version pinned here; the tests inject its axe.min.js into each page.
AXE_VERSION := 4.14.1
AXE_DIR := $(VENV)/axe
AXE_STAMP := $(AXE_DIR)/.installed-$(AXE_VERSION)
$(AXE_STAMP):
	@if ! command -v npm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's npm for the accessibility tests (apt-get install npm)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; \
	  else \
	    echo "error: the accessibility tests need axe-core $(AXE_VERSION), installed with npm, and npm is missing." >&2; \
	    echo "  Debian and Ubuntu: sudo apt-get install npm      elsewhere: install Node.js, which brings npm" >&2; \
	    echo "  Or skip the browser tests on this machine: make test GOALSITE_SKIP_BROWSER=1" >&2; \
	    exit 1; \
	  fi; \
	fi
	npm install --silent --no-audit --no-fund --prefix $(AXE_DIR) axe-core@$(AXE_VERSION)
	@touch $@

# GOALSITE_CHROMIUM tells the browser tests (tests/browser/conftest.py) which browser to drive,
# GOALSITE_AXE where axe-core is.
test: $(TSTAMP) $(if $(filter 1,$(GOALSITE_SKIP_BROWSER)),,$(CHROMIUM) $(AXE_STAMP))
	$(BIN)/python -m ruff check generator tests benchmarks
	GOALSITE_CHROMIUM=$(CHROMIUM) GOALSITE_AXE=$(AXE_DIR)/node_modules/axe-core/axe.min.js \
	  $(BIN)/python -m pytest -p no:cacheprovider -q

clean:
	rm -rf $(VENV) site .goalsite-cache
