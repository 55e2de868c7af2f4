# Two commands: `make run` (set up and serve on SQLite) and `make test` (set up and run every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test setup migrate lint format e2e clean lock mutate mutate-setup npm

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The exact versions of requirements-dev.lock, checked by hash, wheels only: nothing is built at
# install time, so a fresh machine with no pip cache installs what CI tested.
$(VENV)/.installed: requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary :all: -r requirements-dev.lock
	touch $@

# Regenerate the lock files after editing requirements*.txt (needs network access to the index).
# --no-strip-extras: a dependency's extra (fhir.resources needs pydantic[email]) must be pinned
# with it, or pip's --require-hashes refuses the install.
lock: setup
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/python -m uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	  --no-header --no-strip-extras requirements.txt -o requirements.lock
	$(BIN)/python -m uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	  --no-header --no-strip-extras requirements-dev.txt -o requirements-dev.lock

setup: $(VENV)/.installed

migrate: setup
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# axe-core for the browser tests' accessibility checks (package.json, test tooling only).
npm:
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	  else echo "npm not found: the axe-core checks of tests/e2e will be skipped"; fi

test: migrate npm
	$(BIN)/python -m pytest

e2e: setup npm
	$(BIN)/python -m pytest tests/e2e

lint: setup
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .

format: setup
	$(BIN)/python -m ruff format .
	$(BIN)/python -m ruff check --fix .

# Mutation testing of the rules (slow, not in CI; docs/testing.md). mutmut 3 mutates a scratch copy
# of tracker/monitoring and tests/unit (no Django) configured by its own setup.cfg, so the project's
# pyproject.toml stays as it is. Installed into the venv on first use only.
MUTATE_DIR := .mutate
MUTMUT_VERSION := 3.8.1
# `make mutate-setup` alone prepares .mutate/ for a run restricted to some mutants (docs/testing.md).
mutate-setup: setup
	$(BIN)/python -c "import mutmut" 2>/dev/null || \
	  $(BIN)/python -m pip install --quiet "mutmut==$(MUTMUT_VERSION)"
	rm -rf $(MUTATE_DIR) && mkdir -p $(MUTATE_DIR)/tracker $(MUTATE_DIR)/tests
	cp tracker/__init__.py $(MUTATE_DIR)/tracker/ && cp -r tracker/monitoring $(MUTATE_DIR)/tracker/
	cp tests/__init__.py $(MUTATE_DIR)/tests/ && cp -r tests/unit $(MUTATE_DIR)/tests/
	# test_catalogue.py checks the rule catalogue against the spec's rule ids.
	mkdir -p $(MUTATE_DIR)/docs && cp docs/clinical-rules.md $(MUTATE_DIR)/docs/
	# Unit tests of files outside the rules package (docs, labels, devdata) have nothing to do here.
	cd $(MUTATE_DIR)/tests/unit && rm -f test_docs_specs.py test_labels.py test_devdata_boundary.py
	# [tool:pytest] makes the scratch copy pytest's root, so the project's pyproject.toml (Django
	# settings, the real tracker/ on the path) is not found above it. The tests that read the
	# rules' source text (flag codes, imports) would read the mutants' instead: left out here.
	printf '[mutmut]\nsource_paths=tracker/\nalso_copy=\n  docs/\npytest_add_cli_args_test_selection=tests/unit/\npytest_add_cli_args=\n  -p\n  no:django\n  -q\n  --deselect=tests/unit/test_flags.py::test_engine_raises_only_catalogued_codes\n  --ignore=tests/unit/test_no_django.py\n\n[tool:pytest]\ntestpaths = tests/unit\n' \
	  > $(MUTATE_DIR)/setup.cfg

mutate: mutate-setup
	cd $(MUTATE_DIR) && ../$(BIN)/mutmut run --max-children $${MUTMUT_CHILDREN:-2}; \
	  ../$(BIN)/mutmut results

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .hypothesis $(MUTATE_DIR)
