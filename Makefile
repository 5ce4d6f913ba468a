# Two commands on a fresh machine with Python 3.11+ and make: `make run` and `make test`.
PYTHON ?= python3
# `PORT=8080 make run` and `PORT=8099 make prod`; unset, run serves on 8000 and prod on 8080.
PORT_GIVEN := $(filter environment% command%,$(origin PORT))
RUN_PORT := $(if $(PORT_GIVEN),$(PORT),8000)
PROD_PORT := $(if $(PORT_GIVEN),$(PORT),8080)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed

.PHONY: run prod nginx test setup install lint mutate bench db-stop clean messages css

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(STAMP)

setup: install
	DEBUG=true $(BIN)/python manage.py compile_translations --verbosity 0
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_demo

run: setup
	@echo
	@echo "Clinic is starting at http://127.0.0.1:$(RUN_PORT)/  (staff: http://127.0.0.1:$(RUN_PORT)/admin/)"
	@echo
	PORT=$(RUN_PORT) DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(RUN_PORT)

# The production stack on loopback: nginx (buffering proxy) in front of gunicorn, DEBUG off, as
# deploy/ configures it. deploy/serve.py migrates, collects static files and runs both until Ctrl-C.
prod: install nginx
	PORT=$(PROD_PORT) $(BIN)/python deploy/serve.py --port $(PROD_PORT)

# Debian's nginx, installed when missing (as root; otherwise it says what to run).
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== installing Debian's nginx"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	  else \
	    echo "nginx is needed for make prod: sudo apt-get install nginx-light"; exit 1; \
	  fi; }

# PYTEST_ARGS narrows a run, e.g. PYTEST_ARGS='-m "not browser"' or PYTEST_ARGS=tests/bookings.
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Refresh locale/fr/LC_MESSAGES/django.po from the marked strings (needs GNU gettext: xgettext).
# tests/clinic/test_translations.py fails while any French translation is missing.
messages: install
	DEBUG=true $(BIN)/python manage.py update_translations

# Rebuild static/css/clinic.css, the public pages' one stylesheet, after changing a sheet it is made
# of or a template's classes: Bootstrap and the site's sheets less every rule no template uses,
# minified (PurgeCSS and clean-css from npm, installed into var/tools/css; needs node and npm).
# The output is committed, so nothing else needs node; tests/clinic/test_stylesheet.py fails
# while it is stale.
css: install
	$(BIN)/python deploy/build_css.py

# ruff, then the import contracts DESIGN.md sets (pyproject.toml, [tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Mutation testing of the booking rules; not part of CI (about 22 minutes on 2 cores). mutmut copies
# the project into mutants/, makes one small change at a time to bookings/availability and
# bookings/services and runs the rule tests that reach it ([tool.mutmut] in pyproject.toml); a
# change no test notices survives. Prints the score and each survivor, and fails under MUTATE_MIN
# percent. A full run starts clean (mutmut keeps old verdicts of unchanged code even when the
# tests change) with a fresh test database, which the mutants then share (--reuse-db).
# `make mutate MUTANTS='bookings.services.booking.x_book_first_free*'` re-checks only those.
# Without DATABASE_URL, mutants/var links to ./var: the copy uses the same embedded PostgreSQL.
MUTATE_MIN ?= 85
mutate: export TEST_DATABASE_NAME ?= test_mutmut_clinic
mutate: install
	@if [ -z "$(MUTANTS)" ]; then \
	  rm -rf mutants && $(BIN)/python -m pytest --create-db --reuse-db -q -p no:cacheprovider \
	    tests/bookings/test_rules_attendance.py; fi
	@mkdir -p var mutants && ln -sfn ../var mutants/var
	$(BIN)/mutmut run --max-children 1 $(MUTANTS)
	@$(BIN)/mutmut export-cicd-stats >/dev/null
	@echo "== mutants not killed (\`$(BIN)/mutmut show NAME\` prints one's whole diff)"
	@$(BIN)/mutmut results | grep -v -e ': timeout$$' -e ': not checked$$' | while read -r name status; do \
	  echo "$$name $$status"; $(BIN)/mutmut show "$${name%:}" | grep '^[-+] ' | sed 's/^/      /'; \
	done
	@$(BIN)/python -c 'import json, sys; s = json.load(open("mutants/mutmut-cicd-stats.json")); \
	  caught = s["killed"] + s["timeout"]; score = 100 * caught / s["total"]; \
	  print("== mutation score: %d / %d killed (%.1f %%; %d of them by a timeout), %d not" \
	        % (caught, s["total"], score, s["timeout"], s["total"] - caught)); \
	  sys.exit(score < $(MUTATE_MIN))'

# The resilience scripts, http_load and lighthouse drive the `make prod` stack (hence nginx), the
# resilience ones a throwaway redis-server too; lighthouse installs npm's Lighthouse into var/tools.
bench: setup nginx
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	@command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	@command -v redis-server >/dev/null || { echo "redis-server is needed: apt-get install redis-server"; exit 1; }
	@failed=""; for script in bench/bench_*.py bench/profile_booking.py bench/resilience_*.py bench/http_load.py bench/lighthouse.py; do \
	  echo "== $$script"; DEBUG=true $(BIN)/python $$script || failed="$$failed $$script"; \
	done; test -z "$$failed" || { echo "== not as wanted:$$failed"; exit 1; }

# The embedded PostgreSQL keeps running between commands so several processes can share it.
db-stop:
	@test -x $(BIN)/python && $(BIN)/python -c 'from pathlib import Path; from clinic.embedded_db import stop; print("embedded PostgreSQL stopped" if stop(Path("var")) else "embedded PostgreSQL was not running")' || true

clean: db-stop
	rm -rf $(VENV) staticfiles
