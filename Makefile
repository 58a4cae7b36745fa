# Two commands matter: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install run test test-browser bench bench-smoke lint check-migrations messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Open http://$(HOST)/ (API docs: http://$(HOST)/api/docs/)"
	$(PY) manage.py runserver $(HOST)

# The whole suite but the real-browser tests: first on both cores (--dist loadgroup: the demo
# tests go to one worker, which seeds the demo once; tests/conftest.py), then the tests that
# commit real concurrent transactions, alone (they would flush the others' data), both with no
# replica configured; then the read-replica tests (tests/replication), on PostgreSQL with
# DATABASE_REPLICA_URLS (default: the local streaming replica of scripts/replica.sh). They skip
# when no replica is up, and fail instead with REQUIRE_REPLICA=1 (.ci/run).
TEST_REPLICA_URLS = $(if $(filter postgres%,$(DATABASE_URL)),$(or $(DATABASE_REPLICA_URLS),postgres://postgres@127.0.0.1:5433/resource_platform))
test: install
	DATABASE_REPLICA_URLS= $(PY) -m pytest -n auto --dist loadgroup -m "not browser and not serial and not replica" $(PYTEST_ARGS)
	DATABASE_REPLICA_URLS= $(PY) -m pytest -m "serial and not replica" -p no:xdist $(PYTEST_ARGS)
	DATABASE_REPLICA_URLS="$(TEST_REPLICA_URLS)" $(PY) -m pytest tests/replication -m replica -p no:xdist $(PYTEST_ARGS)

# Real-browser tests (Playwright driving Debian's Chromium against a live server): alone,
# without xdist, because a live server needs a database it may flush.
test-browser: install
	bash scripts/install-browser.sh
	$(PY) -m pytest -m browser tests/browser -p no:xdist $(PYTEST_ARGS)

# The benchmark (docs/benchmarks.md): PostgreSQL with RESOURCES generated resources, gunicorn,
# wrk on loopback. BENCH_DATABASE_URL overrides the database (default resource_platform_bench).
RESOURCES ?= 100000
bench: install
	bash scripts/install-bench-tools.sh
	$(PY) -m bench.run --resources $(RESOURCES) $(BENCH_ARGS)

# A few seconds of the same on tiny data: run by .ci/run so the benchmark keeps working.
bench-smoke: install
	bash scripts/install-bench-tools.sh
	$(PY) -m bench.run --smoke

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

# Extract interface strings and recompile the Chinese catalogue (needs gettext's msgfmt).
messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-location \
		--ignore=.venv --ignore=tests --ignore=var --ignore=staticfiles
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) var
