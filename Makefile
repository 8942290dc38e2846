# neetmap: the two commands the README gives are `make serve` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Real ONS boundaries and the DfE LA list, read by path from the shared data folder beside
# the checkout when it is there (never copied in). Elsewhere set these yourself, or run
# `neetmap boundaries download`.
SHARED ?= ../shared/geodata
ifneq ($(wildcard $(SHARED)/boundaries),)
export NEETMAP_BOUNDARIES ?= $(SHARED)/boundaries/ctyua_2023_buc/CTYUA_MAY_2023_UK_BUC.shp
export NEETMAP_REGIONS ?= $(SHARED)/boundaries/regions_2023_buc/Regions_December_2023_Boundaries_EN_BUC.geojson
export NEETMAP_LA_CODES ?= $(SHARED)/lookups/dfe_las.csv
endif

.PHONY: install serve test lint postgis clean bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## serve: set up, migrate the embedded SQLite database, load the sample, serve on :8000
## (boundaries from NEETMAP_BOUNDARIES are loaded by `neetmap seed`, or else `neetmap serve`, when none are loaded)
serve: install
	$(BIN)/neetmap db upgrade
	$(BIN)/neetmap seed
	$(BIN)/neetmap serve --host $(HOST) --port $(PORT)

## test: set up, then lint, type-check, check import layers and run the tests (both backends)
test: install postgis lint
	$(BIN)/pytest -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile

## bench: neetmap's hot reads against a minimal FastAPI app and nginx, same bytes (a few minutes)
bench: install
	$(BIN)/python -m bench.compare

## postgis: make the local PostgreSQL able to run the PostGIS tests (best effort outside CI)
postgis:
	@bash scripts/ensure-postgis.sh

clean:
	rm -rf $(VENV) neetmap.db neetmap.db-* .pytest_cache .mypy_cache .ruff_cache
