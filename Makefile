# The two commands of the quick start: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run manage test format install clean bench bench-quick fuzz chaos messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# API, worker and beat in the foreground on the embedded defaults (PostgreSQL of its
# own under var/postgres, the filesystem broker, pushes to the log); Ctrl-C stops them
# and the database.
run: install
	@./bin/run-local

# Any manage.py command beside `make run`, on the same settings (JSC_ENV=local and
# whatever DATABASE_URL etc. the environment sets): make manage CMD="send_due_alerts".
# With DATABASE_URL unset it starts make run's database if it is down (and stops it after).
manage: install
	JSC_ENV=$${JSC_ENV:-local} $(PY) -m jsc.embedded_db run $(PY) manage.py $(CMD)

test: install
	./bin/ensure-test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/jsc} \
	CELERY_BROKER_URL=$${TEST_BROKER_URL:-redis://127.0.0.1:6379/15} \
	JSC_ENV=test $(VENV)/bin/pytest $(PYTEST_ARGS)

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Stops make run's database first: var/ holds it (and its data).
clean:
	test ! -x $(PY) || $(PY) -m jsc.embedded_db stop
	rm -rf $(VENV) var staticfiles

# Benchmarks report ratios against a baseline run side by side (bench/run.py).
# They drop and re-create BENCH_DATABASE_URL (default jsc_bench on localhost).
# bench: 1,000,000 active pregnancies, writes bench/results.md (about 20 minutes here);
# bench-quick: 50,000, writes bench/results-quick.md (under 10 minutes).
bench: install
	./bin/ensure-test-deps
	$(PY) bench/run.py

bench-quick: install
	./bin/ensure-test-deps
	$(PY) bench/run.py --quick

# The API fuzzing's long form: many more examples per operation and role than the
# bounded run inside `make test` (FUZZ_EXAMPLES, FUZZ_SEED change them).
fuzz: install
	./bin/ensure-test-deps
	DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/jsc} \
	CELERY_BROKER_URL=$${TEST_BROKER_URL:-redis://127.0.0.1:6379/15} \
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-100} \
	JSC_ENV=test $(VENV)/bin/pytest -p no:logging tests/security/test_api_fuzz.py $(PYTEST_ARGS)

# The long fault-injection run (tests/chaos, docs/alerts-reliability.md): its own
# PostgreSQL and Redis on ports of their own; prints the table (also var/chaos-table.txt).
chaos: install
	./bin/ensure-test-deps
	CHAOS=long DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/jsc} \
	CELERY_BROKER_URL=$${TEST_BROKER_URL:-redis://127.0.0.1:6379/15} \
	JSC_ENV=test $(VENV)/bin/pytest tests/chaos -s -q -m chaos $(PYTEST_ARGS)

# Refresh the Indonesian catalogue from the code (needs GNU gettext, a dev tool), then
# compile it; the .po and the compiled .mo are both committed (see README).
messages: install
	JSC_ENV=local $(PY) manage.py makemessages --locale id --no-obsolete --add-location file \
	  --ignore '.venv/*' --ignore 'var/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*'
	JSC_ENV=local $(PY) manage.py compilemessages --locale id --ignore '.venv/*'
