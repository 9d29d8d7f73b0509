# Reelgraph: `make run` sets everything up and makes a video; `make test` sets up and runs all tests.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8188

.PHONY: setup run render serve test test-fast bench lint clean

setup: $(VENV)/.installed web/node_modules/.installed system-packages

$(VENV)/.installed: requirements.txt requirements-nodeps.txt requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c requirements.lock
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt -c requirements.lock
	touch $@

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages: ffmpeg (ffprobe checks, encoder benchmark baseline), chromium (editor tests).
system-packages:
	@bash .ci/system-packages.sh

render: setup
	$(PY) main.py run workflows/tokyo_walk.json

serve: setup
	$(PY) main.py serve --port $(PORT)

run: render serve

test: setup
	$(PY) -m pytest -q

test-fast: setup
	$(PY) -m pytest -q -m "not browser and not slow"

bench: setup
	for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# What CI checks besides the tests: lint, formatting and types (pyproject.toml configures each).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) web/node_modules output tests/_out
