# Career Guide: the README's commands.
#   make run       serve the site on SQLite at http://127.0.0.1:8000 (PORT overrides)
#   make test      lint and run every test
#   make check     validate the content files
#   make serve     the production server: migrate, collectstatic, granian on $PORT
#                  (settings from the environment, see docs/configuration.md)
#   make loadtest  a launch-sized load test: readers, quiz takers and searchers for a minute
#                  against two servers on PostgreSQL and Redis (DATABASE_URL and REDIS_URL
#                  override the local ones; LOADTEST_ARGS="--duration 300 --takers 20")
#   make bench     throughput and latency of each page against a static file and a trivial
#                  view, gunicorn against granian, an empty database against a seeded one,
#                  page weight and Lighthouse (BENCH_ARGS="--write" updates docs/benchmarks.md;
#                  with DATABASE_URL set to PostgreSQL, on PostgreSQL too)
#   make browser-test  only the end-to-end tests in Chromium and the HTML checks (tests/e2e)
#   make screenshots   PNGs of the main pages into docs/screenshots/ (desktop, phone, light, dark)

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python

# The first Python 3.12 or newer on PATH (pyenv's shims honour .python-version).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: run test lint check serve loadtest bench clean install

$(VENV)/.installed: requirements/dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed; none was found on PATH." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	@touch $@

install: $(VENV)/.installed

run: install
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy careerguide roles quiz scripts tests manage.py

check: install
	$(PY) manage.py content_check

test: lint
	$(PY) -m pytest

serve: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input
	PORT=$(PORT) $(PY) -m careerguide.serve

LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
LOADTEST_REDIS_URL ?= redis://127.0.0.1:6379/0

loadtest: install
	DATABASE_URL="$${DATABASE_URL:-$(LOADTEST_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(LOADTEST_REDIS_URL)}" \
	$(PY) scripts/loadtest.py --servers 2 --readers 12 --takers 8 --searchers 4 --duration 60 $(LOADTEST_ARGS)

# Needs wrk (apt-get install -y wrk); Lighthouse runs when Chromium and npm are there.
bench: install
	@if command -v npm >/dev/null 2>&1 && [ ! -x node_modules/.bin/lighthouse ]; then \
		npm ci --no-audit --no-fund; fi
	$(PY) scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

.PHONY: browser-test screenshots

browser-test: install
	$(PY) -m pytest -m browser

screenshots: install
	$(PY) scripts/screenshots.py
