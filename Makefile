# One target per task; developers, the README and CI all use these.
VENV ?= .venv
PY := $(VENV)/bin/python
LAOSHIFU := $(VENV)/bin/laoshifu
EXAMPLE := examples/go-silicon-steel
export LAOSHIFU_HOME ?= $(CURDIR)/.laoshifu-home
# Where `make run` serves: `make run PORT=8001` when 8000 is taken.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-deps run ask test check bench bench-more calibrate clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -U pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(LAOSHIFU) import --if-empty $(EXAMPLE)
	$(LAOSHIFU) status
	$(LAOSHIFU) serve --host $(HOST) --port $(PORT)

# The terminal way to ask: an interactive prompt on the example knowledge base.
ask: install
	$(LAOSHIFU) import --if-empty $(EXAMPLE)
	$(LAOSHIFU) ask

# Debian packages the full suite uses: a PostgreSQL server for the store tests on both
# back ends, Chromium and a CJK font for the browser tests and report screenshots.
# Installed when missing and we are root (CI, a fresh machine); otherwise those tests skip.
SYSTEM_PACKAGES := postgresql-15 chromium fonts-wqy-microhei
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else echo "note: missing$$missing (PostgreSQL/browser tests will be skipped)"; fi

test: install system-deps
	$(PY) -m pytest -q -n 2 --dist loadfile

check: install
	$(VENV)/bin/ruff check --select F,E9 laoshifu benchmarks tests

# One table of the speed figures (ours, baseline, target, command) → benchmarks/results.json
# and the README's performance table; bench-more runs the retrieval-quality and ask benchmarks.
bench: install
	$(PY) benchmarks/bench.py
	$(PY) scripts/readme-performance

bench-more: install
	$(PY) benchmarks/cmrc.py
	$(PY) benchmarks/cmrc.py --dataset drcd
	$(PY) benchmarks/ask_speed.py

clean:
	rm -rf .laoshifu-home test-artifacts .pytest_cache

# Refit the shipped confidence models (lexical and hybrid search) on the graded dev split
# of the example's question sets (eval/go-silicon-steel); the held-out split stays unseen.
calibrate: install
	rm -f $(LAOSHIFU_HOME)/calibration.json $(LAOSHIFU_HOME)/calibration-hybrid.json
	$(LAOSHIFU) import $(EXAMPLE)
	LAOSHIFU_SEMANTIC=off $(LAOSHIFU) eval --calibrate --split dev
	LAOSHIFU_SEMANTIC=on $(LAOSHIFU) eval --calibrate --split dev
	cp $(LAOSHIFU_HOME)/calibration.json $(LAOSHIFU_HOME)/calibration-hybrid.json laoshifu/answer/
