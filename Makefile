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

# Every benchmark against its peers, one after the other; writes bench/RESULTS.md.
bench: setup browser $(VENV)/.bench
	$(BIN)/python -m bench.run $(BENCH_ARGS)

$(VENV)/.bench: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,bench]'
	@touch $@

clean:
	-$(BIN)/wangge db stop
	rm -rf .wangge $(VENV)
