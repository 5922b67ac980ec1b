# The two commands a user needs:  `make run`  (the main job)  and  `make test`  (the whole suite).
# Both create .venv with Python 3.12 and install the project on first use; python3.12 is the
# only thing assumed on the machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# python3.12 on PATH, or a pyenv-installed 3.12 when the PATH shim points elsewhere.
PYTHON312 := $(shell for c in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1; then echo $$c; break; fi; done)

.PHONY: run test test-fast studies lint demo bench clean

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON312)" ]; then echo "error: python3.12 was not found on PATH (nor under ~/.pyenv); install Python 3.12 and retry." >&2; exit 2; fi
	$(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,cluster,demo]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) run.py

test: $(STAMP)
	bash scripts/ensure_chromium.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n 2 --dist loadgroup

# The statistical studies the docs quote (claims, crowding-out, long runs, a settled start,
# the lessons' stored answers):
# results stored with the model's fingerprint in experiments/studies/results/, doc blocks
# rewritten. `make studies ONLY=crowding` runs one; `make test` fails on a stale one.
studies: $(STAMP)
	$(PY) run.py studies $(ONLY) --workers $(or $(WORKERS),2)

test-fast: $(STAMP)
	$(VENV)/bin/pytest -n 2 -m "not slow and not browser"

lint: $(STAMP)
	$(VENV)/bin/ruff check .

demo: $(STAMP)
	$(PY) run.py demo

bench: $(STAMP)
	$(PY) benchmarks/bench.py

clean:
	rm -rf $(VENV) results .pytest_cache
