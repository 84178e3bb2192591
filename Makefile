# The shop's commands. `make help` lists them; `make run` and `make test` are the two
# a newcomer needs (see README.md).
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000

# Reinstall only when a requirements file changed since the last install.
$(VENV)/.runtime-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.runtime-installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

.PHONY: help install run test lint audit fmt check migrate messages worker beat bench
help:  ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  %-10s %s\n",$$1,$$2}'

install: $(VENV)/.dev-installed  ## Create .venv and install everything (runtime, tests, tools)

run: $(VENV)/.runtime-installed  ## Run the shop on embedded defaults with demo data at http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	$(PY) manage.py runserver $(HOST)

test: $(VENV)/.dev-installed  ## Run every test (SQLite unless DATABASE_URL points at PostgreSQL)
	# The example plugins are installed with pip like any extension; their tests run with ours.
	$(PY) -m pip install --quiet --no-deps --force-reinstall ./examples/shop-tosspayments ./examples/shop-kakaowork
	$(PY) -m pytest

lint: $(VENV)/.dev-installed  ## Lint, formatting, layering, missing migrations, bandit
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	# Medium severity and up; [tool.bandit] in pyproject.toml says what is left out.
	$(BIN)/bandit -c pyproject.toml -r . -ll -q

audit: $(VENV)/.dev-installed  ## Known-vulnerable pins (pip-audit); warns when nothing could be checked
	$(PY) deploy/audit_deps.py

fmt: $(VENV)/.dev-installed  ## Format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: lint audit test  ## Everything CI runs

migrate: $(VENV)/.runtime-installed  ## Apply migrations
	$(PY) manage.py migrate

messages: $(VENV)/.runtime-installed  ## Collect and compile the ko/en translations
	$(PY) manage.py makemessages -l ko -l en --ignore=.venv --ignore=tests --ignore=bench --ignore=examples --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

worker: $(VENV)/.runtime-installed  ## Start a Celery worker on both queues (needs REDIS_URL)
	$(BIN)/celery -A shop worker -Q default,media -l info

beat: $(VENV)/.runtime-installed  ## Start Celery beat, the periodic jobs (run exactly one)
	$(BIN)/celery -A shop beat -l info

bench: $(VENV)/.dev-installed  ## Measure pages, events, media and checkout on PostgreSQL, Redis, gunicorn, Celery
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/run.py
	$(PY) bench/media.py
	$(PY) bench/checkout.py
	$(PY) bench/enqueue.py
	$(PY) bench/summary.py
