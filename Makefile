# orbm-explore: two commands get you going.
#   make lab    JupyterLab on notebooks/ (LAB_ARGS="--no-browser --port 8899" for headless)
#   make test   install everything into .venv and run every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
LAB_ARGS ?=
PRESENT_PORT ?= 8866
ROOT_FLAG := $(shell [ "$$(id -u)" = "0" ] && echo --allow-root)

.PHONY: lab test present bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.notebook-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[notebook]"
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[notebook,dev]"
	touch $@ $(VENV)/.notebook-installed

lab: $(VENV)/.notebook-installed
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --notebook-dir=notebooks $(LAB_ARGS)

test: $(VENV)/.dev-installed
	$(PY) -m pytest tests
	$(PY) -m pytest --nbval-lax --nbval-current-env -p no:randomly notebooks

present: $(VENV)/.notebook-installed
	$(VENV)/bin/voila --no-browser --port=$(PRESENT_PORT) --Voila.ip=127.0.0.1 notebooks/04_explaining_away.ipynb

bench: $(VENV)/.dev-installed
	cd benchmarks && ../$(PY) bench_corrections.py
	cd benchmarks && ../$(PY) bench_sampler.py
	cd benchmarks && ../$(PY) bench_widgets.py
	cd benchmarks && ../$(PY) bench_training.py
	cd benchmarks && ../$(PY) bench_separation.py
	cd benchmarks && ../$(PY) bench_bias.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
