# The two commands of the README:
#   make run   sets up and starts the tracker on embedded defaults, with demo data
#   make test  sets up and runs the linter, the migration check and the tests
# Both need only Python 3.11+ (and git to clone). The virtualenv lives in .venv/.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The PostgreSQL run of the suite: the server of this machine, as in CI.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/scrutiny_ci
# One pytest worker per core (pytest-xdist) for all but the `services` tests (Redis, real
# workers and beats: tests/conftest.py), which run one at a time beside them. Each worker
# starts with an even share of the tests, in order, and one that runs out takes over the end
# of the other's share (worksteal): a module mostly stays on one worker, so a world built once
# per module is built about once, and no long module is left running alone at the end.
PYTEST_PARALLEL ?= -n auto --dist worksteal
# Keep compiled modules (and pytest's rewritten test modules) between processes: a shell that
# sets PYTHONDONTWRITEBYTECODE would otherwise have every test process, and every worker and
# server the tests start, compile the project and rewrite the tests again (10 s of CPU each).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install run test test-databases test-sqlite test-postgres lint lock clean bench bench-quick browser

$(BIN)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

install: $(BIN)/.installed

# With no CELERY_BROKER_URL, reminders are swept in-process beside the server (var/mail/).
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py run_reminders & sweeper=$$!; \
	trap 'kill $$sweeper 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# The browser tests drive Debian's chromium (never a Playwright download). As root (CI on a
# fresh machine) it is installed here; otherwise a missing chromium skips them, except in CI.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "NOTE: /usr/bin/chromium is missing, so the browser tests are skipped (CI fails them)."; \
		fi; \
	fi

test-sqlite: install browser
	DATABASE_URL= $(BIN)/pytest $(PYTEST_PARALLEL)

# In CI (CI set) PostgreSQL and Redis must be there; elsewhere their run is skipped with a note.
test-postgres: install browser
	@if $(BIN)/python -m tests.services postgres redis; then \
		DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest $(PYTEST_PARALLEL) -m "not services" && \
		DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest -m services; \
	elif [ -n "$$CI" ]; then \
		echo "CI needs PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379); see README 'Services'."; \
		exit 1; \
	else \
		echo "NOTE: PostgreSQL or Redis is not reachable here, so the PostgreSQL run was skipped."; \
	fi

# Every test once on the real PostgreSQL (as in CI), with the `services` tests running beside
# the parallel pool (they mostly wait on workers, beats and Redis restarts); then, on SQLite,
# the tests marked `sqlite`: the code whose SQL differs between the two databases and what
# `make run` does on its embedded default. Without PostgreSQL and Redis (outside CI) every
# test runs on SQLite instead.
test: lint test-databases browser
	@if $(BIN)/python -m tests.services postgres redis; then \
		mkdir -p var; \
		DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest -m services >var/test-services.log 2>&1 & services=$$!; \
		trap 'kill $$services 2>/dev/null; exit 130' INT TERM; \
		echo "== PostgreSQL: every test (the 'services' tests run beside, in var/test-services.log)"; \
		DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest $(PYTEST_PARALLEL) -m "not services"; status=$$?; \
		echo "== SQLite, the embedded default: the tests marked 'sqlite'"; \
		DATABASE_URL= $(BIN)/pytest $(PYTEST_PARALLEL) -m "sqlite and not services" || status=1; \
		wait $$services || status=1; \
		echo "== PostgreSQL and Redis: the 'services' tests (real workers, beats, Redis restarts)"; \
		cat var/test-services.log; \
		exit $$status; \
	elif [ -n "$$CI" ]; then \
		echo "CI needs PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379); see README 'Services'."; \
		exit 1; \
	else \
		echo "NOTE: PostgreSQL or Redis is not reachable here, so every test runs on SQLite."; \
		DATABASE_URL= $(BIN)/pytest $(PYTEST_PARALLEL); \
	fi

# Each test process copies a database migrated once (tests/database_template.py); this
# migrates SQLite's and PostgreSQL's templates side by side, one per core, before the runs.
test-databases: install
	@DATABASE_URL= $(BIN)/python -m tests.database_template & sqlite=$$!; status=0; \
	if $(BIN)/python -m tests.services postgres >/dev/null 2>&1; then \
		DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m tests.database_template || status=$$?; \
	fi; \
	wait $$sqlite && exit $$status

# Benchmarks and the reliability suite at full size (README "Benchmarks and reliability"):
# builds its own PostgreSQL databases (scrutiny_bench*, scrutiny_reliability), needs Redis and
# wrk (installed with apt-get when missing and run as root), writes bench/results.md.
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
		echo "NOTE: wrk is not installed, so the API load figures are skipped (apt-get install wrk)."
	$(BIN)/python -m tests.services postgres redis
	$(BIN)/python -m bench.run

bench-quick: install
	$(BIN)/python -m bench.run --quick

# Re-pin every dependency after changing pyproject.toml.
lock: install
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) db.sqlite3 var .pytest_cache .ruff_cache
