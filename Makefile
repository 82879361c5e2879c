# Two commands on a fresh machine: `make serve` and `make test`. Both bootstrap .venv first and
# reuse it while pyproject.toml is unchanged, so a second run starts in seconds.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8080
WORKERS ?= 2

.PHONY: venv build serve test lint typecheck pytest bench ingest test-deps clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

build: venv
	$(BIN)/nhskg build

serve: build
	$(BIN)/nhskg serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

lint: venv
	$(BIN)/ruff check service tests bench
	$(BIN)/ruff format --check service tests bench

typecheck: venv
	$(BIN)/mypy

# Debian's packages the tests start for real: chromium drives the browser tests (Playwright's own browser
# download cannot work offline), Virtuoso is a remote backend, HAProxy balances replicas, Apache Jena's
# rsparql (with a JRE) is one of the SPARQL clients of tests/e2e/test_clients.py.
TEST_DEBS := chromium virtuoso-opensource-7-bin haproxy libapache-jena-java default-jre-headless
test-deps:
	@command -v chromium >/dev/null && command -v virtuoso-t >/dev/null && command -v haproxy >/dev/null \
	  && command -v java >/dev/null && test -f /usr/share/java/jena-arq.jar || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(TEST_DEBS) >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq $(TEST_DEBS) >/dev/null; fi; }

pytest: venv test-deps
	$(BIN)/pytest

test: lint typecheck pytest

# The benchmarks need the `bench` extra (rdflib-endpoint, profilers) and the engines the tests use.
bench: build test-deps
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench

# Regenerate data/ttl/ from the sources: make ingest SOURCE=<the shared folder with data/ and seeds/>
ingest: venv
	@test -n "$(SOURCE)" || { echo "make ingest SOURCE=<folder with data/raw, data/curated and seeds>"; exit 2; }
	$(BIN)/nhskg ingest --source "$(SOURCE)"

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
