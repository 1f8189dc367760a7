# Bansō — scripts to rule them all. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3.11
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
VENV := .venv
STAMP := $(VENV)/.banso-synced
PROJECTS := pyproject.toml uv.lock $(wildcard */pyproject.toml services/*/pyproject.toml) \
	$(wildcard services/ingest_core/Cargo.* services/ingest_core/src/*.rs)
# Ingest's optional compiled pass (Rust) is built when cargo is there (rustup puts it in
# ~/.cargo/bin, which a non-login shell such as CI's may not have on PATH); without it, the
# pure path.
CARGO_BIN := $(wildcard $(HOME)/.cargo/bin)
ifneq ($(CARGO_BIN),)
export PATH := $(CARGO_BIN):$(PATH)
endif
NO_CARGO := $(if $(or $(shell command -v cargo 2>/dev/null),$(wildcard $(CARGO_BIN)/cargo)),,--no-install-package banso-ingest-core)
PACKAGES := contracts/banso_contracts services/kit/banso_kit services/ingest/banso_ingest \
	services/scoring/banso_scoring services/bridge/banso_bridge services/notify/banso_notify \
	services/console/banso_console cli/banso_cli sim/banso_sim

.PHONY: help setup test run stop demo bench lint fmt kafka-up kafka-down postgres-up postgres-down clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

CONSOLE := services/console
CONSOLE_ASSETS := $(CONSOLE)/node_modules/.banso-installed
CONSOLE_CATALOGS := $(patsubst %.po,%.mo,$(wildcard $(CONSOLE)/banso_console/translations/*/LC_MESSAGES/messages.po))

setup: $(STAMP) $(CONSOLE_ASSETS) $(CONSOLE_CATALOGS) ## install uv, the Python and console dependencies, the Kafka jars (idempotent)
	@deploy/kafka/kafka.sh assemble

# The console's front-end assets (htmx, Chart.js; axe-core for the tests) from npm, served locally.
$(CONSOLE_ASSETS): $(CONSOLE)/package.json $(CONSOLE)/package-lock.json
	@cd $(CONSOLE) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The console's message catalogues, compiled from the translations kept in git.
%.mo: %.po $(STAMP)
	@$(VENV)/bin/pybabel compile -i $< -o $@

$(STAMP): $(PROJECTS)
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install -q "uv==0.13.9"
	@$(UV) sync --all-packages --frozen -q $(NO_CARGO)
	@touch $@

test: setup kafka-up postgres-up ## run every test against the real broker, SQLite and PostgreSQL
	BANSO_TEST_POSTGRES_URL="$$(deploy/postgres/pg.sh url)" $(VENV)/bin/pytest

run: setup kafka-up ## Kafka, the four services (8001-8004) and the console (8000) on 127.0.0.1; returns when all are ready
	@scripts/services.sh start

stop: ## stop the services and the local broker
	@scripts/services.sh stop
	@deploy/kafka/kafka.sh down

demo: setup ## the whole journey: start everything, simulate 90 days, print the report
	@scripts/demo.sh

bench: setup kafka-up ## benchmarks beside their references; results in bench/results/*.json
	@$(VENV)/bin/python bench/run.py

lint: $(STAMP) ## ruff, mypy --strict (services, tests, bench), import contracts, contract drift
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(PACKAGES) tests bench
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m banso_contracts.schemagen --check

fmt: $(STAMP) ## format and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

kafka-up: setup ## start the local Kafka broker (or wait for the cluster in KAFKA_BOOTSTRAP_SERVERS)
	@deploy/kafka/kafka.sh up

kafka-down: ## stop the local Kafka broker
	@deploy/kafka/kafka.sh down

postgres-up: ## start a private PostgreSQL for the tests (installs Debian's package if missing)
	@deploy/postgres/pg.sh up >/dev/null

postgres-down: ## stop the private PostgreSQL
	@deploy/postgres/pg.sh down

clean: stop ## stop everything and delete local data (.data/)
	rm -rf .data
