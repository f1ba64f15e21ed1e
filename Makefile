# Thin wrappers so that people and CI run the same commands (README: "The two commands").
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.DEFAULT_GOAL := help
.PHONY: help run test audit-tools install install-dev migrate seed worker beat lint fmt check-deploy messages

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed  ## Create .venv and install the runtime dependencies

install-dev: $(VENV)/.installed-dev  ## ... and the test and lint tools

run: install  ## Run the app: migrate, seed the demo, web + Celery worker + beat (Ctrl-C stops all)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo
	@echo "Rapport runs at http://127.0.0.1:8000  (web, Celery worker and beat below; Ctrl-C stops all)"
	@echo
	PYTHONUNBUFFERED=1 $(BIN)/honcho -f Procfile.dev start

# The audit's pinned tools (axe-core, vnu-jar) when npm is there; without them the audit skips
# locally and says why (CI installs npm and requires them).
audit-tools:
	@if command -v npm >/dev/null 2>&1; then \
	  [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --ignore-scripts --silent; \
	fi

test: install-dev audit-tools  ## Run the whole test suite
	$(BIN)/pytest

migrate: install  ## Apply the migrations
	$(MANAGE) migrate --noinput

seed: install  ## Create or refresh the demo data
	$(MANAGE) seed_demo

worker: install  ## A Celery worker on its own
	$(BIN)/celery -A config worker --loglevel=INFO --pool=solo

beat: install  ## Celery beat on its own
	$(BIN)/celery -A config beat --loglevel=INFO

lint: install-dev  ## ruff check and format check, django-upgrade, djLint, the architecture contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# django-upgrade rewrites; here it must find nothing to rewrite (a rewrite exits non-zero).
	find manage.py config core advisors engagements casestudies tests bench -name '*.py' -print0 | xargs -0 $(BIN)/django-upgrade --target-version 5.2
	$(BIN)/djlint templates --lint
	$(BIN)/lint-imports

fmt: install-dev  ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install  ## Update and compile the Dutch translations
	$(MANAGE) makemessages -l nl --ignore=.venv --ignore=staticfiles --ignore=node_modules
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules

check-deploy: install  ## Django's deployment checklist with production settings
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:?set it} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:?set it} DJANGO_SITE_URL=$${DJANGO_SITE_URL:?set it} \
	DATABASE_URL=$${DATABASE_URL:?set it} CELERY_BROKER_URL=$${CELERY_BROKER_URL:?set it} EMAIL_URL=$${EMAIL_URL:?set it} \
	$(MANAGE) check --deploy --fail-level WARNING
