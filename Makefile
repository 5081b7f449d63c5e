# Damrong: two commands on a fresh machine — `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DAMRONG_DATABASE_URL ?= sqlite:///$(CURDIR)/var/damrong.db

.PHONY: run test lint format bench install clean-db messages screenshots

$(BIN)/damrong: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/damrong

# Front-end files (the Thai web font, bpmn-js) come from npm, pinned in package-lock.json, served
# locally; the BPMN designer and the case diagram are bundled from frontend/ into
# admin/static/build/ (generated, not in git) by esbuild: frontend/build.mjs.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@
	node frontend/build.mjs

FRONTEND_SOURCES := $(shell find frontend -type f -not -name '*.md')
admin/static/build/designer.js: node_modules/.package-lock.json $(FRONTEND_SOURCES)
	node frontend/build.mjs

install: $(BIN)/damrong node_modules/.package-lock.json admin/static/build/designer.js

run: install
	mkdir -p var
	$(BIN)/damrong init --demo
	$(BIN)/damrong serve --host $(HOST) --port $(PORT)

# One pytest worker per core (pytest-xdist): each gets its own SQLite file, or its own
# PostgreSQL database beside DAMRONG_TEST_DATABASE_URL's (tests/conftest.py makes and drops it).
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/engine_vs_raw.py
	$(BIN)/python bench/api_http.py
	$(BIN)/python bench/timer_sweep.py
	$(BIN)/python bench/outbox.py
	$(BIN)/python bench/processes.py --cases 2000

# Each demo role's main pages at 390 px and 1440 px, for a reviewer (var/screenshots/, not in git);
# SCREENSHOT_ARGS=--no-thai-fonts draws them in a chromium without a Thai system font.
screenshots: install
	$(BIN)/python tools/screenshots.py $(SCREENSHOT_ARGS)

# Message catalogs (Flask-Babel): after changing a t("ไทย", "English") text, or adding a language.
messages: install
	$(BIN)/python -m web.messages
	# Flask-Admin's and WTForms' own strings in Thai (the administration; neither ships Thai).
	$(BIN)/pybabel compile -d web/translations_admin -D admin
	$(BIN)/pybabel compile -d web/translations_admin -D wtforms

clean-db:
	rm -f var/damrong.db var/damrong.db-wal var/damrong.db-shm
