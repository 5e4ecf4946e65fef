# Flaremap: the two README commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-dev browser migrate seed lint format schema clients bench worker audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(BIN)/python
	$(PIP) install --quiet --disable-pip-version-check -e . 2>&1 | grep -v "^WARNING: Location" || true
	@$(BIN)/python -c "import django, rest_framework, celery, numpy, scipy" || (echo "install failed" && exit 1)

install-dev: $(BIN)/python
	$(PIP) install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
	@$(BIN)/python -c "import pytest, pytest_django, playwright, schemathesis" || (echo "install failed" && exit 1)

# Debian's Chromium drives the browser tests (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium package to run the browser tests (sudo apt-get install chromium)."; fi; }

migrate: install
	$(BIN)/python manage.py migrate --noinput -v0

seed: migrate
	$(BIN)/python manage.py seed_demo

## 1. Install everything, load the demo and serve it (SQLite, in-process tasks unless REDIS_URL).
demo: seed
	@echo ""
	@echo "  Flaremap is running at http://$(HOST):$(PORT)/"
	@echo "  Log in as patient@example.com, patient2@example.com or clinician@example.com"
	@echo "  (password demo-pass-123). API docs: http://$(HOST):$(PORT)/api/docs/"
	@echo ""
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

## 2. Install the test tools and run the whole suite.
test: install-dev browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The committed OpenAPI schema; CI fails if it drifts from the code.
schema: install
	$(BIN)/python manage.py spectacular --file openapi.yaml --validate

# What a mobile team generates from openapi.yaml: the Python client (openapi-python-client, in
# .venv-clients) and TypeScript types (openapi-typescript + tsc --noEmit, npm in .clients/).
# tests/api/test_generated_client.py then drives the Python client against a live server.
clients:
	scripts/generate_clients.sh

# Known-vulnerability audit of the installed dependencies (PyPI advisory data via pip-audit).
audit: install-dev
	$(BIN)/pip-audit --progress-spinner off --skip-editable

bench: install-dev
	$(BIN)/python benchmarks/run_all.py

worker: install
	$(BIN)/celery -A config worker -l info --concurrency 2

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .venv-clients .clients
