# MesoPlan entry points. `make run` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_PASSWORD ?= mesoplan-demo
# Tests spread over the machine's cores; override with `make test WORKERS=0`.
WORKERS ?= auto

.PHONY: run test lint bench mutation install install-dev browser worker clean backup restore audit load

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(BIN)/pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright's own download cannot work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

run: $(STAMP)
	@mkdir -p var
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py seed_demo --password "$(DEMO_PASSWORD)" --meso-report-2015
	@echo ""
	@echo "  MesoPlan is starting at http://$(HOST):$(PORT)/"
	@echo "  Sign in as clinician1, clinician3, manager1 (Berlin), clinician2, clinician4,"
	@echo "  manager2 (Hamburg) or networkadmin"
	@echo "  (password: $(DEMO_PASSWORD)). API docs: http://$(HOST):$(PORT)/api/docs/"
	@echo ""
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# Two phases: the suite in parallel without the fault tests, then (with PostgreSQL and
# Redis configured) the fault tests alone, serially, as they stop and start those
# services (conftest.py). They all live in tests/faults/, so the second phase collects
# only that folder (collecting the whole suite took longer than the tests). FAULTS=0
# leaves it out. Exit status 5 (nothing selected, e.g. PYTEST_ARGS naming other tests)
# is not a failure of a phase.
FAULTS ?= 1
test: $(STAMP) browser
	@mkdir -p var
	@status=0; ran="suite (parallel)"; \
	echo "== phase 1: the suite in parallel, without the fault tests (-m 'not faults')"; \
	$(BIN)/pytest -n $(WORKERS) -m "not faults" $(PYTEST_ARGS) || { s=$$?; [ $$s = 5 ] || status=$$s; }; \
	case "$$DATABASE_URL" in postgres://*|postgresql://*|pgsql://*|psql://*) pg=1;; *) pg=;; esac; \
	case "$$CELERY_BROKER_URL" in redis://*|rediss://*) redis=1;; *) redis=;; esac; \
	if [ "$(FAULTS)" = 0 ]; then \
	  echo "== phase 2 (faults) left out: FAULTS=0"; \
	elif [ -n "$$pg" ] && [ -n "$$redis" ]; then \
	  echo "== phase 2: the fault tests, serially (-p no:xdist -m faults tests/faults)"; \
	  start=$$(date +%s); \
	  $(BIN)/pytest -p no:xdist -m faults tests/faults || { s=$$?; [ $$s = 5 ] || status=$$s; }; \
	  ran="$$ran, faults (serial, $$(( $$(date +%s) - start )) s)"; \
	else \
	  echo "== phase 2 (faults) not run: it needs DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://..."; \
	  if [ "$$MESOPLAN_REQUIRE_SERVICES" = 1 ]; then status=1; fi; \
	fi; \
	echo "make test: phases run: $$ran"; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/mypy mesoplan protocols patients scheduling lots sessions outcomes reports office webhooks
	$(BIN)/lint-imports --no-logo
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

bench: $(STAMP)
	$(PY) -m bench $(BENCH)

# Mutation testing of the rule modules (docs/mutation.md): mutmut over the modules listed
# in pyproject's [tool.mutmut], then the hand-written mutants. Takes minutes: not in CI.
# Starts from a clean mutants/ so the score is today's; MUTANTS='patients.readiness.*'
# checks a subset, MUTATION_CHILDREN the parallel workers (the machine is shared).
MUTATION_CHILDREN ?= 2
MUTANTS ?=
mutation: $(STAMP)
	@$(BIN)/mutmut --version >/dev/null 2>&1 || $(BIN)/pip install -q -e ".[dev,mutation]"
	@mkdir -p var
	rm -rf mutants
	@start=$$(date +%s); \
	HYPOTHESIS_PROFILE=ci $(BIN)/mutmut run --max-children $(MUTATION_CHILDREN) $(MUTANTS) \
	  > var/mutmut.log 2>&1 || { tail -c 3000 var/mutmut.log; exit 1; }; \
	echo "mutmut run: $$(( $$(date +%s) - start )) s wall time (log: var/mutmut.log)"
	$(PY) -m tests.mutation_score
	HYPOTHESIS_PROFILE=ci $(PY) -m tests.hand_mutants

# A Celery worker with an embedded beat, for development (like `make run`: debug on, the
# dev secret key). It needs a broker; without CELERY_BROKER_URL tasks run inside the web
# process and there is nothing for a worker to do. Beat keeps its schedule under var/.
worker: $(STAMP)
	@test -n "$$CELERY_BROKER_URL" || { \
	  echo "make worker needs a broker, e.g. CELERY_BROKER_URL=redis://127.0.0.1:6379/0 make worker"; \
	  echo "(without one, make run executes every task in-process: no worker needed)"; exit 2; }
	@mkdir -p var
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/celery -A mesoplan worker -B -Q celery,webhooks,reports \
	  --schedule var/celerybeat-schedule --loglevel=INFO

# Backups (docs/deployment.md, "Backups"): the configured database (DATABASE_URL; pg_dump
# -Fc, or SQLite's online backup API) and the photos, with a manifest, into a new
# directory under BACKUP_DIR. `make restore FROM=<that directory>` restores it into the
# configured database, which must be new or empty (FORCE=1 replaces what it holds).
BACKUP_DIR ?= var/backups
backup: $(STAMP)
	@mkdir -p $(BACKUP_DIR)
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py backup --to "$(BACKUP_DIR)/mesoplan-$$(date -u +%Y%m%dT%H%M%SZ)"

restore: $(STAMP)
	@test -n "$(FROM)" || { echo "usage: make restore FROM=var/backups/mesoplan-<time> [FORCE=1]"; exit 2; }
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py restore --from "$(FROM)" $(if $(FORCE),--force)

# pip-audit over the installed environment (docs/deployment.md, "Dependency audit"). It
# needs PyPI's (or, AUDIT_SERVICE=osv, OSV's) vulnerability database: where none is
# reachable every package "could not be audited" and it says so; CI does not gate on it.
# AUDIT_STRICT=1 fails unless every package was audited (for a deployment that reaches one).
AUDIT_SERVICE ?= pypi
audit: $(STAMP)
	@$(BIN)/pip-audit --version >/dev/null 2>&1 || $(BIN)/pip install -q -e ".[dev,audit]"
	$(PY) deploy/dependency_audit.py --service $(AUDIT_SERVICE) $(if $(AUDIT_STRICT),--strict)

# A bounded load test of the clinic day (docs/deployment.md, "Load"): a fresh PostgreSQL
# database (mesoplan_load) seeded with the demo, gunicorn, a Celery worker and beat on
# Redis, a local webhook receiver, then locust headless; everything stopped afterwards.
# Results in var/load/ (locust's CSV and summary.txt). Needs PostgreSQL and Redis on
# 127.0.0.1 (LOAD_PG, LOAD_REDIS to change).
LOAD_USERS ?= 50
LOAD_TIME ?= 2m
load: $(STAMP)
	@$(BIN)/locust --version >/dev/null 2>&1 || $(BIN)/pip install -q -e ".[dev,load]"
	LOAD_USERS=$(LOAD_USERS) LOAD_TIME=$(LOAD_TIME) $(PY) load/run.py

clean:
	rm -rf $(VENV) var mutants .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
