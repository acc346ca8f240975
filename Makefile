# newscrawl: every set-up step lives here so that a fresh clone needs only `make demo`
# and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: help venv demo test faults lint eval bench bench-archive bench-scale bench-themes ferretdb lock clean chromium redis redis-server report-screenshot

help:
	@echo "make demo   - set up, start a local database, Redis and the offline mirror, crawl it"
	@echo "              with two distributed workers, print a summary"
	@echo "make test   - set up and run the whole test suite (with the short fault matrix)"
	@echo "make faults - the full fault matrix (kills, database and server faults); prints its table"
	@echo "make lint   - ruff"
	@echo "make eval   - extraction benchmark: newscrawl vs plain trafilatura"
	@echo "make bench  - throughput/memory benchmark (PAGES=2000), then local vs distributed"
	@echo "              (1 and 2 worker processes) at DIST_PAGES=5000, then bench-archive"
	@echo "make bench-archive - incremental run against ARCHIVE=100000 stored articles vs an empty DB"
	@echo "make bench-scale - the benchmark at 1k, 5k and 10k pages (memory growth)"
	@echo "make bench-themes - extraction CPU per page of each mirror theme (no crawl)"
	@echo "make ferretdb - build the local FerretDB server (done on demand otherwise)"
	@echo "make redis  - install Debian's redis-server when none is on PATH (needs root)"
	@echo "make chromium - install the headless browser the report test uses (Debian package)"
	@echo "make report-screenshot - regenerate docs/report-screenshot.png from the report test"

# The crawler with its dev extra (test tools), and the test bench (devtools/: mirrors,
# benchmark, evaluation), which is a package of its own so that the crawler ships without it.
$(STAMP): pyproject.toml devtools/pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]' -e ./devtools
	@touch $@

venv: $(STAMP)

demo: $(STAMP) redis
	$(VENV)/bin/newscrawl demo --distributed 2

test: $(STAMP) chromium redis
	$(PY) -m pytest -q -m "not faults"
	NEWSCRAWL_FAULTS=short $(PY) -m pytest -q -m faults

# The whole fault matrix; its table also goes to fault-matrix.md (the README's copy).
faults: $(STAMP) redis
	NEWSCRAWL_FAULTS=full NEWSCRAWL_FAULT_TABLE=fault-matrix.md $(PY) -m pytest -q -m faults

# Debian packages that tests run for real, installed with apt-get (through sudo unless
# root) when missing: headless Chromium for the report test (tests/test_report_browser.py),
# redis-server for distributed crawls and doctor's Redis check (tests/test_doctor.py).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL = $(SUDO) apt-get update -qq && \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(APT_INSTALL) chromium; }

# Redis for distributed crawls, the tests and the demo, resolved like the database:
# NEWSCRAWL_REDIS_URL if set; else redis-server on PATH (started on a free loopback port);
# else Debian's redis-server package (as root, or through sudo); else a clear error.
redis:
	@[ -n "$$NEWSCRAWL_REDIS_URL" ] || command -v redis-server >/dev/null 2>&1 || \
	  { $(APT_INSTALL) redis-server; } || { \
	  echo "Redis is needed: set NEWSCRAWL_REDIS_URL, put redis-server on PATH, or install" \
	       "Debian's redis-server package as root (make redis)" >&2; exit 1; }

redis-server: redis

# The screenshot in the README is the one the report test takes.
report-screenshot: $(STAMP) chromium
	NEWSCRAWL_REPORT_SCREENSHOT=docs/report-screenshot.png $(PY) -m pytest -q tests/test_report_browser.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

eval: $(STAMP)
	$(VENV)/bin/newscrawl eval

PAGES ?= 2000
DIST_PAGES ?= 5000
ARCHIVE ?= 100000
bench: $(STAMP) redis
	$(VENV)/bin/newscrawl bench --pages $(PAGES)
	$(VENV)/bin/newscrawl bench --pages $(DIST_PAGES) --modes local redis redis:2 \
	  --output bench-results/distributed.json
	$(MAKE) bench-archive

# An incremental run against ARCHIVE stored articles (seeded, about 10 minutes) finding 100 new.
bench-archive: $(STAMP)
	$(VENV)/bin/newscrawl bench --archive $(ARCHIVE) --new 100 --output bench-results/archive.json

bench-scale: $(STAMP) redis
	$(VENV)/bin/newscrawl bench --pages 1000 5000 10000 --output bench-results/scale.json

bench-themes: $(STAMP)
	$(VENV)/bin/newscrawl bench --themes

ferretdb: $(STAMP)
	$(VENV)/bin/newscrawl db build

lock: $(STAMP)
	( echo '# Pinned versions of every dependency (pip constraints). Regenerate with `make lock`.'; \
	  $(PY) -m pip freeze --exclude-editable ) > requirements.lock

clean:
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache
