# Verbund — every target does its own set-up. Start with `make demo` or `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-sqlite test-postgres lint bench install system-packages messages clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

system-packages:
	@scripts/ensure-system-packages.sh

messages: install system-packages
	@cd verbund && ../$(BIN)/django-admin compilemessages -v0 --ignore=.venv

# The demo: SQLite in var/, the demo federation, the web UI on http://127.0.0.1:8000/ and a background job
# worker beside it (plan calculations, imports, billing runs); Ctrl-C stops both.
demo: messages
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=verbund.config.settings.demo $(BIN)/verbund migrate -v0
	DJANGO_SETTINGS_MODULE=verbund.config.settings.demo $(BIN)/verbund collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=verbund.config.settings.demo $(BIN)/verbund load-demo
	@echo "Serving Verbund on http://127.0.0.1:8000/ with a job worker (Ctrl-C stops both)"
	@export DJANGO_SETTINGS_MODULE=verbund.config.settings.demo; \
	$(BIN)/verbund jobs-worker --no-reload & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/verbund runserver 127.0.0.1:8000 --noreload

lint: install
	@mkdir -p var
	$(BIN)/ruff check verbund bench tests
	$(BIN)/ruff format --check verbund bench tests
	DJANGO_SETTINGS_MODULE=verbund.config.settings.test $(BIN)/mypy verbund
	DJANGO_SETTINGS_MODULE=verbund.config.settings.test $(BIN)/verbund makemigrations --check --dry-run -v1
	$(BIN)/python scripts/check_translations.py

test-sqlite: messages
	@mkdir -p var
	env -u DATABASE_URL $(BIN)/pytest -q

test-postgres: messages
	scripts/with-postgres.sh $(BIN)/pytest -q

# Everything: lint, migrations check, translations, the whole suite (browser tests included) on SQLite and PostgreSQL.
# The two suites run side by side, one per core of the 2-core CI machine (they share nothing but var/media, whose
# file names Django keeps unique); --output-sync prints each suite's output as one block when it ends.
test: lint
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

bench: messages
	@mkdir -p bench/results
	scripts/with-postgres.sh $(BIN)/python -m bench.run

clean:
	rm -rf var $(VENV) .mypy_cache .ruff_cache
