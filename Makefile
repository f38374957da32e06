# The two commands of the README: `make site` and `make test`.
# Everything else here is what those two need on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
CHROMIUM ?= /usr/bin/chromium

.PHONY: site test serve check install clean

# Where `make site` expects the portal to be browsed; Material's instant navigation needs it.
SITE_URL ?= http://localhost:8000/

site: $(STAMP)
	$(BIN)/goalsite build --goals goals --site-dir site --site-url $(SITE_URL)
	@echo "Browse it: $(PYTHON) -m http.server -d site 8000, then open $(SITE_URL) (or run: make serve)"

serve: $(STAMP)
	$(BIN)/goalsite serve --goals goals

check: $(STAMP)
	$(BIN)/goalsite check --goals goals

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TSTAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

$(CHROMIUM):
	@# Debian's chromium: Playwright may not download a browser of its own here.
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

test: $(TSTAMP) $(CHROMIUM)
	$(BIN)/python -m pytest -p no:cacheprovider -q

clean:
	rm -rf $(VENV) site .goalsite-cache
