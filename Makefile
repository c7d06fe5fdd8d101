# Pledge Tracker — the two commands:
#
#   make run    create .venv, install, migrate, load the demo data if the database is empty,
#               serve on http://127.0.0.1:5000 (PORT=5055 make run to change the port), and
#               deliver e-mail beside it (to this terminal unless MAIL_SERVER is set)
#   make test   create .venv, install with test extras, install Debian's Chromium if missing,
#               check the rules of the house (make lint), run the whole suite on SQLite and
#               then on PostgreSQL (TEST_DATABASE_URL)
#
# Helpers: make install, make install-test, make chromium, make clean; make fuzz (fuzz tests at length).
# make lint: ruff (lint and format), mypy and the import contracts, in seconds; make format fixes.
# make mutate: mutation testing of permissions, workflows and operations (long; docs/testing.md);
#   make mutate-survivors checks the survivors again after new tests.
# make bench: throughput against hello-world and Fortunes, render cache on, off and under writes (bench/run.py).
# make screenshots: every page type at 1280 and 390 px into docs/screenshots/ (docs/design.md);
#   make icons copies the Bootstrap Icons the templates use (docs/icons.py).
# Extra pytest arguments: make test PYTEST_ARGS="-k workflow -x".

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.PHONY: help run test lint format fuzz mutate mutate-survivors bench install install-test chromium pdf-libraries translations messages screenshots icons clean

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
BENCH_ARGS ?=
BENCH_PG_SERVER ?= postgresql+psycopg://postgres@127.0.0.1:5432
WRK := /usr/bin/wrk
CHROMIUM := /usr/bin/chromium
# pip prints one harmless "Location 'file:///…' is ignored" warning per local index it skips.
PIP_FILTER := sed "/WARNING: Location 'file:/d"

help:
	@sed -n '1,17s/^# \{0,1\}//p' Makefile

# --- set-up ---------------------------------------------------------------------------

$(BIN)/python:
	@echo "== Creating $(VENV) with $(PYTHON) =="
	$(PYTHON) -m venv $(VENV)

# Editable install: the app finds templates/ and migrations/ beside the tracker package.
# The stamps make re-runs instant until pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "== Installing Pledge Tracker into $(VENV) =="
	$(BIN)/python -m pip install --quiet -e . 2>&1 | $(PIP_FILTER)
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	@echo "== Installing Pledge Tracker with test extras into $(VENV) =="
	$(BIN)/python -m pip install --quiet -e '.[test]' 2>&1 | $(PIP_FILTER)
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed pdf-libraries translations
install-test: $(VENV)/.installed-test pdf-libraries translations

# The interface's languages: each catalogue (translations/<code>/LC_MESSAGES/messages.po)
# compiled for the app (README "Adding a language"). make messages extracts the texts to
# translate from the code and templates and adds the new ones to every catalogue.
PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
translations: $(MO_FILES)
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	@$(BIN)/pybabel compile --statistics -i $< -o $@ -l $* 2>&1 | sed "s|^|   |"
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k _n:1,2 -k N_ -k lazy_gettext --add-comments=Translators: --no-location --sort-output --project "Pledge Tracker" -o translations/messages.pot .
	PYTHONPATH=. $(BIN)/python translations/api_document.py translations/messages.pot
	$(BIN)/pybabel update -i translations/messages.pot -d translations --ignore-obsolete

# WeasyPrint (the PDF reports) needs Pango and HarfBuzz's subsetting library from Debian;
# without the latter it warns on import, which the test suite counts as an error.
PDF_LIBRARIES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
pdf-libraries:
	@if ldconfig -p | grep -q 'libharfbuzz-subset.so.0' && ldconfig -p | grep -q 'libpangoft2-1.0.so.0'; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null; then sudo="sudo"; \
	else echo "WeasyPrint's libraries are missing and cannot be installed: not root and no sudo."; \
	     echo "Install them with: apt-get install -y $(PDF_LIBRARIES)"; exit 1; fi; \
	echo "== Installing WeasyPrint's libraries with apt-get: $(PDF_LIBRARIES) =="; \
	if ! { $$sudo apt-get update -qq && \
	       $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_LIBRARIES) >/dev/null; }; then \
	    echo "Could not install $(PDF_LIBRARIES) with apt-get: the PDF reports need them."; exit 1; \
	fi

# The browser tests drive Debian's Chromium (playwright cannot download its own here).
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null; then sudo="sudo"; \
	else echo "Chromium is missing ($(CHROMIUM)) and cannot be installed: not root and no sudo."; \
	     echo "Install it with: apt-get install -y chromium"; exit 1; fi; \
	echo "== Installing Debian's chromium with apt-get =="; \
	if $$sudo apt-get update -qq && \
	   $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then \
	    $(CHROMIUM) --version; \
	else \
	    echo "Could not install chromium with apt-get: the browser tests need $(CHROMIUM)."; exit 1; \
	fi

# Every page type at 1280 and 390 px, as each kind of person meets it, into docs/screenshots/
# (open its index.html): the whole product at a glance, for a reviewer.
screenshots: install-test chromium
	$(BIN)/python docs/screenshots.py

# The Bootstrap Icons the templates use, copied into tracker/static/icons/icons.svg (docs/icons.py)
icons: install
	$(BIN)/python docs/icons.py

# --- the two commands -----------------------------------------------------------------

# The outbox's worker runs beside the server, writing each e-mail to this terminal (no
# MAIL_SERVER: the console backend; set MAIL_SERVER to send them). Ctrl+C stops both.
run: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@echo "== Pledge Tracker on http://127.0.0.1:$(PORT) (Ctrl+C to stop); e-mails are delivered every 5 s =="
	@export PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}"; \
	$(FLASK) notifications deliver --loop --interval 5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Is PostgreSQL there? Prints the URL without its password; if it cannot connect, prints
# why on a second line and exits 1.
define PG_CHECK
import sys
import psycopg
import sqlalchemy as sa
print(sa.make_url(sys.argv[1]).render_as_string(hide_password=True))
url = sa.make_url(sys.argv[1]).set(drivername="postgresql")  # libpq's spelling
try:
    psycopg.connect(url.render_as_string(hide_password=False), connect_timeout=3).close()
except psycopg.Error as exc:
    print(" ".join(str(exc).split()))
    sys.exit(1)
endef
export PG_CHECK

# The rules of the house (pyproject.toml): ruff's lint rules and format, mypy, and the
# import-linter contracts that keep one area to one folder. Each reports every problem.
lint: install-test
	@status=0; \
	echo "== ruff check =="; $(BIN)/ruff check . || status=1; \
	echo "== ruff format --check =="; $(BIN)/ruff format --check . || status=1; \
	echo "== mypy =="; $(BIN)/mypy || status=1; \
	echo "== import contracts =="; $(BIN)/lint-imports --no-cache || status=1; \
	[ $$status = 0 ] || { echo "make lint: FAILED (see above; make format fixes what ruff can)"; exit 1; }

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install-test chromium
	@lint=0; $(MAKE) --no-print-directory lint || lint=$$?; \
	echo; echo "== Test suite on SQLite =="; \
	sqlite=0; env -u TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS) || sqlite=$$?; \
	if check=$$($(BIN)/python -c "$$PG_CHECK" '$(TEST_DATABASE_URL)'); then where=$$check; \
	    echo; echo "== Test suite on PostgreSQL ($$where) =="; \
	    pg=0; TEST_DATABASE_URL='$(TEST_DATABASE_URL)' $(BIN)/pytest $(PYTEST_ARGS) || pg=$$?; \
	    echo; echo "== Lint: $$([ $$lint = 0 ] && echo passed || echo FAILED);" \
	         "SQLite: $$([ $$sqlite = 0 ] && echo passed || echo "FAILED (pytest exit $$sqlite)");" \
	         "PostgreSQL: $$([ $$pg = 0 ] && echo passed || echo "FAILED (pytest exit $$pg)") =="; \
	    [ $$lint = 0 ] && [ $$sqlite = 0 ] && [ $$pg = 0 ]; \
	else \
	    where=$$(head -n 1 <<<"$$check"); why=$$(tail -n +2 <<<"$$check"); \
	    if [ "$${CI:-}" = true ]; then \
	        echo "PostgreSQL is not reachable at $$where; CI=true requires it: failing."; \
	        echo "  ($$why)"; exit 1; \
	    fi; \
	    echo "PostgreSQL is not reachable at $$where; ran SQLite only."; echo "  ($$why)"; \
	    echo "== Lint: $$([ $$lint = 0 ] && echo passed || echo FAILED); SQLite: $$([ $$sqlite = 0 ] && echo passed || echo FAILED) =="; \
	    [ $$lint = 0 ] && [ $$sqlite = 0 ]; \
	fi

# The fuzz tests at length: Hypothesis profile "long" (tests/fuzzing.py), 120 examples for each
# of the ~100 fuzz tests and 480 for each API operation in process, then `schemathesis run` with
# every check against a served tracker, 1,000 examples for each operation and its stateful phase
# (tests/test_api_schemathesis.py), random rather than derandomised, on SQLite and then on
# PostgreSQL when it is reachable. `make test` runs the same tests briefly (profile "ci").
# Hypothesis' failures are kept in .hypothesis/ and replayed first next time.
# Counts and timings: make fuzz PYTEST_ARGS=--hypothesis-show-statistics
FUZZ_TESTS := tests/test_fuzz.py tests/test_api_schemathesis.py

fuzz: install-test
	@echo "== Fuzz tests at length (HYPOTHESIS_PROFILE=long) on SQLite =="
	@sqlite=0; env -u TEST_DATABASE_URL HYPOTHESIS_PROFILE=long $(BIN)/pytest $(FUZZ_TESTS) $(PYTEST_ARGS) || sqlite=$$?; \
	if check=$$($(BIN)/python -c "$$PG_CHECK" '$(TEST_DATABASE_URL)'); then \
	    echo; echo "== Fuzz tests at length on PostgreSQL ($$check) =="; \
	    pg=0; HYPOTHESIS_PROFILE=long TEST_DATABASE_URL='$(TEST_DATABASE_URL)' $(BIN)/pytest $(FUZZ_TESTS) $(PYTEST_ARGS) || pg=$$?; \
	    [ $$sqlite = 0 ] && [ $$pg = 0 ]; \
	else \
	    echo "PostgreSQL is not reachable at $$(head -n 1 <<<"$$check"); fuzzed SQLite only."; [ $$sqlite = 0 ]; \
	fi

# Mutation testing (docs/testing.md; [tool.mutmut] in pyproject.toml says what is mutated and
# which tests run): mutmut changes permissions, the workflows, the operations and the
# visibility rules one small change at a time and runs the tests that reach each change; a
# change that no test notices survives. Long (hours on two cores), so not part of make test
# or CI. On SQLite. It starts from the results kept in docs/mutation-results/ (a fresh clone
# checks only the functions changed since) and keeps its own there when it stops, finished or
# not (commit them: they are the recorded score). make mutate-survivors checks the survivors
# again (after adding tests: a new test does not change a verdict already kept).
# `.venv/bin/mutmut browse` looks at survivors, `.venv/bin/mutmut show <name>` prints one.
MUTATE_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
MUTATION_SCORE := $(BIN)/python tests/mutation_score.py

mutate: install-test
	@echo "== Mutation testing with mutmut ($(MUTATE_JOBS) at a time; results in mutants/) =="
	@$(MUTATION_SCORE) --restore
	@status=0; env -u TEST_DATABASE_URL $(BIN)/mutmut run --max-children $(MUTATE_JOBS) || status=$$?; \
	echo; echo "== Mutation score (tests/mutation_score.py) =="; \
	$(MUTATION_SCORE) --record; exit $$status

mutate-survivors: install-test
	@$(MUTATION_SCORE) --restore
	@names=$$($(MUTATION_SCORE) --survivors); \
	if [ -z "$$names" ]; then echo "No survivors to check again."; exit 0; fi; \
	echo "== Checking $$(wc -w <<<"$$names") survivors again =="; \
	status=0; env -u TEST_DATABASE_URL $(BIN)/mutmut run --max-children $(MUTATE_JOBS) $$names || status=$$?; \
	echo; $(MUTATION_SCORE) --record; exit $$status

# The benchmark (bench/run.py, bench/RESULTS.md): hello-world, Fortunes and the tracker under one
# gunicorn configuration, driven by wrk; generates its data on first use (bench/generate.py, into
# the databases tracker_bench and tracker_bench10; again when bench/generate.py or a migration
# changes). Three phases by default, at scale 1 and scale 10 side by side: the cached phase
# (render cache on), the uncached phase (render cache off, and one search at a time at scale 10)
# and the mixed phase (public reads while staff record an action twice a second, with the kept
# renders' hit ratio from /metrics); the report ends with every target of issue 22, met or not,
# and a full run writes it into bench/RESULTS.md. Roughly half an hour on a quiet machine (the
# uncached pages at scale 10 take much of it), plus 6-8 minutes making the data the first time.
# Options: make bench BENCH_ARGS="--quick" (short, never writes bench/RESULTS.md), --only cached,
# --skip mixed, --rounds 7 --duration 10, --sqlite, --also-scale 0, --check …; bench/run.py --help.
bench: install
	@if [ ! -x $(WRK) ]; then \
	    if [ "$$(id -u)" = 0 ]; then sudo=""; \
	    elif command -v sudo >/dev/null; then sudo="sudo"; \
	    else echo "wrk is missing ($(WRK)) and cannot be installed: not root and no sudo."; \
	         echo "Install it with: apt-get install -y wrk"; exit 1; fi; \
	    echo "== Installing Debian's wrk with apt-get =="; \
	    if ! { $$sudo apt-get update -qq && \
	           $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }; then \
	        echo "Could not install wrk with apt-get: make bench needs $(WRK)."; exit 1; \
	    fi; \
	fi
	@if ! check=$$($(BIN)/python -c "$$PG_CHECK" '$(BENCH_PG_SERVER)/postgres'); then \
	    echo "make bench needs PostgreSQL; it is not reachable at $$(head -n 1 <<<"$$check")."; \
	    echo "  ($$(tail -n +2 <<<"$$check"))"; exit 1; \
	fi
	$(BIN)/python bench/run.py --also-scale 10 --pg-server '$(BENCH_PG_SERVER)' $(BENCH_ARGS)

# --- developer helpers ----------------------------------------------------------------

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache test-results mutants
