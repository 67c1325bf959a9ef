#!/usr/bin/env bash
# The lint part of `make test`, on the committed files' working copies: run before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check verbund bench tests
.venv/bin/ruff format --check verbund bench tests
DJANGO_SETTINGS_MODULE=verbund.config.settings.test .venv/bin/mypy verbund
DJANGO_SETTINGS_MODULE=verbund.config.settings.test .venv/bin/verbund makemigrations --check --dry-run -v1
.venv/bin/python scripts/check_translations.py
