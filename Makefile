# Guifan — the two commands of the quick start are `make demo` and `make test`.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
CODE   := $(wildcard src tests benchmarks)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_DIR ?= demo-company

.PHONY: install system demo test lint format typecheck pytest pytest-postgres api-schema bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

system:
	bash scripts/system-packages.sh

demo: install
	$(BIN)/guifan demo --out $(DEMO_DIR)

lint: install
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

format: install
	$(BIN)/ruff format $(CODE)
	$(BIN)/ruff check --fix $(CODE)

typecheck: install
	$(BIN)/mypy

pytest: install system
	$(BIN)/pytest -q -p no:cacheprovider

# The web application's tests again, on PostgreSQL (the engine does not touch the database).
pytest-postgres: install system
	bash scripts/with-postgres.sh $(BIN)/pytest -q -p no:cacheprovider tests/web

test: lint typecheck pytest pytest-postgres

api-schema: install
	DJANGO_SETTINGS_MODULE=guifan.web.site.test_settings $(BIN)/python -m django spectacular --lang en --file docs/api/openapi.yaml

# Re-extract the web UI's strings into src/guifan/web/locale and compile the .mo (committed with the .po).
# Needs GNU gettext (apt-get install gettext); only for development, not to run or test the app.
.PHONY: messages
messages: install
	cd src/guifan/web && DJANGO_SETTINGS_MODULE=guifan.web.site.test_settings $(abspath $(BIN))/python -m django \
		makemessages -l zh_Hans --no-obsolete --ignore ".venv/*" --ignore "tests/*"
	cd src/guifan/web && DJANGO_SETTINGS_MODULE=guifan.web.site.test_settings $(abspath $(BIN))/python -m django \
		compilemessages -l zh_Hans

bench: install
	$(BIN)/python benchmarks/checks.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(DEMO_DIR)
