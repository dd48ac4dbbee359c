# The two commands a newcomer needs are `make serve` and `make test`; each sets up .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
ARGS   ?=
PKG_DIRS := graph ontology api viz

.PHONY: serve test test-fast install link lint typecheck pytest bench clean soak data

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

# Dependencies, reinstalled only when pyproject.toml changes: `make serve` needs the runtime ones
# only; the test extra (Playwright, keras, schemathesis, ...) is installed by the targets that test.
$(VENV)/.deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e . --config-settings editable_mode=strict
	touch $@

$(VENV)/.test-deps: pyproject.toml $(VENV)/.deps
	$(BIN)/pip install --quiet -e '.[test]' --config-settings editable_mode=strict
	touch $@

# The strict editable install links each file, so a new or removed file needs a relink;
# the file list is compared on every run and the (fast, --no-deps) relink done only when it moved.
link: $(VENV)/.deps
	@find $(PKG_DIRS) -type f ! -path '*/__pycache__/*' ! -name '*.pyc' | LC_ALL=C sort > $(VENV)/.files.new
	@if ! cmp -s $(VENV)/.files.new $(VENV)/.files; then \
		echo "relinking the editable install"; \
		$(BIN)/pip install --quiet --no-deps --no-build-isolation -e . --config-settings editable_mode=strict && \
		mv $(VENV)/.files.new $(VENV)/.files; \
	fi

install: link $(VENV)/.test-deps

serve: link
	$(BIN)/mlkg serve --host $(HOST) --port $(PORT) $(ARGS)

lint: link $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: link $(VENV)/.test-deps
	$(BIN)/mypy -p mlkg.graph -p mlkg.ontology -p mlkg.api -p mlkg.viz

# Every layer, on both cores (pytest-xdist; a file's tests stay on one worker, so its
# module-scoped fixtures are made once).
PYTEST_JOBS ?= 2
pytest: link $(VENV)/.test-deps
	$(BIN)/pytest -n $(PYTEST_JOBS) --dist loadfile $(ARGS)

test: lint typecheck pytest

# The default layers a contributor runs every few minutes: graph, api and viz tests, without
# the engines, system and browser layers (tests/conftest.py says what each marks).
test-fast: link $(VENV)/.test-deps
	$(BIN)/pytest -n $(PYTEST_JOBS) --dist loadfile -m "not engines and not system and not browser" $(ARGS)

# Every generated file in graph/data/: the curated layers (since-2022.trig, ecosystem-*.trig) from
# the CSV and TriG files in data/, and keras-functions.ttl from the keras version pinned in the
# `keras` extra (read with ast; no TensorFlow, torch or JAX needed). The tests check both.
data: link $(VENV)/.test-deps
	$(BIN)/python scripts/build_data.py
	$(BIN)/python -m mlkg.graph._keras_ops

# Load soak: 50 clients x 60 s, without and then with a runaway query in flight, then beside a
# hostile mix (memory bombs, disconnecting runaways, stalled heads), then beside slow clients (1,000
# trickled bodies, unread 19 MB answers); prints requests/s, p50/p99,
# errors, peak memory, recovery time and the client's own ceiling. ARGS passes options (--url, ...).
soak: link $(VENV)/.test-deps
	$(BIN)/python tests/soak.py --clients 50 --duration 60 $(ARGS)

# Benchmarks (bench/README.md): the `bench` extra (rdflib-endpoint, matplotlib) into the venv, and
# wrk + hyperfine from Debian where we may install them (else bench/ falls back to Python client processes).
$(VENV)/.bench-deps: pyproject.toml $(VENV)/.test-deps
	$(BIN)/pip install --quiet -e '.[test,bench]' --config-settings editable_mode=strict
	touch $@

bench: link $(VENV)/.bench-deps
	@if ! command -v wrk >/dev/null || ! command -v hyperfine >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get install -y -qq wrk hyperfine >/dev/null 2>&1 || \
			{ apt-get update -qq >/dev/null && apt-get install -y -qq wrk hyperfine >/dev/null; } || \
			echo "bench: could not install wrk/hyperfine; using Python client processes"; \
		else echo "bench: wrk/hyperfine missing (need root to install); using Python client processes"; fi; \
	fi
	$(BIN)/python bench/run.py $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
