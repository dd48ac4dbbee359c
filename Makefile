# The two commands a newcomer needs are `make serve` and `make test`; each sets up .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
ARGS   ?=
PKG_DIRS := graph ontology api viz

.PHONY: serve test install link lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

# Dependencies: reinstalled only when pyproject.toml changes.
$(VENV)/.deps: pyproject.toml | $(BIN)/python
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

install: link

serve: link
	$(BIN)/mlkg serve --host $(HOST) --port $(PORT) $(ARGS)

lint: link
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: link
	$(BIN)/mypy -p mlkg.graph -p mlkg.ontology -p mlkg.api -p mlkg.viz

pytest: link
	$(BIN)/pytest $(ARGS)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
