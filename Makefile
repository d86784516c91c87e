# One command for each job. Everything installs into .venv from the package registry.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint install clean screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m workshop_kit.kernel  # an editable install may skip the data files
	touch $(STAMP)

install: $(STAMP)

## make demo: build the demo cohort, simulate its answers, run every module, write the reports (build/demo)
demo: $(STAMP)
	$(BIN)/workshop-kit demo

## make test: the package tests and every notebook (nbval), against real temporary stores,
## on TEST_WORKERS pytest-xdist workers (2 by default; TEST_WORKERS=0 runs them in one process).
## Each file's tests stay on one worker (`--dist loadfile` in pyproject.toml's addopts).
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

## make screenshots: the browser tests, saving each notebook's screenshot to docs/screenshots
screenshots: $(STAMP)
	WORKSHOP_KIT_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/e2e

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf build .pytest_cache .ruff_cache
