# Two commands for a fresh machine:
#   make build   set everything up, then build the sample series into output/
#   make test    set everything up, then run the tests
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup build test lint clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml package.json package-lock.json scripts/setup scripts/system-packages.txt
	sh scripts/setup
	touch $@

build: setup
	$(PY) compile.py build

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check bookpress tests scripts
	$(VENV)/bin/ruff format --check bookpress tests scripts

clean:
	rm -rf $(VENV) node_modules output/*.epub output/*.pdf
