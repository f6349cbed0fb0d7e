# The two commands: `make demo` and `make test`. Both set everything up first (`make setup`).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup postgis browser venv demo test bench clean

setup: postgis venv

postgis:
	@bash scripts/ensure-postgis.sh

browser:
	@bash scripts/ensure-browser.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

demo: setup
	$(BIN)/wangge db start
	$(BIN)/wangge seed demo
	$(BIN)/wangge serve

test: setup browser
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/locate.py
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/maps.py
	$(BIN)/python bench/analytics.py
	$(BIN)/python bench/planning.py

clean:
	-$(BIN)/wangge db stop
	rm -rf .wangge $(VENV)
