# The two commands of the README's quick start, and the checks CI runs.
# uv (from PyPI) creates .venv from uv.lock, so every machine gets the same versions; with the
# packages' bytecode compiled, as pip does on install: without it every `duban` run compiles
# SQLAlchemy and friends from source again where .pyc files cannot be written (1.5 s, not 0.5 s).
PYTHON ?= python3
UV := $(PYTHON) -m uv
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: setup demo test lint bench browser office bundle catalogs

setup:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user "uv>=0.5,<1"
	$(UV) sync --locked --quiet --compile-bytecode

# The gettext catalogs (models/vocabulary/locale): collect every `_()` message and command help into
# duban.pot, merge it into the zh_CN catalog (new messages arrive untranslated: translate them in
# duban.po; tests/test_vocabulary.py fails until every one is), and compile duban.mo, which is
# committed so a fresh clone speaks Chinese without this step.
LOCALE := models/vocabulary/locale
catalogs: setup
	$(UV) run --locked pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
		--project duban -o $(LOCALE)/duban.pot .
	@test -f $(LOCALE)/zh_CN/LC_MESSAGES/duban.po || \
		$(UV) run --locked pybabel init -i $(LOCALE)/duban.pot -d $(LOCALE) -D duban -l zh_CN
	$(UV) run --locked pybabel update -i $(LOCALE)/duban.pot -d $(LOCALE) -D duban -l zh_CN \
		--no-fuzzy-matching --ignore-obsolete --width 110
	$(UV) run --locked pybabel compile --statistics -d $(LOCALE) -D duban -l zh_CN

# Debian's chromium for the dashboard's browser tests (driven by Playwright with executable_path).
browser:
# Without root (or offline) it says so and the browser tests skip, unless DUBAN_REQUIRE_BROWSER=1.
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium >/dev/null; } || echo "chromium not installed: browser tests will be skipped"

# Debian's LibreOffice (no GUI), CJK fonts and poppler for the document rendering tests.
office:
# Without root (or offline) it says so and the rendering tests skip, unless DUBAN_REQUIRE_OFFICE=1.
	@command -v soffice >/dev/null 2>&1 && fc-list :lang=zh | grep -q . && command -v pdftoppm >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		libreoffice-writer-nogui fonts-noto-cjk poppler-utils >/dev/null; } || \
		echo "LibreOffice not installed: document rendering tests will be skipped"

demo: setup
	$(UV) run --locked duban demo

test: setup browser office
	$(UV) run --locked ruff check .
	$(UV) run --locked ruff format --check .
	$(UV) run --locked lint-imports
	$(UV) run --locked pytest -q

# bench/floor_table.py first: issue 14's table, each row beside its floor, as ratios (the README's
# copy). BENCH_TASKS=1000000 for the million-task rows (generating that ledger takes minutes).
BENCH_TASKS ?= 100000
bench: setup
	$(UV) run --locked python bench/floor_table.py --tasks $(BENCH_TASKS)
	$(UV) run --locked python bench/parse_speed.py
	$(UV) run --locked python bench/ledger_speed.py --sizes 10000,100000
	$(UV) run --locked python bench/workflow_speed.py --tasks 100000
	$(UV) run --locked python bench/dashboard_speed.py --tasks 100000

# One archive for an offline intranet server (docs/部署指南.md): the project, every locked wheel for
# Linux x86_64 / Python 3.11 and install.sh, in dist/. Needs the package index (it downloads them).
bundle:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user "uv>=0.5,<1"
	$(PYTHON) deploy/bundle.py --output dist
