# One target per task; developers, the README and CI all use these.
VENV ?= .venv
PY := $(VENV)/bin/python
LAOSHIFU := $(VENV)/bin/laoshifu
EXAMPLE := examples/go-silicon-steel
export LAOSHIFU_HOME ?= $(CURDIR)/.laoshifu-home

.PHONY: install run test bench check clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -U pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(LAOSHIFU) import $(EXAMPLE)
	$(LAOSHIFU) status

test: install
	$(PY) -m pytest -q -n 2 --dist loadfile

bench: install
	$(PY) benchmarks/import_throughput.py

clean:
	rm -rf .laoshifu-home test-artifacts .pytest_cache

# Refit the shipped confidence model on the example question set's dev split.
calibrate: install
	rm -rf $(LAOSHIFU_HOME)/calibration.json
	$(LAOSHIFU) import $(EXAMPLE)
	$(LAOSHIFU) eval --calibrate
	cp $(LAOSHIFU_HOME)/calibration.json laoshifu/answer/calibration.json
