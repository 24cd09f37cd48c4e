# The two commands of the README's quick start, and the checks CI runs.
# uv (from PyPI) creates .venv from uv.lock, so every machine gets the same versions.
PYTHON ?= python3
UV := $(PYTHON) -m uv
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: setup demo test lint bench

setup:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user "uv>=0.5,<1"
	$(UV) sync --locked --quiet

demo: setup
	$(UV) run --locked duban demo

test: setup
	$(UV) run --locked ruff check .
	$(UV) run --locked ruff format --check .
	$(UV) run --locked lint-imports
	$(UV) run --locked pytest -q

bench: setup
	$(UV) run --locked python bench/parse_speed.py
	$(UV) run --locked python bench/ledger_speed.py --sizes 10000,100000
