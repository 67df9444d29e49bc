# Angkatan: `make demo` to run it, `make test` to test it. Everything else is set up by these.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint format install migrate messages clean bench bench-certificates light-css \
	backup restore

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

## The app with demo data, a web server on http://127.0.0.1:8000 (`make demo PORT=8123` for
## another port) and a Celery worker. Links in e-mails and certificates name the same port.
PORT ?= 8000
demo: export SITE_URL ?= http://127.0.0.1:$(PORT)
# The outside systems are the stand-ins (`python -m demo.standins`, Procfile.demo) on their
# own ports; the web server and the worker get their addresses and demo credentials.
SIASN_STANDIN_PORT ?= 8701
BSRE_STANDIN_PORT ?= 8702
LMS_STANDIN_PORT ?= 8703
WEBHOOKS_STANDIN_PORT ?= 8704
demo: export WEBHOOKS_STANDIN_PORT := $(WEBHOOKS_STANDIN_PORT)
demo: export SIASN_STANDIN_PORT := $(SIASN_STANDIN_PORT)
demo: export BSRE_STANDIN_PORT := $(BSRE_STANDIN_PORT)
demo: export LMS_STANDIN_PORT := $(LMS_STANDIN_PORT)
demo: export SIASN_BASE_URL ?= http://127.0.0.1:$(SIASN_STANDIN_PORT)
demo: export SIASN_CONSUMER_KEY ?= angkatan-demo
demo: export SIASN_CONSUMER_SECRET ?= rahasia-demo
demo: export SIASN_CLIENT_ID ?= angkatan
demo: export SIASN_USERNAME ?= operator-demo
demo: export SIASN_PASSWORD ?= rahasia-demo
demo: export BSRE_BASE_URL ?= http://127.0.0.1:$(BSRE_STANDIN_PORT)
demo: export BSRE_USERNAME ?= angkatan
demo: export BSRE_PASSWORD ?= bsre-demo
demo: export BSRE_TRUST_ROOTS ?= $(CURDIR)/var/standins/bsre/ca.pem
demo: export LMS_BASE_URL ?= http://127.0.0.1:$(LMS_STANDIN_PORT)
demo: export LMS_TOKEN ?= demo-lms-token
demo: install
	.ci/system-packages runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py signing_key_demo
	$(BIN)/python manage.py demo_data
	@echo "Angkatan berjalan di http://127.0.0.1:$(PORT) (Ctrl+C untuk berhenti)."
	PYTHONUNBUFFERED=1 $(BIN)/honcho --procfile Procfile.demo start --port $(PORT)

## The whole test suite, on DATABASE_URL and CELERY_BROKER_URL if set (SQLite and files if not).
test: install
	.ci/system-packages test
	$(BIN)/pytest

## The unit tests alone: no browser, no Celery worker process.
test-fast: install
	.ci/system-packages test
	$(BIN)/pytest -m "not browser and not worker"

## Speed, measured (not asserted): each bench script present (bench/<name>.py) writes its
## results to var/bench/<name>.json, then bench/summary.py prints them as one table with the
## goals, the date and the machine. Each script has BENCH_TIMEOUT seconds at most; one that
## fails or overruns is reported and the others still run. DATABASE_URL, when set, names the
## database the scripts measure on.
BENCH_SCRIPTS := certificates pages imports logins evaluations
BENCH_TIMEOUT ?= 1800
bench: install
	.ci/system-packages runtime
	mkdir -p var/bench && touch var/bench/.run-started
	@status=0; for name in $(BENCH_SCRIPTS); do \
		test -f bench/$$name.py || continue; \
		echo "== bench/$$name.py"; \
		timeout --kill-after=30 $(BENCH_TIMEOUT) $(BIN)/python bench/$$name.py \
			|| { echo "bench/$$name.py failed or overran ($$?)"; status=1; }; \
	done; \
	$(BIN)/python bench/summary.py || status=1; \
	exit $$status

## The certificates part alone: the job against the floor, 1 against 2 workers, ReportLab.
bench-certificates: install
	.ci/system-packages runtime
	timeout --kill-after=30 $(BENCH_TIMEOUT) $(BIN)/python bench/certificates.py

## The database and the media files, compressed, into BACKUP_DIR (var/backups); keeps the
## last 10 of each.
backup: install
	$(BIN)/python manage.py dbbackup --compress --clean --noinput
	$(BIN)/python manage.py mediabackup --compress --clean --noinput

## The latest backups in BACKUP_DIR back (asks first). Stop the web server and worker first.
restore: install
	$(BIN)/python manage.py dbrestore --uncompress
	$(BIN)/python manage.py mediarestore --uncompress --replace

## The Bootstrap subset of the light pages (static/css/bootstrap-light.css), written again
## from the classes the templates use; run after adding a Bootstrap class to a template.
light-css: install
	$(BIN)/python -m config.light_css

## Ruff (lint and format) and import-linter (the app layers in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Refresh the message catalogues after changing strings (needs gettext).
messages: install
	command -v msgfmt >/dev/null || .ci/system-packages gettext
	$(BIN)/python manage.py makemessages --locale en --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var
